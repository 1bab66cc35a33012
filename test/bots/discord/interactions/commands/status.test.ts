import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPLICATION_ID } from "../../../../support/discord-harness.js";
import { commandInteraction, testMember } from "../../../../support/discord-interactions.js";
import { contentOf, GUILD, startTools, type Tools } from "../../../../support/discord-tools.js";

/** `/apply-status`: the applicant's requests here. */
let t: Tools;
beforeAll(async () => {
  t = await startTools();
});
afterAll(async () => {
  await t.close();
});

describe("/apply-status", () => {
  it("lists the applicant's requests", async () => {
    const member = testMember();
    const status = () =>
      t.post(
        "/apply-status",
        commandInteraction({ guild: GUILD, member, applicationId: APPLICATION_ID, name: "apply-status" }),
      );
    expect(contentOf(await status())).toContain("You have no requests to join a community here yet.");
    await t.apply(member, "makers", { "q:why": "Hi." });
    expect(contentOf(await status())).toContain("**Makers Guild**: Waiting for review");
  });
});
