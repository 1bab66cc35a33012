import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toMarkdown } from "../../bots/discord/render.js";
import * as Messages from "../../core/messages.js";
import * as Requests from "../../core/requests.js";
import { APPLICATION_ID } from "../support/discord-harness.js";
import {
  buttonInteraction,
  commandInteraction,
  modalSubmitInteraction,
  testMember,
} from "../support/discord-interactions.js";
import { community, MOD, type Scene, startScene } from "../support/discord-scene.js";
import { slowStore } from "../support/slow-store.js";

/**
 * Discord waits 3 seconds for the first answer to an interaction. When the table is slow (a burst
 * queueing on DynamoDB), a handler that has not answered by the budget (2.5 s from receipt) is
 * answered with a deferral (6 for a click or a modal from a message, 5 ephemeral otherwise), its
 * work finishes, and what it would have answered goes through the interaction's webhook. The bot's
 * own DynamoDB calls are delayed through the SDK's middleware (test/support/slow-store.ts).
 */
const DISCORD_LIMIT_MS = 3_000;
const NO_PINGS = { parse: [] };

let s: Scene;
beforeAll(async () => {
  s = await startScene([community({ id: "makers", name: "Makers Guild" })]);
});
afterAll(async () => {
  if (s) s.h.report("discord deadline");
  await s?.close();
});

const moderator = testMember({ id: MOD, username: "mod", global_name: "Moderator" });

async function pendingWithCard() {
  const { request } = await s.submitForm(testMember(), "makers");
  const card = await s.cardOf(request.id);
  await s.settled(request.id);
  return { request, message: { id: card.id, channel_id: card.channel } };
}

/** Posts with the interaction's token kept, to find its webhook calls. */
async function post(label: string, payload: { token: string }) {
  const answer = await s.post(label, payload);
  return { ...answer, token: payload.token };
}

const approve = (requestId: string, message: { id: string; channel_id: string }) =>
  buttonPayload(`gk:approve:${requestId}`, message);

function buttonPayload(customId: string, message: { id: string; channel_id: string }) {
  return buttonInteraction({ ...s.base(moderator), customId, message });
}

async function decisions(requestId: string, action: "approved" | "denied") {
  return (await Requests.auditTrail(s.core(), requestId)).filter((a) => a.action === action);
}

