import { stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { build } from "esbuild";
import { NATIVE_PACKAGES } from "../../core/deployment.js";

/**
 * Bundles functions the way `sst deploy` does (sst's pkg/runtime/node/build.go, v4): one ESM
 * file per handler, everything bundled (the AWS SDK v3 included: SST marks nothing external but
 * `sharp` and `pg-native`), minified with names kept, `module` before `main`, and a banner that
 * gives bundled CommonJS code `require`, `__filename` and `__dirname`. SST's default target is
 * esnext; Node 22 is the oldest runtime the contract allows, so the test pins that.
 *
 * SST runs one build per function; one esbuild call with several entry points (no code
 * splitting) writes the same files in half the time. Each lands in `<outdir>/<name>/<name>.mjs`,
 * a package folder of its own, as in the function's zip.
 */
export async function bundleLikeSst(
  entries: string[],
  outdir: string,
): Promise<Map<string, { dir: string; file: string; bytes: number }>> {
  await build({
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
  const out = new Map<string, { dir: string; file: string; bytes: number }>();
  for (const entry of entries) {
    const name = basename(entry).replace(/\.ts$/, "");
    const dir = join(outdir, name);
    const file = join(dir, `${name}.mjs`);
    out.set(name, { dir, file, bytes: (await stat(file)).size });
  }
  return out;
}
