import { defineConfig } from "vitest/config";

/**
 * `npm run test:soak`: long runs under load and faults (not part of `npm test`). One DynamoDB
 * Local for the run, one file at a time so the runs don't compete for the two cores. Durations are
 * set by SOAK_MINUTES (the random-failure run, default 10) and SOAK_KILL_MINUTES (the SIGKILL run,
 * default 3).
 */
export default defineConfig({
  test: {
    include: ["test/soak/**/*.soak.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 3_600_000,
    hookTimeout: 300_000,
    pool: "forks",
    fileParallelism: false,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  },
});
