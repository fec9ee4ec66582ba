// What the registry reports, and the parts it is given. The registry logs
// through an injected logger and reports every outcome through one callback,
// so that the gateway can count them (prom-client counters, a readiness flag)
// without the registry knowing about metrics.
import type { Diagnostic } from '../diagnostics.js';
import type { BaseCache, ResolveBase } from '../bases.js';
import type { CompiledRuleSet } from '../program.js';

/** console fits, and so do pino and most loggers. */
export interface RegistryLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The compiler's signature (engine/src/rules/compile-rule-set.ts). */
export type CompileRuleSet = (
  source: string,
  options?: { file?: string; resolve?: ResolveBase; baseCache?: BaseCache },
) => { ruleSet?: CompiledRuleSet | undefined; diagnostics: readonly Diagnostic[]; warnings?: readonly Diagnostic[]; missingBase?: string | undefined };

export type RegistryEvent =
  /** A file's rule set is now served; `previous` is the version of that file it replaced. */
  | { readonly type: 'loaded'; readonly file: string; readonly ruleSet: CompiledRuleSet; readonly previous?: CompiledRuleSet | undefined }
  /**
   * A file could not be loaded (unreadable, too large, does not compile, a
   * duplicate id@version); whatever it served before is still served.
   * `diagnostics` are the compiler's, empty when it never got to compile.
   */
  | {
      readonly type: 'failed';
      readonly file: string;
      readonly error: string;
      readonly diagnostics: readonly Diagnostic[];
      /** Failures of this file so far. */
      readonly failures: number;
    }
  /** A file is gone; `kept` when its rule set stays served because it was the default's only version. */
  | { readonly type: 'removed'; readonly file: string; readonly ruleSet: CompiledRuleSet; readonly kept: boolean };

/** One file of the directory, as the registry last saw it (for metrics and a status page). */
export interface FileStatus {
  readonly file: string;
  /** What it serves: the last version that loaded from it, if any. */
  readonly ruleSet?: CompiledRuleSet | undefined;
  /** Whether the file's current content is what is served (false while it fails). */
  readonly current: boolean;
  readonly failures: number;
  readonly lastError?: string | undefined;
  readonly lastErrorAt?: Date | undefined;
}
