import { describe, expect, it } from "vitest";
import { METRIC, METRICS_NAMESPACE } from "../../core/deployment.js";
import { PermanentEffectError, RetryableEffectError } from "../../core/effects.js";
import { createMetrics } from "../../core/metrics.js";
import * as Outbox from "../../core/outbox.js";
import * as Requests from "../../core/requests.js";
import {
  communityOf,
  configOf,
  createTestCore,
  decideAs,
  slackCommunity,
  slackProfile,
  testClock,
} from "../support/core.js";
import { recordingEffects } from "../support/recording-effects.js";

/** The EMF lines the core writes for what the alarms (stacks/alarms.ts) watch. */
function capture() {
  const lines: string[] = [];
  const metrics = createMetrics({ service: "gatekeeper-test", write: (l) => lines.push(l) });
  /** Metric name → values, from the lines written since the last call. */
  const flush = (): Record<string, number[]> => {
    metrics.flush();
    const out: Record<string, number[]> = {};
    for (const line of lines.splice(0)) {
      const emf = JSON.parse(line) as Record<string, unknown> & {
        _aws: {
          CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
        };
      };
      const [directive] = emf._aws.CloudWatchMetrics;
      expect(directive?.Namespace).toBe(METRICS_NAMESPACE);
      expect(directive?.Dimensions).toEqual([["service"]]);
      expect(emf.service).toBe("gatekeeper-test");
      for (const { Name } of directive?.Metrics ?? []) {
        const value = emf[Name];
        out[Name] = Array.isArray(value) ? (value as number[]) : [value as number];
      }
    }
    return out;
  };
  return { metrics, flush };
}

describe("metrics (EMF)", () => {
  it("counts submissions, auto-declines and decisions", async () => {
    const { metrics, flush } = capture();
    const config = configOf(
      slackCommunity(),
      slackCommunity({ id: "strict", rules: { requireAvatar: true }, onRuleFailure: "deny" }),
    );
    const core = { ...(await createTestCore(config)), metrics };
    const submit = (community: number, userId: string, hasAvatar = true) =>
      Requests.submit(core, {
        community: communityOf(config, community),
        submissionKey: `view-${userId}`,
        applicant: { userId, name: userId },
        answers: { why: "because" },
        profile: slackProfile(userId, { hasAvatar }),
      });
    const first = await submit(0, "U1");
    await submit(0, "U1"); // a retried submission is not counted again
    await submit(1, "U2", false);
    if (first.kind !== "recorded") throw new Error(first.kind);
    await decideAs(
      core,
      { kind: "user", id: "U0MOD1", name: "Mod" },
      {
        requestId: first.request.id,
        outcome: "approve",
      },
    );
    expect(flush()).toEqual({
      [METRIC.requestsSubmitted]: [1, 1],
      [METRIC.autoDeclines]: [1],
      [METRIC.decisions]: [1],
    });
    expect(flush()).toEqual({});
  });

  it("counts effects retried, stuck and performed", async () => {
    const { metrics, flush } = capture();
    const clock = testClock();
    const config = configOf(slackCommunity());
    // The outbox's clock moves with the test's, so the retry comes due.
    const core = { ...(await createTestCore(config, clock.now)), metrics, outboxNow: clock.now };
    const fake = recordingEffects();
    const performers = { slack: fake.effects };
    const outcome = await Requests.submit(core, {
      community: communityOf(config),
      submissionKey: "view-U1",
      applicant: { userId: "U1", name: "U1" },
      answers: { why: "because" },
      profile: slackProfile("U1"),
    });
    if (outcome.kind !== "recorded") throw new Error(outcome.kind);
    flush();
    const card = { requestId: outcome.request.id, name: "card.post" };
    fake.failNext("postCard", new RetryableEffectError("down for a while", 120_000));
    expect(await Outbox.run(core, performers, card)).toBe("retry");
    clock.advance(130_000);
    // A card that can never be posted cannot show its own problem: it is stuck at once (and retried).
    fake.failNext("postCard", new PermanentEffectError("no access", "The bot cannot see the review channel"));
    expect(await Outbox.run(core, performers, card)).toBe("retry");
    expect(flush()).toEqual({ [METRIC.effectsRetried]: [1, 1], [METRIC.effectsStuck]: [1] });

    const second = await Requests.submit(core, {
      community: communityOf(config),
      submissionKey: "view-U2",
      applicant: { userId: "U2", name: "U2" },
      answers: { why: "because" },
      profile: slackProfile("U2"),
    });
    if (second.kind !== "recorded") throw new Error(second.kind);
    expect(await Outbox.run(core, performers, { requestId: second.request.id, name: "card.post" })).toBe(
      "done",
    );
    expect(flush()).toEqual({ [METRIC.requestsSubmitted]: [1], [METRIC.effectsPerformed]: [1] });
  });
});
