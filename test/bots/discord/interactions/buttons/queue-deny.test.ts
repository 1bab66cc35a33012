import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type QueueWorld,
  queueButton,
  queueData,
  queueSelectInteraction,
  startQueueWorld,
} from "../../../../support/discord-queue.js";

let w: QueueWorld;
beforeAll(async () => {
  w = await startQueueWorld(3);
}, 180_000);
afterAll(async () => {
  w?.h.report("deny selected");
  await w?.h.close();
});

describe("Deny selected", () => {
  it("asks for an optional reason first, in a modal", async () => {
    const select = queueSelectInteraction(w.moderator, "gk:qs:gamers:all:1", [
      w.requests[0]?.id ?? "",
      w.requests[1]?.id ?? "",
    ]);
    await w.h.post("select", select);
    const answer = await w.h.post("deny selected", queueButton(w.moderator, `gk:qd:${select.id}`));
    expect(answer.json.type).toBe(9);
    const modal = JSON.stringify(answer.json);
    expect(modal).toContain(`"custom_id":"gk:qr:${select.id}"`);
    expect(modal).toContain("Deny selected requests (2)");
    expect(modal).toContain('"required":false');
  });

  it("says so when the selection is gone", async () => {
    const answer = await w.h.post("stale", queueButton(w.moderator, "gk:qd:123456789012345678"));
    expect(queueData(answer.json).content).toContain("That selection expired");
  });
});
