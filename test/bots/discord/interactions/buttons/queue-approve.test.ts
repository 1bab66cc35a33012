import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Requests from "../../../../../core/requests.js";
import {
  GRANT_ROLE,
  GUILD,
  type QueueWorld,
  queueButton,
  queueData,
  queueSelectInteraction,
  startQueueWorld,
} from "../../../../support/discord-queue.js";

/**
 * Bulk approval from `/apply-queue`: the click is answered at once ("Deciding…"), the worker
 * decides each request as a single click would, and edits the queue message with the report.
 * Measured on a queue of 50: the answer time, and how long until the report arrives.
 */
let w: QueueWorld;
beforeAll(async () => {
  w = await startQueueWorld(50, { capacity: 30 });
}, 300_000);
afterAll(async () => {
  w?.h.report("bulk approve");
  await w?.h.close();
});

describe("Approve selected / Approve all that pass every rule", () => {
  it("approves the selection, reports in place, and is safe to click twice", async () => {
    const ids = [w.requests[1]?.id ?? "", w.requests[0]?.id ?? "", w.requests[2]?.id ?? ""];
    const select = queueSelectInteraction(w.moderator, "gk:qs:gamers:all:1", ids);
    await w.h.post("select 3", select);
    const click = queueButton(w.moderator, `gk:qa:${select.id}`);
    const answer = await w.h.post("approve selected", click);
    expect(answer.json.type).toBe(7);
    expect(queueData(answer.json).content).toBe("Deciding 3 requests… the result shows here in a moment.");
    const edit = await w.h.eventually(() => w.h.fake.interactionEdits.find((e) => e.token === click.token));
    expect(edit.content).toBe("3 approved.");
    expect(JSON.stringify(edit.embeds)).toContain("47 waiting");

    const again = queueButton(w.moderator, `gk:qa:${select.id}`);
    await w.h.post("approve selected again", again);
    const second = await w.h.eventually(() => w.h.fake.interactionEdits.find((e) => e.token === again.token));
    expect(second.content).toBe("3 already decided.");
    // Roles granted once each.
    for (const id of ids) {
      const r = await Requests.get(w.h.server.runtime.core, id);
      expect(r?.status).toBe("approved");
      await w.h.eventually(() => w.h.fake.roles.has(`${GUILD}/${r?.applicant.userId}/${GRANT_ROLE}`));
    }
  });

  it("approves all 32 passing of a queue of 50 in one click: 27 seats left, 5 waitlisted in queue order; the answer stays fast", async () => {
    const click = queueButton(w.moderator, "gk:qp:gamers:all");
    const answer = await w.h.post("approve all passing", click);
    expect(answer.json.type).toBe(7);
    expect(queueData(answer.json).content).toBe("Deciding 32 requests… the result shows here in a moment.");
    expect(answer.ms).toBeLessThan(2500);
    const started = Date.now();
    const edit = await w.h.eventually(
      () => w.h.fake.interactionEdits.find((e) => e.token === click.token),
      60_000,
    );
    console.log(
      `[bulk of 32 through /apply-queue] answered in ${answer.ms.toFixed(0)} ms; report after ${Date.now() - started} ms more`,
    );
    expect(edit.content).toBe("27 approved, 5 waitlisted.");
    const core = w.h.server.runtime.core;
    const statuses = await Promise.all(w.requests.map(async (r) => (await Requests.get(core, r.id))?.status));
    const passing = statuses.filter((_, i) => i % 3 !== 2);
    expect(passing).toEqual([...new Array(29).fill("approved"), ...new Array(5).fill("waitlisted")]);
    expect(statuses.filter((_, i) => i % 3 === 2)).toEqual(["approved", ...new Array(15).fill("pending")]);
  });
});
