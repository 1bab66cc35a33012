import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake Slack Web API on 127.0.0.1: the real `WebClient` (via `SLACK_API_URL`) talks to it.
 * It records every call (method, parsed params, token), answers like Slack for the methods the
 * bot uses, keeps just enough state to answer realistically (messages for `chat.update`, channel
 * members for `already_in_channel`, spent trigger ids for `trigger_exchanged`), and can be told
 * to fail a method N times with an HTTP 500, a 429 with `Retry-After`, a Slack error, or a delay.
 * With `rateLimit`, it enforces Slack's limit on posting messages (realistic: one
 * `chat.postMessage` per second per channel; short bursts are not modelled), answering 429
 * `ratelimited` with a `Retry-After` in whole seconds, as Slack does.
 */

export interface SlackRateLimit {
  /** `chat.postMessage` calls accepted per channel in each window (Slack: about 1). */
  messagesPerChannel: number;
  /** The window, in ms (Slack: 1000). */
  windowMs: number;
}

export interface SlackCall {
  method: string;
  params: Record<string, unknown>;
  token: string | undefined;
  /** When the call arrived (Date.now()). */
  at: number;
  /** HTTP status answered. */
  status: number;
  /** `ok` of the JSON answer (false for Slack errors and HTTP failures). */
  ok: boolean;
  /** Slack `error` code answered, if any. */
  error?: string;
  /** The JSON answered. */
  response?: Record<string, unknown>;
}

export type Failure =
  | { status: 500 }
  | { status: 429; retryAfter: number }
  | { error: string; extra?: Record<string, unknown> }
  | { delayMs: number };

export interface FakeUser {
  id: string;
  name: string;
  real_name?: string;
  tz?: string;
  deleted?: boolean;
  is_bot?: boolean;
  is_restricted?: boolean;
  is_ultra_restricted?: boolean;
  profile: {
    real_name?: string;
    display_name?: string;
    title?: string;
    email?: string;
    is_custom_image?: boolean;
    image_192?: string;
  };
}

export interface StoredMessage {
  channel: string;
  ts: string;
  text: string | undefined;
  blocks: unknown;
  thread_ts?: string;
}

export interface FakeSlack {
  /** Base URL for `SLACK_API_URL` (ends with `/api/`). */
  apiUrl: string;
  /** Where `response_url`s may point (never used by the bot, but never Slack either). */
  hooksUrl: string;
  token: string;
  teamId: string;
  botUserId: string;
  calls: SlackCall[];
  messages: Map<string, StoredMessage>;
  /** Channel id → member user ids. */
  members: Map<string, Set<string>>;
  setUser(user: FakeUser): void;
  /** `users.info` answers `user_not_found` for this id. */
  removeUser(id: string): void;
  failNext(method: string, failure: Failure, times?: number): void;
  callsTo(method: string): SlackCall[];
  /** Calls that Slack accepted (`ok: true`). */
  succeeded(method: string): SlackCall[];
  waitFor<T>(
    probe: (calls: SlackCall[]) => T | undefined | false,
    opts?: { timeoutMs?: number; what?: string },
  ): Promise<T>;
  /** Calls answered 429 by the rate limit (not by `failNext`). */
  rateLimited: number;
  /** Forgets calls, queued failures and channel members. */
  reset(): void;
  close(): Promise<void>;
}

/** A complete, rule-passing profile for a user id. */
export function defaultUser(id: string, teamDomain = "example.com"): FakeUser {
  const n = id.toLowerCase();
  return {
    id,
    name: n,
    real_name: `Real ${id}`,
    tz: "Europe/Paris",
    profile: {
      real_name: `Real ${id}`,
      display_name: `Display ${id}`,
      title: "Ecommerce founder",
      email: `${n}@${teamDomain}`,
      is_custom_image: true,
      image_192: `https://avatars.example.com/${n}.png`,
    },
  };
}

