import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

/**
 * A fake Discord Gateway on 127.0.0.1 speaking the v10 JSON protocol. The fake REST's
 * `GET /gateway/bot` hands out its URL; the real `@discordjs/ws` client connects, gets HELLO
 * (op 10), IDENTIFYs (op 2) and gets READY, heartbeats (op 1, answered with op 11), and RESUMEs
 * (op 6, answered with RESUMED) after the fake asks it to reconnect (op 7). The test dispatches
 * events (op 0), such as `INTERACTION_CREATE`.
 */
export interface GatewayFrame {
  op: number;
  d?: unknown;
  s?: number | null;
  t?: string | null;
}

export interface FakeGateway {
  url: string;
  token: string;
  /** Every frame the client sent, in order. */
  received: GatewayFrame[];
  /** Connections accepted so far. */
  connections: number;
  sessionId: string;
  /** Sends a dispatch (op 0) with the next sequence number on the newest connection. */
  dispatch(t: string, d: unknown): void;
  /** Asks the client to reconnect and resume (op 7), as Discord does now and then. */
  requestReconnect(): void;
  /** Waits for a frame with this opcode (after `from` frames), e.g. 2 (IDENTIFY) or 6 (RESUME). */
  waitFor(op: number, opts?: { from?: number; timeoutMs?: number }): Promise<GatewayFrame>;
  close(): Promise<void>;
}

export async function startFakeGateway(opts: {
  token: string;
  applicationId: string;
  botUserId?: string;
}): Promise<FakeGateway> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as AddressInfo;
  const url = `ws://127.0.0.1:${port}`;
  const sockets: WebSocket[] = [];
  const received: GatewayFrame[] = [];
  const sessionId = randomUUID().replaceAll("-", "");
  let sequence = 0;
  let connections = 0;

  const send = (socket: WebSocket, frame: GatewayFrame) => socket.send(JSON.stringify(frame));

  server.on("connection", (socket) => {
    connections++;
    sockets.push(socket);
    send(socket, { op: 10, d: { heartbeat_interval: 45_000 }, s: null, t: null });
    socket.on("message", (data) => {
      const frame = JSON.parse(data.toString()) as GatewayFrame;
      received.push(frame);
      const d = (frame.d ?? {}) as Record<string, unknown>;
      switch (frame.op) {
        case 1: // HEARTBEAT
          send(socket, { op: 11 });
          break;
        case 2: // IDENTIFY
          if (d.token !== opts.token) {
            socket.close(4004, "Authentication failed.");
            return;
          }
          sequence++;
          send(socket, {
            op: 0,
            t: "READY",
            s: sequence,
            d: {
              v: 10,
              user: { id: opts.botUserId ?? opts.applicationId, username: "gatekeeper", bot: true },
              guilds: [],
              session_id: sessionId,
              resume_gateway_url: url,
              shard: [0, 1],
              application: { id: opts.applicationId, flags: 0 },
            },
          });
          break;
        case 6: // RESUME
          if (d.session_id !== sessionId || d.token !== opts.token) {
            send(socket, { op: 9, d: false });
            return;
          }
          sequence++;
          send(socket, { op: 0, t: "RESUMED", s: sequence, d: {} });
          break;
      }
    });
  });

  const newest = () => sockets.filter((s) => s.readyState === s.OPEN).at(-1);

  return {
    url,
    token: opts.token,
    received,
    get connections() {
      return connections;
    },
    sessionId,
    dispatch(t, d) {
      const socket = newest();
      if (!socket) throw new Error("fake Gateway: no open connection");
      sequence++;
      send(socket, { op: 0, t, s: sequence, d });
    },
    requestReconnect() {
      const socket = newest();
      if (socket) send(socket, { op: 7, d: null });
    },
    async waitFor(op, o = {}) {
      const deadline = Date.now() + (o.timeoutMs ?? 15_000);
      for (;;) {
        const found = received.slice(o.from ?? 0).find((f) => f.op === op);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`fake Gateway: no op ${op} received`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.terminate();
        server.close(() => resolve());
      }),
  };
}
