import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'server/src/**/*.test.ts',
      'cli/src/**/*.test.ts',
      'sdk/src/**/*.test.ts',
      'dashboard/src/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more workers only add contention (RSA key generation is CPU-bound).
    maxWorkers: 2,
  },
});
