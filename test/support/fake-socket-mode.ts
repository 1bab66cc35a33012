import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

/**
 * A fake Slack Socket Mode server on 127.0.0.1. The fake Web API's `apps.connections.open` hands
 * out its `ws://` URL; the real `SocketModeClient` (inside Bolt's `SocketModeReceiver`) connects,
 * gets `hello`, and receives envelopes the test sends: slash commands, interactivity (view
 * submissions, block actions) and Events API callbacks. The client's acknowledgements
 * (`{envelope_id, payload}`) are recorded and can be awaited per envelope. `disconnect()` asks the
 * client to move, as Slack does every few hours.
 */
export interface Ack {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export type EnvelopeType = "slash_commands" | "interactive" | "events_api";

export interface FakeSocketMode {
  url: string;
  /** Connections accepted so far (a reconnect adds one). */
  connections: number;
  /** Currently open connections. */
  open(): number;
  acks: Ack[];
  /** Sends an envelope on the newest connection; resolves with its acknowledgement. */
  send(
    type: EnvelopeType,
    payload: unknown,
    opts?: { timeoutMs?: number; retryAttempt?: number },
  ): Promise<Ack>;
  /** Sends Slack's `disconnect` message: the client should reconnect through `apps.connections.open`. */
  disconnect(reason?: string): void;
  /** Waits until `count` connections have said hello. */
  waitForConnections(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeSocketMode(): Promise<FakeSocketMode> {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as AddressInfo;
  const sockets: WebSocket[] = [];
  const acks: Ack[] = [];
  const waiting = new Map<string, (ack: Ack) => void>();
  let connections = 0;

  server.on("connection", (socket) => {
    connections++;
    sockets.push(socket);
    socket.on("message", (data) => {
      const ack = JSON.parse(data.toString()) as Ack;
      acks.push(ack);
      waiting.get(ack.envelope_id)?.(ack);
      waiting.delete(ack.envelope_id);
    });
    socket.send(
      JSON.stringify({
        type: "hello",
        num_connections: 1,
        debug_info: { host: "fake-socket-mode", approximate_connection_time: 18060 },
        connection_info: { app_id: "A0TEST" },
      }),
    );
  });

  const live = () => sockets.filter((s) => s.readyState === s.OPEN);

  const fake: FakeSocketMode = {
    url: `ws://127.0.0.1:${port}/link/?ticket=fake`,
    get connections() {
      return connections;
    },
    open: () => live().length,
    acks,
    send(type, payload, opts = {}) {
      const socket = live().at(-1);
      if (!socket) return Promise.reject(new Error("fake Socket Mode: no open connection"));
      const envelopeId = randomUUID();
      const acked = new Promise<Ack>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(envelopeId);
          reject(new Error(`fake Socket Mode: envelope ${type} not acknowledged`));
        }, opts.timeoutMs ?? 10_000);
        waiting.set(envelopeId, (ack) => {
          clearTimeout(timer);
          resolve(ack);
        });
      });
      socket.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: type !== "events_api",
          ...(type === "events_api" ? { retry_attempt: opts.retryAttempt ?? 0, retry_reason: "" } : {}),
        }),
      );
      return acked;
    },
    disconnect(reason = "refresh_requested") {
      for (const socket of live()) socket.send(JSON.stringify({ type: "disconnect", reason }));
    },
    async waitForConnections(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (connections < count || live().length === 0) {
        if (Date.now() > deadline)
          throw new Error(`fake Socket Mode: ${connections} connections, wanted ${count}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.terminate();
        server.close(() => resolve());
      }),
  };
  return fake;
}
