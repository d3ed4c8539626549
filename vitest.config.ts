import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.{ts,tsx}'], globalSetup: ['test/unit/host-tools-setup.ts'] },
      },
      {
        // Real VMs on a small machine: one file at a time, generous limits (VM time is measured by npm run bench).
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          maxConcurrency: 2,
          testTimeout: 15 * 60 * 1000,
          hookTimeout: 5 * 60 * 1000,
          globalSetup: ['test/e2e/setup-assets.ts'],
        },
      },
    ],
  },
});
