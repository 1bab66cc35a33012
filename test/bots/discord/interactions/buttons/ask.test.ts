import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Requests from "../../../../../core/requests.js";
import { testMember } from "../../../../support/discord-interactions.js";
import {
  contentOf,
  MOD_ROLE,
  moderator,
  moderator2,
  startTools,
  type Tools,
} from "../../../../support/discord-tools.js";

/** "Ask a question" on the card (`gk:ask:<request>`): the question modal, or why not. */
let t: Tools;
beforeAll(async () => {
  t = await startTools();
});
afterAll(async () => {
  await t.close();
});

describe("the Ask a question button", () => {
  it("opens the question modal for a moderator, by id or by role", async () => {
    const request = await t.apply(testMember(), "makers", { "q:why": "Hello." });
    const card = await t.card(request.id);
    const byRole = testMember({}, [MOD_ROLE]);
    const opened = await t.click("ask (role)", byRole, `gk:ask:${request.id}`, card);
    expect(opened.json.type).toBe(9);
    expect(opened.json.data?.custom_id).toBe(`gk:question:${request.id}`);
    expect(opened.json.data?.components?.[0]?.label).toBe("Your question (sent to the applicant by DM)");
  });

  it("refuses a second question while one waits for the reply, someone who is not a moderator, and a decided request", async () => {
    const request = await t.apply(testMember(), "makers", { "q:why": "Hello." });
    const card = await t.card(request.id);
    const stranger = await t.click("ask (stranger)", testMember(), `gk:ask:${request.id}`, card);
    expect(contentOf(stranger)).toBe("Only this community's moderators can approve or deny requests.");
    await t.ask(moderator, request.id, "First?");
    const busy = await t.click("ask again", moderator2, `gk:ask:${request.id}`, card);
    expect(busy.json.data?.flags).toBe(64);
    expect(contentOf(busy)).toMatch(
      /^Question 1, asked by <@\d+> on <t:\d+:f>, is still waiting for the applicant's reply\./,
    );
    const alsoBusy = await t.modal(
      "question while busy",
      moderator2,
      `gk:question:${request.id}`,
      { ask: "Second?" },
      card,
    );
    expect(contentOf(alsoBusy)).toContain("is still waiting for the applicant's reply");
    await t.click("approve", moderator, `gk:approve:${request.id}`, card);
    await t.settled(request.id);
    const late = await t.click("ask after the decision", moderator, `gk:ask:${request.id}`, card);
    expect(contentOf(late)).toMatch(/^This request was already approved by <@\d+> on /);
    expect((await Requests.get(t.core(), request.id))?.interview).toHaveLength(1);
  });
});
