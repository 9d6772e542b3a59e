import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    // Setting up a server on a fresh PostgreSQL database takes seconds on a loaded 2-core machine.
    hookTimeout: 60_000,
  },
});
