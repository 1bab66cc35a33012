import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";

/**
 * A test Ed25519 key pair standing in for Discord's: the public key goes into
 * `DISCORD_PUBLIC_KEY` (64 hex characters, the raw 32 bytes), the private key signs interactions
 * exactly as Discord does (timestamp followed by the raw body).
 */
export interface DiscordTestKeys {
  publicKeyHex: string;
  privateKey: KeyObject;
  sign(timestamp: string, body: string): string;
}

export function discordTestKeys(): DiscordTestKeys {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const der = publicKey.export({ format: "der", type: "spki" });
  // The SPKI DER of an Ed25519 key is a 12-byte header followed by the raw 32-byte key.
  const publicKeyHex = der.subarray(der.length - 32).toString("hex");
  return {
    publicKeyHex,
    privateKey,
    sign: (timestamp, body) => sign(null, Buffer.from(timestamp + body), privateKey).toString("hex"),
  };
}

export interface PostOptions {
  /** Unix seconds to sign with (default: now). */
  timestamp?: number;
  /** Override the signature header; null leaves it out. */
  signature?: string | null;
  /** Override the timestamp header; null leaves it out. */
  timestampHeader?: string | null;
  /** Sign a different body than the one sent (a tampered request). */
  signedBody?: string;
}

/** A component as it appears in answers (buttons, rows, labels, text inputs), loosely. */
export interface ComponentJson {
  type: number;
  custom_id?: string;
  label?: string;
  description?: string;
  style?: number;
  value?: string;
  required?: boolean;
  min_length?: number;
  max_length?: number;
  component?: ComponentJson;
  components?: ComponentJson[];
}

/** An interaction answer's JSON, loosely (the handler's own types are checked at compile time). */
export interface AnswerJson {
  type?: number;
  error?: string;
  data?: {
    content?: string;
    flags?: number;
    custom_id?: string;
    title?: string;
    components?: ComponentJson[];
    choices?: { name: string; value: string }[];
    allowed_mentions?: unknown;
  };
}

export interface InteractionAnswer {
  status: number;
  json: AnswerJson;
  /** How long the endpoint took to answer, in milliseconds. */
  ms: number;
}

/** Posts an interaction to the endpoint, signed like Discord signs it. */
export async function postInteraction(
  endpoint: string,
  keys: DiscordTestKeys,
  payload: unknown,
  opts: PostOptions = {},
): Promise<InteractionAnswer> {
  const body = JSON.stringify(payload);
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const headers: Record<string, string> = { "content-type": "application/json" };
  const signature =
    opts.signature === undefined ? keys.sign(timestamp, opts.signedBody ?? body) : opts.signature;
  if (signature !== null) headers["x-signature-ed25519"] = signature;
  const timestampHeader = opts.timestampHeader === undefined ? timestamp : opts.timestampHeader;
  if (timestampHeader !== null) headers["x-signature-timestamp"] = timestampHeader;
  const started = performance.now();
  const res = await fetch(endpoint, { method: "POST", headers, body });
  const text = await res.text();
  const ms = performance.now() - started;
  let json: AnswerJson = {};
  try {
    json = text ? (JSON.parse(text) as AnswerJson) : {};
  } catch {
    json = { error: text };
  }
  return { status: res.status, json, ms };
}
