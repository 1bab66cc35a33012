import { toMarkdown } from "../../bots/discord/render.js";
import * as Communities from "../../core/communities.js";
import type { Community } from "../../core/config/schema.js";
import type { Core } from "../../core/context.js";
import type { JoinRequest } from "../../core/model.js";
import * as Outbox from "../../core/outbox.js";
import * as Requests from "../../core/requests.js";
import type { Text } from "../../core/text.js";
import { discordCommunity } from "./core.js";
import { APPLICATION_ID, type DiscordHarness, startDiscordHarness } from "./discord-harness.js";
import { buttonInteraction, modalSubmitInteraction, type TestMember } from "./discord-interactions.js";
import type { AnswerJson, ComponentJson, InteractionAnswer } from "./discord-sign.js";
import { snowflakeNow } from "./fake-discord.js";

/**
 * What the per-handler tests under test/bots/discord/interactions share: one harness (the local
 * server on DynamoDB Local, the fake Discord) per file, a clock that can be moved forward (the
 * signatures follow it), the answers the member should see built from `core/messages.ts`, and
 * short ways to reach a state (a recorded request, its posted card, its settled outbox).
 */
export const GUILD = "100000000000000001";
export const REVIEW = "100000000000000002";
export const MOD = "100000000000000003";
export const MOD_ROLE = "100000000000000004";
export const ROLE = "100000000000000005";
export const OTHER_GUILD = "200000000000000001";
export const OTHER_REVIEW = "200000000000000002";
export const OTHER_MOD = "200000000000000003";
export const OTHER_ROLE = "200000000000000005";
/** A guild where nothing is set up. */
export const EMPTY_GUILD = "300000000000000009";

/** A Discord community of GUILD (moderated by MOD and MOD_ROLE); override any field. */
export function community(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return discordCommunity({
    workspace: GUILD,
    reviewChannel: REVIEW,
    moderators: { users: [MOD], roles: [MOD_ROLE] },
    grant: { roles: [ROLE] },
    ...overrides,
  });
}

/** A community of OTHER_GUILD, moderated by OTHER_MOD only. */
export function otherGuildCommunity(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return community({
    workspace: OTHER_GUILD,
    reviewChannel: OTHER_REVIEW,
    moderators: { users: [OTHER_MOD], roles: [] },
    grant: { roles: [OTHER_ROLE] },
    ...overrides,
  });
}

/** `n` short required questions q1..qn (a Discord modal holds five inputs, the note included). */
export function questions(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `q${i + 1}`,
    label: `Question ${i + 1}`,
    maxLength: 100,
  }));
}

const NO_PINGS = { parse: [] };

/** An ephemeral answer (4) with these words, rendered as the bot renders them. */
export function ephemeralAnswer(text: Text, components?: ComponentJson[]): AnswerJson {
  return {
    type: 4,
    data: {
      content: toMarkdown(text),
      flags: 64,
      allowed_mentions: NO_PINGS,
      ...(components ? { components } : {}),
    },
  };
}

/** An answer (7) that replaces the clicked message (or the modal's message) with these words. */
export function inPlaceAnswer(text: Text, components: ComponentJson[] = []): AnswerJson {
  return { type: 7, data: { content: toMarkdown(text), components, allowed_mentions: NO_PINGS } };
}

export const DEFERRED_UPDATE: AnswerJson = { type: 6 };

/** One row of primary buttons, as the form's "Continue" / "Edit answers" come back. */
export function buttonRow(...buttons: { customId: string; label: string }[]): ComponentJson[] {
  return [
    {
      type: 1,
      components: buttons.map((b) => ({ type: 2, custom_id: b.customId, label: b.label, style: 1 })),
    },
  ];
}

/** The payload as Discord sends it from a DM: no guild, no member, the user at the top. */
export function outsideGuild<T extends { member: { user: unknown } }>(payload: T): Record<string, unknown> {
  const { guild_id: _guild, member, ...rest } = payload as T & { guild_id?: string };
  return { ...rest, user: member.user, context: 1 };
}

/** The text inputs of a modal answer, in order. */
export function inputsOf(modal: AnswerJson["data"]): ComponentJson[] {
  return (modal?.components ?? []).flatMap((c) => (c.component ? [c.component] : (c.components ?? [])));
}

