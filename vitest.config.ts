import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The AWS SDK warns once per process that its 2027 releases need Node 22; in tests that is noise
// (every worker prints it). Set here so the global setup and every worker inherit it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export default defineConfig({
  resolve: {
    // The build of @discordjs/rest that the bundles and the local server use (see tsconfig.json).
    alias: [
      {
        find: /^@discordjs\/rest$/,
        replacement: fileURLToPath(new URL("./node_modules/@discordjs/rest/dist/web.js", import.meta.url)),
      },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    // One DynamoDB Local for the whole run; each test file gets its own table (test/support/dynamo.ts).
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
