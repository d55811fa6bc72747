import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts", "test/e2e/**/*.test.ts"],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/setup/global-setup.ts"],
          // Real brokers, databases and `uv sync` are slow on 2 cores, above all on a cold cache.
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
