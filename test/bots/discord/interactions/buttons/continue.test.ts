import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPLICATION_ID } from "../../../../support/discord-harness.js";
import {
  buttonInteraction,
  commandInteraction,
  modalSubmitInteraction,
  testMember,
} from "../../../../support/discord-interactions.js";
import { GUILD, startTools, type Tools } from "../../../../support/discord-tools.js";

/** "Continue" of a paged form (`gk:next:<community>:<form>:<page>`): the next page, pre-filled from the draft. */
let t: Tools;
beforeAll(async () => {
  t = await startTools();
});
afterAll(async () => {
  await t.close();
});

describe("the Continue button", () => {
  it("opens the next page of a long form", async () => {
    const member = testMember();
    const base = { guild: GUILD, member, applicationId: APPLICATION_ID };
    const opened = await t.post(
      "/apply long-form",
      commandInteraction({ ...base, name: "apply", options: { community: "long-form" } }),
    );
    const page1 = opened.json.data?.custom_id ?? "";
    const values = Object.fromEntries([1, 2, 3, 4, 5].map((n) => [`q:q${n}`, `answer ${n}`]));
    const saved = await t.post("page 1", modalSubmitInteraction({ ...base, customId: page1, values }));
    const button = saved.json.data?.components?.[0]?.components?.[0];
    expect(button?.label).toBe("Continue");
    const next = await t.post(
      "continue",
      buttonInteraction({
        ...base,
        customId: button?.custom_id ?? "",
        message: { id: "300000000000000009", channel_id: GUILD },
        ephemeral: true,
      }),
    );
    expect(next.json.type).toBe(9);
    expect(next.json.data?.title).toBe("Join Long Form (2/2)");
  });
});
