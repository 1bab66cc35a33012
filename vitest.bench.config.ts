import { defineConfig } from "vitest/config";

/**
 * `npm run bench`: speed figures, not tests. The same harness as the tests (one DynamoDB Local,
 * fake platform APIs on 127.0.0.1), one file at a time so the figures don't compete for CPU.
 */
export default defineConfig({
  test: {
    include: ["bench/**/*.bench.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
