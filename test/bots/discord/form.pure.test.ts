import { describe, expect, it } from "vitest";
import { customIds, parseCustomId } from "../../../bots/discord/custom-ids.js";
import { buildFormModal, modalTitle, pageCount, pageInputs, pageOf } from "../../../bots/discord/form.js";
import { communityOf, configOf, discordCommunity } from "../../support/core.js";

const FORM = "1300000000000000002";
const questions = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `q${i + 1}`,
    label: `Question ${i + 1}`,
    style: i % 2 ? "paragraph" : "short",
    maxLength: 100 + i,
    ...(i === 0 ? { minLength: 5, placeholder: "Tell us" } : {}),
    ...(i === 1 ? { required: false } : {}),
  }));
const communityWith = (n: number, extra: Record<string, unknown> = {}) =>
  communityOf(
    configOf(discordCommunity({ id: "makers", name: "Makers Guild", questions: questions(n), ...extra })),
  );

describe("the form as modals", () => {
  it("fits four questions and the note in one modal of labelled text inputs", () => {
    const community = communityWith(4);
    expect(pageCount(community)).toBe(1);
    const modal = buildFormModal(community, FORM, 1);
    expect(modal.custom_id).toBe(`gk:form:makers:${FORM}:1`);
    expect(modal.title).toBe("Join Makers Guild");
    expect(modal.components).toHaveLength(5);
    expect(modal.components[0]).toEqual({
      type: 18,
      label: "Question 1",
      component: {
        type: 4,
        custom_id: "q:q1",
        style: 1,
        required: true,
        max_length: 100,
        min_length: 5,
        placeholder: "Tell us",
      },
    });
    expect(modal.components[1]).toEqual({
      type: 18,
      label: "Question 2",
      component: { type: 4, custom_id: "q:q2", style: 2, required: false, max_length: 101 },
    });
    expect(modal.components[4]).toMatchObject({
      type: 18,
      label: "A note for the moderators (optional)",
      description: "At most 300 characters.",
      component: { type: 4, custom_id: "note", style: 2, required: false, max_length: 300 },
    });
  });

  it("pages seven questions and the note across two modals of at most five inputs", () => {
    const community = communityWith(7, { note: { required: true, maxLength: 200 } });
    expect(pageCount(community)).toBe(2);
    expect(pageInputs(community, 1)).toHaveLength(5);
    expect(pageInputs(community, 2).map((i) => (i.kind === "note" ? "note" : i.question.id))).toEqual([
      "q6",
      "q7",
      "note",
    ]);
    expect(pageOf(community, "q5")).toBe(1);
    expect(pageOf(community, "q6")).toBe(2);
    expect(pageOf(community, "note")).toBe(2);
    const page2 = buildFormModal(community, FORM, 2, {
      answers: { q6: "kept", q1: "elsewhere" },
      note: "hello",
    });
    expect(page2.title).toBe("Join Makers Guild (2/2)");
    expect(page2.custom_id).toBe(`gk:form:makers:${FORM}:2`);
    expect(page2.components.map((c) => ("component" in c ? c.component : undefined))).toMatchObject([
      { custom_id: "q:q6", value: "kept" },
      { custom_id: "q:q7" },
      { custom_id: "note", value: "hello", required: true, max_length: 200 },
    ]);
    expect(page2.components[2]).toMatchObject({ label: "A note for the moderators" });
    // Twenty questions (the Discord maximum) and the note: five pages.
    expect(pageCount(communityWith(20))).toBe(5);
  });

  it("keeps titles within 45 characters", () => {
    const long = communityWith(7, { name: "The Extraordinarily Long Named Community Of Makers" });
    const title = modalTitle(long, 2);
    expect(title.length).toBeLessThanOrEqual(45);
    expect(title.endsWith("… (2/2)")).toBe(true);
  });
});

describe("custom ids", () => {
  it("round-trips every id the bot makes", () => {
    expect(parseCustomId(customIds.form("makers", FORM, 2))).toEqual({
      kind: "form",
      communityId: "makers",
      formId: FORM,
      page: 2,
    });
    expect(parseCustomId(customIds.next("long-form", FORM, 3))).toEqual({
      kind: "next",
      communityId: "long-form",
      formId: FORM,
      page: 3,
    });
    for (const kind of ["approve", "deny", "reason"] as const) {
      expect(parseCustomId(customIds[kind]("r0123456789abcdef0123"))).toEqual({
        kind,
        requestId: "r0123456789abcdef0123",
      });
    }
  });

  it("rejects anything else that comes back", () => {
    for (const bad of [
      "",
      "gk",
      "other:approve:r0123456789abcdef0123",
      "gk:approve:r0123",
      "gk:approve:r0123456789abcdef0123:extra",
      "gk:approve:R0123456789ABCDEF0123",
      "gk:form:makers:123:1",
      `gk:form:makers:${FORM}:0`,
      `gk:form:makers:${FORM}:6`,
      `gk:form:makers:${FORM}:1.5`,
      `gk:form:Makers:${FORM}:1`,
      `gk:form:makers:${FORM}`,
      `gk:delete:makers:${FORM}:1`,
    ]) {
      expect(parseCustomId(bad), bad).toBeUndefined();
    }
  });
});
