import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { parseMultipart } from "./multipart.js";

/**
 * A fake Slack Web API on 127.0.0.1: the real `WebClient` (via `SLACK_API_URL`) talks to it.
 * It records every call (method, parsed params, token), answers like Slack for the methods the
 * bot uses, keeps just enough state to answer realistically (messages for `chat.update`, channel
 * members for `already_in_channel`, spent trigger ids for `trigger_exchanged`, message metadata
 * for `conversations.history`/`replies` with `include_all_metadata`), and can be told to fail a
 * method N times with an HTTP 500, a 429 with `Retry-After`, a Slack error, or a delay; or to
 * accept a call (perform it) and then hang, reset the connection, or answer late, which is what
 * a client sees as an unknown outcome. With `rateLimit`, it enforces Slack's limit on posting
 * messages (realistic: one `chat.postMessage` per second per channel; short bursts are not
 * modelled), answering 429 `ratelimited` with a `Retry-After` in whole seconds, as Slack does.
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
  /** The call was performed but its answer never arrived in time (hang, reset, late answer). */
  unanswered?: boolean;
  /** When the answer was sent (Date.now()); absent while the call is in flight. */
  answeredAt?: number;
}

export type Failure =
  | { status: 500 }
  | { status: 429; retryAfter: number }
  | { error: string; extra?: Record<string, unknown> }
  | { delayMs: number }
  /**
   * The call takes effect (a message is stored, an invite made), then: `hang` never answers,
   * `reset` drops the connection, `late` answers after `afterMs` (past the client's timeout).
   */
  | { accept: "hang" | "reset" }
  | { accept: "late"; afterMs: number };

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