export async function startFakeSlack(
  opts: { token?: string; teamId?: string; botUserId?: string; rateLimit?: SlackRateLimit } = {},
): Promise<FakeSlack> {
  const token = opts.token ?? "xoxb-test-token";
  const teamId = opts.teamId ?? "T0TEST";
  const botUserId = opts.botUserId ?? "U0GATEBOT";
  const calls: SlackCall[] = [];
  const messages = new Map<string, StoredMessage>();
  const members = new Map<string, Set<string>>();
  const users = new Map<string, FakeUser>();
  const removed = new Set<string>();
  const failures = new Map<string, { failure: Failure; remaining: number }[]>();
  const spentTriggers = new Set<string>();
  /** Channel → [window start (ms), calls accepted in it]. */
  const windows = new Map<string, [number, number]>();
  let rateLimited = 0;
  let seq = 0;
  let viewSeq = 0;

  const nextTs = () => {
    seq++;
    return `${1_780_000_000 + seq}.${String(seq).padStart(6, "0")}`;
  };

  function answer(method: string, params: Record<string, unknown>): Record<string, unknown> {
    const str = (k: string) => (typeof params[k] === "string" ? (params[k] as string) : undefined);
    switch (method) {
      case "auth.test":
        return {
          ok: true,
          url: "https://test.slack.com/",
          team: "Test",
          user: "gatekeeper",
          team_id: teamId,
          user_id: botUserId,
          bot_id: "B0GATEBOT",
        };
      case "chat.postMessage": {
        const target = str("channel");
        if (!target) return { ok: false, error: "channel_not_found" };
        if (!str("text") && !params.blocks) return { ok: false, error: "no_text" };
        const channel = /^[UW]/.test(target) ? `D${target.slice(1)}` : target;
        const ts = nextTs();
        const thread = str("thread_ts");
        messages.set(ts, {
          channel,
          ts,
          text: str("text"),
          blocks: params.blocks,
          ...(thread ? { thread_ts: thread } : {}),
        });
        return {
          ok: true,
          channel,
          ts,
          message: { type: "message", text: str("text"), ts, bot_id: "B0GATEBOT" },
        };
      }
      case "chat.update": {
        const ts = str("ts");
        const existing = ts ? messages.get(ts) : undefined;
        if (!ts || !existing || existing.channel !== str("channel"))
          return { ok: false, error: "message_not_found" };
        messages.set(ts, { ...existing, text: str("text"), blocks: params.blocks });
        return { ok: true, channel: existing.channel, ts, text: str("text") };
      }
      case "chat.postEphemeral":
        return { ok: true, message_ts: nextTs() };
      case "views.open": {
        const trigger = str("trigger_id");
        if (!trigger) return { ok: false, error: "invalid_arguments" };
        if (spentTriggers.has(trigger)) return { ok: false, error: "trigger_exchanged" };
        spentTriggers.add(trigger);
        viewSeq++;
        const view = typeof params.view === "object" && params.view !== null ? params.view : {};
        return { ok: true, view: { ...view, id: `V0VIEW${viewSeq}`, team_id: teamId } };
      }
      case "users.info": {
        const id = str("user");
        if (!id || removed.has(id)) return { ok: false, error: "user_not_found" };
        return { ok: true, user: users.get(id) ?? defaultUser(id) };
      }
      case "conversations.invite": {
        const channel = str("channel");
        const ids = (str("users") ?? "").split(",").filter(Boolean);
        if (!channel || ids.length === 0) return { ok: false, error: "invalid_arguments" };
        const set = members.get(channel) ?? new Set<string>();
        members.set(channel, set);
        if (ids.every((u) => set.has(u))) return { ok: false, error: "already_in_channel" };
        for (const u of ids) set.add(u);
        return { ok: true, channel: { id: channel } };
      }
      default:
        return { ok: true };
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const params = parseParams(raw, req.headers["content-type"]);
    const auth = req.headers.authorization;
    const callToken = auth?.startsWith("Bearer ")
      ? auth.slice(7)
      : typeof params.token === "string"
        ? params.token
        : undefined;
    const method = url.pathname.replace(/^\/api\//, "");
    const call: SlackCall = { method, params, token: callToken, at: Date.now(), status: 200, ok: true };
    calls.push(call);

    const send = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) => {
      call.status = status;
      call.ok = status === 200 && body.ok === true;
      if (typeof body.error === "string") call.error = body.error;
      call.response = body;
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };

    if (!url.pathname.startsWith("/api/")) return send(404, { ok: false, error: "unknown_method" });
    const queue = failures.get(method);
    const next = queue?.[0];
    if (next) {
      next.remaining--;
      if (next.remaining <= 0) queue.shift();
      const f = next.failure;
      if ("delayMs" in f) {
        await new Promise((r) => setTimeout(r, f.delayMs));
      } else if ("status" in f && f.status === 500) {
        return send(500, { ok: false, error: "internal_error" });
      } else if ("status" in f && f.status === 429) {
        return send(429, { ok: false, error: "ratelimited" }, { "retry-after": String(f.retryAfter) });
      } else if ("error" in f) {
        return send(200, { ok: false, error: f.error, ...(f.extra ?? {}) });
      }
    }
    if (callToken !== token)
      return send(200, { ok: false, error: callToken ? "invalid_auth" : "not_authed" });
    const limit = opts.rateLimit;
    if (limit && method === "chat.postMessage" && typeof params.channel === "string") {
      const now = Date.now();
      const window = windows.get(params.channel);
      if (!window || now - window[0] >= limit.windowMs) {
        windows.set(params.channel, [now, 1]);
      } else if (window[1] < limit.messagesPerChannel) {
        window[1]++;
      } else {
        rateLimited++;
        const wait = Math.max(1, Math.ceil((window[0] + limit.windowMs - now) / 1000));
        return send(429, { ok: false, error: "ratelimited" }, { "retry-after": String(wait) });
      }
    }
    return send(200, answer(method, params));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;

  return {
    apiUrl: `${base}/api/`,
    hooksUrl: `${base}/hooks/`,
    token,
    teamId,
    botUserId,
    calls,
    messages,
    members,
    setUser(user) {
      users.set(user.id, user);
      removed.delete(user.id);
    },
    removeUser(id) {
      removed.add(id);
    },
    failNext(method, failure, times = 1) {
      const queue = failures.get(method) ?? [];
      queue.push({ failure, remaining: times });
      failures.set(method, queue);
    },
    get rateLimited() {
      return rateLimited;
    },
    callsTo: (method) => calls.filter((c) => c.method === method),
    succeeded: (method) => calls.filter((c) => c.method === method && c.ok),
    async waitFor(probe, o = {}) {
      const deadline = Date.now() + (o.timeoutMs ?? 15_000);
      for (;;) {
        const found = probe(calls);
        if (found !== undefined && found !== false) return found;
        if (Date.now() > deadline) {
          const seen = calls.map((c) => `${c.method}${c.ok ? "" : `(${c.error ?? c.status})`}`).join(", ");
          throw new Error(
            `fake Slack: timed out waiting for ${o.what ?? "a call"}; calls so far: ${seen || "none"}`,
          );
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    reset() {
      calls.length = 0;
      failures.clear();
      members.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Form-encoded (what `WebClient` sends) or JSON bodies; JSON-looking form values are parsed. */
function parseParams(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (!raw) return {};
  if (contentType?.includes("application/json")) {
    const value: unknown = JSON.parse(raw);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    if (/^[[{]/.test(v)) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        // not JSON after all: keep the string
      }
    }
    out[k] = v;
  }
  return out;
}
