import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testMember } from "../../../../support/discord-interactions.js";
import {
  contentOf,
  MOD,
  moderator,
  moderator2,
  startTools,
  type Tools,
} from "../../../../support/discord-tools.js";

/** Unclaim on the card (`gk:unclaim:<request>`): only the claimer releases the claim. */
let t: Tools;
beforeAll(async () => {
  t = await startTools();
});
afterAll(async () => {
  await t.close();
});

describe("the Unclaim button", () => {
  it("is refused to anyone but the claimer, and releases the claim for the claimer", async () => {
    const request = await t.apply(testMember(), "makers", { "q:why": "Hello." });
    const card = await t.card(request.id);
    const nobody = await t.click("unclaim (nobody)", moderator, `gk:unclaim:${request.id}`, card);
    expect(contentOf(nobody)).toBe("Nobody is reviewing this request right now.");
    await t.click("claim", moderator, `gk:claim:${request.id}`, card);
    await t.cardShows(card, `Being reviewed by <@${MOD}>`);
    const other = await t.click("unclaim (other)", moderator2, `gk:unclaim:${request.id}`, card);
    expect(contentOf(other)).toMatch(
      new RegExp(`^Only <@${MOD}> can unclaim this request; their claim ends on its own at <t:`),
    );
    const mine = await t.click("unclaim (claimer)", moderator, `gk:unclaim:${request.id}`, card);
    expect(mine.json).toEqual({ type: 6 });
    await t.h.eventually(() => !t.cardJson(card).includes("Being reviewed"));
    expect(t.cardJson(card)).toContain(`gk:claim:${request.id}`);
    const stranger = await t.click("unclaim (stranger)", testMember(), `gk:unclaim:${request.id}`, card);
    expect(contentOf(stranger)).toBe("Only this community's moderators can approve or deny requests.");
  });
});
