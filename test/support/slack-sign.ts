import { createHmac } from "node:crypto";

/** Slack's v0 request signature: `v0=` + hex HMAC-SHA256 of `v0:${ts}:${body}`. */
export function slackSignature(secret: string, body: string, ts: number): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${ts}:${body}`).digest("hex")}`;
}

export interface SignOptions {
  /** Unix seconds; default now. */
  ts?: number;
  contentType?: string;
  /** Replaces the computed signature (bad-signature tests). */
  signature?: string;
  retryNum?: number;
  retryReason?: string;
}

/** The headers Slack sends with a signed request. */
export function signedHeaders(secret: string, body: string, opts: SignOptions = {}): Record<string, string> {
  const ts = opts.ts ?? Math.floor(Date.now() / 1000);
  return {
    "content-type": opts.contentType ?? "application/x-www-form-urlencoded",
    "x-slack-request-timestamp": String(ts),
    "x-slack-signature": opts.signature ?? slackSignature(secret, body, ts),
    ...(opts.retryNum !== undefined
      ? {
          "x-slack-retry-num": String(opts.retryNum),
          "x-slack-retry-reason": opts.retryReason ?? "http_timeout",
        }
      : {}),
  };
}

export interface SlackAnswer {
  status: number;
  text: string;
  /** The JSON body, when there is one. */
  json: unknown;
  /** How long the answer took, in ms (client side). */
  ms: number;
  /**
   * A form whose recording outlasted the answer budget is answered "saving…" and updated with the
   * outcome after (views.update): `json` is then that outcome, as the person ends up seeing it,
   * and `saving` the answer itself.
   */
  saving?: unknown;
}

/** POSTs a signed body to the bot's `/slack/events` and measures the answer time. */
export async function postSigned(
  url: string,
  secret: string,
  body: string,
  opts: SignOptions = {},
): Promise<SlackAnswer> {
  const started = performance.now();
  const res = await fetch(url, { method: "POST", headers: signedHeaders(secret, body, opts), body });
  const text = await res.text();
  const ms = Math.round(performance.now() - started);
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json, ms };
}

/** A slash command body (form-encoded fields). */
export function formBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** An interactivity body: `payload=<json>`, form-encoded. */
export function payloadBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