export interface SharedFile {
  id: string;
  filename: string;
  channel: string | undefined;
  title: string | undefined;
  comment: string | undefined;
  bytes: Buffer | undefined;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  text: string | undefined;
  blocks: unknown;
  thread_ts?: string;
  /** `metadata` of `chat.postMessage` ({event_type, event_payload}), as Slack stores it. */
  metadata?: unknown;
  /** Files the message shares (a `files.completeUploadExternal` with a channel). */
  files?: { id: string; name: string; title?: string | undefined }[];
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
  /** The App Home last published for each user (`views.publish`). */
  homes: Map<string, { type?: string; blocks?: unknown[] }>;
  /** Files shared by `files.completeUploadExternal`, with the bytes sent to their upload URL. */
  files: SharedFile[];
  setUser(user: FakeUser): void;
  /** `users.info` answers `user_not_found` for this id. */
  removeUser(id: string): void;
  failNext(method: string, failure: Failure, times?: number): void;
  callsTo(method: string): SlackCall[];
  /** Calls that Slack accepted (`ok: true`). */
  succeeded(method: string): SlackCall[];
  /** Calls still waiting for their answer (not counting ones set to hang). */
  inFlight(): SlackCall[];
  /** Messages stored in a channel (a DM: `D` + the user id without its first letter), oldest first. */
  messagesIn(channel: string): StoredMessage[];
  waitFor<T>(
    probe: (calls: SlackCall[]) => T | undefined | false,
    opts?: { timeoutMs?: number; what?: string },
  ): Promise<T>;
  /** The bot token's scopes, sent in the `x-oauth-scopes` header of every answer. */
  scopes: string[];
  /** Channels `conversations.info` knows (with `members` saying whether the bot is in them). */
  channels: Set<string>;
  /** The app-level token `apps.connections.open` accepts (Socket Mode). */
  appToken: string;
  /** What `apps.connections.open` answers as the WebSocket URL (a fake Socket Mode server). */
  socketModeUrl: string | undefined;
  /**
   * Consulted for every call with no planned failure (soaks): a failure to apply to it, or
   * undefined to answer normally.
   */
  chaos: ((method: string) => Failure | undefined) | undefined;
  /** Forgets queued failures (calls and state stay). */
  clearFailures(): void;
  /** Forgets calls, queued failures and channel members. */
  /** Calls answered 429 by the rate limit (not by `failNext`). */
  rateLimited: number;
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
  opts: {
    token?: string;
    teamId?: string;
    botUserId?: string;
    appToken?: string;
    rateLimit?: SlackRateLimit;
  } = {},
): Promise<FakeSlack> {
  const token = opts.token ?? "xoxb-test-token";
  const appToken = opts.appToken ?? "xapp-1-A0TEST-test-app-token";
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
  const homes = new Map<string, { type?: string; blocks?: unknown[] }>();
  const pendingUploads = new Map<string, { filename: string; bytes?: Buffer }>();
  const files: SharedFile[] = [];
  let base = "";
  let seq = 0;
  let viewSeq = 0;

  // Like Slack's: the seconds of the wall clock, made unique by a sequence (sorts as a number).
  const nextTs = () => {
    seq++;
    return `${Math.floor(Date.now() / 1000)}.${String(seq).padStart(6, "0")}`;
  };
  const dmOf = (user: string) => `D${user.slice(1)}`;
  const tsNumber = (ts: string) => Number(ts);
  const truthy = (v: unknown) => v === true || v === "true" || v === "1" || v === 1;

  /** conversations.history / replies: newest first, `oldest`/`latest` bounds, `limit` and `cursor`. */
  function history(params: Record<string, unknown>, inThread: string | undefined): Record<string, unknown> {
    const channel = typeof params.channel === "string" ? params.channel : undefined;
    if (!channel) return { ok: false, error: "channel_not_found" };
    const oldest = params.oldest !== undefined ? Number(params.oldest) : 0;
    const latest = params.latest !== undefined ? Number(params.latest) : Number.POSITIVE_INFINITY;
    const limit = Math.min(Number(params.limit ?? 100) || 100, 999);
    const offset = typeof params.cursor === "string" && params.cursor ? Number(params.cursor) : 0;
    const all = [...messages.values()]
      .filter((m) => m.channel === channel)
      .filter((m) =>
        inThread
          ? m.ts === inThread || m.thread_ts === inThread
          : m.thread_ts === undefined || m.thread_ts === m.ts,
      )
      .filter((m) => tsNumber(m.ts) > oldest && tsNumber(m.ts) <= latest)
      .sort((a, b) => tsNumber(b.ts) - tsNumber(a.ts));
    if (inThread) all.reverse(); // replies: oldest first, like Slack
    const page = all.slice(offset, offset + limit);
    const more = offset + limit < all.length;
    return {
      ok: true,
      messages: page.map((m) => ({
        type: "message",
        ts: m.ts,
        text: m.text,
        bot_id: "B0GATEBOT",
        ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
        ...(truthy(params.include_all_metadata) && m.metadata ? { metadata: m.metadata } : {}),
        ...(m.files ? { files: m.files } : {}),
      })),
      has_more: more,
      response_metadata: { next_cursor: more ? String(offset + limit) : "" },
    };
  }

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
        const channel = /^[UW]/.test(target) ? dmOf(target) : target;
        const ts = nextTs();
        const thread = str("thread_ts");
        messages.set(ts, {
          channel,
          ts,
          text: str("text"),
          blocks: params.blocks,
          ...(thread ? { thread_ts: thread } : {}),
          ...(params.metadata !== undefined ? { metadata: params.metadata } : {}),
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
      case "conversations.info": {
        const channel = str("channel");
        if (!channel || !fake.channels.has(channel)) return { ok: false, error: "channel_not_found" };
        return {
          ok: true,
          channel: {
            id: channel,
            name: channel.toLowerCase(),
            is_private: true,
            is_member: members.get(channel)?.has(botUserId) ?? false,
          },
        };
      }
      case "conversations.open": {
        const ids = (str("users") ?? "").split(",").filter(Boolean);
        const [user] = ids;
        if (!user || ids.length !== 1) return { ok: false, error: "invalid_arguments" };
        return { ok: true, channel: { id: dmOf(user) } };
      }
      case "conversations.history":
        return history(params, undefined);
      case "conversations.replies": {
        const ts = str("ts");
        if (!ts) return { ok: false, error: "invalid_arguments" };
        return history(params, ts);
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
      case "views.update": {
        const id = str("view_id");
        const view = params.view;
        if (!id || typeof view !== "object" || view === null)
          return { ok: false, error: "invalid_arguments" };
        return { ok: true, view: { ...view, id, team_id: teamId } };
      }
      case "views.publish": {
        const user = str("user_id");
        const view = params.view;
        if (!user || typeof view !== "object" || view === null)
          return { ok: false, error: "invalid_arguments" };
        homes.set(user, view as { type?: string; blocks?: unknown[] });
        viewSeq++;
        return { ok: true, view: { ...view, id: `V0HOME${viewSeq}`, team_id: teamId } };
      }
      case "files.getUploadURLExternal": {
        const filename = str("filename");
        if (!filename || !params.length) return { ok: false, error: "invalid_arguments" };
        const id = `F0FILE${pendingUploads.size + files.length + 1}`;
        pendingUploads.set(id, { filename });
        return { ok: true, upload_url: `${base}/upload/${id}`, file_id: id };
      }
      case "files.completeUploadExternal": {
        const list = Array.isArray(params.files) ? (params.files as { id?: string; title?: string }[]) : [];
        const done = [];
        for (const f of list) {
          const pending = f.id ? pendingUploads.get(f.id) : undefined;
          if (!f.id || !pending) return { ok: false, error: "file_not_found" };
          pendingUploads.delete(f.id);
          files.push({
            id: f.id,
            filename: pending.filename,
            channel: str("channel_id"),
            title: f.title,
            comment: str("initial_comment"),
            bytes: pending.bytes,
          });
          done.push({ id: f.id, title: f.title ?? pending.filename });
        }
        const channel = str("channel_id");
        if (channel && done.length > 0) {
          // Shared in a channel: a message of the bot's with the files and the comment, as Slack posts it.
          const ts = nextTs();
          messages.set(ts, {
            channel,
            ts,
            text: str("initial_comment"),
            blocks: undefined,
            files: list.map((f) => ({
              id: f.id ?? "",
              name: files.find((x) => x.id === f.id)?.filename ?? "",
              title: f.title,
            })),
          });
        }
        return { ok: true, files: done };
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
      case "conversations.kick": {
        const channel = str("channel");
        const user = str("user");
        if (!channel || !user) return { ok: false, error: "invalid_arguments" };
        const set = members.get(channel);
        if (!set?.has(user)) return { ok: false, error: "not_in_channel" };
        set.delete(user);
        return { ok: true };
      }
      default:
        return { ok: true };
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBytes = Buffer.concat(chunks);
    const raw = url.pathname.startsWith("/upload/") ? "" : rawBytes.toString("utf8");
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
      call.answeredAt = Date.now();
      call.status = status;
      call.ok = status === 200 && body.ok === true;
      if (typeof body.error === "string") call.error = body.error;
      call.response = body;
      res.writeHead(status, {
        "content-type": "application/json",
        "x-oauth-scopes": fake.scopes.join(","),
        ...headers,
      });
      res.end(JSON.stringify(body));
    };

    if (url.pathname.startsWith("/upload/")) {
      // A file's bytes, to the upload URL files.getUploadURLExternal gave (no token needed).
      const pending = pendingUploads.get(url.pathname.slice("/upload/".length));
      if (!pending) return send(404, { ok: false, error: "unknown_upload" });
      const parts = parseMultipart(rawBytes, req.headers["content-type"]);
      pending.bytes =
        parts?.find((p) => p.filename || p.name === "file" || p.name === "body")?.data ?? rawBytes;
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`OK - ${pending.bytes.length}`);
      call.status = 200;
      return;
    }
    if (!url.pathname.startsWith("/api/")) return send(404, { ok: false, error: "unknown_method" });
    const queue = failures.get(method);
    const next = queue?.[0];
    if (next) {
      next.remaining--;
      if (next.remaining <= 0) queue.shift();
    }
    const f = next?.failure ?? fake.chaos?.(method);
    if (f) {
      if ("accept" in f) {
        // Slack does the work; the answer is lost or late.
        const body = callToken === token ? answer(method, params) : { ok: false, error: "invalid_auth" };
        call.unanswered = true;
        call.ok = body.ok === true;
        call.response = body;
        if (f.accept === "hang") return; // never answered; closed with the server
        if (f.accept === "reset") {
          call.answeredAt = Date.now();
          req.socket.destroy();
          return;
        }
        const late = f.accept === "late" ? f.afterMs : 0;
        await new Promise((r) => setTimeout(r, late));
        if (!res.destroyed) send(200, body);
        return;
      }
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
    // Socket Mode's connection URL is asked for with the app-level token, everything else with the bot token.
    if (method === "apps.connections.open") {
      if (callToken !== appToken)
        return send(200, { ok: false, error: callToken ? "invalid_auth" : "not_authed" });
      if (!fake.socketModeUrl) return send(200, { ok: false, error: "not_allowed_token_type" });
      return send(200, { ok: true, url: fake.socketModeUrl });
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
  base = `http://127.0.0.1:${port}`;

  const fake: FakeSlack = {
    apiUrl: `${base}/api/`,
    hooksUrl: `${base}/hooks/`,
    token,
    appToken,
    socketModeUrl: undefined,
    chaos: undefined,
    scopes: [
      "commands",
      "chat:write",
      "im:write",
      "users:read",
      "users:read.email",
      "groups:write",
      "groups:read",
    ],
    channels: new Set(),
    teamId,
    botUserId,
    calls,
    messages,
    members,
    homes,
    files,
    setUser(user) {
      users.set(user.id, user);
      removed.delete(user.id);
    },
    removeUser(id) {
      removed.add(id);
    },
    get rateLimited() {
      return rateLimited;
    },
    failNext(method, failure, times = 1) {
      const queue = failures.get(method) ?? [];
      queue.push({ failure, remaining: times });
      failures.set(method, queue);
    },
    callsTo: (method) => calls.filter((c) => c.method === method),
    succeeded: (method) => calls.filter((c) => c.method === method && c.ok),
    inFlight: () => calls.filter((c) => c.answeredAt === undefined && !c.unanswered),
    messagesIn: (channel) =>
      [...messages.values()].filter((m) => m.channel === channel).sort((a, b) => Number(a.ts) - Number(b.ts)),
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
    clearFailures() {
      failures.clear();
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
  return fake;
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
