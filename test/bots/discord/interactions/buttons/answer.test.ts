import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testMember } from "../../../../support/discord-interactions.js";
import { contentOf, moderator, startTools, type Tools } from "../../../../support/discord-tools.js";

/** The Reply button under a question, in the applicant's DM (`gk:answer:<request>:<round>`). */
let t: Tools;
beforeAll(async () => {
  t = await startTools();
});
afterAll(async () => {
  await t.close();
});

describe("the Reply button in the applicant's DM", () => {
  it("refuses politely once the request was decided, and someone else's click", async () => {
    const applicant = testMember();
    const request = await t.apply(applicant, "makers", { "q:why": "Hello." });
    const card = await t.card(request.id);
    await t.ask(moderator, request.id, "Anything to add?");
    const dm = await t.questionDm(applicant, request.id, 1);
    const stranger = await t.replyButton(testMember(), request.id, 1, dm);
    expect(contentOf(stranger)).toBe("This question was meant for someone else.");
    await t.click("deny meanwhile", moderator, `gk:deny:${request.id}`, card);
    await t.modal("deny reason", moderator, `gk:reason:${request.id}`, { reason: "Not now." }, card);
    await t.cardShows(card, "Denied");
    const late = await t.replyButton(applicant, request.id, 1, dm);
    expect(late.json.type).toBe(4);
    expect(late.json.data?.flags).toBe(64);
    expect(contentOf(late)).toBe(
      "Your request to join Makers Guild was already decided, so your reply was not passed on. Type `/apply-status` to see where it stands.",
    );
  });

  it("says so when the question was already answered", async () => {
    const applicant = testMember();
    const request = await t.apply(applicant, "makers", { "q:why": "Hello." });
    await t.ask(moderator, request.id, "Anything to add?");
    await t.sendReply(applicant, request.id, 1, "No.");
    const again = await t.replyButton(applicant, request.id, 1);
    expect(contentOf(again)).toBe("You already replied to this question. Thanks!");
  });
});
