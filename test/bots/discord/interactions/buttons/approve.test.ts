import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Messages from "../../../../../core/messages.js";
import * as Requests from "../../../../../core/requests.js";
import { decideAs } from "../../../../support/core.js";
import { buttonInteraction, testMember } from "../../../../support/discord-interactions.js";
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
 * Approve on the card (bots/discord/interactions/buttons/approve.ts): a moderator's click records
 * the decision through the decide use case and is answered with a deferred update (6); the
 * worker then grants, notifies and edits the card, once. Every other outcome is an ephemeral
 * answer, and changes nothing.
 */
const CRAFTS_MOD = "100000000000000013";

let s: Scene;

beforeAll(async () => {
  s = await startScene([
    community({ id: "makers", name: "Makers Guild" }),
    community({ id: "crafts", name: "Crafts Corner", moderators: { users: [CRAFTS_MOD], roles: [] } }),
    community({ id: "closed", name: "Closed Circle", capacity: 1, whenFull: "deny" }),
    community({ id: "queue", name: "Queue Club", capacity: 1, whenFull: "waitlist" }),
    otherGuildCommunity({ id: "elsewhere", name: "Another Server's Club" }),
  ]);
});
afterAll(async () => {
  await s?.close();
});

const moderator = testMember({ id: MOD, username: "mod", global_name: "Moderator" });
const approveId = (requestId: string) => `gk:approve:${requestId}`;
const onCard = (card: { id: string; channel: string }) => ({ id: card.id, channel_id: card.channel });

/** A pending request of a fresh applicant with its card posted. */
async function pendingWithCard(communityId = "makers") {
  const applicant = testMember();
  const { request } = await s.submitForm(applicant, communityId);
  const card = await s.cardOf(request.id);
  await s.settled(request.id);
  return { applicant, request, card };
}

const dmsTo = (userId: string) =>
  [...s.h.fake.messages.values()].filter((m) => m.channel_id === s.h.fake.dmChannelOf(userId));

