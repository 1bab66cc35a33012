import * as Capacity from "../../core/capacity.js";
import type { Community } from "../../core/config/schema.js";
import type { Core } from "../../core/context.js";
import * as Outbox from "../../core/outbox.js";
import * as Requests from "../../core/requests.js";
import { effectKey } from "../../core/store/items.js";
import type { FakeDiscord } from "../support/fake-discord.js";
import type { FakeSlack } from "../support/fake-slack.js";

/**
 * What every soak run ends with, checked from the table and from what the fake Slack recorded:
 * every request in a final or open state with its effects settled, every effect performed once,
 * and seats = holders of the access ≤ capacity.
 */
export interface SoakReport {
  requests: number;
  byStatus: Record<string, number>;
  cards: number;
  notices: number;
  invites: number;
  seats: number;
  holders: number;
  effects: number;
  unsettled: string[];
  problems: string[];
}

export async function slackInvariants(
  core: Core,
  fake: FakeSlack,
  community: Community,
  requestIds: readonly string[],
): Promise<SoakReport> {
  const problems: string[] = [];
  const byStatus: Record<string, number> = {};
  const unsettled: string[] = [];
  let effects = 0;
  const posted = fake.succeeded("chat.postMessage");
  // Each card carries its outbox entry's key in the message metadata (a card posted after its
  // request was decided has no buttons, so the request id is not in its blocks).
  const requestOfKey = new Map(requestIds.map((id) => [effectKey(id, "card.post"), id]));
  const cardsOf = new Map<string, number>();
  for (const call of posted) {
    if (call.params.channel !== community.reviewChannel || call.params.thread_ts) continue;
    const key = JSON.stringify(call.params.metadata ?? "").match(/[0-9a-f]{25}/)?.[0];
    const id = key ? requestOfKey.get(key) : undefined;
    if (id) cardsOf.set(id, (cardsOf.get(id) ?? 0) + 1);
  }
  const dms = new Map<string, number>();
  for (const call of posted) {
    const channel = String(call.params.channel);
    if (channel.startsWith("U")) dms.set(channel, (dms.get(channel) ?? 0) + 1);
  }
  const invites = new Map<string, number>();
  for (const call of fake.succeeded("conversations.invite")) {
    const key = `${call.params.channel}/${call.params.users}`;
    invites.set(key, (invites.get(key) ?? 0) + 1);
  }
  let admitted = 0;
  for (const id of requestIds) {
    const request = await Requests.get(core, id);
    if (!request) {
      problems.push(`${id}: not recorded`);
      continue;
    }
    byStatus[request.status] = (byStatus[request.status] ?? 0) + 1;
    const entries = await Outbox.entriesOf(core, id);
    effects += entries.length;
    for (const e of entries) if (e.status !== "done") unsettled.push(`${id}/${e.name}=${e.status}`);
    if ((cardsOf.get(id) ?? 0) !== 1) problems.push(`${id}: ${cardsOf.get(id) ?? 0} cards`);
    const notices = entries.filter((e) => e.spec.kind === "notice" && !e.skipped).length;
    const user = request.applicant.userId;
    if ((dms.get(user) ?? 0) !== notices)
      problems.push(`${id}: ${dms.get(user) ?? 0} DMs for ${notices} notices`);
    const member = request.status === "approved" && !request.leftAt;
    if (member) admitted++;
    for (const channel of community.grant.channels) {
      const n = invites.get(`${channel}/${user}`) ?? 0;
      if (n !== (request.status === "approved" ? 1 : 0)) problems.push(`${id}: ${n} invites to ${channel}`);
    }
    const decisions = (await Requests.auditTrail(core, id)).filter((a) =>
      ["approved", "denied", "waitlisted", "auto-approved", "auto-waitlisted", "auto-denied"].includes(
        a.action,
      ),
    );
    if (request.status !== "pending" && request.status !== "withdrawn" && request.status !== "expired") {
      if (decisions.length !== 1) problems.push(`${id}: ${decisions.length} decisions`);
    }
  }
  const seats = (await Capacity.seats(core, community)).used;
  const seatChannel = community.grant.channels[0];
  const holders = seatChannel ? (fake.members.get(seatChannel)?.size ?? 0) : 0;
  if (seats !== admitted) problems.push(`seats ${seats} ≠ admitted ${admitted}`);
  if (holders !== admitted) problems.push(`holders ${holders} ≠ admitted ${admitted}`);
  if (community.capacity !== undefined && holders > community.capacity)
    problems.push(`holders ${holders} > capacity ${community.capacity}`);
  return {
    requests: requestIds.length,
    byStatus,
    cards: [...cardsOf.values()].reduce((a, b) => a + b, 0),
    notices: [...dms.values()].reduce((a, b) => a + b, 0),
    invites: [...invites.values()].reduce((a, b) => a + b, 0),
    seats,
    holders,
    effects,
    unsettled,
    problems,
  };
}

