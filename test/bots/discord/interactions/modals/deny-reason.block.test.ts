import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Requests from "../../../../../core/requests.js";
import { APPLICATION_ID } from "../../../../support/discord-harness.js";
import {
  commandInteraction,
  modalSubmitInteraction,
  testMember,
  withCheckbox,
} from "../../../../support/discord-interactions.js";
import {
  contentOf,
  GUILD,
  MOD,
  moderator,
  startTools,
  type Tools,
} from "../../../../support/discord-tools.js";

/**
 * The deny-reason modal (`gk:reason:<request>`): the denial with its reason, and with the
 * "Also block this person" checkbox ticked, a block: the applicant's next /apply gets the neutral
 * refusal, no form and no card; the card says who blocked and when; unblock keeps working.
 */
let t: Tools;
beforeAll(async () => {
  t = await startTools();
});
afterAll(async () => {
  await t.close();
});

const applyCommand = (member: ReturnType<typeof testMember>, community: string) =>
  t.post(
    `/apply ${community}`,
    commandInteraction({
      guild: GUILD,
      member,
      applicationId: APPLICATION_ID,
      name: "apply",
      options: { community },
    }),
  );

describe("the deny-reason modal", () => {
  it("denies and blocks: the next /apply gets the neutral refusal with no form and no card; unblock lets them in again", async () => {
    const applicant = testMember({ global_name: "Spammer" });
    const request = await t.apply(applicant, "strict", { "q:why": "Cheap watches!" });
    const card = await t.card(request.id);
    const payload = withCheckbox(
      modalSubmitInteraction({
        guild: GUILD,
        member: moderator,
        applicationId: APPLICATION_ID,
        customId: `gk:reason:${request.id}`,
        values: { reason: "Spam." },
        message: { id: card.id, channel_id: card.channel },
      }),
      "block",
      true,
    );
    expect((await t.post("deny and block", payload)).json).toEqual({ type: 6 });
    const shown = await t.cardShows(card, "Blocked from applying again by");
    expect(shown).toContain(`Blocked from applying again by <@${MOD}> on <t:`);
    expect(await Requests.standing(t.core(), "strict", applicant.user.id)).toMatchObject({
      blocked: true,
      blockedBy: { id: MOD },
    });
    await t.settled(request.id);

    const cards = t.h.fake.calls.filter(
      (c) => c.method === "POST" && c.path.endsWith(`/channels/${card.channel}/messages`),
    ).length;
    const again = await applyCommand(applicant, "strict");
    expect(again.json.type).toBe(4);
    expect(contentOf(again)).toBe("You can't apply to join Strict Club.");
    // Blocks are per community.
    expect((await applyCommand(applicant, "makers")).json.type).toBe(9);
    await new Promise((r) => setTimeout(r, 300));
    expect(
      t.h.fake.calls.filter(
        (c) => c.method === "POST" && c.path.endsWith(`/channels/${card.channel}/messages`),
      ),
    ).toHaveLength(cards);

    const strict = t.core().config.communities.find((c) => c.id === "strict");
    if (!strict) throw new Error("no strict community");
    await Requests.setBlocked(t.core(), strict, applicant.user.id, false); // gatekeeper unblock
    expect((await applyCommand(applicant, "strict")).json.type).toBe(9);
  });

  it("leaves the applicant free when the checkbox is not ticked", async () => {
    const applicant = testMember();
    const request = await t.apply(applicant, "strict", { "q:why": "Hello." });
    const card = await t.card(request.id);
    const payload = withCheckbox(
      modalSubmitInteraction({
        guild: GUILD,
        member: moderator,
        applicationId: APPLICATION_ID,
        customId: `gk:reason:${request.id}`,
        values: { reason: "" },
        message: { id: card.id, channel_id: card.channel },
      }),
      "block",
      false,
    );
    await t.post("deny without block", payload);
    await t.settled(request.id);
    expect((await Requests.standing(t.core(), "strict", applicant.user.id)).blocked).toBeUndefined();
    expect((await applyCommand(applicant, "strict")).json.type).toBe(9);
  });
});
