// The test tiers, one vitest project each; a test file's tier is in its name:
//   *.test.ts            fast      in-process, needs build/ and gen/ but not dist/
//   *.workers.test.ts    workers   the scoring pool over the compiled worker (dist/)
//   *.e2e.test.ts        e2e       starts the built gateway or CLI (dist/)
//   *.fuzz.test.ts       fuzz      100,000 malformed inputs, in-process and over the wire
//   *.overload.test.ts   overload  five times capacity, SIGTERM under load
// `vitest run` (npm test) runs them all, fast first; `--project <tier>` one.
// Test support lives in tests/support/, what bench/ shares with the tests in lib/.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

const ROOTS = ['tests', 'engine', 'cli', 'gateway'];
const named = (suffix: string) => ROOTS.map((root) => `${root}/**/*${suffix}`);

/** The tiers that run the compiled code, in this order after the fast one. */
const BUILT_TIERS = ['workers', 'e2e', 'fuzz', 'overload'] as const;

/** Every tier stops before its first test when build/ or gen/ is missing; the built ones when dist/ is. */
const ENGINE_BUILT = 'tests/support/setup/engine-built.ts';
const DIST_BUILT = 'tests/support/setup/dist-built.ts';

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', 'dist/**'],
    // A process per test file for the tiers that start servers, pools and processes.
    pool: 'forks',
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'fast',
          include: named('.test.ts'),
          exclude: ['**/node_modules/**', 'dist/**', ...BUILT_TIERS.map((tier) => `**/*.${tier}.test.ts`)],
          globalSetup: [ENGINE_BUILT],
          // A thread per test file (each with its own WASM instance): quicker to start than a process.
          pool: 'threads',
          // In-process tests only: both cores even on a 2-core machine (vitest's default is cores − 1).
          maxWorkers: Math.max(2, availableParallelism() - 1),
          sequence: { groupOrder: 0 },
        },
      },
      // Servers timed against their own capacity: vitest's default workers (cores − 1), one tier at a time.
      ...BUILT_TIERS.map((name, i) => ({
        extends: true as const,
        test: { name, include: named(`.${name}.test.ts`), globalSetup: [ENGINE_BUILT, DIST_BUILT], sequence: { groupOrder: i + 1 } },
      })),
    ],
  },
});
