import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['electron/**/*.test.ts', 'native-bindings/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts', 'test-support/**/*.test.ts'],
    // Real processes and signals: keep test files in separate forks, and
    // never run two files that spawn backends on the same thread.
    pool: 'forks',
    // Generous: a test waits for conditions, and a loaded machine starts processes slowly.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
