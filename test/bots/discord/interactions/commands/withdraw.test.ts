import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Requests from "../../../../../core/requests.js";
import { APPLICATION_ID } from "../../../../support/discord-harness.js";
import { commandInteraction, testMember } from "../../../../support/discord-interactions.js";
import { contentOf, GUILD, startTools, type Tools } from "../../../../support/discord-tools.js";

/** `/apply-withdraw [community]`: withdraws the open request; the card says so. */
let t: Tools;
beforeAll(async () => {
  t = await startTools();
});
afterAll(async () => {
  await t.close();
});

describe("/apply-withdraw", () => {
  it("withdraws the one open request", async () => {
    const member = testMember();
    const request = await t.apply(member, "makers", { "q:why": "Hi." });
    const card = await t.card(request.id);
    const answer = await t.post(
      "/apply-withdraw",
      commandInteraction({ guild: GUILD, member, applicationId: APPLICATION_ID, name: "apply-withdraw" }),
    );
    expect(contentOf(answer)).toBe("Your request to join Makers Guild was withdrawn.");
    expect((await Requests.get(t.core(), request.id))?.status).toBe("withdrawn");
    await t.cardShows(card, "Withdrawn");
  });
});
