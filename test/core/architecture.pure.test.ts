import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/** The layering the README promises, checked on the sources. */
const ROOT = resolve(import.meta.dirname, "../..");

function files(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(ROOT, path)).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
  });
}

function imports(file: string): string[] {
  const source = readFileSync(join(ROOT, file), "utf8");
  return [...source.matchAll(/^(?:import|export)[^"']*from\s+["'](\.[^"']+)["']/gm)].flatMap((m) => {
    const target = relative(ROOT, resolve(join(ROOT, dirname(file)), (m[1] ?? "").replace(/\.js$/, ".ts")));
    return [target];
  });
}

describe("architecture", () => {
  const core = files("core");

  it("imports zod as a namespace, so bundles keep only the schemas used (a named import carries every locale, +350 KB)", () => {
    const named = ["core", "bots", "functions", "cli"]
      .flatMap(files)
      .filter((f) =>
        /^import\s+\{[^}]*\bz\b[^}]*\}\s+from\s+["']zod["']/m.test(readFileSync(join(ROOT, f), "utf8")),
      );
    expect(named).toEqual([]);
  });

  it("core imports nothing from the adapters, the functions or the CLI", () => {
    const outside = core.flatMap((f) =>
      imports(f)
        .filter((t) => !t.startsWith("core/"))
        .map((t) => `${f} → ${t}`),
    );
    expect(outside).toEqual([]);
  });

  it("no file in core imports a file that imports it back (no cycles)", () => {
    const graph = new Map(core.map((f) => [f, imports(f).filter((t) => t.startsWith("core/"))]));
    const cycles: string[] = [];
    const state = new Map<string, "visiting" | "done">();
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === "done") return;
      if (state.get(f) === "visiting") {
        cycles.push([...path.slice(path.indexOf(f)), f].join(" → "));
        return;
      }
      state.set(f, "visiting");
      for (const t of graph.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, "done");
    };
    for (const f of core) visit(f, []);
    expect(cycles).toEqual([]);
  });

  it("the adapters call use cases, never the request records' decisions directly", () => {
    const adapters = [...files("bots"), ...files("functions")];
    const direct = adapters.filter((f) =>
      /Requests\.(decide|submit|withdraw)\(/.test(readFileSync(join(ROOT, f), "utf8")),
    );
    expect(direct).toEqual([]);
  });

  it("only the CLI builds an operator origin", () => {
    const everything = [...files("bots"), ...files("functions"), ...files("core"), ...files("cli")];
    const builders = everything.filter((f) => /\boperatorOrigin\(/.test(readFileSync(join(ROOT, f), "utf8")));
    expect(builders.filter((f) => !f.startsWith("cli/") && f !== "core/usecases/origin.ts")).toEqual([]);
  });

  it("every Discord interaction has its own file and its own test", () => {
    const handlers = files("bots/discord/interactions").filter((f) =>
      /\/(commands|buttons|modals|selects)\//.test(f),
    );
    expect(handlers.length).toBeGreaterThanOrEqual(8);
    const missing = handlers.filter(
      (f) => !existsSync(join(ROOT, f.replace(/^bots/, "test/bots").replace(/\.ts$/, ".test.ts"))),
    );
    expect(missing).toEqual([]);
    expect(existsSync(join(ROOT, "bots/discord/handlers.ts"))).toBe(false);
  });
});
