import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Requests from "../../../core/requests.js";
import {
  componentsOf,
  type QueueAnswerData,
  type QueueWorld,
  queueButton,
  queueCommand,
  queueData,
  queueModal,
  queueSelectInteraction,
  startQueueWorld,
} from "../../support/discord-queue.js";

/**
 * Issue 11's "done when", on Discord: a moderator clears a queue of 50 from `/apply-queue` in a few
 * clicks, every id taken from what the bot showed (no id typed by the test). 34 pass every rule
 * and 16 are flagged; 30 seats.
 */
let w: QueueWorld;
beforeAll(async () => {
  w = await startQueueWorld(50, { capacity: 30 });
}, 300_000);
afterAll(async () => {
  w?.h.report("clear a queue of 50");
  await w?.h.close();
});

const componentWith = (data: QueueAnswerData, prefix: string) =>
  componentsOf(data).find((c) => c.custom_id?.startsWith(prefix));

describe("clearing a queue of 50 from /apply-queue", () => {
  it("takes four clicks: approve all passing, select the flagged, Deny selected, the reason", async () => {
    let clicks = 0;
    const shown = await w.h.post("/apply-queue", queueCommand(w.moderator));
    expect(queueData(shown.json).embeds?.[0]?.description).toContain("50 waiting · 34 pass every rule");

    // 1. Approve all that pass every rule.
    const passing = componentWith(queueData(shown.json), "gk:qp:");
    expect(passing?.label).toBe("Approve all that pass every rule (34)");
    const approveAll = queueButton(w.moderator, passing?.custom_id ?? "");
    clicks++;
    await w.h.post("approve all passing", approveAll);
    const report = await w.h.eventually(
      () => w.h.fake.interactionEdits.find((e) => e.token === approveAll.token),
      90_000,
    );
    expect(report.content).toBe("30 approved, 4 waitlisted.");
    const after: QueueAnswerData = { embeds: report.embeds as never, components: report.components as never };
    expect(after.embeds?.[0]?.description).toContain("16 waiting · 0 pass every rule · 16 flagged");

    // 2. Select every request the queue now shows (all 16 fit one page).
    const select = componentWith(after, "gk:qs:");
    const values = select?.options?.map((o) => o.value) ?? [];
    expect(values).toHaveLength(16);
    const picked = queueSelectInteraction(w.moderator, select?.custom_id ?? "", values);
    clicks++;
    const selected = await w.h.post("select all 16", picked);

    // 3. Deny selected: asks for the reason.
    const deny = componentWith(queueData(selected.json), "gk:qd:");
    expect(deny?.disabled).not.toBe(true);
    clicks++;
    const modal = await w.h.post("deny selected", queueButton(w.moderator, deny?.custom_id ?? ""));
    expect(modal.json.type).toBe(9);
    const reasonId = (modal.json as { data?: { custom_id?: string } }).data?.custom_id ?? "";

    // 4. The reason.
    const submit = queueModal(w.moderator, reasonId, "Please add a profile photo and apply again");
    clicks++;
    await w.h.post("reason", submit);
    const denied = await w.h.eventually(
      () => w.h.fake.interactionEdits.find((e) => e.token === submit.token),
      90_000,
    );
    expect(denied.content).toBe("16 denied.");
    expect(JSON.stringify(denied.embeds)).toContain("Nothing is waiting for review.");

    expect(clicks).toBe(4);
    const core = w.h.server.runtime.core;
    const statuses = await Promise.all(w.requests.map(async (r) => (await Requests.get(core, r.id))?.status));
    expect(statuses.filter((s) => s === "pending")).toHaveLength(0);
    expect(statuses.filter((s) => s === "approved")).toHaveLength(30);
    expect(statuses.filter((s) => s === "waitlisted")).toHaveLength(4);
    expect(statuses.filter((s) => s === "denied")).toHaveLength(16);
    // Every applicant is told once, as a single click would.
    await w.h.eventually(
      () =>
        w.requests.every(
          (r) =>
            [...w.h.fake.messages.values()].filter(
              (m) => m.channel_id === w.h.fake.dmChannelOf(r.applicant.userId),
            ).length === 1,
        ) || undefined,
      90_000,
    );
  });
});
