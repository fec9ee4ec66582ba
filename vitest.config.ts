import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts', 'engine/**/*.test.ts', 'cli/**/*.test.ts', 'gateway/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**'],
    // Property tests and real-data runs hold a WASM instance each; keep runs to the 2 cores.
    pool: 'forks',
    testTimeout: 60_000,
  },
});
