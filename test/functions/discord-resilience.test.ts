import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Outbox from "../../core/outbox.js";
import * as Requests from "../../core/requests.js";
import { APPLICATION_ID, type DiscordHarness, startDiscordHarness } from "../support/discord-harness.js";
import {
  buttonInteraction,
  commandInteraction,
  modalSubmitInteraction,
  type TestMember,
  testMember,
} from "../support/discord-interactions.js";

/**
 * Discord end to end under pressure: many moderators clicking at once, and Discord answering
 * the worker with 429 (Retry-After) and 5xx. Every effect still happens exactly once.
 */
const GUILD = "300000000000000001";
const REVIEW = "300000000000000002";
const MOD_ROLE = "300000000000000004";
const ROLE_A = "300000000000000005";
const ROLE_B = "300000000000000006";
const MOD_USERS = Array.from({ length: 10 }, (_, i) => `3000000000000001${String(i).padStart(2, "0")}`);

const YAML = `
communities:
  - id: crowd
    name: Crowded Room
    platform: discord
    workspace: "${GUILD}"
    reviewChannel: "${REVIEW}"
    moderators: { users: [${MOD_USERS.map((u) => `"${u}"`).join(", ")}], roles: ["${MOD_ROLE}"] }
    grant: { roles: ["${ROLE_A}", "${ROLE_B}"] }
    questions:
      - { id: why, label: Why?, maxLength: 200 }
`;

let h: DiscordHarness;
beforeAll(async () => {
  h = await startDiscordHarness(YAML);
});
afterAll(async () => {
  if (!h) return;
  const slowest = h.report("discord resilience");
  await h.close();
  expect(slowest).toBeLessThan(2500);
});

const base = (member: TestMember) => ({ guild: GUILD, member, applicationId: APPLICATION_ID });
const core = () => h.server.runtime.core;

async function apply(member: TestMember) {
  const opened = await h.post("/apply", commandInteraction({ ...base(member), name: "apply" }));
  expect(opened.json.type).toBe(9);
  const submitted = await h.post(
    "submit form",
    modalSubmitInteraction({
      ...base(member),
      customId: opened.json.data?.custom_id ?? "",
      values: { "q:why": "Let me in." },
    }),
  );
  expect(submitted.json.data?.content).toContain("was received");
  const [entry] = await Requests.listForApplicant(core(), "discord", GUILD, member.user.id);
  if (!entry) throw new Error("not recorded");
  return entry.request;
}

async function settled(requestId: string, count: number) {
  return h.eventually(async () => {
    const entries = await Outbox.entriesOf(core(), requestId);
    return entries.length >= count && entries.every((e) => e.status === "done" || e.status === "failed")
      ? entries
      : undefined;
  }, 30_000);
}

