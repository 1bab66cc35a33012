import { expect } from "vitest";
import type { Core } from "../../core/context.js";
import type { JoinRequest, MessageRef } from "../../core/model.js";
import * as Outbox from "../../core/outbox.js";
import * as Requests from "../../core/requests.js";
import { APPLICATION_ID, type DiscordHarness, startDiscordHarness } from "./discord-harness.js";
import {
  buttonInteraction,
  commandInteraction,
  dmButtonInteraction,
  dmModalSubmitInteraction,
  modalSubmitInteraction,
  type TestMember,
  testMember,
} from "./discord-interactions.js";
import type { AnswerJson, InteractionAnswer } from "./discord-sign.js";
import type { RecordedCall, StoredMessage } from "./fake-discord.js";

/**
 * The Discord side of the moderator-tool tests (one per interaction file, mirrored under
 * test/bots/discord/interactions/): a harness on its own table, a community set up for the tools,
 * and the moves a moderator or an applicant makes, signed like Discord signs them. With a clock,
 * interactions are signed at the clock's time (the endpoint checks signatures against it).
 */
export const GUILD = "100000000000000001";
export const REVIEW = "100000000000000002";
export const MOD = "100000000000000003";
export const MOD_ROLE = "100000000000000004";
export const SEAT_ROLE = "100000000000000005";
export const EXTRA_ROLE = "100000000000000006";
export const MOD2 = "100000000000000007";
export const STRICT_REVIEW = "100000000000000008";

export const TOOLS_YAML = `
communities:
  - id: makers
    name: Makers Guild
    platform: discord
    workspace: "${GUILD}"
    reviewChannel: "${REVIEW}"
    moderators: { users: ["${MOD}", "${MOD2}"], roles: ["${MOD_ROLE}"] }
    grant: { roles: ["${SEAT_ROLE}", "${EXTRA_ROLE}"] }
    questions:
      - { id: why, label: Why do you want to join?, style: paragraph, maxLength: 500 }
      - { id: site, label: Your website, required: false, maxLength: 100 }
      - { id: city, label: Your city, required: false, maxLength: 100 }
    cooldownDays: 1
  - id: strict
    name: Strict Club
    platform: discord
    workspace: "${GUILD}"
    reviewChannel: "${STRICT_REVIEW}"
    moderators: { users: ["${MOD}"] }
    grant: { roles: ["${SEAT_ROLE}"] }
    questions:
      - { id: why, label: Why?, maxLength: 200 }
    interviewExpiryHours: 24
    onNoReply: deny
    cooldownDays: 0
  - id: long-form
    name: Long Form
    platform: discord
    workspace: "${GUILD}"
    reviewChannel: "${REVIEW}"
    moderators: { users: ["${MOD}"] }
    grant: { roles: ["${SEAT_ROLE}"] }
    questions:
${[1, 2, 3, 4, 5, 6].map((n) => `      - { id: q${n}, label: Question ${n}, maxLength: 100 }`).join("\n")}
`;

export const moderator = testMember({ id: MOD, username: "mod", global_name: "Moderator" });
export const moderator2 = testMember({ id: MOD2, username: "mod2", global_name: "Second Moderator" });

export interface Tools {
  h: DiscordHarness;
  core(): Core;
  post(label: string, payload: unknown): Promise<InteractionAnswer>;
  /** `/apply <community>` and the form submitted (one page); the recorded request. */
  apply(member: TestMember, communityId: string, values: Record<string, string>): Promise<JoinRequest>;
  card(requestId: string): Promise<MessageRef>;
  click(label: string, member: TestMember, customId: string, card: MessageRef): Promise<InteractionAnswer>;
  modal(
    label: string,
    member: TestMember,
    customId: string,
    values: Record<string, string>,
    card?: MessageRef,
  ): Promise<InteractionAnswer>;
  /** The question: the card's "Ask a question" button, then its modal. */
  ask(member: TestMember, requestId: string, question: string): Promise<InteractionAnswer>;
  /** The applicant's DM channel and the latest message there carrying a Reply button for `round`. */
  questionDm(applicant: TestMember, requestId: string, round: number): Promise<StoredMessage>;
  /** The Reply button clicked in the applicant's DM. */
  replyButton(
    applicant: TestMember,
    requestId: string,
    round: number,
    message?: { id: string; channel_id: string },
  ): Promise<InteractionAnswer>;
  /** The reply modal submitted from the DM. */
  sendReply(
    applicant: TestMember,
    requestId: string,
    round: number,
    text: string,
  ): Promise<InteractionAnswer>;
  /** The card message as it is now (embeds and buttons, as JSON). */
  cardJson(card: MessageRef): string;
  cardShows(card: MessageRef, text: string): Promise<string>;
  /** Messages posted in the card's thread (the thread's id is the card's). */
  threadMessages(card: MessageRef): StoredMessage[];
  threadPost(card: MessageRef, contains: string): Promise<StoredMessage>;
  settled(requestId: string): Promise<void>;
  calls(from: number, route?: RegExp): RecordedCall[];
  close(): Promise<void>;
}

