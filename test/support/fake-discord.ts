import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake Discord REST API on 127.0.0.1 that the real `@discordjs/rest` client is pointed at
 * (`DISCORD_API_URL = fake.apiUrl`). It records every call (including failed ones), answers
 * the way Discord does for the routes the bot uses, and can be told to fail: a route N times with
 * 429 (Retry-After header and `retry_after` JSON) or 5xx, DMs to a user closed (403, code 50007),
 * or any Discord JSON error. With `rateLimit`, it enforces Discord's per-channel bucket on creating
 * messages (5 per 5 s): every answer on that route carries the `X-RateLimit-*` headers the REST
 * client tracks, and a call over the limit gets 429 with `retry_after`, as Discord answers.
 */

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
  /** What the fake answered. */
  status: number;
  at: number;
}

export interface StoredMessage {
  id: string;
  channel_id: string;
  content?: string;
  embeds?: unknown[];
  components?: unknown[];
  allowed_mentions?: unknown;
  message_reference?: unknown;
  edits: number;
}

export type Failure =
  | { kind: "rate-limit"; retryAfterSeconds: number; global?: boolean }
  | { kind: "server-error"; status?: number }
  | { kind: "discord-error"; status: number; code: number; message: string };

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
  /** Fails the next `times` calls whose method matches and whose path matches `route`. */
  failNext(method: string, route: RegExp, times: number, failure: Failure): void;
  /** Messages to this user's DM channel answer 403 code 50007, as when their DMs are closed. */
  closeDms(userId: string): void;
  /** The DM channel id the fake gives this user. */
  dmChannelOf(userId: string): string;
  /** Calls that succeeded (2xx), optionally filtered. */
  ok(method?: string, route?: RegExp): RecordedCall[];
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

  const dmChannelOf = (userId: string) => {
    let channel = dmChannels.get(userId);
    if (!channel) {
      channel = snowflakeNow();
      dmChannels.set(userId, channel);
      dmOwners.set(channel, userId);
    }
    return channel;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const path = url.pathname.replace(/^\/api\/v10/, "");
      const method = req.method ?? "GET";
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
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
      };
      calls.push(call);
      const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
        call.status = status;
        if (payload === undefined) {
          res.writeHead(status, headers);
          res.end();
          return;
        }
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(payload));
      };
      const error = (status: number, code: number, message: string) => send(status, { message, code });

      // Planned failures first: they stand in for Discord having a bad moment.
      const plan = planned.find((p) => p.times > 0 && p.method === method && p.route.test(path));
      if (plan) {
        plan.times--;
        const f = plan.failure;
        if (f.kind === "rate-limit") {
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
        }
        if (f.kind === "server-error")
          return send(f.status ?? 500, { message: "500: Internal Server Error", code: 0 });
        return error(f.status, f.code, f.message);
      }

      const isWebhook = path.startsWith("/webhooks/");
      if (!isWebhook && req.headers.authorization !== `Bot ${token}`)
        return error(401, 0, "401: Unauthorized");

      const on = (verb: string, re: RegExp) => (method === verb ? path.match(re) : null);
      const postMessage = on("POST", /^\/channels\/(\d+)\/messages$/);
      const patchMessage = on("PATCH", /^\/channels\/(\d+)\/messages\/(\d+)$/);
      const putRole = on("PUT", /^\/guilds\/(\d+)\/members\/(\d+)\/roles\/(\d+)$/);
      const putCommands = on("PUT", /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/);
      if (postMessage) {
        const channel = postMessage[1] ?? "";
        if (opts.rateLimit) {
          const { messagesPerChannel: limit, windowMs } = opts.rateLimit;
          const now = Date.now();
          let window = windows.get(channel);
          if (!window || now - window[0] >= windowMs) {
            window = [now, 0];
            windows.set(channel, window);
          }
          const resetAfter = (window[0] + windowMs - now) / 1000;
          const bucket = {
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
          res.setHeader("x-ratelimit-remaining", String(limit - window[1]));
          for (const [k, v] of Object.entries(bucket)) res.setHeader(k, v);
        }
        const owner = dmOwners.get(channel);
        if (owner && closed.has(owner)) return error(403, 50007, "Cannot send messages to this user");
        const b = (body ?? {}) as Record<string, unknown>;
        const message: StoredMessage = {
          id: snowflakeNow(),
          channel_id: channel,
          content: typeof b.content === "string" ? b.content : "",
          embeds: Array.isArray(b.embeds) ? b.embeds : [],
          components: Array.isArray(b.components) ? b.components : [],
          allowed_mentions: b.allowed_mentions,
          message_reference: b.message_reference,
          edits: 0,
        };
        messages.set(message.id, message);
        return send(200, { ...message, type: 0, author: { id: opts.applicationId ?? "1", bot: true } });
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
      if (method === "POST" && path === "/users/@me/channels") {
        const recipient = (body as { recipient_id?: unknown } | undefined)?.recipient_id;
        if (typeof recipient !== "string") return error(400, 50035, "Invalid Form Body");
        return send(200, { id: dmChannelOf(recipient), type: 1, recipients: [{ id: recipient }] });
      }
      if (putRole) {
        roles.add(`${putRole[1]}/${putRole[2]}/${putRole[3]}`);
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
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    apiUrl: `${url}/api`,
    token,
    calls,
    messages,
    roles,
    commands,
    get rateLimited() {
      return rateLimited;
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
}
