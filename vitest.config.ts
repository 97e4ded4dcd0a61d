import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Three projects: fast unit/integration tests, the model-based suite (also run alone by
// `npm run test:model`), and end-to-end tests in Debian's Chromium (one at a time).
export default defineConfig({
  plugins: [react()],
  test: {
    // Vitest's default on these 2 cores is one worker (cores - 1): every file, e2e included, ran
    // one after another. Two let the CPU-bound unit and model files run while an e2e file
    // waits on its browser and server.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.{ts,tsx}', 'tests/server/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'model',
          include: ['tests/model/**/*.test.{ts,tsx}'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          // Real PostgreSQL, Redis and several server processes: one file at a time.
          name: 'cluster',
          include: ['tests/cluster/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
