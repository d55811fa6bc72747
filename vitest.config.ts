import { defineConfig } from 'vitest/config';

// Projects are named for what they run: pure functions, the built CLI spawned in temp dirs, real Kafka and PostgreSQL.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Groups run one after another: quick checks first, the real broker last (and a fresh machine's Jaeger build
          // gets the longest head start before the tracing test needs it).
          sequence: { groupOrder: 0 },
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          // The built CLI as a user runs it, and the tools it drives: uv sync, npm pack, hadolint, actionlint.
          name: 'cli',
          sequence: { groupOrder: 1 },
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 2 },
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