/** Waits until every outbox entry of these requests is settled (or the time is up). */
export async function drain(
  core: Core,
  requestIds: readonly string[],
  timeoutMs: number,
  nudge?: () => Promise<void>,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let open = 0;
    for (const id of requestIds) {
      for (const e of await Outbox.entriesOf(core, id))
        if (e.status !== "done" && e.status !== "failed") open++;
    }
    if (open === 0 || Date.now() > deadline) return open;
    await nudge?.();
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * The same end state on Discord, from the table and the fake Discord's stored messages and roles:
 * one card per request (the message stored under the card entry's nonce), one DM per notice that
 * was sent, one decision, and seats = holders of the granted role ≤ capacity.
 */
export async function discordInvariants(
  core: Core,
  fake: FakeDiscord,
  community: Community,
  requestIds: readonly string[],
): Promise<SoakReport> {
  const problems: string[] = [];
  const byStatus: Record<string, number> = {};
  const unsettled: string[] = [];
  let effects = 0;
  const stored = [...fake.messages.values()];
  const cardsOf = new Map<string, number>();
  const keyOf = new Map(requestIds.map((id) => [effectKey(id, "card.post"), id]));
  for (const m of stored) {
    if (m.channel_id !== community.reviewChannel || typeof m.nonce !== "string") continue;
    const id = keyOf.get(m.nonce);
    if (id) cardsOf.set(id, (cardsOf.get(id) ?? 0) + 1);
  }
  const role = community.grant.roles[0];
  let admitted = 0;
  let notices = 0;
  for (const id of requestIds) {
    const request = await Requests.get(core, id);
    if (!request) {
      problems.push(`${id}: not recorded`);
      continue;
    }
    byStatus[request.status] = (byStatus[request.status] ?? 0) + 1;
    const entries = await Outbox.entriesOf(core, id);
    effects += entries.length;
    for (const e of entries) if (e.status !== "done") unsettled.push(`${id}/${e.name}=${e.status}`);
    if ((cardsOf.get(id) ?? 0) !== 1) problems.push(`${id}: ${cardsOf.get(id) ?? 0} cards`);
    const sent = entries.filter((e) => e.spec.kind === "notice" && !e.skipped).length;
    const dm = fake.dmChannelOf(request.applicant.userId);
    const dms = stored.filter((m) => m.channel_id === dm).length;
    notices += dms;
    if (dms !== sent) problems.push(`${id}: ${dms} DMs for ${sent} notices`);
    if (request.status === "approved" && !request.leftAt) admitted++;
    const decisions = (await Requests.auditTrail(core, id)).filter((a) =>
      ["approved", "denied", "waitlisted", "auto-approved", "auto-waitlisted", "auto-denied"].includes(
        a.action,
      ),
    );
    if (!["pending", "withdrawn", "expired"].includes(request.status) && decisions.length !== 1)
      problems.push(`${id}: ${decisions.length} decisions`);
  }
  const seats = (await Capacity.seats(core, community)).used;
  const holders = role
    ? [...fake.roles].filter((r) => r.startsWith(`${community.workspace}/`) && r.endsWith(`/${role}`)).length
    : 0;
  if (seats !== admitted) problems.push(`seats ${seats} ≠ admitted ${admitted}`);
  if (holders !== admitted) problems.push(`holders ${holders} ≠ admitted ${admitted}`);
  if (community.capacity !== undefined && holders > community.capacity)
    problems.push(`holders ${holders} > capacity ${community.capacity}`);
  return {
    requests: requestIds.length,
    byStatus,
    cards: [...cardsOf.values()].reduce((a, b) => a + b, 0),
    notices,
    invites: holders,
    seats,
    holders,
    effects,
    unsettled,
    problems,
  };
}
