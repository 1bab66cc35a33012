import { createServer, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { parseMultipart } from "./multipart.js";

/**
 * A fake Discord REST API on 127.0.0.1 that the real `@discordjs/rest` client is pointed at
 * (`DISCORD_API_URL = fake.apiUrl`). It records every call (including failed ones), answers
 * the way Discord does for the routes the bot uses, and can be told to fail: a route N times with
 * 429 (Retry-After header and `retry_after` JSON) or 5xx, DMs to a user closed (403, code 50007),
 * any Discord JSON error, a delay, or accepting the call (performing it) and then hanging,
 * resetting the connection or answering late, which the client sees as an unknown outcome.
 * Create Message honours `nonce` with `enforce_nonce: true`: a repeat within `NONCE_WINDOW_MS`
 * returns the first message instead of creating another, as Discord does. With `rateLimit`, it
 * enforces Discord's per-channel bucket on creating messages (5 per 5 s): every answer on that
 * route carries the `X-RateLimit-*` headers the REST client tracks, and a call over the limit
 * gets 429 with `retry_after`, as Discord answers.
 */
export const NONCE_WINDOW_MS = 5 * 60_000;

export interface DiscordRateLimit {
  /** Messages created per channel in each window (Discord: 5). */
  messagesPerChannel: number;
  /** The window, in ms (Discord: 5000). */
  windowMs: number;
}
export interface RecordedCall {
  method: string;
  /** The real path below `/api/v10`, e.g. `/channels/123/messages`. */
  path: string;
  /** The path with every id replaced: `/channels/{id}/messages`. */
  route: string;
  body: unknown;
  auth: string | undefined;
  headers: IncomingHttpHeaders;
  /** What the fake answered (for an accepted call whose answer was lost: what it would have been). */
  status: number;
  at: number;
  /** The call was performed but its answer never arrived in time (hang, reset, late answer). */
  unanswered?: boolean;
  /** Files sent with the call (multipart/form-data), with their bytes. */
  files?: SentFile[];
}

export interface SentFile {
  filename: string;
  contentType: string | undefined;
  bytes: Buffer;
}

export interface StoredMessage {
  id: string;
  channel_id: string;
  content?: string;
  embeds?: unknown[];
  components?: unknown[];
  allowed_mentions?: unknown;
  message_reference?: unknown;
  /** Files sent with the message (multipart), with their bytes. */
  attachments?: SentFile[];
  nonce?: string | number;
  edits: number;
  /** When it was created (Date.now()). */
  at: number;
}

export interface FakeRole {
  id: string;
  name: string;
  position: number;
  /** Permission bits, as a decimal string (Discord's format). */
  permissions: string;
}

export interface FakeGuild {
  roles: FakeRole[];
  /** User id → role ids. */
  members: Map<string, string[]>;
}

export interface FakeChannel {
  id: string;
  guild_id: string;
  name: string;
  type: number;
  permission_overwrites: { id: string; type: 0 | 1; allow: string; deny: string }[];
}

/** An interaction's original response as the bot edited it through the webhook (`@original`). */
export interface InteractionEdit {
  token: string;
  content?: string;
  embeds?: unknown[];
  components?: unknown[];
  allowed_mentions?: unknown;
  at: number;
}

/** A follow-up message to an interaction (`POST /webhooks/{application_id}/{token}`). */
export interface InteractionFollowUp {
  id: string;
  token: string;
  content?: string;
  flags?: number;
  allowed_mentions?: unknown;
  at: number;
}

export type Failure =
  | { kind: "rate-limit"; retryAfterSeconds: number; global?: boolean }
  | { kind: "server-error"; status?: number }
  | { kind: "discord-error"; status: number; code: number; message: string }
  /** Waits, then answers normally. */
  | { kind: "delay"; ms: number }
  /** Performs the call, then never answers (`hang`), drops the connection (`reset`) or answers after `afterMs` (`late`). */
  | { kind: "accept"; answer: "hang" | "reset" }
  | { kind: "accept"; answer: "late"; afterMs: number };

type Answer = (status: number, payload?: unknown, headers?: Record<string, string>) => void;

interface PlannedFailure {
  method: string;
  route: RegExp;
  times: number;
  failure: Failure;
}

export interface FakeDiscord {
  url: string;
  /** What `DISCORD_API_URL` should be. */
  apiUrl: string;
  token: string;
  calls: RecordedCall[];
  messages: Map<string, StoredMessage>;
  /** Roles added, as `guild/user/role`. */
  roles: Set<string>;
  /** Registered commands by guild id (`global` for global ones). */
  commands: Map<string, unknown[]>;
  /** Calls answered 429 by the rate limit (not by `failNext`). */
  rateLimited: number;
  /** Edits of interactions' original responses, in order. */
  interactionEdits: InteractionEdit[];
  /** Follow-up messages to interactions, in order. */
  interactionFollowUps: InteractionFollowUp[];
  /**
   * Consulted for every call with no planned failure (soaks): a failure to apply to it, or
   * undefined to answer normally.
   */
  chaos: ((method: string, path: string) => Failure | undefined) | undefined;
  /** Threads started from messages, by thread id (which is the message's id). */
  threads: Map<string, { id: string; parent_id: string; name: string }>;
  /** The member left the server: `GET /guilds/{g}/members/{u}` answers 404 Unknown Member. */
  leaveGuild(guildId: string, userId: string): void;
  /** A moderator took a role away (as `DELETE …/roles/{r}` would). */
  removeRole(guildId: string, userId: string, roleId: string): void;
  /** Fails the next `times` calls whose method matches and whose path matches `route`. */
  failNext(method: string, route: RegExp, times: number, failure: Failure): void;
  /** Messages to this user's DM channel answer 403 code 50007, as when their DMs are closed. */
  closeDms(userId: string): void;
  /** The DM channel id the fake gives this user. */
  dmChannelOf(userId: string): string;
  /** Calls that succeeded (2xx), optionally filtered. */
  ok(method?: string, route?: RegExp): RecordedCall[];
  /** The bot's user id (`GET /users/@me`); the application's id is `opts.applicationId`. */
  botUserId: string;
  /** Servers for the doctor's checks: roles (with positions and permissions) and members' roles. */
  guilds: Map<string, FakeGuild>;
  /** Channels `GET /channels/{id}` knows, with their permission overwrites. */
  channels: Map<string, FakeChannel>;
  /** What `GET /gateway/bot` answers as the Gateway's URL (a fake Gateway). */
  gatewayUrl: string | undefined;
  /** Interaction answers received at `POST /interactions/{id}/{token}/callback`. */
  callbacks: { id: string; token: string; body: unknown }[];
  /** Waits for the answer to one interaction. */
  callbackOf(interactionId: string, timeoutMs?: number): Promise<unknown>;
  close(): Promise<void>;
}

const EPOCH = 1420070400000n;
let sequence = 0n;
/** A fresh snowflake for "now". */
export function snowflakeNow(): string {
  sequence = (sequence + 1n) % 4096n;
  return (((BigInt(Date.now()) - EPOCH) << 22n) | sequence).toString();
}

export async function startFakeDiscord(
  opts: { token?: string; applicationId?: string; rateLimit?: DiscordRateLimit } = {},
): Promise<FakeDiscord> {
  const token = opts.token ?? "test-bot-token";
  const calls: RecordedCall[] = [];
  const messages = new Map<string, StoredMessage>();
  const roles = new Set<string>();
  const dmChannels = new Map<string, string>(); // user -> channel
  const dmOwners = new Map<string, string>(); // channel -> user
  const closed = new Set<string>();
  const planned: PlannedFailure[] = [];
  const commands = new Map<string, unknown[]>();
  /** Channel → [window start (ms), messages created in it]. */
  const windows = new Map<string, [number, number]>();
  let rateLimited = 0;
  const interactionEdits: InteractionEdit[] = [];
  const interactionFollowUps: InteractionFollowUp[] = [];
  const threads = new Map<string, { id: string; parent_id: string; name: string }>();
  const departed = new Set<string>(); // guild/user

  const dmChannelOf = (userId: string) => {
    let channel = dmChannels.get(userId);
    if (!channel) {
      channel = snowflakeNow();
      dmChannels.set(userId, channel);
      dmOwners.set(channel, userId);
    }
    return channel;
  };

  /** Answers one call the way Discord does (after any planned failure was dealt with). */
  function route(call: RecordedCall, req: IncomingMessage, answer: Answer) {
    const { method, path, body } = call;
    const send = answer;
    const error = (status: number, code: number, message: string) => send(status, { message, code });
    // Webhooks and interaction callbacks are authorised by their token, not the bot's.
    const isWebhook = path.startsWith("/webhooks/") || path.startsWith("/interactions/");
    if (!isWebhook && req.headers.authorization !== `Bot ${token}`) return error(401, 0, "401: Unauthorized");
    const callback = method === "POST" ? path.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/) : null;
    if (callback) {
      fake.callbacks.push({ id: callback[1] ?? "", token: callback[2] ?? "", body });
      return send(204);
    }
    if (method === "GET" && path === "/users/@me")
      return send(200, { id: fake.botUserId, username: "gatekeeper", bot: true });
    if (method === "GET" && (path === "/applications/@me" || path === "/oauth2/applications/@me"))
      return send(200, { id: opts.applicationId ?? "1", name: "Gatekeeper", bot_public: false });
    const guildRoles = method === "GET" ? path.match(/^\/guilds\/(\d+)\/roles$/) : null;
    if (guildRoles) {
      const guild = fake.guilds.get(guildRoles[1] ?? "");
      return guild ? send(200, guild.roles) : error(404, 10004, "Unknown Guild");
    }
    const guildMember = method === "GET" ? path.match(/^\/guilds\/(\d+)\/members\/(\d+)$/) : null;
    if (guildMember) {
      const [, guildId = "", user = ""] = guildMember;
      if (departed.has(`${guildId}/${user}`)) return error(404, 10007, "Unknown Member");
      const guild = fake.guilds.get(guildId);
      // A guild set up in the fake answers from its members; any other from the roles granted.
      const memberRoles = guild
        ? guild.members.get(user)
        : [...roles].filter((r) => r.startsWith(`${guildId}/${user}/`)).map((r) => r.split("/")[2] ?? "");
      if (!memberRoles) return error(404, 10007, "Unknown Member");
      return send(200, {
        user: { id: user, username: `user${user.slice(-4)}` },
        roles: memberRoles,
        joined_at: new Date().toISOString(),
      });
    }
    const getChannel = method === "GET" ? path.match(/^\/channels\/(\d+)$/) : null;
    if (getChannel) {
      const channel = fake.channels.get(getChannel[1] ?? "");
      return channel ? send(200, channel) : error(404, 10003, "Unknown Channel");
    }
    if (method === "GET" && path === "/gateway/bot") {
      if (!fake.gatewayUrl) return error(404, 0, "404: Not Found");
      return send(200, {
        url: fake.gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      });
    }

    const on = (verb: string, re: RegExp) => (method === verb ? path.match(re) : null);
    const postMessage = on("POST", /^\/channels\/(\d+)\/messages$/);
    const patchMessage = on("PATCH", /^\/channels\/(\d+)\/messages\/(\d+)$/);
    const putRole = on("PUT", /^\/guilds\/(\d+)\/members\/(\d+)\/roles\/(\d+)$/);
    const deleteRole = on("DELETE", /^\/guilds\/(\d+)\/members\/(\d+)\/roles\/(\d+)$/);
    const putCommands = on("PUT", /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/);
    const startThread = on("POST", /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/);
    const author = { id: opts.applicationId ?? "1", bot: true };
    if (startThread) {
      const [, channel = "", messageId = ""] = startThread;
      const message = messages.get(messageId);
      if (!message || message.channel_id !== channel) return error(404, 10008, "Unknown Message");
      if (threads.has(messageId))
        return error(400, 160004, "A thread has already been created for this message");
      const name = (body as { name?: unknown } | undefined)?.name;
      if (typeof name !== "string" || name.length < 1 || name.length > 100)
        return error(400, 50035, "Invalid Form Body");
      const thread = { id: messageId, parent_id: channel, name };
      threads.set(messageId, thread);
      return send(201, { ...thread, type: 11, guild_id: "0" });
    }
    if (postMessage) {
      const channel = postMessage[1] ?? "";
      let bucket: Record<string, string> = {};
      if (opts.rateLimit) {
        const { messagesPerChannel: limit, windowMs } = opts.rateLimit;
        const now = Date.now();
        let window = windows.get(channel);
        if (!window || now - window[0] >= windowMs) {
          window = [now, 0];
          windows.set(channel, window);
        }
        const resetAfter = (window[0] + windowMs - now) / 1000;
        bucket = {
          "x-ratelimit-limit": String(limit),
          "x-ratelimit-reset": ((window[0] + windowMs) / 1000).toFixed(3),
          "x-ratelimit-reset-after": resetAfter.toFixed(3),
          "x-ratelimit-bucket": "fake-channel-messages",
        };
        if (window[1] >= limit) {
          rateLimited++;
          return send(
            429,
            { message: "You are being rate limited.", retry_after: resetAfter, global: false },
            {
              ...bucket,
              "x-ratelimit-remaining": "0",
              "x-ratelimit-scope": "user",
              "retry-after": String(Math.ceil(resetAfter)),
            },
          );
        }
        window[1]++;
        bucket["x-ratelimit-remaining"] = String(limit - window[1]);
      }
      const owner = dmOwners.get(channel);
      if (owner && closed.has(owner)) return error(403, 50007, "Cannot send messages to this user");
      const b = (body ?? {}) as Record<string, unknown>;
      const nonce = typeof b.nonce === "string" || typeof b.nonce === "number" ? b.nonce : undefined;
      if (nonce !== undefined && typeof nonce === "string" && nonce.length > 25)
        return error(400, 50035, "Invalid Form Body (nonce: Must be 25 or fewer in length.)");
      if (nonce !== undefined && b.enforce_nonce === true) {
        // Discord: the same author and nonce within a few minutes returns the first message.
        const first = [...messages.values()].find(
          (m) => m.nonce === nonce && m.channel_id === channel && Date.now() - m.at < NONCE_WINDOW_MS,
        );
        if (first) return send(200, { ...first, type: 0, author }, bucket);
      }
      const message: StoredMessage = {
        id: snowflakeNow(),
        channel_id: channel,
        content: typeof b.content === "string" ? b.content : "",
        embeds: Array.isArray(b.embeds) ? b.embeds : [],
        components: Array.isArray(b.components) ? b.components : [],
        allowed_mentions: b.allowed_mentions,
        message_reference: b.message_reference,
        ...(nonce !== undefined ? { nonce } : {}),
        ...(call.files && call.files.length > 0 ? { attachments: call.files } : {}),
        edits: 0,
        at: Date.now(),
      };
      messages.set(message.id, message);
      return send(200, { ...message, type: 0, author }, bucket);
    }
    if (patchMessage) {
      const message = messages.get(patchMessage[2] ?? "");
      if (!message || message.channel_id !== patchMessage[1]) return error(404, 10008, "Unknown Message");
      const b = (body ?? {}) as Record<string, unknown>;
      if (typeof b.content === "string") message.content = b.content;
      if (Array.isArray(b.embeds)) message.embeds = b.embeds;
      if (Array.isArray(b.components)) message.components = b.components;
      if (b.allowed_mentions !== undefined) message.allowed_mentions = b.allowed_mentions;
      message.edits++;
      return send(200, { ...message, type: 0 });
    }
    const webhookEdit = on("PATCH", /^\/webhooks\/(\d+)\/([^/]+)\/messages\/@original$/);
    if (webhookEdit) {
      const b = (body ?? {}) as Record<string, unknown>;
      const edit: InteractionEdit = {
        token: webhookEdit[2] ?? "",
        ...(typeof b.content === "string" ? { content: b.content } : {}),
        ...(Array.isArray(b.embeds) ? { embeds: b.embeds } : {}),
        ...(Array.isArray(b.components) ? { components: b.components } : {}),
        ...(b.allowed_mentions !== undefined ? { allowed_mentions: b.allowed_mentions } : {}),
        at: Date.now(),
      };
      interactionEdits.push(edit);
      return send(200, { id: snowflakeNow(), type: 0, ...edit });
    }
    // A follow-up message to an interaction (after a deferral): what the person sees next.
    const followUp = on("POST", /^\/webhooks\/(\d+)\/([^/]+)$/);
    if (followUp) {
      const b = (body ?? {}) as Record<string, unknown>;
      const message = {
        id: snowflakeNow(),
        token: followUp[2] ?? "",
        ...(typeof b.content === "string" ? { content: b.content } : {}),
        ...(typeof b.flags === "number" ? { flags: b.flags } : {}),
        ...(b.allowed_mentions !== undefined ? { allowed_mentions: b.allowed_mentions } : {}),
        at: Date.now(),
      };
      interactionFollowUps.push(message);
      return send(200, { ...message, type: 0, channel_id: "0" });
    }
    if (method === "POST" && path === "/users/@me/channels") {
      const recipient = (body as { recipient_id?: unknown } | undefined)?.recipient_id;
      if (typeof recipient !== "string") return error(400, 50035, "Invalid Form Body");
      return send(200, { id: dmChannelOf(recipient), type: 1, recipients: [{ id: recipient }] });
    }
    if (putRole) {
      roles.add(`${putRole[1]}/${putRole[2]}/${putRole[3]}`);
      return send(204);
    }
    if (deleteRole) {
      roles.delete(`${deleteRole[1]}/${deleteRole[2]}/${deleteRole[3]}`);
      return send(204);
    }
    if (putCommands) {
      if (!Array.isArray(body)) return error(400, 50035, "Invalid Form Body");
      const registered = body.map((c: Record<string, unknown>) => ({
        ...c,
        id: snowflakeNow(),
        application_id: putCommands[1],
        ...(putCommands[2] ? { guild_id: putCommands[2] } : {}),
        version: snowflakeNow(),
      }));
      commands.set(putCommands[2] ?? "global", registered);
      return send(200, registered);
    }
    return error(404, 0, "404: Not Found");
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      // Percent-decoded like any HTTP server does (`@discordjs/rest` sends `/users/%40me`).
      const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, "");
      const method = req.method ?? "GET";
      const rawBytes = Buffer.concat(chunks);
      const parts = parseMultipart(rawBytes, req.headers["content-type"]);
      const raw = parts ? "" : rawBytes.toString("utf8");
      let body: unknown;
      try {
        body = parts
          ? JSON.parse(parts.find((p) => p.name === "payload_json")?.data.toString("utf8") ?? "{}")
          : raw
            ? JSON.parse(raw)
            : undefined;
      } catch {
        body = raw;
      }
      const files = (parts ?? [])
        .filter((p) => p.filename)
        .map((p) => ({ filename: p.filename ?? "", contentType: p.contentType, bytes: p.data }));
      const call: RecordedCall = {
        method,
        path,
        route: path
          .replace(/\/\d{15,21}(?=\/|$)/g, "/{id}")
          .replace(/^\/webhooks\/\{id\}\/[^/]+/, "/webhooks/{id}/{token}"),
        body,
        auth: req.headers.authorization,
        headers: req.headers,
        status: 0,
        at: Date.now(),
        ...(files.length > 0 ? { files } : {}),
      };
      calls.push(call);
      const send: Answer = (status, payload, headers = {}) => {
        call.status = status;
        if (res.destroyed) return;
        if (payload === undefined) {
          res.writeHead(status, headers);
          res.end();
          return;
        }
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(payload));
      };

      // Planned failures first: they stand in for Discord having a bad moment.
      const plan = planned.find((p) => p.times > 0 && p.method === method && p.route.test(path));
      if (plan) plan.times--;
      const f = plan?.failure ?? fake.chaos?.(method, path);
      if (!f) return route(call, req, send);
      switch (f.kind) {
        case "rate-limit":
          return send(
            429,
            {
              message: "You are being rate limited.",
              retry_after: f.retryAfterSeconds,
              global: f.global ?? false,
            },
            {
              "retry-after": String(Math.ceil(f.retryAfterSeconds)),
              "x-ratelimit-scope": f.global ? "global" : "user",
              ...(f.global ? { "x-ratelimit-global": "true" } : {}),
            },
          );
        case "server-error":
          return send(f.status ?? 500, { message: "500: Internal Server Error", code: 0 });
        case "discord-error":
          return send(f.status, { message: f.message, code: f.code });
        case "delay":
          setTimeout(() => route(call, req, send), f.ms);
          return;
        case "accept": {
          // Discord does the work; the answer is lost or late.
          call.unanswered = true;
          const late = f.answer === "late" ? f.afterMs : 0;
          return route(call, req, (status, payload, headers) => {
            call.status = status;
            if (f.answer === "hang") return;
            if (f.answer === "reset") {
              req.socket.destroy();
              return;
            }
            setTimeout(() => send(status, payload, headers), late);
          });
        }
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const fake: FakeDiscord = {
    url,
    gatewayUrl: undefined,
    chaos: undefined,
    callbacks: [],
    botUserId: opts.applicationId ?? "1",
    guilds: new Map(),
    channels: new Map(),
    async callbackOf(interactionId, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = fake.callbacks.find((c) => c.id === interactionId);
        if (found) return found.body;
        if (Date.now() > deadline)
          throw new Error(`fake Discord: no callback for interaction ${interactionId}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    apiUrl: `${url}/api`,
    token,
    calls,
    messages,
    roles,
    commands,
    get rateLimited() {
      return rateLimited;
    },
    interactionEdits,
    interactionFollowUps,
    threads,
    leaveGuild(guildId, userId) {
      departed.add(`${guildId}/${userId}`);
    },
    removeRole(guildId, userId, roleId) {
      roles.delete(`${guildId}/${userId}/${roleId}`);
    },
    failNext(method, route, times, failure) {
      planned.push({ method, route, times, failure });
    },
    closeDms(userId) {
      closed.add(userId);
    },
    dmChannelOf,
    ok(method, route) {
      return calls.filter(
        (c) =>
          c.status >= 200 &&
          c.status < 300 &&
          (!method || c.method === method) &&
          (!route || route.test(c.path)),
      );
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return fake;
}
