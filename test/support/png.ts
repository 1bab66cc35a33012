import { inflateSync } from "node:zlib";
import { pngChunks } from "../../core/chart.js";

/** A small PNG decoder for tests (8-bit grayscale, RGB or RGBA, not interlaced): enough to check a chart's pixels. */
export interface Decoded {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel. */
  rgba: Uint8Array;
}

export function decodePng(png: Uint8Array): Decoded {
  const chunks = pngChunks(png);
  const ihdr = chunks.find((c) => c.type === "IHDR")?.data;
  if (!ihdr) throw new Error("no IHDR");
  const view = new DataView(ihdr.buffer, ihdr.byteOffset, ihdr.byteLength);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [depth, colorType, , , interlace] = [ihdr[8], ihdr[9], ihdr[10], ihdr[11], ihdr[12]];
  const channels = colorType === 6 ? 4 : colorType === 2 ? 3 : colorType === 0 ? 1 : 0;
  if (depth !== 8 || channels === 0 || interlace !== 0)
    throw new Error(`unsupported PNG (depth ${depth}, type ${colorType})`);
  const data = inflateSync(Buffer.concat(chunks.filter((c) => c.type === "IDAT").map((c) => c.data)));
  const stride = width * channels;
  const raw = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = data[y * (stride + 1)];
    const line = data.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? (raw[y * stride + x - channels] ?? 0) : 0;
      const b = y > 0 ? (raw[(y - 1) * stride + x] ?? 0) : 0;
      const c = x >= channels && y > 0 ? (raw[(y - 1) * stride + x - channels] ?? 0) : 0;
      const v = line[x] ?? 0;
      let out: number;
      switch (filter) {
        case 0:
          out = v;
          break;
        case 1:
          out = v + a;
          break;
        case 2:
          out = v + b;
          break;
        case 3:
          out = v + Math.floor((a + b) / 2);
          break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a),
            pb = Math.abs(p - b),
            pc = Math.abs(p - c);
          out = v + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default:
          throw new Error(`bad filter ${filter}`);
      }
      raw[y * stride + x] = out & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = raw.subarray(i * channels, i * channels + channels);
    rgba[i * 4] = s[0] ?? 0;
    rgba[i * 4 + 1] = channels >= 3 ? (s[1] ?? 0) : (s[0] ?? 0);
    rgba[i * 4 + 2] = channels >= 3 ? (s[2] ?? 0) : (s[0] ?? 0);
    rgba[i * 4 + 3] = channels === 4 ? (s[3] ?? 255) : 255;
  }
  return { width, height, rgba };
}

/** Pixels within `tolerance` of a `#rrggbb` color. */
export function countColor(img: Decoded, hex: string, tolerance = 6): number {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let i = 0; i < img.rgba.length; i += 4) {
    if (
      Math.abs((img.rgba[i] ?? 0) - (r ?? 0)) <= tolerance &&
      Math.abs((img.rgba[i + 1] ?? 0) - (g ?? 0)) <= tolerance &&
      Math.abs((img.rgba[i + 2] ?? 0) - (b ?? 0)) <= tolerance
    )
      n++;
  }
  return n;
}

/** Variance of the pixels' luminance: 0 for a blank image. */
export function luminanceVariance(img: Decoded): number {
  let sum = 0;
  let sq = 0;
  const n = img.width * img.height;
  for (let i = 0; i < img.rgba.length; i += 4) {
    const l = 0.2126 * (img.rgba[i] ?? 0) + 0.7152 * (img.rgba[i + 1] ?? 0) + 0.0722 * (img.rgba[i + 2] ?? 0);
    sum += l;
    sq += l * l;
  }
  const mean = sum / n;
  return sq / n - mean * mean;
}
