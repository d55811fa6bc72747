import { defineConfig } from 'vitest/config';

// Projects are named for what they run: pure functions, the built CLI spawned in temp dirs, real Kafka and PostgreSQL.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          // The built CLI as a user runs it, and the tools it drives: uv sync, npm pack, hadolint, actionlint.
          name: 'cli',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/setup/global-setup.ts'],
          // Most of their time is spent waiting (outages, backoff, a broker's rebalance): three files share the broker at once.
          maxWorkers: 3,
          // Real brokers, databases and `uv sync` are slow on 2 cores, above all on a cold cache.
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
