import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import type { WeekFigures } from "./stats.js";

/**
 * The weekly digest's chart, rendered on the server: a Vega-Lite spec (stacked bars of approvals
 * and denials per week, with the week's requests as a line) compiled by `vega-lite`, drawn to
 * SVG by `vega` (no canvas, no browser), rasterised to PNG by `@resvg/resvg-js` with a bundled
 * font (DejaVu Sans: Lambda has no system fonts). The three libraries load on first use only, so
 * nothing but the digest pays for them. The figures travel inside the PNG too (a `tEXt` chunk),
 * so a test or a curious admin can read exactly what was drawn.
 */

export const CHART_COLORS = { approved: "#2a9d8f", denied: "#e76f51", requests: "#264653" } as const;
export const CHART_SIZE = { width: 640, height: 280 } as const;
/** The `tEXt` keyword under which the chart's figures are embedded. */
export const CHART_DATA_KEY = "gatekeeper:weeks";

/** The Vega-Lite spec of the chart (pure). */
export function weeklyChartSpec(weeks: readonly WeekFigures[], title: string): TopLevelSpec {
  const bars = weeks.flatMap((w) => [
    { week: w.week, label: w.monday.slice(5), series: "approved", count: w.approved },
    { week: w.week, label: w.monday.slice(5), series: "denied", count: w.denied },
  ]);
  const requests = weeks.map((w) => ({ week: w.week, label: w.monday.slice(5), requests: w.requests }));
  const x = {
    field: "label",
    type: "ordinal",
    sort: null,
    title: "week starting",
    axis: { labelAngle: 0 },
  } as const;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, anchor: "start", fontSize: 15 },
    width: CHART_SIZE.width,
    height: CHART_SIZE.height,
    background: "white",
    padding: 12,
    config: { font: "DejaVu Sans", view: { stroke: null }, axis: { grid: true, gridColor: "#e5e5e5" } },
    layer: [
      {
        data: { values: bars },
        mark: { type: "bar", width: { band: 0.7 } },
        encoding: {
          x,
          y: { field: "count", type: "quantitative", stack: "zero", title: "per week" },
          color: {
            field: "series",
            type: "nominal",
            title: null,
            scale: {
              domain: ["approved", "denied", "requests"],
              range: [CHART_COLORS.approved, CHART_COLORS.denied, CHART_COLORS.requests],
            },
            legend: { orient: "top", direction: "horizontal" },
          },
          order: { field: "series", sort: "ascending" },
        },
      },
      {
        data: { values: requests.map((r) => ({ ...r, series: "requests" })) },
        mark: { type: "line", point: { filled: true, size: 50 }, strokeWidth: 2.5 },
        encoding: {
          x,
          y: { field: "requests", type: "quantitative" },
          color: { field: "series", type: "nominal" },
        },
      },
    ],
  };
}

/** The chart as SVG (vega, headless). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

let fontPath: string | undefined;
/**
 * DejaVu Sans: from the `dejavu-fonts-ttf` package locally, or next to the function when
 * deployed (stacks/ copies it to `fonts/` in the package; Lambda's working directory).
 */
export function chartFont(): string {
  if (!fontPath) {
    const deployed = join(process.cwd(), "fonts", "DejaVuSans.ttf");
    fontPath = existsSync(deployed)
      ? deployed
      : createRequire(import.meta.url).resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf");
  }
  return fontPath;
}

/** The chart as PNG bytes, with its figures embedded. */
export async function renderWeeklyChart(weeks: readonly WeekFigures[], title: string): Promise<Uint8Array> {
  const svg = await renderSvg(weeklyChartSpec(weeks, title));
  const { Resvg } = await import("@resvg/resvg-js");
  const png = new Resvg(svg, {
    background: "white",
    fitTo: { mode: "zoom", value: 2 },
    font: { loadSystemFonts: false, fontFiles: [chartFont()], defaultFontFamily: "DejaVu Sans" },
  })
    .render()
    .asPng();
  return withTextChunk(new Uint8Array(png), CHART_DATA_KEY, JSON.stringify(weeks));
}

// PNG chunks: enough to add a tEXt chunk after IHDR and to read them back.

const SIGNATURE = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]);

export function pngChunks(png: Uint8Array): { type: string; data: Uint8Array }[] {
  if (!SIGNATURE.every((b, i) => png[i] === b)) throw new Error("not a PNG");
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: { type: string; data: Uint8Array }[] = [];
  for (let at = 8; at + 12 <= png.length; ) {
    const length = view.getUint32(at);
    const type = new TextDecoder("latin1").decode(png.subarray(at + 4, at + 8));
    chunks.push({ type, data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return chunks;
}

/** The `tEXt` entries of a PNG. */
export function pngText(png: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of pngChunks(png)) {
    if (c.type !== "tEXt") continue;
    const zero = c.data.indexOf(0);
    const decoder = new TextDecoder("latin1");
    out[decoder.decode(c.data.subarray(0, zero))] = decoder.decode(c.data.subarray(zero + 1));
  }
  return out;
}

function withTextChunk(png: Uint8Array, keyword: string, value: string): Uint8Array {
  // tEXt is Latin-1; JSON of ASCII figures and week names is ASCII.
  const data = Buffer.concat([
    Buffer.from(keyword, "latin1"),
    Buffer.from([0]),
    Buffer.from(value, "latin1"),
  ]);
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write("tEXt", 4, "latin1");
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  const ihdrEnd = 8 + 12 + 13; // signature, IHDR (length, type, 13 bytes, crc)
  return Buffer.concat([png.subarray(0, ihdrEnd), chunk, png.subarray(ihdrEnd)]);
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
