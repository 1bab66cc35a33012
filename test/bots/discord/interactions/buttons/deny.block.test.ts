import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testMember } from "../../../../support/discord-interactions.js";
import { contentOf, moderator, startTools, type Tools } from "../../../../support/discord-tools.js";

/** Deny on the card (`gk:deny:<request>`): the reason modal, with the block checkbox; nothing is decided yet. */
let t: Tools;
beforeAll(async () => {
  t = await startTools();
});
afterAll(async () => {
  await t.close();
});

describe("the Deny button", () => {
  it("opens the reason modal with an 'Also block this person' checkbox for a moderator, and refuses anyone else", async () => {
    const request = await t.apply(testMember({ global_name: "Bo" }), "makers", { "q:why": "Hello." });
    const card = await t.card(request.id);
    const opened = await t.click("deny", moderator, `gk:deny:${request.id}`, card);
    expect(opened.json.type).toBe(9);
    expect(opened.json.data?.custom_id).toBe(`gk:reason:${request.id}`);
    expect(opened.json.data?.title).toBe("Deny request: Bo");
    const [reason, block] = opened.json.data?.components ?? [];
    expect(reason?.component).toMatchObject({ custom_id: "reason", style: 2, required: false });
    expect(block).toMatchObject({ type: 18, label: "Also block this person" });
    expect(block?.component).toMatchObject({ type: 23, custom_id: "block" });
    const stranger = await t.click("deny (stranger)", testMember(), `gk:deny:${request.id}`, card);
    expect(contentOf(stranger)).toBe("Only this community's moderators can approve or deny requests.");
  });
});
