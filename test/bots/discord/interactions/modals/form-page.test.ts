import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Requests from "../../../../../core/requests.js";
import { APPLICATION_ID } from "../../../../support/discord-harness.js";
import {
  commandInteraction,
  modalSubmitInteraction,
  testMember,
} from "../../../../support/discord-interactions.js";
import { contentOf, GUILD, startTools, type Tools } from "../../../../support/discord-tools.js";

/** A page of the application form (`gk:form:…`): the last page records the request, once. */
let t: Tools;
beforeAll(async () => {
  t = await startTools();
});
afterAll(async () => {
  await t.close();
});

describe("the form page modal", () => {
  it("records the request once, however often the final page is submitted", async () => {
    const member = testMember();
    const base = { guild: GUILD, member, applicationId: APPLICATION_ID };
    const opened = await t.post(
      "/apply makers",
      commandInteraction({ ...base, name: "apply", options: { community: "makers" } }),
    );
    const submit = modalSubmitInteraction({
      ...base,
      customId: opened.json.data?.custom_id ?? "",
      values: { "q:why": "Hi." },
    });
    const first = await t.post("submit", submit);
    const second = await t.post("submit again", { ...submit, id: `${submit.id.slice(0, -1)}9` });
    expect(contentOf(first)).toContain("was received");
    expect(contentOf(second)).toContain("was received");
    expect(await Requests.listForApplicant(t.core(), "discord", GUILD, member.user.id)).toHaveLength(1);
  });
});
