import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The AWS SDK warns once per process that its 2027 releases need Node 22; in tests that is noise
// (every worker prints it). Set here so the global setup and every worker inherit it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/**
 * Two projects. `pure`: policy, card model, words, renderers, parsers: no DynamoDB, no Java, runs in
 * seconds (`npm run test:pure`). `integration`: everything through real boundaries, on one DynamoDB
 * Local for the whole run (test/global-setup.ts; each file gets its own table).
 */
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
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    projects: [
      { extends: true, test: { name: "pure", include: ["test/**/*.pure.test.ts"] } },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          exclude: ["test/**/*.pure.test.ts"],
          globalSetup: ["test/global-setup.ts"],
        },
      },
    ],
  },
});
