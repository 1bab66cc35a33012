import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Messages from "../../../../../core/messages.js";
import {
  buttonInteraction,
  modalSubmitInteraction,
  type TestMember,
  testMember,
} from "../../../../support/discord-interactions.js";
import {
  community,
  ephemeralAnswer,
  ephemeralMessage,
  inPlaceAnswer,
  inputsOf,
  OTHER_GUILD,
  otherGuildCommunity,
  outsideGuild,
  questions,
  type Scene,
  startScene,
} from "../../../../support/discord-scene.js";
import { snowflakeNow } from "../../../../support/fake-discord.js";

/**
 * "Continue" and "Edit answers" (bots/discord/interactions/buttons/continue.ts): open a page of
 * the member's own form as a modal (9), pre-filled from their draft. A form that was recorded
 * meanwhile, a draft that is gone, or a form that no longer fits this server replaces the
 * button's message (7) with why.
 */
let s: Scene;

beforeAll(async () => {
  s = await startScene([
    community({
      id: "long-form",
      name: "The Long Form Society",
      questions: questions(7),
      note: { required: true },
    }),
    community({ id: "other-long", name: "Other Long Form", questions: questions(7) }),
    community({ id: "makers", name: "Makers Guild" }),
    otherGuildCommunity({ id: "elsewhere", name: "Another Server's Club", questions: questions(7) }),
  ]);
});
afterAll(async () => {
  await s?.close();
});

const answersFor = (from: number, to: number) =>
  Object.fromEntries(
    Array.from({ length: to - from + 1 }, (_, i) => [`q:q${from + i}`, `answer ${from + i}`]),
  );

function submitPage(
  member: TestMember,
  communityId: string,
  form: string,
  page: number,
  values: Record<string, string>,
) {
  return s.post(
    `submit ${communityId} page ${page}`,
    modalSubmitInteraction({
      ...s.base(member),
      customId: `gk:form:${communityId}:${form}:${page}`,
      values,
      ...(page > 1 ? { message: ephemeralMessage() } : {}),
    }),
  );
}

const press = (label: string, member: TestMember, communityId: string, form: string, page: number) =>
  s.click(label, member, `gk:next:${communityId}:${form}:${page}`);

/** A member with page 1 of the long form saved. */
async function startedForm() {
  const member = testMember();
  const form = snowflakeNow();
  const saved = await submitPage(member, "long-form", form, 1, answersFor(1, 5));
  expect(saved.json.data?.content).toContain("Page 1 of 2 saved");
  return { member, form };
}

describe("the Continue / Edit answers button", () => {
  it("opens the next page of the member's form, and records nothing", async () => {
    const { member, form } = await startedForm();
    const opened = await press("Continue", member, "long-form", form, 2);
    expect(opened.json.type).toBe(9);
    expect(opened.json.data?.custom_id).toBe(`gk:form:long-form:${form}:2`);
    expect(opened.json.data?.title).toBe("Join The Long Form Society (2/2)");
    expect(inputsOf(opened.json.data).map((i) => [i.custom_id, i.value])).toEqual([
      ["q:q6", undefined],
      ["q:q7", undefined],
      ["note", undefined],
    ]);
    expect(await s.requestsOf(member)).toEqual([]);
  });

  it("reopens any page pre-filled with what the member typed there", async () => {
    const { member, form } = await startedForm();
    const sentBack = await submitPage(member, "long-form", form, 2, { ...answersFor(6, 7), note: "" });
    expect(sentBack.json.data?.content).toContain("A note is required.");

    const page2 = await press("Edit answers (page 2)", member, "long-form", form, 2);
    expect(inputsOf(page2.json.data).map((i) => [i.custom_id, i.value])).toEqual([
      ["q:q6", "answer 6"],
      ["q:q7", "answer 7"],
      ["note", undefined],
    ]);
    const page1 = await press("Edit answers (page 1)", member, "long-form", form, 1);
    expect(page1.json.type).toBe(9);
    expect(page1.json.data?.custom_id).toBe(`gk:form:long-form:${form}:1`);
    expect(inputsOf(page1.json.data).map((i) => [i.custom_id, i.value])).toEqual(
      [1, 2, 3, 4, 5].map((n) => [`q:q${n}`, `answer ${n}`]),
    );
  });

  it("says the form expired to anyone but its owner, and for the same form id in another community", async () => {
    const { member, form } = await startedForm();
    const stranger = testMember();
    expect((await press("Continue (stranger)", stranger, "long-form", form, 2)).json).toEqual(
      inPlaceAnswer(Messages.FORM_EXPIRED),
    );
    expect((await press("Continue (other community)", member, "other-long", form, 2)).json).toEqual(
      inPlaceAnswer(Messages.FORM_EXPIRED),
    );
  });

  it("shows what was recorded when the form was already submitted", async () => {
    const { member, form } = await startedForm();
    const done = await submitPage(member, "long-form", form, 2, { ...answersFor(6, 7), note: "Done." });
    expect(done.json.data?.content).toContain("was received");
    const [request] = await s.requestsOf(member);
    if (!request) throw new Error("not recorded");
    expect((await press("Continue (after submitting)", member, "long-form", form, 2)).json).toEqual(
      inPlaceAnswer(Messages.received(s.community("long-form"), request)),
    );
    expect(await s.requestsOf(member)).toHaveLength(1);
    await s.settled(request.id);
  });

  it("says the form is out of date for another server's community, an unknown one, or a page past the end", async () => {
    const { member, form } = await startedForm();
    for (const [communityId, page] of [
      ["elsewhere", 2],
      ["nope", 2],
      ["long-form", 3],
      ["makers", 2],
    ] as const) {
      expect((await press(`Continue ${communityId} ${page}`, member, communityId, form, page)).json).toEqual(
        inPlaceAnswer(Messages.FORM_GONE),
      );
    }
    // Even from the server where that community lives, it is not this member's form there.
    expect(
      (
        await s.click(
          "Continue elsewhere (its server)",
          member,
          `gk:next:elsewhere:${form}:2`,
          undefined,
          OTHER_GUILD,
        )
      ).json,
    ).toEqual(inPlaceAnswer(Messages.FORM_EXPIRED));
  });

  it("answers SERVER_ONLY outside a server", async () => {
    const { member, form } = await startedForm();
    const dm = outsideGuild(
      buttonInteraction({
        ...s.base(member),
        customId: `gk:next:long-form:${form}:2`,
        message: ephemeralMessage(),
        ephemeral: true,
      }),
    );
    expect((await s.post("Continue in a DM", dm)).json).toEqual(ephemeralAnswer(Messages.SERVER_ONLY));
  });

  it("treats forged ids as a stale button", async () => {
    const { member, form } = await startedForm();
    for (const customId of [
      "gk:next:long-form:not-a-form:2",
      `gk:next:long-form:${form}:6`,
      `gk:next:long-form:${form}:0`,
      `gk:next:Long-Form:${form}:2`,
      `gk:next:long-form:${form}`,
    ]) {
      expect((await s.click(`Continue (${customId})`, member, customId)).json).toEqual(
        ephemeralAnswer(Messages.STALE_BUTTON),
      );
    }
  });

  // Last: it moves the clock past the drafts' hour.
  it("says the form expired once the draft is over an hour old", async () => {
    const { member, form } = await startedForm();
    expect((await press("Continue (fresh)", member, "long-form", form, 2)).json.type).toBe(9);
    s.advance(61 * 60_000);
    expect((await press("Continue (an hour later)", member, "long-form", form, 2)).json).toEqual(
      inPlaceAnswer(Messages.FORM_EXPIRED),
    );
  });
});