/** A message id for an ephemeral message (the form's "Continue" message). */
export function ephemeralMessage(): { id: string; channel_id: string } {
  return { id: snowflakeNow(), channel_id: REVIEW };
}

export interface Scene {
  h: DiscordHarness;
  core(): Core;
  community(id: string): Community;
  /** Moves the server's clock (and the signatures' timestamps) forward. */
  advance(ms: number): void;
  base(member: TestMember, guild?: string): { guild: string; member: TestMember; applicationId: string };
  post(label: string, payload: unknown): Promise<InteractionAnswer>;
  /** Submits a single-page form (a fresh form id) and returns what was recorded. */
  submitForm(
    member: TestMember,
    communityId: string,
    values?: Record<string, string>,
    guild?: string,
  ): Promise<{ answer: InteractionAnswer; request: JoinRequest }>;
  /** A member's requests in GUILD (or `guild`), newest first. */
  requestsOf(member: TestMember, guild?: string): Promise<JoinRequest[]>;
  request(id: string): Promise<JoinRequest>;
  /** The request's card once the worker posted it. */
  cardOf(requestId: string): Promise<{ id: string; channel: string }>;
  /** Waits until every outbox entry of the request is done or failed; returns their names and states. */
  settled(requestId: string): Promise<string[]>;
  /** A button click on a message (the card, by default a fresh message id in REVIEW). */
  click(
    label: string,
    member: TestMember,
    customId: string,
    message?: { id: string; channel_id: string },
    guild?: string,
  ): Promise<InteractionAnswer>;
  close(): Promise<void>;
}

/** Starts one harness for a test file. */
export async function startScene(
  communities: Record<string, unknown>[],
  opts: { outboxNow?: () => Date } = {},
): Promise<Scene> {
  const skew = { ms: 0 };
  const now = () => new Date(Date.now() + skew.ms);
  // JSON is YAML: the config goes through the same loader as a gatekeeper.yaml.
  const h = await startDiscordHarness(JSON.stringify({ communities }), {
    now,
    ...(opts.outboxNow ? { outboxNow: opts.outboxNow } : {}),
  });
  const core = () => h.server.runtime.core;
  const base = (member: TestMember, guild = GUILD) => ({ guild, member, applicationId: APPLICATION_ID });
  const post = (label: string, payload: unknown) =>
    h.post(label, payload, { timestamp: Math.floor(now().getTime() / 1000) });
  const requestsOf = async (member: TestMember, guild = GUILD) =>
    (await Requests.listForApplicant(core(), "discord", guild, member.user.id)).map((r) => r.request);
  const request = async (id: string) => {
    const found = await Requests.get(core(), id);
    if (!found) throw new Error(`no request ${id}`);
    return found;
  };
  return {
    h,
    core,
    community(id) {
      const found = Communities.find(core(), id);
      if (!found) throw new Error(`no community ${id}`);
      return found;
    },
    advance(ms) {
      skew.ms += ms;
    },
    base,
    post,
    async submitForm(member, communityId, values = { "q:why": "Let me in." }, guild = GUILD) {
      const customId = `gk:form:${communityId}:${snowflakeNow()}:1`;
      const answer = await post(
        `submit ${communityId} form`,
        modalSubmitInteraction({ ...base(member, guild), customId, values }),
      );
      const [newest] = await requestsOf(member, guild);
      if (!newest || newest.communityId !== communityId)
        throw new Error(`nothing recorded: ${JSON.stringify(answer.json)}`);
      return { answer, request: newest };
    },
    requestsOf,
    request,
    async cardOf(requestId) {
      return h.eventually(async () => (await Requests.get(core(), requestId))?.card);
    },
    async settled(requestId) {
      return h.eventually(async () => {
        const entries = await Outbox.entriesOf(core(), requestId);
        return entries.length > 0 && entries.every((e) => e.status === "done" || e.status === "failed")
          ? entries.map((e) => `${e.name} ${e.status}`).sort()
          : undefined;
      }, 30_000);
    },
    click(label, member, customId, message = ephemeralMessage(), guild = GUILD) {
      return post(label, buttonInteraction({ ...base(member, guild), customId, message }));
    },
    close: () => h.close(),
  };
}
