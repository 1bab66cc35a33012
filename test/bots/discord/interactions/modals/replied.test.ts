import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Requests from "../../../../../core/requests.js";
import { sweep } from "../../../../../core/sweep.js";
import { testClock } from "../../../../support/core.js";
import { testMember } from "../../../../support/discord-interactions.js";
import { contentOf, moderator, startTools, type Tools } from "../../../../support/discord-tools.js";

/**
 * The reply modal (`gk:replied:<request>:<round>`): a reply after the request was decided is
 * refused politely; an unanswered question lapses at the sweep (clock moved), back to the queue
 * flagged "no reply", or declined with that reason (`onNoReply: deny`).
 */
const clock = testClock(new Date().toISOString());
let t: Tools;
beforeAll(async () => {
  t = await startTools({ clock });
});
afterAll(async () => {
  await t.close();
});
const sweepNow = () => sweep(t.core(), t.h.server.runtime.performers);

describe("the reply modal", () => {
  it("refuses a reply to a request that was decided meanwhile, and posts nothing", async () => {
    const applicant = testMember();
    const request = await t.apply(applicant, "makers", { "q:why": "Hello." });
    const card = await t.card(request.id);
    await t.ask(moderator, request.id, "Where are you from?");
    await t.threadPost(card, "Question 1");
    await t.click("approve meanwhile", moderator, `gk:approve:${request.id}`, card);
    await t.cardShows(card, "Approved");
    const late = await t.sendReply(applicant, request.id, 1, "From Lyon.");
    expect(contentOf(late)).toContain("was already decided, so your reply was not passed on");
    await t.settled(request.id);
    expect(t.threadMessages(card).map((m) => m.content)).toEqual([expect.stringContaining("Question 1")]);
    expect((await Requests.get(t.core(), request.id))?.interview?.[0]?.reply).toBeUndefined();
    const empty = await t.sendReply(applicant, request.id, 1, "  ");
    expect(contentOf(empty)).toBe("Please write a reply.");
  });

  it("puts an unanswered request back in the queue after interviewExpiryHours, flagged 'no reply'", async () => {
    const applicant = testMember();
    const request = await t.apply(applicant, "makers", { "q:why": "Hello." });
    const card = await t.card(request.id);
    await t.ask(moderator, request.id, "Still there?");
    await t.cardShows(card, "Waiting for the applicant");
    clock.advance(71 * 3_600_000);
    expect((await sweepNow()).timers?.noReply).toBe(0);
    clock.advance(2 * 3_600_000);
    expect((await sweepNow()).timers?.noReply).toBe(1);
    expect((await sweepNow()).timers?.noReply).toBe(0);
    const post = await t.threadPost(card, "No reply");
    expect(post.content).toBe(
      '⌛ No reply to question 1 within 72 hours: the request is back in the queue, flagged "no reply".',
    );
    const flagged = await t.cardShows(card, "No reply to question 1");
    expect(flagged).toContain(`gk:ask:${request.id}`);
    expect((await Requests.get(t.core(), request.id))?.status).toBe("pending");
    const late = await t.sendReply(applicant, request.id, 1, "Sorry, I was away.");
    expect(contentOf(late)).toBe(
      "The time to reply to this question ran out, so the moderators of Makers Guild will decide without it.",
    );
  });

  it("declines an unanswered request when onNoReply is deny, once however many sweepers race", async () => {
    const applicant = testMember();
    const request = await t.apply(applicant, "strict", { "q:why": "Hello." });
    const card = await t.card(request.id);
    await t.ask(moderator, request.id, "Why exactly?");
    await t.threadPost(card, "Question 1");
    clock.advance(25 * 3_600_000);
    const reports = await Promise.all([sweepNow(), sweepNow(), sweepNow()]);
    expect(reports.reduce((n, r) => n + (r.timers?.noReply ?? 0), 0)).toBe(1);
    await t.cardShows(card, "declined for no reply");
    await t.settled(request.id);
    const after = await Requests.get(t.core(), request.id);
    expect(after?.status).toBe("denied");
    expect(after?.decision).toMatchObject({
      by: { kind: "system" },
      reason: "No reply to the moderators' question within 24 hours.",
    });
    const dms = [...t.h.fake.messages.values()].filter(
      (m) => m.channel_id === t.h.fake.dmChannelOf(applicant.user.id),
    );
    expect(dms.map((m) => m.content)).toEqual([
      expect.stringContaining("have a question"),
      "Your request to join Strict Club was declined.\n**Reason:** No reply to the moderators' question within 24 hours.",
    ]);
    expect(t.threadMessages(card).filter((m) => m.content?.includes("No reply"))).toHaveLength(1);
  });
});