describe("the Approve button", () => {
  it("records the approval, answers a deferred update, and the worker grants, tells the applicant and edits the card once", async () => {
    const { applicant, request, card } = await pendingWithCard();
    const answer = await s.click("Approve", moderator, approveId(request.id), onCard(card));
    expect(answer.json).toEqual(DEFERRED_UPDATE);

    const after = await s.request(request.id);
    expect(after.status).toBe("approved");
    expect(after.decision).toMatchObject({
      outcome: "approved",
      by: { kind: "user", id: MOD, name: "Moderator" },
    });
    expect(await s.settled(request.id)).toEqual([
      "card.post done",
      "card.update#approved done",
      "grant done",
      "notice.approved done",
    ]);
    expect(s.h.fake.roles.has(`${GUILD}/${applicant.user.id}/${ROLE}`)).toBe(true);
    expect(dmsTo(applicant.user.id)).toHaveLength(1);
    const edited = s.h.fake.messages.get(card.id);
    expect(edited?.edits).toBe(1);
    expect(edited?.components).toEqual([]);
  });

  it("takes one decision from many clicks at once: one deferred update, everyone else told who decided", async () => {
    const { applicant, request, card } = await pendingWithCard();
    const roleModerators = [1, 2, 3].map(() => testMember({}, [MOD_ROLE]));
    const answers = await Promise.all(
      [moderator, ...roleModerators, moderator].map((m, i) =>
        s.click(`concurrent Approve ${i}`, m, approveId(request.id), onCard(card)),
      ),
    );
    const after = await s.request(request.id);
    const already = ephemeralAnswer(Messages.alreadyDecided(after));
    expect(answers.filter((a) => a.json.type === 6).map((a) => a.json)).toEqual([DEFERRED_UPDATE]);
    expect(answers.filter((a) => a.json.type !== 6).map((a) => a.json)).toEqual(Array(4).fill(already));

    // A late click is told the same.
    expect((await s.click("late Approve", moderator, approveId(request.id), onCard(card))).json).toEqual(
      already,
    );
    await s.settled(request.id);
    expect(s.h.fake.messages.get(card.id)?.edits).toBe(1);
    expect(dmsTo(applicant.user.id)).toHaveLength(1);
    const grants = s.h.fake.ok("PUT").filter((c) => c.path.includes(`/members/${applicant.user.id}/roles/`));
    expect(grants).toHaveLength(1);
    expect((await Requests.auditTrail(s.core(), request.id)).map((a) => a.action)).toEqual([
      "submitted",
      "approved",
    ]);
  });

  it("tells the moderator a request was already denied or withdrawn, and changes nothing", async () => {
    const denied = await pendingWithCard();
    await decideAs(
      s.core(),
      { id: MOD, name: "Moderator" },
      { requestId: denied.request.id, outcome: "deny" },
    );
    await s.settled(denied.request.id);
    const deniedAfter = await s.request(denied.request.id);
    expect(
      (await s.click("Approve (denied)", moderator, approveId(denied.request.id), onCard(denied.card))).json,
    ).toEqual(ephemeralAnswer(Messages.alreadyDecided(deniedAfter)));

    const withdrawn = await pendingWithCard();
    await Requests.withdraw(s.core(), s.community("makers"), withdrawn.applicant.user.id);
    await s.settled(withdrawn.request.id);
    const answer = await s.click(
      "Approve (withdrawn)",
      moderator,
      approveId(withdrawn.request.id),
      onCard(withdrawn.card),
    );
    expect(answer.json).toEqual(
      ephemeralAnswer(Messages.alreadyDecided(await s.request(withdrawn.request.id))),
    );
    expect(answer.json.data?.content).toBe("The applicant withdrew this request.");

    expect((await s.request(denied.request.id)).status).toBe("denied");
    expect((await s.request(withdrawn.request.id)).status).toBe("withdrawn");
    expect(s.h.fake.roles.has(`${GUILD}/${denied.applicant.user.id}/${ROLE}`)).toBe(false);
  });

  it("refuses, and leaves pending, an approval that a community declining when full has no seat for", async () => {
    const first = await pendingWithCard("closed");
    const second = await pendingWithCard("closed");
    expect(
      (await s.click("Approve (seat free)", moderator, approveId(first.request.id), onCard(first.card))).json,
    ).toEqual(DEFERRED_UPDATE);
    const full = await s.click(
      "Approve (full)",
      moderator,
      approveId(second.request.id),
      onCard(second.card),
    );
    expect(full.json).toEqual(
      ephemeralAnswer(Messages.fullForApproval(s.community("closed"), { used: 1, capacity: 1 })),
    );
    expect((await s.request(second.request.id)).status).toBe("pending");
    await s.settled(first.request.id);
    expect(await s.settled(second.request.id)).toEqual(["card.post done"]);
    expect(s.h.fake.messages.get(second.card.id)?.edits).toBe(0);
  });

  it("puts the applicant on the waitlist when a waitlisting community is full, editing the card once", async () => {
    const first = await pendingWithCard("queue");
    const second = await pendingWithCard("queue");
    await decideAs(s.core(), { id: MOD }, { requestId: first.request.id, outcome: "approve" });
    const answer = await s.click(
      "Approve (waitlist)",
      moderator,
      approveId(second.request.id),
      onCard(second.card),
    );
    expect(answer.json).toEqual(DEFERRED_UPDATE);
    expect((await s.request(second.request.id)).status).toBe("waitlisted");
    expect(await s.settled(second.request.id)).toEqual([
      "card.post done",
      "card.update#waitlisted done",
      "notice.waitlisted done",
    ]);
    expect(s.h.fake.messages.get(second.card.id)?.edits).toBe(1);
    expect(s.h.fake.roles.has(`${GUILD}/${second.applicant.user.id}/${ROLE}`)).toBe(false);
    await s.settled(first.request.id);
  });

  it("refuses everyone but this community's moderators here: outsiders, another community's or server's moderators, DMs", async () => {
    const { request, card } = await pendingWithCard();
    const refused = ephemeralAnswer(Messages.NOT_A_MODERATOR);
    const outsider = testMember({}, ["100000000000000099"]);
    const craftsModerator = testMember({ id: CRAFTS_MOD });
    const otherServerModerator = testMember({ id: OTHER_MOD });
    const click = (label: string, payload: unknown) => s.post(label, payload);
    const payload = (member: typeof moderator, guild = GUILD) =>
      buttonInteraction({ ...s.base(member, guild), customId: approveId(request.id), message: onCard(card) });

    expect((await click("Approve (outsider)", payload(outsider))).json).toEqual(refused);
    expect((await click("Approve (crafts moderator)", payload(craftsModerator))).json).toEqual(refused);
    expect((await click("Approve (other server's moderator)", payload(otherServerModerator))).json).toEqual(
      refused,
    );
    expect(
      (await click("Approve (moderator, from another server)", payload(moderator, OTHER_GUILD))).json,
    ).toEqual(refused);
    expect((await click("Approve (moderator, in a DM)", outsideGuild(payload(moderator)))).json).toEqual(
      refused,
    );
    expect((await s.request(request.id)).status).toBe("pending");

    // A member holding a moderator role may: the refusals above left nothing behind.
    const roleModerator = testMember({}, ["100000000000000099", MOD_ROLE]);
    expect((await click("Approve (role moderator)", payload(roleModerator))).json).toEqual(DEFERRED_UPDATE);
    expect((await s.request(request.id)).decision?.by.id).toBe(roleModerator.user.id);
    await s.settled(request.id);
    expect(s.h.fake.messages.get(card.id)?.edits).toBe(1);
    expect((await Requests.auditTrail(s.core(), request.id)).map((a) => a.action)).toEqual([
      "submitted",
      "approved",
    ]);
  });

  it("says a well-formed but unknown request is gone, and a forged id is a stale button", async () => {
    expect(
      (await s.click("Approve (unknown request)", moderator, approveId("r00000000000000000000"))).json,
    ).toEqual(ephemeralAnswer(Messages.REQUEST_GONE));
    for (const customId of [
      "gk:approve:not-a-request",
      "gk:approve:R0123456789ABCDEF0123",
      "gk:approve:r00000000000000000000:extra",
      "gk:approve:",
      "approve:r00000000000000000000",
    ]) {
      expect((await s.click(`Approve (${customId})`, moderator, customId)).json).toEqual(
        ephemeralAnswer(Messages.STALE_BUTTON),
      );
    }
  });
});
