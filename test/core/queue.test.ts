import { describe, expect, it } from "vitest";
import * as Messages from "../../core/messages.js";
import * as Queue from "../../core/queue.js";
import * as Requests from "../../core/requests.js";
import { plainText } from "../../core/text.js";
import { claim } from "../../core/usecases/claim.js";
import { ask, reply } from "../../core/usecases/interview.js";
import type { Origin } from "../../core/usecases/origin.js";
import { sweepTimers } from "../../core/usecases/timers.js";
import {
  communityOf,
  configOf,
  createTestCore,
  slackCommunity,
  slackProfile,
  testClock,
} from "../support/core.js";

/**
 * The moderators' queue shows the moderator tools' state as they record it on the request: a live
 * claim ("Being reviewed by"), a question waiting for the reply, a reply, and a question left
 * unanswered (back in the queue, flagged).
 */
const MOD1: Origin = { platform: "slack", workspace: "T0TEST", userId: "U0MOD1", name: "Mod One" };

describe("the queue and the moderator tools", () => {
  it("shows claims, waiting questions, replies and unanswered questions, and filters on them", async () => {
    const clock = testClock();
    const config = configOf(
      slackCommunity({ interviewExpiryHours: 24, onNoReply: "review", claimMinutes: 60 }),
    );
    const core = await createTestCore(config, clock.now);
    const community = communityOf(config);
    const requests = [];
    for (let i = 0; i < 5; i++) {
      const userId = `U${String(300 + i)}`;
      const outcome = await Requests.submit(core, {
        community,
        submissionKey: `q-${i}`,
        applicant: { userId, name: `Applicant ${i}` },
        answers: { why: "I build things" },
        profile: slackProfile(userId),
      });
      if (outcome.kind !== "recorded") throw new Error(outcome.kind);
      requests.push(outcome.request);
      clock.advance(60_000);
    }
    const [claimed, waiting, replied, unanswered, plain] = requests.map((r) => r.id) as [
      string,
      string,
      string,
      string,
      string,
    ];

    // A question nobody answers within 24 hours: the request comes back to the queue.
    expect(await ask(core, MOD1, { requestId: unanswered, question: "Which store is yours?" })).toMatchObject(
      {
        kind: "asked",
      },
    );
    clock.advance(25 * 3_600_000);
    expect(await sweepTimers(core)).toMatchObject({ noReply: 1 });

    expect(await claim(core, MOD1, claimed)).toMatchObject({ kind: "claimed" });
    expect(await ask(core, MOD1, { requestId: waiting, question: "Which store is yours?" })).toMatchObject({
      kind: "asked",
    });
    expect(await ask(core, MOD1, { requestId: replied, question: "Which store is yours?" })).toMatchObject({
      kind: "asked",
    });
    const applicant = requests[2]?.applicant.userId ?? "";
    expect(
      await reply(
        core,
        { platform: "slack", userId: applicant, workspace: "T0TEST" },
        { requestId: replied, round: 1, text: "Mine is a bakery" },
      ),
    ).toMatchObject({ kind: "replied" });

    const items = (await Queue.pending(core, [community.id])).get(community.id) ?? [];
    const byId = new Map(items.map((i) => [i.requestId, i]));
    const now = clock.now().toISOString();
    expect(byId.get(claimed)?.claimedBy).toEqual({ id: "U0MOD1", name: "Mod One" });
    expect(byId.get(claimed)?.interview).toBeUndefined();
    expect(byId.get(waiting)?.interview).toEqual({ state: "waiting", since: now });
    expect(byId.get(replied)?.interview).toEqual({ state: "replied", since: now });
    expect(byId.get(unanswered)?.interview).toMatchObject({ state: "no-reply" });
    expect(byId.get(plain)).toMatchObject({ claimedBy: undefined, interview: undefined });

    // The filters: waiting for a reply; flagged (every rule passes here, so only the unanswered one).
    expect(Queue.pageOf(items, "waiting", 1).items.map((i) => i.requestId)).toEqual([waiting]);
    expect(Queue.pageOf(items, "flagged", 1).items.map((i) => i.requestId)).toEqual([unanswered]);
    expect(Queue.pageOf(items, "all", 1).counts).toMatchObject({ all: 5, waiting: 1, flagged: 1 });

    // What a moderator reads on the App Home and in /apply-queue.
    const line = (id: string) => {
      const tools = Messages.queueItemTools(byId.get(id) as Queue.QueueItem);
      return tools ? plainText([tools]) : undefined;
    };
    expect(line(claimed)).toBe("Being reviewed by Mod One");
    expect(line(waiting)).toMatch(/^Waiting for the applicant's reply since /);
    expect(line(replied)).toMatch(/^The applicant replied /);
    expect(line(unanswered)).toBe("No reply from the applicant");
    expect(line(plain)).toBeUndefined();

    // A claim past its time no longer shows, even before the sweep ends it.
    clock.advance(61 * 60_000);
    const later = (await Queue.pending(core, [community.id])).get(community.id) ?? [];
    expect(later.find((i) => i.requestId === claimed)?.claimedBy).toBeUndefined();
  });
});
