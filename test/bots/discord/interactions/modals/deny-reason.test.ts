import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toMarkdown } from "../../../../../bots/discord/render.js";
import { REASON_MAX } from "../../../../../core/limits.js";
import * as Messages from "../../../../../core/messages.js";
import * as Requests from "../../../../../core/requests.js";
import { decideAs } from "../../../../support/core.js";
import {
  modalSubmitInteraction,
  type TestMember,
  testMember,
} from "../../../../support/discord-interactions.js";
import {
  community,
  DEFERRED_UPDATE,
  ephemeralAnswer,
  GUILD,
  MOD,
  MOD_ROLE,
  OTHER_GUILD,
  OTHER_MOD,
  otherGuildCommunity,
  outsideGuild,
  ROLE,
  type Scene,
  startScene,
} from "../../../../support/discord-scene.js";

/**
 * The deny-reason modal comes back (bots/discord/interactions/modals/deny-reason.ts): a
 * moderator's denial is recorded with the reason through the decide use case; from the card it
 * is answered with a deferred update (6) and the worker edits the card and tells the applicant,
 * once; from anywhere else with a short ephemeral "Done.". Every refusal changes nothing.
 */
const CRAFTS_MOD = "100000000000000013";

let s: Scene;

beforeAll(async () => {
  s = await startScene([
    community({ id: "makers", name: "Makers Guild", cooldownDays: 30 }),
    community({ id: "crafts", name: "Crafts Corner", moderators: { users: [CRAFTS_MOD], roles: [] } }),
    otherGuildCommunity({ id: "elsewhere", name: "Another Server's Club" }),
  ]);
});
afterAll(async () => {
  await s?.close();
});

const moderator = testMember({ id: MOD, username: "mod", global_name: "Moderator" });
const reasonId = (requestId: string) => `gk:reason:${requestId}`;

async function pending() {
  const applicant = testMember();
  const { request } = await s.submitForm(applicant, "makers");
  const card = await s.cardOf(request.id);
  await s.settled(request.id);
  return { applicant, request, card, message: { id: card.id, channel_id: card.channel } };
}

function submitReason(
  label: string,
  member: TestMember,
  requestId: string,
  values: Record<string, string>,
  opts: { message?: { id: string; channel_id: string }; guild?: string; shape?: "label" | "row" } = {},
) {
  return s.post(
    label,
    modalSubmitInteraction({
      ...s.base(member, opts.guild),
      customId: reasonId(requestId),
      values,
      ...(opts.message ? { message: opts.message } : {}),
      ...(opts.shape ? { shape: opts.shape } : {}),
    }),
  );
}

const dmsTo = (userId: string) =>
  [...s.h.fake.messages.values()].filter((m) => m.channel_id === s.h.fake.dmChannelOf(userId));

