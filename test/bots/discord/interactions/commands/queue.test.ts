import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  componentsOf,
  type QueueWorld,
  queueCommand,
  queueData,
  startQueueWorld,
} from "../../../../support/discord-queue.js";

let w: QueueWorld;
beforeAll(async () => {
  w = await startQueueWorld(25);
}, 180_000);
afterAll(async () => {
  w?.h.report("/apply-queue");
  await w?.h.close();
});

describe("/apply-queue", () => {
  it("shows a moderator the queue, oldest first, 20 a page, with a select and the bulk buttons, privately", async () => {
    const answer = await w.h.post("/apply-queue", queueCommand(w.moderator));
    expect(answer.status).toBe(200);
    expect(answer.json.type).toBe(4);
    const data = queueData(answer.json);
    expect(data.flags).toBe(64);
    expect(data.embeds?.[0]?.title).toBe("Join requests: Gamers");
    const description = data.embeds?.[0]?.description ?? "";
    expect(description).toContain(
      "25 waiting · 17 pass every rule · 8 flagged · 0 waiting for a reply · page 1 of 2",
    );
    const mentioned = [...description.matchAll(/<@(\d+)>/g)].map((m) => m[1]);
    expect(mentioned).toEqual(w.requests.slice(0, 20).map((r) => r.applicant.userId));
    expect(description).toContain("✗ failed: Profile photo");
    const components = componentsOf(data);
    const select = components.find((c) => c.type === 3);
    expect(select?.options?.map((o) => o.value)).toEqual(w.requests.slice(0, 20).map((r) => r.id));
    expect(select?.max_values).toBe(20);
    const labels = components
      .filter((c) => c.type === 2)
      .map((c) => `${c.label}${c.disabled ? " (off)" : ""}`);
    expect(labels).toEqual([
      "Approve selected (off)",
      "Deny selected (off)",
      "Approve all that pass every rule (17)",
      "All (25)",
      "Passing every rule (17)",
      "Flagged (8)",
      "Waiting for a reply (0)",
      "Previous (off)",
      "Next",
    ]);
    const ids = components.map((c) => c.custom_id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("refuses anyone who does not moderate a community here, and an unknown community", async () => {
    const answer = await w.h.post("/apply-queue stranger", queueCommand(w.stranger));
    expect(queueData(answer.json).content).toContain("Only a community's moderators");
    expect(queueData(answer.json).embeds ?? []).toEqual([]);
    const unknown = await w.h.post("/apply-queue nope", queueCommand(w.moderator, "nope"));
    expect(queueData(unknown.json).content).toContain('no community called "nope"');
  });
});
