// Rule sets inside a worker: compiled once per worker per digest, from the
// sources of the catalog a task carries (resolved in gateway/tasks/catalog.ts).
import { compileRuleSet, type CompiledRuleSet } from '../../engine/src/index.js';
import type { RuleSetCatalog, RuleSetEntry } from '../tasks/protocol.js';

/** Compiled rule sets kept per worker; a reload that changes every file still fits. */
const CACHE_LIMIT = 256;

const decoder = new TextDecoder('utf-8', { fatal: true });

export class RuleSetCache {
  private readonly compiled = new Map<string, CompiledRuleSet>();
  /** Compilations so far (tests check that each digest is compiled once). */
  compilations = 0;

  /** The compiled rule set of an entry of `catalog`. */
  get(catalog: RuleSetCatalog, entry: RuleSetEntry): CompiledRuleSet {
    const hit = this.compiled.get(entry.digest);
    if (hit) {
      // Most recently used last.
      this.compiled.delete(entry.digest);
      this.compiled.set(entry.digest, hit);
      return hit;
    }
    // A view of shared memory cannot be decoded while another thread might write it; nothing does, but copy the few KiB anyway.
    const source = decoder.decode(new Uint8Array(catalog.sources, entry.start, entry.end - entry.start).slice());
    const { ruleSet, diagnostics } = compileRuleSet(source);
    this.compilations++;
    if (!ruleSet || diagnostics.length > 0) {
      // The registry compiled the same source: this cannot happen unless the catalog is corrupt.
      throw new Error(`rule set ${entry.id}@${entry.version} (digest ${entry.digest}) does not compile in the worker: ${diagnostics[0]?.message ?? 'no rule set'}`);
    }
    if (ruleSet.digest !== entry.digest) throw new Error(`rule set ${entry.id}@${entry.version}: the source's digest ${ruleSet.digest} is not the catalog's ${entry.digest}`);
    this.compiled.set(entry.digest, ruleSet);
    if (this.compiled.size > CACHE_LIMIT) this.compiled.delete(this.compiled.keys().next().value!);
    return ruleSet;
  }
}