describe("Discord answers within its budget when the table is slow", () => {
  it("answers an Approve click (6) in time while its transaction takes 3.5 s, and decides once", async () => {
    const { request, message } = await pendingWithCard();
    const slow = slowStore(s.core().store);
    slow.on(["TransactWriteItems"], 3_500);
    let answer: Awaited<ReturnType<typeof post>>;
    try {
      answer = await post("approve (3.5 s transaction)", approve(request.id, message));
    } finally {
      slow.off();
    }
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ type: 6 });
    expect(answer.ms).toBeLessThan(DISCORD_LIMIT_MS);
    await s.h.eventually(async () => (await s.request(request.id)).status === "approved");
    expect(await decisions(request.id, "approved")).toHaveLength(1);
    // Nothing to tell the winner: the worker edits the card.
    expect(s.h.fake.interactionFollowUps.filter((f) => f.token === answer.token)).toEqual([]);
  });

  it("answers a double Approve click in time, decides once, and tells the loser through a follow-up", async () => {
    const { request, message } = await pendingWithCard();
    const slow = slowStore(s.core().store);
    slow.on(["TransactWriteItems"], 3_500);
    let answers: Awaited<ReturnType<typeof post>>[];
    try {
      answers = await Promise.all([
        post("approve (double click 1)", approve(request.id, message)),
        post("approve (double click 2)", approve(request.id, message)),
      ]);
    } finally {
      slow.off();
    }
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.json).toEqual({ type: 6 });
      expect(a.ms).toBeLessThan(DISCORD_LIMIT_MS);
    }
    const decided = await s.h.eventually(async () => {
      const r = await s.request(request.id);
      return r.status === "approved" ? r : undefined;
    });
    expect(await decisions(request.id, "approved")).toHaveLength(1);
    const tokens = new Set(answers.map((a) => a.token));
    const followUps = await s.h.eventually(() => {
      const found = s.h.fake.interactionFollowUps.filter((f) => tokens.has(f.token));
      return found.length > 0 ? found : undefined;
    });
    expect(followUps).toHaveLength(1);
    expect(followUps[0]).toMatchObject({
      content: toMarkdown(Messages.alreadyDecided(decided)),
      flags: 64,
      allowed_mentions: NO_PINGS,
    });
    // To the application's own webhook, with no bot token.
    const call = s.h.fake
      .ok("POST", /^\/webhooks\//)
      .find((c) => c.path.endsWith(followUps[0]?.token ?? "?"));
    expect(call?.path).toBe(`/webhooks/${APPLICATION_ID}/${followUps[0]?.token}`);
    expect(call?.auth).toBeUndefined();
  });

  it("answers a deny-reason submitted from the card (6) in time while its transaction is slow, and denies once", async () => {
    const { request, message } = await pendingWithCard();
    const slow = slowStore(s.core().store);
    slow.on(["TransactWriteItems"], 3_500);
    let answers: Awaited<ReturnType<typeof post>>[];
    try {
      answers = await Promise.all(
        ["first", "second"].map((n) =>
          post(
            `deny reason from the card (${n}, slow table)`,
            modalSubmitInteraction({
              ...s.base(moderator),
              customId: `gk:reason:${request.id}`,
              values: { reason: "Not this time." },
              message,
            }),
          ),
        ),
      );
    } finally {
      slow.off();
    }
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.json).toEqual({ type: 6 });
      expect(a.ms).toBeLessThan(DISCORD_LIMIT_MS);
    }
    const decided = await s.h.eventually(async () => {
      const r = await s.request(request.id);
      return r.status === "denied" ? r : undefined;
    });
    expect(decided.decision?.reason).toBe("Not this time.");
    expect(await decisions(request.id, "denied")).toHaveLength(1);
    const tokens = new Set(answers.map((a) => a.token));
    const followUps = await s.h.eventually(() => {
      const found = s.h.fake.interactionFollowUps.filter((f) => tokens.has(f.token));
      return found.length > 0 ? found : undefined;
    });
    expect(followUps).toHaveLength(1);
    expect(followUps[0]).toMatchObject({
      content: toMarkdown(Messages.alreadyDecided(decided)),
      flags: 64,
      allowed_mentions: NO_PINGS,
    });
  });

  it("answers a deny-reason submitted elsewhere (5, ephemeral) in time and edits in the outcome through the webhook (after a 404)", async () => {
    const { request } = await pendingWithCard();
    const slow = slowStore(s.core().store);
    slow.on(["TransactWriteItems"], 3_500);
    // Right after a deferral the webhook can 404 for a moment: the edit is tried again.
    s.h.fake.failNext("PATCH", /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/, 1, {
      kind: "discord-error",
      status: 404,
      code: 10015,
      message: "Unknown Webhook",
    });
    let answer: Awaited<ReturnType<typeof post>>;
    try {
      answer = await post(
        "deny reason, no message (slow table)",
        modalSubmitInteraction({
          ...s.base(moderator),
          customId: `gk:reason:${request.id}`,
          values: { reason: "Not now." },
        }),
      );
    } finally {
      slow.off();
    }
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ type: 5, data: { flags: 64 } });
    expect(answer.ms).toBeLessThan(DISCORD_LIMIT_MS);
    const edit = await s.h.eventually(() => s.h.fake.interactionEdits.find((e) => e.token === answer.token));
    expect(edit).toMatchObject({ content: toMarkdown(Messages.DONE), allowed_mentions: NO_PINGS });
    const tries = s.h.fake.calls.filter((c) => c.method === "PATCH" && c.path.includes(answer.token));
    expect(tries.map((c) => c.status)).toEqual([404, 200]);
    expect((await s.request(request.id)).status).toBe("denied");
    expect(await decisions(request.id, "denied")).toHaveLength(1);
  });

  it("opens the /apply form (9) in time when the precheck's reads take 4 s (the submission checks again)", async () => {
    const applicant = testMember();
    const slow = slowStore(s.core().store);
    slow.on(["GetItem", "Query"], 4_000);
    let answer: Awaited<ReturnType<typeof post>>;
    try {
      answer = await post(
        "/apply makers (4 s reads)",
        commandInteraction({ ...s.base(applicant), name: "apply", options: { community: "makers" } }),
      );
    } finally {
      slow.off();
    }
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(DISCORD_LIMIT_MS);
    expect(answer.json.type).toBe(9);
    expect(answer.json.data?.custom_id).toMatch(/^gk:form:makers:/);
  });

  it("answers a Deny click (6) in time when its reads take 4 s, and says the reason form did not open", async () => {
    const { request, message } = await pendingWithCard();
    const slow = slowStore(s.core().store);
    slow.on(["GetItem", "Query"], 4_000);
    let answer: Awaited<ReturnType<typeof post>>;
    try {
      answer = await post("deny click (4 s reads)", buttonPayload(`gk:deny:${request.id}`, message));
    } finally {
      slow.off();
    }
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ type: 6 });
    expect(answer.ms).toBeLessThan(DISCORD_LIMIT_MS);
    const followUp = await s.h.eventually(() =>
      s.h.fake.interactionFollowUps.find((f) => f.token === answer.token),
    );
    expect(followUp).toMatchObject({
      content: toMarkdown(Messages.REASON_FORM_DID_NOT_OPEN),
      flags: 64,
      allowed_mentions: NO_PINGS,
    });
    expect((await s.request(request.id)).status).toBe("pending");
  });

  it("still answers at once when the table is quick", async () => {
    const { request, message } = await pendingWithCard();
    const answer = await post("approve (quick table)", approve(request.id, message));
    expect(answer.json).toEqual({ type: 6 });
    expect(answer.ms).toBeLessThan(1_500);
  });
});
