import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Requests from "../../../../../core/requests.js";
import { testMember } from "../../../../support/discord-interactions.js";
import {
  contentOf,
  GUILD,
  moderator,
  SEAT_ROLE,
  startTools,
  type Tools,
} from "../../../../support/discord-tools.js";

/** Approve on the card (`gk:approve:<request>`): a deferred update; the worker grants, notifies, edits the card. */
let t: Tools;
beforeAll(async () => {
  t = await startTools();
});
afterAll(async () => {
  await t.close();
});

describe("the Approve button", () => {
  it("approves for a moderator and refuses anyone else", async () => {
    const applicant = testMember();
    const request = await t.apply(applicant, "makers", { "q:why": "Hello." });
    const card = await t.card(request.id);
    const stranger = await t.click("approve (stranger)", testMember(), `gk:approve:${request.id}`, card);
    expect(contentOf(stranger)).toBe("Only this community's moderators can approve or deny requests.");
    expect((await t.click("approve", moderator, `gk:approve:${request.id}`, card)).json).toEqual({ type: 6 });
    await t.settled(request.id);
    expect((await Requests.get(t.core(), request.id))?.status).toBe("approved");
    expect(t.h.fake.roles.has(`${GUILD}/${applicant.user.id}/${SEAT_ROLE}`)).toBe(true);
    expect(t.cardJson(card)).toContain("Approved** by");
  });
});
