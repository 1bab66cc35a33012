import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testMember } from "../../../../support/discord-interactions.js";
import {
  componentsOf,
  MOD_ROLE,
  type QueueWorld,
  queueButton,
  queueData,
  queueSelectInteraction,
  startQueueWorld,
} from "../../../../support/discord-queue.js";

let w: QueueWorld;
beforeAll(async () => {
  w = await startQueueWorld(5);
}, 180_000);
afterAll(async () => {
  w?.h.report("queue select");
  await w?.h.close();
});

describe("the queue's select", () => {
  it("keeps the selection, shows it, and turns the bulk buttons on for it", async () => {
    const picked = [w.requests[3]?.id ?? "", w.requests[0]?.id ?? "", "r00000000000000000000"];
    const interaction = queueSelectInteraction(w.moderator, "gk:qs:gamers:all:1", picked);
    const answer = await w.h.post("select", interaction);
    expect(answer.json.type).toBe(7);
    const data = queueData(answer.json);
    expect(data.content).toBe("2 selected. Approve or deny them below.");
    const components = componentsOf(data);
    const options = components.find((c) => c.type === 3)?.options ?? [];
    expect(options.filter((o) => o.default).map((o) => o.value)).toEqual([
      w.requests[0]?.id,
      w.requests[3]?.id,
    ]);
    const approve = components.find((c) => c.custom_id?.startsWith("gk:qa:"));
    expect(approve).toMatchObject({ custom_id: `gk:qa:${interaction.id}`, label: "Approve selected (2)" });
    expect(approve?.disabled).toBeFalsy();

    // The selection is this moderator's: another one's click on it finds nothing.
    const other = testMember({ global_name: "Mod 2" }, [MOD_ROLE]);
    const stolen = await w.h.post("other moderator", queueButton(other, `gk:qa:${interaction.id}`));
    expect(queueData(stolen.json).content).toContain("That selection expired");
  });
});
