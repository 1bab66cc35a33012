import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Requests from "../../../../../core/requests.js";
import {
  type QueueWorld,
  queueData,
  queueModal,
  queueSelectInteraction,
  startQueueWorld,
} from "../../../../support/discord-queue.js";

let w: QueueWorld;
beforeAll(async () => {
  w = await startQueueWorld(3);
}, 180_000);
afterAll(async () => {
  w?.h.report("deny selected: reason");
  await w?.h.close();
});

describe("the reason of Deny selected", () => {
  it("denies each selected request with the reason, through the worker, and reports in place", async () => {
    const ids = [w.requests[2]?.id ?? "", w.requests[0]?.id ?? ""];
    const select = queueSelectInteraction(w.moderator, "gk:qs:gamers:all:1", ids);
    await w.h.post("select", select);
    const modal = queueModal(w.moderator, `gk:qr:${select.id}`, "Not a fit right now");
    const answer = await w.h.post("reason", modal);
    expect(answer.json.type).toBe(7);
    expect(queueData(answer.json).content).toBe("Deciding 2 requests… the result shows here in a moment.");
    const edit = await w.h.eventually(() => w.h.fake.interactionEdits.find((e) => e.token === modal.token));
    expect(edit.content).toBe("2 denied.");
    const core = w.h.server.runtime.core;
    for (const id of ids) {
      expect((await Requests.get(core, id))?.decision).toMatchObject({
        outcome: "denied",
        reason: "Not a fit right now",
      });
    }
    expect((await Requests.get(core, w.requests[1]?.id ?? ""))?.status).toBe("pending");
    // Each applicant is told once, with the reason.
    await w.h.eventually(
      () =>
        w.h.fake
          .ok("POST", /^\/channels\/\d+\/messages$/)
          .filter((c) => JSON.stringify(c.body).includes("Not a fit right now")).length === 2,
    );
  });
});
