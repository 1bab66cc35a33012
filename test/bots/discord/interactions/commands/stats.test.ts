import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bulkDecide } from "../../../../../core/usecases/bulk.js";
import {
  type QueueWorld,
  queueData,
  startQueueWorld,
  statsCommand,
} from "../../../../support/discord-queue.js";

let w: QueueWorld;
beforeAll(async () => {
  w = await startQueueWorld(6, { capacity: 2 });
  // The moderator approves the passing ones (two seats, two wait) and denies the flagged two.
  const core = w.h.server.runtime.core;
  const origin = {
    platform: "discord" as const,
    workspace: "100000000000000001",
    userId: w.moderator.user.id,
    name: "Mod",
    roles: w.moderator.roles,
  };
  await bulkDecide(core, origin, "gamers", { kind: "approve-passing" });
  await bulkDecide(core, origin, "gamers", { kind: "deny", requestIds: w.requests.map((r) => r.id) });
}, 180_000);
afterAll(async () => {
  w?.h.report("/apply-stats");
  await w?.h.close();
});

describe("/apply-stats", () => {
  it("shows a moderator the figures of the window", async () => {
    const answer = await w.h.post("/apply-stats", statsCommand(w.moderator, 30));
    const data = queueData(answer.json);
    expect(data.flags).toBe(64);
    const text = data.embeds?.[0]?.description ?? "";
    expect(text).toContain("Gamers: the last 30 days");
    expect(text).toContain(
      "Requests 6 · approved 4 (2 via the waitlist) · denied 2 (2 by moderators, 0 by rules)",
    );
    expect(text).toContain("Time to decision: median ≤ 5 min, 90% ≤ 5 min (6 decisions)");
    expect(text).toContain("Now: 2 of 2 seats taken · 2 on the waitlist");
    expect(text).toContain("Top failed rules: Profile photo (2)");
    expect(text).toContain(`<@${w.moderator.user.id}> 6 (4 approved, 2 denied)`);
  });

  it("refuses anyone else", async () => {
    const answer = await w.h.post("/apply-stats stranger", statsCommand(w.stranger));
    expect(queueData(answer.json).content).toContain("Only a community's moderators");
  });
});
