import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Slack request signing (v0): `X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:" + ts + ":" + body))`
 * with `X-Slack-Request-Timestamp` within five minutes of now, in either direction. Checked before
 * Bolt sees the request (Bolt checks again, but only rejects timestamps from the past).
 */
export const MAX_SKEW_SECONDS = 5 * 60;

export type Verdict = { ok: true } | { ok: false; why: "missing" | "stale" | "mismatch" };

export function verifySlackSignature(opts: {
  signingSecret: string;
  body: string;
  signature: string | undefined;
  timestamp: string | undefined;
  nowMs?: number;
}): Verdict {
  const { signature, timestamp } = opts;
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, why: "missing" };
  const now = Math.floor((opts.nowMs ?? Date.now()) / 1000);
  if (Math.abs(now - Number(timestamp)) > MAX_SKEW_SECONDS) return { ok: false, why: "stale" };
  const expected = `v0=${createHmac("sha256", opts.signingSecret).update(`v0:${timestamp}:${opts.body}`).digest("hex")}`;
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(signature, "utf8");
  return a.length === b.length && timingSafeEqual(a, b) ? { ok: true } : { ok: false, why: "mismatch" };
}
