import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Requests from "../../../../../core/requests.js";
import { testClock } from "../../../../support/core.js";
import { APPLICATION_ID } from "../../../../support/discord-harness.js";
import { commandInteraction, testMember } from "../../../../support/discord-interactions.js";
import {
  contentOf,
  GUILD,
  MOD,
  moderator,
  startTools,
  type Tools,
} from "../../../../support/discord-tools.js";

/**
 * `/apply [community]`: the form, or why not; and on a re-application after the cooldown, the
 * card's history of the earlier requests with the per-question answer diff.
 */
const clock = testClock(new Date().toISOString());
let t: Tools;
beforeAll(async () => {
  t = await startTools({ clock });
});
afterAll(async () => {
  await t.close();
});

describe("/apply", () => {
  it("shows earlier requests and what changed in the answers on a re-application after the cooldown", async () => {
    const applicant = testMember({ global_name: "Hal" });
    const first = await t.apply(applicant, "makers", { "q:why": "Robots.", "q:city": "Paris" });
    const firstCard = await t.card(first.id);
    expect(t.cardJson(firstCard)).not.toContain("History");
    await t.modal("deny", moderator, `gk:reason:${first.id}`, { reason: "Show us a robot." }, firstCard);
    await t.settled(first.id);
    const early = await t.post(
      "/apply during the cooldown",
      commandInteraction({
        guild: GUILD,
        member: applicant,
        applicationId: APPLICATION_ID,
        name: "apply",
        options: { community: "makers" },
      }),
    );
    expect(contentOf(early)).toContain("was declined. You can apply again after");

    clock.advance(2 * 86_400_000);
    const second = await t.apply(applicant, "makers", {
      "q:why": "Robots; here is one.",
      "q:site": "robots.example",
      "q:city": "Paris",
    });
    const card = await t.card(second.id);
    const json = t.cardJson(card);
    expect(json).toContain('"name":"History"');
    expect(json).toContain("**Earlier requests here (1):**");
    expect(json).toContain(`• Denied by <@${MOD}> on <t:`);
    expect(json).toContain(": Show us a robot.");
    expect(json).toContain(
      "**Answers since the last request:** Why do you want to join? changed · Your website new · Your city unchanged",
    );
    const stored = await Requests.get(t.core(), second.id);
    expect(stored?.history?.diff?.map((d) => d.change)).toEqual(["changed", "new", "unchanged"]);
  });
});