describe("the deny-reason modal", () => {
  it("records the denial with the reason from the card; the worker edits the card and tells the applicant, once", async () => {
    const { applicant, request, card, message } = await pending();
    const reason = "Please add a profile photo, then apply again.";
    const answer = await submitReason(
      "deny reason",
      moderator,
      request.id,
      { reason: `  ${reason}\n` },
      { message },
    );
    expect(answer.json).toEqual(DEFERRED_UPDATE);

    const after = await s.request(request.id);
    expect(after.status).toBe("denied");
    expect(after.decision).toMatchObject({ outcome: "denied", reason, by: { kind: "user", id: MOD } });
    const { cooldownUntil } = await Requests.standing(s.core(), "makers", applicant.user.id);
    expect(cooldownUntil).toBeDefined();
    expect(await s.settled(request.id)).toEqual([
      "card.post done",
      "card.update#denied done",
      "notice.denied done",
    ]);
    expect(s.h.fake.messages.get(card.id)?.edits).toBe(1);
    expect(s.h.fake.messages.get(card.id)?.components).toEqual([]);
    const dms = dmsTo(applicant.user.id);
    expect(dms.map((m) => m.content)).toEqual([
      toMarkdown(Messages.notice(s.community("makers"), "denied", undefined, reason)),
    ]);
    expect(s.h.fake.roles.has(`${GUILD}/${applicant.user.id}/${ROLE}`)).toBe(false);
  });

  it("answers Done. when the modal did not come from the card, in either component shape", async () => {
    const { request } = await pending();
    const answer = await submitReason(
      "deny reason (no card)",
      moderator,
      request.id,
      { reason: "No." },
      { shape: "row" },
    );
    expect(answer.json).toEqual(ephemeralAnswer(Messages.DONE));
    expect((await s.request(request.id)).decision?.reason).toBe("No.");
    await s.settled(request.id);
  });

  it("records no reason for a blank or missing one, and cuts a forged overlong one", async () => {
    const blank = await pending();
    const missing = await pending();
    const long = await pending();
    const { message } = blank;
    expect(
      (await submitReason("blank reason", moderator, blank.request.id, { reason: "   " }, { message })).json,
    ).toEqual(DEFERRED_UPDATE);
    expect(
      (await submitReason("no reason input", moderator, missing.request.id, {}, { message: missing.message }))
        .json,
    ).toEqual(DEFERRED_UPDATE);
    expect(
      (
        await submitReason(
          "overlong reason",
          moderator,
          long.request.id,
          { reason: "x".repeat(REASON_MAX + 50) },
          { message: long.message },
        )
      ).json,
    ).toEqual(DEFERRED_UPDATE);

    for (const r of [blank, missing]) {
      const after = await s.request(r.request.id);
      expect(after.status).toBe("denied");
      expect(after.decision?.reason).toBeUndefined();
    }
    expect((await s.request(long.request.id)).decision?.reason).toBe("x".repeat(REASON_MAX));
    for (const r of [blank, missing, long]) await s.settled(r.request.id);
    expect(dmsTo(blank.applicant.user.id).map((m) => m.content)).toEqual([
      toMarkdown(Messages.notice(s.community("makers"), "denied")),
    ]);
  });

  it("takes one decision when two moderators submit at once: the other is told who decided", async () => {
    const { applicant, request, card, message } = await pending();
    const roleModerator = testMember({}, [MOD_ROLE]);
    const answers = await Promise.all([
      submitReason("deny reason A", moderator, request.id, { reason: "Reason A" }, { message }),
      submitReason("deny reason B", roleModerator, request.id, { reason: "Reason B" }, { message }),
    ]);
    const after = await s.request(request.id);
    expect(answers.filter((a) => a.json.type === 6).map((a) => a.json)).toEqual([DEFERRED_UPDATE]);
    expect(answers.filter((a) => a.json.type !== 6).map((a) => a.json)).toEqual([
      ephemeralAnswer(Messages.alreadyDecided(after)),
    ]);
    const winner =
      answers[0]?.json.type === 6
        ? { id: MOD, reason: "Reason A" }
        : { id: roleModerator.user.id, reason: "Reason B" };
    expect(after.decision).toMatchObject({ by: { id: winner.id }, reason: winner.reason });
    await s.settled(request.id);
    expect(s.h.fake.messages.get(card.id)?.edits).toBe(1);
    expect(dmsTo(applicant.user.id)).toHaveLength(1);
    expect((await Requests.auditTrail(s.core(), request.id)).map((a) => a.action)).toEqual([
      "submitted",
      "denied",
    ]);
  });

  it("takes one decision when an Approve click races the reason: one of them wins, the other is told", async () => {
    const { applicant, request, card, message } = await pending();
    const [approved, denied] = await Promise.all([
      s.click("Approve (racing)", moderator, `gk:approve:${request.id}`, message),
      submitReason(
        "deny reason (racing)",
        testMember({}, [MOD_ROLE]),
        request.id,
        { reason: "No." },
        { message },
      ),
    ]);
    const after = await s.request(request.id);
    const already = ephemeralAnswer(Messages.alreadyDecided(after));
    expect(after.status === "approved" ? [approved.json, denied.json] : [denied.json, approved.json]).toEqual(
      [DEFERRED_UPDATE, already],
    );
    await s.settled(request.id);
    expect(s.h.fake.messages.get(card.id)?.edits).toBe(1);
    expect(dmsTo(applicant.user.id)).toHaveLength(1);
    expect(s.h.fake.roles.has(`${GUILD}/${applicant.user.id}/${ROLE}`)).toBe(after.status === "approved");
  });

  it("tells the moderator a request was already approved, and denies nothing", async () => {
    const { request, message } = await pending();
    await decideAs(s.core(), { id: MOD, name: "Moderator" }, { requestId: request.id, outcome: "approve" });
    const after = await s.request(request.id);
    expect(
      (await submitReason("deny reason (approved)", moderator, request.id, { reason: "Late." }, { message }))
        .json,
    ).toEqual(ephemeralAnswer(Messages.alreadyDecided(after)));
    expect((await s.request(request.id)).status).toBe("approved");
    await s.settled(request.id);
  });

  it("refuses everyone but this community's moderators here, and a member with a moderator role may deny", async () => {
    const { request, card, message } = await pending();
    const refused = ephemeralAnswer(Messages.NOT_A_MODERATOR);
    const values = { reason: "I say no." };
    const attempts: [string, () => ReturnType<typeof submitReason>][] = [
      [
        "outsider",
        () => submitReason("r", testMember({}, ["100000000000000099"]), request.id, values, { message }),
      ],
      [
        "crafts moderator",
        () => submitReason("r", testMember({ id: CRAFTS_MOD }), request.id, values, { message }),
      ],
      [
        "other server's moderator",
        () => submitReason("r", testMember({ id: OTHER_MOD }), request.id, values, { message }),
      ],
      [
        "moderator from another server",
        () => submitReason("r", moderator, request.id, values, { message, guild: OTHER_GUILD }),
      ],
      [
        "moderator in a DM",
        () =>
          s.post(
            "deny reason (DM)",
            outsideGuild(
              modalSubmitInteraction({ ...s.base(moderator), customId: reasonId(request.id), values }),
            ),
          ),
      ],
    ];
    for (const [who, attempt] of attempts) expect((await attempt()).json, who).toEqual(refused);
    expect((await s.request(request.id)).status).toBe("pending");

    const roleModerator = testMember({}, [MOD_ROLE]);
    expect(
      (await submitReason("deny reason (role)", roleModerator, request.id, values, { message })).json,
    ).toEqual(DEFERRED_UPDATE);
    expect((await s.request(request.id)).decision).toMatchObject({
      by: { id: roleModerator.user.id },
      reason: "I say no.",
    });
    await s.settled(request.id);
    expect(s.h.fake.messages.get(card.id)?.edits).toBe(1);
    expect((await Requests.auditTrail(s.core(), request.id)).map((a) => a.action)).toEqual([
      "submitted",
      "denied",
    ]);
  });

  it("says a well-formed but unknown request is gone, and a forged modal id is an out-of-date form", async () => {
    expect(
      (await submitReason("deny reason (unknown)", moderator, "r00000000000000000000", { reason: "x" })).json,
    ).toEqual(ephemeralAnswer(Messages.REQUEST_GONE));
    for (const customId of ["gk:reason:nope", "gk:reason:r00000000000000000000:x", "reason"]) {
      const forged = await s.post(
        `deny reason (${customId})`,
        modalSubmitInteraction({ ...s.base(moderator), customId, values: { reason: "x" } }),
      );
      expect(forged.json).toEqual(ephemeralAnswer(Messages.FORM_GONE));
    }
  });
});