export async function startTools(opts: { clock?: { now: () => Date }; yaml?: string } = {}): Promise<Tools> {
  const h = await startDiscordHarness(opts.yaml ?? TOOLS_YAML, opts.clock ? { now: opts.clock.now } : {});
  const core = () => h.server.runtime.core;
  const signedAt = () => (opts.clock ? { timestamp: Math.floor(opts.clock.now().getTime() / 1000) } : {});
  const post = (label: string, payload: unknown) => h.post(label, payload, signedAt());
  const base = (member: TestMember) => ({ guild: GUILD, member, applicationId: APPLICATION_ID });
  const card = (requestId: string) => h.eventually(async () => (await Requests.get(core(), requestId))?.card);
  const cardJson = (ref: MessageRef) => {
    const m = h.fake.messages.get(ref.id);
    return JSON.stringify({ embeds: m?.embeds, components: m?.components });
  };
  const threadMessages = (ref: MessageRef) =>
    [...h.fake.messages.values()].filter((m) => m.channel_id === ref.id);
  const questionDm = (applicant: TestMember, requestId: string, round: number) =>
    h.eventually(() =>
      [...h.fake.messages.values()]
        .filter((m) => m.channel_id === h.fake.dmChannelOf(applicant.user.id))
        .find((m) => JSON.stringify(m.components).includes(`gk:answer:${requestId}:${round}`)),
    );

  const tools: Tools = {
    h,
    core,
    post,
    async apply(member, communityId, values) {
      const opened = await post(
        `/apply ${communityId}`,
        commandInteraction({ ...base(member), name: "apply", options: { community: communityId } }),
      );
      expect(opened.json.type).toBe(9);
      const submitted = await post(
        `submit ${communityId}`,
        modalSubmitInteraction({ ...base(member), customId: opened.json.data?.custom_id ?? "", values }),
      );
      expect(submitted.json.type).toBe(4);
      const list = await Requests.listForApplicant(core(), "discord", GUILD, member.user.id);
      const found = list
        .map((r) => r.request)
        .find((r) => r.communityId === communityId && r.status === "pending");
      if (!found) throw new Error(`no pending request: ${submitted.json.data?.content ?? ""}`);
      return found;
    },
    card,
    click: (label, member, customId, ref) =>
      post(
        label,
        buttonInteraction({ ...base(member), customId, message: { id: ref.id, channel_id: ref.channel } }),
      ),
    modal: (label, member, customId, values, ref) =>
      post(
        label,
        modalSubmitInteraction({
          ...base(member),
          customId,
          values,
          ...(ref ? { message: { id: ref.id, channel_id: ref.channel } } : {}),
        }),
      ),
    async ask(member, requestId, question) {
      const ref = await card(requestId);
      const opened = await tools.click("ask a question", member, `gk:ask:${requestId}`, ref);
      if (opened.json.type !== 9) return opened;
      expect(opened.json.data?.custom_id).toBe(`gk:question:${requestId}`);
      return tools.modal("question", member, `gk:question:${requestId}`, { ask: question }, ref);
    },
    questionDm,
    async replyButton(applicant, requestId, round, message) {
      const dm = message ?? (await questionDm(applicant, requestId, round));
      return post(
        "reply button (DM)",
        dmButtonInteraction({
          user: applicant.user,
          applicationId: APPLICATION_ID,
          customId: `gk:answer:${requestId}:${round}`,
          message: { id: dm.id, channel_id: dm.channel_id },
        }),
      );
    },
    async sendReply(applicant, requestId, round, text) {
      const dm = h.fake.dmChannelOf(applicant.user.id);
      return post(
        "reply (DM modal)",
        dmModalSubmitInteraction({
          user: applicant.user,
          applicationId: APPLICATION_ID,
          customId: `gk:replied:${requestId}:${round}`,
          values: { reply: text },
          message: { id: "300000000000000001", channel_id: dm },
        }),
      );
    },
    cardJson,
    cardShows: (ref, text) => h.eventually(() => (cardJson(ref).includes(text) ? cardJson(ref) : undefined)),
    threadMessages,
    threadPost: (ref, contains) =>
      h.eventually(() => threadMessages(ref).find((m) => (m.content ?? "").includes(contains))),
    async settled(requestId) {
      await h.eventually(async () => {
        const entries = await Outbox.entriesOf(core(), requestId);
        return entries.length > 0 && entries.every((e) => ["done", "failed", "dead"].includes(e.status));
      });
      await new Promise((r) => setTimeout(r, 200));
    },
    calls: (from, route) => h.fake.calls.slice(from).filter((c) => !route || route.test(c.path)),
    close: () => h.close(),
  };
  return tools;
}

/** An answer's visible words. */
export const contentOf = (answer: { json: AnswerJson }) => answer.json.data?.content ?? "";