describe("Discord under pressure", () => {
  it("takes one decision from 20 concurrent clicks: one grant per role, one DM, one card edit", async () => {
    const applicant = testMember();
    const request = await apply(applicant);
    const card = await h.eventually(async () => (await Requests.get(core(), request.id))?.card);

    const moderators = [
      ...MOD_USERS.map((id) => testMember({ id })),
      ...Array.from({ length: 10 }, () => testMember({}, [MOD_ROLE])),
    ];
    const answers = await Promise.all(
      moderators.map((m, i) =>
        h.post(
          `concurrent Approve #${i + 1}`,
          buttonInteraction({
            ...base(m),
            customId: `gk:approve:${request.id}`,
            message: { id: card.id, channel_id: card.channel },
          }),
        ),
      ),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const deferred = answers.filter((a) => a.json.type === 6);
    const refused = answers.filter((a) => a.json.type === 4);
    expect(deferred).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const r of refused) {
      expect(r.json.data?.flags).toBe(64);
      expect(r.json.data?.content).toMatch(/^This request was already approved by <@\d+> on <t:\d+:f>\.$/);
    }

    await settled(request.id, 4);
    await new Promise((r) => setTimeout(r, 500)); // anything late would show up now
    const audit = await Requests.auditTrail(core(), request.id);
    expect(audit.filter((a) => a.action === "approved")).toHaveLength(1);
    const roleCalls = h.fake.ok("PUT", new RegExp(`/members/${applicant.user.id}/roles/`));
    expect(roleCalls.map((c) => c.path).sort()).toEqual(
      [ROLE_A, ROLE_B].map((r) => `/guilds/${GUILD}/members/${applicant.user.id}/roles/${r}`).sort(),
    );
    expect(
      h.fake
        .ok("POST", /^\/users\/@me\/channels$/)
        .filter((c) => JSON.stringify(c.body).includes(applicant.user.id)),
    ).toHaveLength(1);
    expect(
      h.fake.ok("POST", new RegExp(`^/channels/${h.fake.dmChannelOf(applicant.user.id)}/messages$`)),
    ).toHaveLength(1);
    expect(h.fake.ok("PATCH", new RegExp(`/messages/${card.id}$`))).toHaveLength(1);
  });

  it("retries Discord's 429 (after Retry-After) and 5xx answers to the worker, delivering each effect once", async () => {
    const applicant = testMember();
    const dm = h.fake.dmChannelOf(applicant.user.id);
    h.fake.failNext("POST", new RegExp(`^/channels/${REVIEW}/messages$`), 1, {
      kind: "rate-limit",
      retryAfterSeconds: 1,
    });
    const request = await apply(applicant);
    const card = await h.eventually(async () => (await Requests.get(core(), request.id))?.card, 20_000);
    const cardAttempts = h.fake.calls
      .filter((c) => c.method === "POST" && c.path === `/channels/${REVIEW}/messages`)
      .slice(-2);
    expect(cardAttempts.map((c) => c.status)).toEqual([429, 200]);
    // The worker waited for Retry-After (1 s) instead of hammering, and the client did not retry on its own.
    expect((cardAttempts[1]?.at ?? 0) - (cardAttempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);

    h.fake.failNext("PUT", new RegExp(`/members/${applicant.user.id}/roles/${ROLE_A}$`), 1, {
      kind: "server-error",
    });
    h.fake.failNext("POST", /^\/users\/@me\/channels$/, 1, { kind: "server-error", status: 502 });
    h.fake.failNext("POST", new RegExp(`^/channels/${dm}/messages$`), 1, {
      kind: "rate-limit",
      retryAfterSeconds: 0.5,
    });
    h.fake.failNext("PATCH", new RegExp(`/messages/${card.id}$`), 2, { kind: "server-error", status: 503 });
    const moderator = testMember({ id: MOD_USERS[0] });
    const click = await h.post(
      "Approve (Discord failing)",
      buttonInteraction({
        ...base(moderator),
        customId: `gk:approve:${request.id}`,
        message: { id: card.id, channel_id: card.channel },
      }),
    );
    expect(click.json).toEqual({ type: 6 });

    const entries = await settled(request.id, 4);
    expect(entries.map((e) => [e.name, e.status, e.attempts]).sort()).toEqual([
      ["card.post", "done", 1],
      ["card.update#approved", "done", 1],
      ["grant", "done", 1],
      ["notice.approved", "done", 1],
    ]);
    const mine = (method: string, path: RegExp) =>
      h.fake.calls.filter((c) => c.method === method && path.test(c.path));
    expect(
      mine("PUT", new RegExp(`/members/${applicant.user.id}/roles/${ROLE_A}$`)).map((c) => c.status),
    ).toEqual([500, 204]);
    expect(
      mine("PUT", new RegExp(`/members/${applicant.user.id}/roles/${ROLE_B}$`)).map((c) => c.status),
    ).toEqual([204]);
    expect(mine("POST", new RegExp(`^/channels/${dm}/messages$`)).map((c) => c.status)).toEqual([429, 200]);
    expect(mine("PATCH", new RegExp(`/messages/${card.id}$`)).map((c) => c.status)).toEqual([503, 503, 200]);
    expect(h.fake.messages.get(card.id)?.components).toEqual([]);
    const dms = [...h.fake.messages.values()].filter((m) => m.channel_id === dm);
    expect(dms).toHaveLength(1);
  });
});
