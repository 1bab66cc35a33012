import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Requests from "../../../../../core/requests.js";
import { sweep } from "../../../../../core/sweep.js";
import { testClock } from "../../../../support/core.js";
import { testMember } from "../../../../support/discord-interactions.js";
import {
  contentOf,
  MOD,
  MOD2,
  moderator,
  moderator2,
  startTools,
  type Tools,
} from "../../../../support/discord-tools.js";

/** Claim on the card (`gk:claim:<request>`): one of two racing claims wins; a claim ends after claimMinutes. */
const clock = testClock(new Date().toISOString());
let t: Tools;
beforeAll(async () => {
  t = await startTools({ clock });
});
afterAll(async () => {
  await t.close();
});

describe("the Claim button", () => {
  it("lets exactly one of two moderators' racing claims win, and shows who is reviewing", async () => {
    const request = await t.apply(testMember(), "makers", { "q:why": "Hello." });
    const card = await t.card(request.id);
    const answers = await Promise.all(
      [moderator, moderator2, moderator, moderator2].map((m, i) =>
        t.click(`claim #${i}`, m, `gk:claim:${request.id}`, card),
      ),
    );
    const after = await Requests.get(t.core(), request.id);
    const winner = after?.claim?.by.id;
    expect([MOD, MOD2]).toContain(winner);
    const refused = answers.filter((a) => a.json.type === 4);
    expect(refused).toHaveLength(2);
    for (const r of refused)
      expect(contentOf(r)).toMatch(
        new RegExp(`^<@${winner}> is already reviewing this request \\(since <t:`),
      );
    expect(answers.filter((a) => a.json.type === 6)).toHaveLength(2);
    const trail = await Requests.auditTrail(t.core(), request.id);
    expect(new Set(trail.filter((e) => e.action === "claimed").map((e) => e.actor.id))).toEqual(
      new Set([winner]),
    );
    const shown = await t.cardShows(card, "Being reviewed by");
    expect(shown).toContain(`Being reviewed by <@${winner}> since <t:`);
    expect(shown).toContain(`gk:unclaim:${request.id}`);
    expect(shown).toContain(`gk:approve:${request.id}`);
  });

  it("ends the claim after claimMinutes at the sweep, and the card stops showing it", async () => {
    // The first test's claim ends first, on its own.
    clock.advance(61 * 60_000);
    await sweep(t.core(), t.h.server.runtime.performers);
    const request = await t.apply(testMember(), "makers", { "q:why": "Hello." });
    const card = await t.card(request.id);
    expect((await t.click("claim", moderator, `gk:claim:${request.id}`, card)).json).toEqual({ type: 6 });
    await t.cardShows(card, `Being reviewed by <@${MOD}>`);
    clock.advance(61 * 60_000);
    const report = await sweep(t.core(), t.h.server.runtime.performers);
    expect(report.timers?.claimsEnded).toBe(1);
    await t.h.eventually(() => !t.cardJson(card).includes("Being reviewed"));
    expect(t.cardJson(card)).toContain(`gk:claim:${request.id}`);
    expect((await Requests.get(t.core(), request.id))?.claim).toBeUndefined();
    expect((await t.click("claim by another", moderator2, `gk:claim:${request.id}`, card)).json).toEqual({
      type: 6,
    });
    await t.cardShows(card, `Being reviewed by <@${MOD2}>`);
  });
});
