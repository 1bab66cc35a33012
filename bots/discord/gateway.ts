import { type SessionInfo, WebSocketManager, WebSocketShardEvents } from "@discordjs/ws";
import { GatewayDispatchEvents, Routes } from "discord-api-types/v10";
import type { Core } from "../../core/context.js";
import type { Logger } from "../../core/log.js";
import type { DiscordSettings } from "../../core/settings.js";
import { answerInteraction } from "./answer.js";
import { lateSender } from "./deferral.js";
import { createGatewayRest } from "./rest.js";

/**
 * Discord over the Gateway, for the local bot: no public URL, no tunnel. Discord delivers
 * interactions as `INTERACTION_CREATE` dispatches to a connected bot as long as the application
 * has no Interactions Endpoint URL. Each one gets exactly the answer the HTTP endpoint would give
 * (`answerInteraction`), sent with `POST /interactions/{id}/{token}/callback`.
 *
 * `@discordjs/ws` finds the Gateway with `GET /gateway/bot` (on `DISCORD_API_URL`, so tests point
 * it at a fake), identifies with intents 0 (interactions need none), heartbeats, and resumes the
 * session after a drop. Interactions that arrive while the bot is disconnected are not answered:
 * Discord tells the person the application did not respond, and they can try again.
 */
export interface DiscordGateway {
  stop(): Promise<void>;
}

export class DiscordConnectError extends Error {
  override name = "DiscordConnectError";
}

const CONNECT_TIMEOUT_MS = 30_000;

export async function startDiscordGateway(
  core: Core,
  settings: DiscordSettings,
  log: Logger,
): Promise<DiscordGateway> {
  const rest = createGatewayRest(settings);
  const sendLate = lateSender(settings, log);
  const sessions = new Map<number, SessionInfo>();
  const manager = new WebSocketManager({
    token: settings.botToken,
    intents: 0,
    rest,
    // This manager's sessions only (the library's default store is shared by the whole process).
    retrieveSessionInfo: (shard) => sessions.get(shard) ?? null,
    updateSessionInfo: (shard, info) => {
      if (info) sessions.set(shard, info);
      else sessions.delete(shard);
    },
  });

  let readies = 0;
  manager.on(WebSocketShardEvents.Ready, () => {
    readies++;
    log.info(readies === 1 ? "discord gateway ready" : "discord gateway identified again", { readies });
  });
  manager.on(WebSocketShardEvents.Resumed, () => log.info("discord gateway session resumed"));
  manager.on(WebSocketShardEvents.Closed, (code) =>
    log.warn("discord gateway connection closed: resuming", { code }),
  );
  manager.on(WebSocketShardEvents.Error, (error) => log.error("discord gateway error", { error }));
  manager.on(WebSocketShardEvents.Dispatch, (payload) => {
    if (payload.t !== GatewayDispatchEvents.InteractionCreate) return;
    const { id, token } = payload.d;
    void answer(id, token, payload.d, Date.now());
  });

  async function answer(id: string, token: string, raw: unknown, receivedAt: number): Promise<void> {
    try {
      const response = await answerInteraction(core, raw, { receivedAt, sendLate });
      if (!response) return;
      await rest.post(Routes.interactionCallback(id, token), { body: response, auth: false });
    } catch (error) {
      log.warn("discord interaction callback failed", { platform: "discord", interactionId: id, error });
    }
  }

  let timer: NodeJS.Timeout | undefined;
  const connecting = manager.connect();
  connecting.catch(() => undefined); // raced below; a late failure must not go unhandled
  try {
    await Promise.race([
      connecting,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no READY within ${CONNECT_TIMEOUT_MS / 1000} s`)),
          CONNECT_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (error) {
    await Promise.resolve(manager.destroy()).catch(() => undefined);
    const why = error instanceof Error ? error.message : String(error);
    throw new DiscordConnectError(
      `Discord Gateway could not connect (${why}): check DISCORD_BOT_TOKEN (Developer Portal → Bot → Reset Token).`,
    );
  } finally {
    clearTimeout(timer);
  }
  return {
    async stop() {
      await manager.destroy();
    },
  };
}
