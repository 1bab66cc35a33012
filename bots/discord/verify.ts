import { createPublicKey, type KeyObject, verify } from "node:crypto";

/**
 * Discord signs every interaction with the application's Ed25519 key: the signature
 * (`X-Signature-Ed25519`, hex) covers the timestamp (`X-Signature-Timestamp`, Unix seconds)
 * followed by the raw body. Discord sends bad signatures on purpose and drops endpoints that
 * accept them, so anything off (missing header, malformed hex, wrong length, stale or future
 * timestamp, wrong signature) is a rejection.
 */
export const MAX_SKEW_SECONDS = 5 * 60;

const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export function discordPublicKey(hex: string): KeyObject {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error("the Discord public key must be 64 hex characters");
  return createPublicKey({
    format: "der",
    type: "spki",
    key: Buffer.concat([SPKI_ED25519_PREFIX, Buffer.from(hex, "hex")]),
  });
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

export function verifyDiscordRequest(
  key: KeyObject,
  headers: { signature: string | undefined; timestamp: string | undefined },
  rawBody: string | Buffer,
  now: Date,
): VerifyResult {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp) return { ok: false, reason: "missing signature headers" };
  if (!/^[0-9a-fA-F]{128}$/.test(signature)) return { ok: false, reason: "malformed signature" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "malformed timestamp" };
  const skew = Math.abs(now.getTime() / 1000 - Number(timestamp));
  if (skew > MAX_SKEW_SECONDS) return { ok: false, reason: "stale timestamp" };
  const body = typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody;
  try {
    const valid = verify(
      null,
      Buffer.concat([Buffer.from(timestamp, "utf8"), body]),
      key,
      Buffer.from(signature, "hex"),
    );
    return valid ? { ok: true } : { ok: false, reason: "bad signature" };
  } catch {
    return { ok: false, reason: "bad signature" };
  }
}
