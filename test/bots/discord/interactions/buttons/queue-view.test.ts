import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  componentsOf,
  type QueueWorld,
  queueButton,
  queueData,
  startQueueWorld,
} from "../../../../support/discord-queue.js";

let w: QueueWorld;
beforeAll(async () => {
  w = await startQueueWorld(23);
}, 180_000);
afterAll(async () => {
  w?.h.report("queue filters and pages");
  await w?.h.close();
});

describe("the queue message's filter and page buttons", () => {
  it("shows the flagged ones only, in place", async () => {
    const answer = await w.h.post("filter flagged", queueButton(w.moderator, "gk:qv:gamers:flagged:1"));
    expect(answer.json.type).toBe(7);
    const description = queueData(answer.json).embeds?.[0]?.description ?? "";
    expect(description).toContain("showing: flagged (7)");
    expect([...description.matchAll(/<@(\d+)>/g)].map((m) => m[1])).toEqual(
      w.requests.filter((_, i) => i % 3 === 2).map((r) => r.applicant.userId),
    );
    const flagged = componentsOf(queueData(answer.json)).find(
      (c) => c.custom_id === "gk:qv:gamers:flagged:1",
    );
    expect(flagged?.style).toBe(1);
  });

  it("pages: the second page holds the rest", async () => {
    const answer = await w.h.post("page 2", queueButton(w.moderator, "gk:qn:gamers:all:2"));
    const description = queueData(answer.json).embeds?.[0]?.description ?? "";
    expect(description).toContain("page 2 of 2");
    expect(description).toContain("**21.**");
    expect([...description.matchAll(/<@(\d+)>/g)].map((m) => m[1])).toEqual(
      w.requests.slice(20).map((r) => r.applicant.userId),
    );
  });

  it("tells a non-moderator no, in place", async () => {
    const answer = await w.h.post("stranger", queueButton(w.stranger, "gk:qv:gamers:all:1"));
    expect(answer.json.type).toBe(7);
    expect(queueData(answer.json).content).toContain("Only a community's moderators");
  });
});
