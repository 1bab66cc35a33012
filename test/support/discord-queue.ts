import type { JoinRequest } from "../../core/model.js";
import type { Profile } from "../../core/profile.js";
import * as Requests from "../../core/requests.js";
import { APPLICATION_ID, type DiscordHarness, startDiscordHarness } from "./discord-harness.js";
import {
  buttonInteraction,
  commandInteraction,
  daysAgo,
  modalSubmitInteraction,
  type TestMember,
  testMember,
} from "./discord-interactions.js";

/**
 * A Discord community with a queue, for the `/apply-queue` and `/apply-stats` tests: the harness,
 * a moderator (by role), a non-moderator, and pending requests seeded through the core, oldest
 * first (every third one without an avatar: flagged).
 */
export const GUILD = "100000000000000001";
export const REVIEW = "100000000000000002";
export const MOD_ROLE = "100000000000000004";
export const GRANT_ROLE = "100000000000000005";

export function queueYaml(opts: { capacity?: number } = {}): string {
  return `
communities:
  - id: gamers
    name: Gamers
    platform: discord
    workspace: "${GUILD}"
    reviewChannel: "${REVIEW}"
    moderators: { users: [], roles: ["${MOD_ROLE}"] }
    grant: { roles: ["${GRANT_ROLE}"] }
    questions: [{ id: why, label: "Why?", maxLength: 200 }]
    rules: { requireAvatar: true }
${opts.capacity !== undefined ? `    capacity: ${opts.capacity}\n` : ""}`;
}

export interface QueueWorld {
  h: DiscordHarness;
  moderator: TestMember;
  stranger: TestMember;
  requests: JoinRequest[];
}

export async function startQueueWorld(n: number, opts: { capacity?: number } = {}): Promise<QueueWorld> {
  const h = await startDiscordHarness(queueYaml(opts));
  const community = h.server.runtime.core.config.communities[0];
  if (!community) throw new Error("no community");
  const requests: JoinRequest[] = [];
  for (let i = 0; i < n; i++) {
    const member = testMember(i % 3 === 2 ? { avatar: null } : {});
    const profile: Profile = {
      platform: "discord",
      userId: member.user.id,
      name: member.user.global_name ?? member.user.username,
      available: true,
      hasAvatar: i % 3 !== 2,
      realName: member.user.global_name ?? undefined,
      accountCreatedAt: daysAgo(730).toISOString(),
      joinedAt: member.joined_at,
    };
    const outcome = await Requests.submit(h.server.runtime.core, {
      community,
      submissionKey: `seed-${i}`,
      applicant: { userId: member.user.id, name: `Applicant ${i}` },
      answers: { why: "seeded" },
      profile,
    });
    if (outcome.kind !== "recorded") throw new Error(outcome.kind);
    requests.push(outcome.request);
  }
  return {
    h,
    moderator: testMember({ global_name: "Mod" }, [MOD_ROLE]),
    stranger: testMember({ global_name: "Nobody" }),
    requests,
  };
}

const base = (member: TestMember) => ({
  guild: GUILD,
  member,
  applicationId: APPLICATION_ID,
  channel: REVIEW,
});
const QUEUE_MESSAGE = { id: "300000000000000001", channel_id: REVIEW };

export const queueCommand = (member: TestMember, community?: string) =>
  commandInteraction({
    ...base(member),
    name: "apply-queue",
    ...(community ? { options: { community } } : {}),
  });

export const statsCommand = (member: TestMember, days?: number) => {
  const i = commandInteraction({ ...base(member), name: "apply-stats" });
  return days ? { ...i, data: { ...i.data, options: [{ name: "days", type: 4, value: days }] } } : i;
};

export const queueButton = (member: TestMember, customId: string) =>
  buttonInteraction({ ...base(member), customId, message: QUEUE_MESSAGE, ephemeral: true });

export const queueSelectInteraction = (member: TestMember, customId: string, values: string[]) => {
  const i = buttonInteraction({ ...base(member), customId, message: QUEUE_MESSAGE, ephemeral: true });
  return { ...i, data: { custom_id: customId, component_type: 3, values } };
};

export const queueModal = (member: TestMember, customId: string, reason: string) =>
  modalSubmitInteraction({ ...base(member), customId, values: { reason }, message: QUEUE_MESSAGE });

/** The answer's data as the queue message shows it. */
export interface QueueAnswerData {
  content?: string;
  flags?: number;
  embeds?: { title?: string; description?: string }[];
  components?: {
    components: {
      type: number;
      custom_id?: string;
      label?: string;
      disabled?: boolean;
      style?: number;
      options?: { value: string; label: string; default?: boolean }[];
      max_values?: number;
    }[];
  }[];
}

export function queueData(json: unknown): QueueAnswerData {
  return ((json as { data?: QueueAnswerData }).data ?? {}) as QueueAnswerData;
}

export function componentsOf(data: QueueAnswerData) {
  return (data.components ?? []).flatMap((r) => r.components);
}
