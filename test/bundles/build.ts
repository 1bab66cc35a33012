import { basename, join, relative, resolve } from "node:path";
import { build } from "esbuild";
import { NATIVE_PACKAGES } from "../../core/deployment.js";

/**
 * Bundles functions the way `sst deploy` does (SST v4's pkg/runtime/node/build.go): esbuild, one
 * ESM file per handler, everything bundled (the AWS SDK v3 included: SST marks nothing external
 * but `sharp` and `pg-native`), minified with names kept, `module` before `main`, and a banner
 * that gives bundled CommonJS code `require`, `__filename` and `__dirname`. No code splitting
 * (SST's `nodejs.splitting` defaults to false), so a dynamic `import()` is inlined into the same
 * file: what an entry can reach, it carries. SST targets the runtime's ES version; Node 22 is the
 * oldest runtime the contract allows, so this pins that.
 *
 * SST runs one build per function; one esbuild call with several entry points (no code
 * splitting) writes the same files in half the time. Each lands in `<outdir>/<name>/<name>.mjs`,
 * a package folder of its own, as in the function's zip.
 */
export interface Bundle {
  dir: string;
  file: string;
  bytes: number;
  /** Bytes in the output by npm package (`@slack/bolt`) or, for the project's own code, folder (`bots/slack`). */
  sources: Map<string, number>;
}

/** Every deployed Lambda entry (functions/<name>.ts), as stacks/ deploys them. */
export const FUNCTIONS = [
  "slack",
  "discord",
  "slack-worker",
  "discord-worker",
  "slack-sweeper",
  "discord-sweeper",
  "slack-digest",
  "discord-digest",
] as const;
export type FunctionName = (typeof FUNCTIONS)[number];
/** The functions that post digests: the only ones with the chart. */
export const DRAWS_CHARTS: readonly FunctionName[] = ["slack-digest", "discord-digest"];

export async function bundleLikeSst(entries: string[], outdir: string): Promise<Map<string, Bundle>> {
  const result = await build({
    entryPoints: entries,
    outdir,
    entryNames: "[name]/[name]",
    outExtension: { ".js": ".mjs" },
    platform: "node",
    format: "esm",
    target: "node22",
    bundle: true,
    minify: true,
    keepNames: true,
    mainFields: ["module", "main"],
    // SST's own externals, and what stacks/ installs with `nodejs.install` (native packages).
    external: ["sharp", "pg-native", ...NATIVE_PACKAGES],
    sourcemap: false,
    metafile: true,
    logLevel: "silent",
    banner: {
      js: [
        `import { createRequire as topLevelCreateRequire } from 'module';`,
        `const require = topLevelCreateRequire(import.meta.url);`,
        `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
        `const __filename = topLevelFileUrlToPath(import.meta.url)`,
        `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
      ].join("\n"),
    },
  });
  const out = new Map<string, Bundle>();
  for (const [path, output] of Object.entries(result.metafile.outputs)) {
    if (!output.entryPoint) continue;
    const name = basename(output.entryPoint).replace(/\.[cm]?[jt]s$/, "");
    const file = resolve(path);
    const sources = new Map<string, number>();
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const key = sourceOf(input);
      sources.set(key, (sources.get(key) ?? 0) + bytesInOutput);
    }
    out.set(name, { dir: join(outdir, name), file, bytes: output.bytes, sources });
  }
  for (const entry of entries) {
    const name = basename(entry).replace(/\.[cm]?[jt]s$/, "");
    if (!out.has(name)) throw new Error(`${relative(process.cwd(), entry)} was not bundled`);
  }
  return out;
}

/** `node_modules/@slack/bolt/dist/App.js` → `@slack/bolt`; `bots/slack/app.ts` → `bots/slack`. */
function sourceOf(input: string): string {
  const pkg = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)?.at(-1);
  if (pkg) return pkg.replace("node_modules/", "");
  const parts = input.split("/").filter((p) => p !== "..");
  return parts.length > 1 ? parts.slice(0, -1).join("/") : (parts[0] ?? input);
}
