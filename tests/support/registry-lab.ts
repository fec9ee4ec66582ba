// Test support for the registry's tests: a rule-set directory under the
// system temp folder per test, registries opened on it that record their logs
// and events, and a small rule-set source to write there. Changes are awaited
// as events (with a bounded wait), never slept on.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { BatchError } from '../../engine/src/errors.js';
import { RuleSetRegistry, type RegistryEvent, type RuleSetRegistryOptions } from '../../engine/src/rules/registry/index.js';

export function ruleSet({ id = 'demo', version = '2026.11.0', score = 50, when = 'night_share > 0.35', extra = '' } = {}): string {
  return `id: ${id}
version: ${version}
thresholds: { yellow: 40, red: 70 }
rules:
  - id: night
    when: ${when}
    score: ${score}
${extra}`;
}

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}

export interface OpenedRegistry {
  readonly registry: RuleSetRegistry;
  readonly logs: LogLine[];
  readonly events: RegistryEvent[];
  /** Call before making the change, await after it: the first event from then on that matches. */
  next(match: (event: RegistryEvent) => boolean, ms?: number): Promise<RegistryEvent>;
}

export interface RulesLab {
  /** A fresh temporary folder per test (real path)… */
  readonly root: string;
  /** …and the rule-set directory in it (`root/rules`). */
  readonly dir: string;
  write(name: string, content: string | Buffer): void;
  /** A registry on `dir` (default id `demo`, not watching unless asked), closed after the test. */
  open(options?: Partial<RuleSetRegistryOptions>): Promise<OpenedRegistry>;
  /** Closes `registry` after the test. */
  track(registry: RuleSetRegistry): void;
}

/** Registers the hooks that make and remove the folder around each test of the calling file. */
export function rulesLab(): RulesLab {
  let root = '';
  let registries: RuleSetRegistry[] = [];
  beforeEach(() => {
    root = realpathSync(mkdtempSync(join(tmpdir(), 'gridcode-registry-')));
    mkdirSync(join(root, 'rules'));
    registries = [];
  });
  afterEach(async () => {
    for (const registry of registries) await registry.close();
    rmSync(root, { recursive: true, force: true });
  });
  const lab: RulesLab = {
    get root() {
      return root;
    },
    get dir() {
      return join(root, 'rules');
    },
    write: (name, content) => writeFileSync(join(lab.dir, name), content),
    track: (registry) => void registries.push(registry),
    async open(options = {}) {
      const logs: LogLine[] = [];
      const events: RegistryEvent[] = [];
      const waiters: { match: (event: RegistryEvent) => boolean; resolve: (event: RegistryEvent) => void }[] = [];
      const registry = await RuleSetRegistry.open({
        dir: lab.dir,
        defaultId: 'demo',
        watch: false,
        logger: {
          info: (message) => logs.push({ level: 'info', message }),
          warn: (message) => logs.push({ level: 'warn', message }),
          error: (message) => logs.push({ level: 'error', message }),
        },
        onEvent: (event) => {
          events.push(event);
          for (const waiter of waiters.splice(0)) {
            if (waiter.match(event)) waiter.resolve(event);
            else waiters.push(waiter);
          }
        },
        ...options,
      });
      registries.push(registry);
      const next = (match: (event: RegistryEvent) => boolean, ms = 5000): Promise<RegistryEvent> =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no matching registry event within ${ms} ms; events: ${JSON.stringify(events.map((e) => [e.type, e.file]))}`)), ms);
          waiters.push({ match, resolve: (event) => (clearTimeout(timer), resolve(event)) });
        });
      return { registry, logs, events, next };
    },
  };
  return lab;
}

export function notFound(run: () => unknown): BatchError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BatchError);
    expect((error as BatchError).code).toBe('not_found');
    return error as BatchError;
  }
  throw new Error('expected not_found');
}
