import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Messages from "../../../../../core/messages.js";
import * as Requests from "../../../../../core/requests.js";
import {
  modalSubmitInteraction,
  type TestMember,
  testMember,
} from "../../../../support/discord-interactions.js";
import {
  buttonRow,
  community,
  ephemeralAnswer,
  ephemeralMessage,
  inPlaceAnswer,
  inputsOf,
  otherGuildCommunity,
  outsideGuild,
  questions,
  REVIEW,
  type Scene,
  startScene,
} from "../../../../support/discord-scene.js";
import { snowflakeNow } from "../../../../support/fake-discord.js";

/**
 * A page of the application form comes back (bots/discord/interactions/modals/form-page.ts).
 * Before the last page: the answers go to a draft and the member gets a "Continue" button. On the
 * last page: the submit use case records the request (once, however often the page is replayed),
 * refuses it, or sends it back with an "Edit answers" button to the page of the first bad answer.
 * The first modal (opened by /apply) is answered anew (4); one opened from a button replaces that
 * button's message (7).
 */
let s: Scene;

beforeAll(async () => {
  s = await startScene([
    community({
      id: "makers",
      name: "Makers Guild",
      questions: [
        { id: "why", label: "Why do you want to join?", style: "paragraph", maxLength: 50 },
        { id: "where", label: "Where are you based?", required: false, maxLength: 100 },
      ],
    }),
    community({
      id: "long-form",
      name: "The Long Form Society",
      questions: questions(7),
      note: { required: true },
    }),
    community({ id: "twenty", name: "Twenty Questions", questions: questions(20) }),
    community({
      id: "strict",
      name: "Strict Society",
      rules: { requireAvatar: true },
      onRuleFailure: "deny",
    }),
    community({ id: "auto", name: "Auto Club", autoApprove: true, capacity: 1 }),
    otherGuildCommunity({ id: "elsewhere", name: "Another Server's Club" }),
  ]);
});
afterAll(async () => {
  await s?.close();
});

const formId = () => snowflakeNow();

function submitPage(
  label: string,
  member: TestMember,
  communityId: string,
  form: string,
  page: number,
  values: Record<string, string>,
  message?: { id: string; channel_id: string },
) {
  return s.post(label, pagePayload(member, communityId, form, page, values, message));
}

function pagePayload(
  member: TestMember,
  communityId: string,
  form: string,
  page: number,
  values: Record<string, string>,
  message?: { id: string; channel_id: string },
) {
  return modalSubmitInteraction({
    ...s.base(member),
    customId: `gk:form:${communityId}:${form}:${page}`,
    values,
    ...(message ? { message } : {}),
  });
}

const answersFor = (from: number, to: number) =>
  Object.fromEntries(
    Array.from({ length: to - from + 1 }, (_, i) => [`q:q${from + i}`, `answer ${from + i}`]),
  );

const next = (communityId: string, form: string, page: number) => ({
  customId: `gk:next:${communityId}:${form}:${page}`,
  label: Messages.FORM_BUTTONS.next,
});
const edit = (communityId: string, form: string, page: number) => ({
  customId: `gk:next:${communityId}:${form}:${page}`,
  label: Messages.FORM_BUTTONS.edit,
});

const cardPostsFor = (requestId: string) =>
  s.h.fake
    .ok("POST", new RegExp(`^/channels/${REVIEW}/messages$`))
    .filter((c) => JSON.stringify(c.body).includes(requestId));

describe("a submitted page of the form", () => {
  it("records a one-page form and tells the member it was received, only once it is recorded", async () => {
    const member = testMember({ global_name: "Ada" });
    const answer = await submitPage("submit makers", member, "makers", formId(), 1, {
      "q:why": "  I build engines.  ",
      "q:where": "",
      note: "Hello!",
    });
    const [request] = await s.requestsOf(member);
    expect(request).toBeDefined();
    if (!request) return;
    expect(answer.json).toEqual(ephemeralAnswer(Messages.received(s.community("makers"), request), []));
    expect(request).toMatchObject({
      communityId: "makers",
      status: "pending",
      applicant: { userId: member.user.id, name: "Ada" },
      answers: [
        { id: "why", value: "I build engines." },
        { id: "where", value: "" },
      ],
      note: "Hello!",
    });
    await s.settled(request.id);
  });

  it("records a replayed final page once: the same answer, one request, one card", async () => {
    const member = testMember();
    const payload = pagePayload(member, "makers", formId(), 1, { "q:why": "Once." });
    const first = await s.post("submit", payload);
    const again = await s.post("submit again (same interaction)", payload);
    const retried = await s.post("submit again (Discord retry)", { ...payload, id: snowflakeNow() });
    const requests = await s.requestsOf(member);
    expect(requests).toHaveLength(1);
    const [request] = requests;
    if (!request) return;
    const expected = ephemeralAnswer(Messages.received(s.community("makers"), request), []);
    expect([first.json, again.json, retried.json]).toEqual([expected, expected, expected]);
    expect(await s.settled(request.id)).toEqual(["card.post done"]);
    expect(cardPostsFor(request.id)).toHaveLength(1);
    expect((await Requests.auditTrail(s.core(), request.id)).map((a) => a.action)).toEqual(["submitted"]);
  });

  it("records the last page of a paged form once when Discord delivers it several times at once", async () => {
    const member = testMember();
    const form = formId();
    await submitPage("page 1/2", member, "long-form", form, 1, answersFor(1, 5));
    const message = ephemeralMessage();
    const final = pagePayload(member, "long-form", form, 2, { ...answersFor(6, 7), note: "Once." }, message);
    const answers = await Promise.all(
      [0, 1, 2, 3].map((n) => s.post(`page 2/2 (delivery ${n})`, { ...final, id: snowflakeNow() })),
    );
    const requests = await s.requestsOf(member);
    expect(requests).toHaveLength(1);
    const [request] = requests;
    if (!request) return;
    const expected = inPlaceAnswer(Messages.received(s.community("long-form"), request));
    expect(answers.map((a) => a.json)).toEqual([expected, expected, expected, expected]);
    expect(await s.settled(request.id)).toEqual(["card.post done"]);
    expect(cardPostsFor(request.id)).toHaveLength(1);
  });

  it("pages a five-page form: each page saved with a Continue to the next, the last records every answer", async () => {
    const member = testMember();
    const form = formId();
    const first = await submitPage("page 1/5", member, "twenty", form, 1, answersFor(1, 5));
    expect(first.json).toEqual(ephemeralAnswer(Messages.pageSaved(1, 5), buttonRow(next("twenty", form, 2))));
    expect(await s.requestsOf(member)).toEqual([]);

    // Later pages come from the Continue button's message, which they replace.
    const message = ephemeralMessage();
    for (const page of [2, 3, 4]) {
      const answer = await submitPage(
        `page ${page}/5`,
        member,
        "twenty",
        form,
        page,
        answersFor(page * 5 - 4, page * 5),
        message,
      );
      expect(answer.json).toEqual(
        inPlaceAnswer(Messages.pageSaved(page, 5), buttonRow(next("twenty", form, page + 1))),
      );
    }
    expect(await s.requestsOf(member)).toEqual([]);
    const last = await submitPage(
      "page 5/5",
      member,
      "twenty",
      form,
      5,
      { note: "Twenty answers." },
      message,
    );
    const [request] = await s.requestsOf(member);
    if (!request) throw new Error("not recorded");
    expect(last.json).toEqual(inPlaceAnswer(Messages.received(s.community("twenty"), request)));
    expect(request.answers.map((a) => a.value)).toEqual(
      Array.from({ length: 20 }, (_, i) => `answer ${i + 1}`),
    );
    expect(request.note).toBe("Twenty answers.");
    await s.settled(request.id);
  });

  it("sends bad answers back with an Edit answers button to the page of the first one, keeping what was typed", async () => {
    const member = testMember();
    const form = formId();
    const makers = s.community("makers");
    const blank = await submitPage("blank answer", member, "makers", form, 1, {
      "q:why": "   ",
      "q:where": "Paris",
    });
    expect(blank.json).toEqual(
      ephemeralAnswer(
        Messages.answersNeedALook(makers, [{ field: "why", message: "This answer is required." }]),
        buttonRow(edit("makers", form, 1)),
      ),
    );
    expect(blank.json.data?.content).toBe(
      "Some answers need another look:\n• Why do you want to join?: This answer is required.",
    );
    // The button reopens the page with what was typed.
    const reopened = await s.click("Edit answers", member, edit("makers", form, 1).customId);
    expect(reopened.json.type).toBe(9);
    expect(inputsOf(reopened.json.data).map((i) => [i.custom_id, i.value])).toEqual([
      ["q:why", "   "],
      ["q:where", "Paris"],
      ["note", undefined],
    ]);

    // A forged answer over the limit, from the reopened modal's message.
    const message = ephemeralMessage();
    const tooLong = await submitPage(
      "too long",
      member,
      "makers",
      form,
      1,
      { "q:why": "x".repeat(51) },
      message,
    );
    expect(tooLong.json).toEqual(
      inPlaceAnswer(
        Messages.answersNeedALook(makers, [{ field: "why", message: "Please keep it under 50 characters." }]),
        buttonRow(edit("makers", form, 1)),
      ),
    );
    expect(await s.requestsOf(member)).toEqual([]);
  });

  it("points Edit answers at the page of the first bad answer of a paged form", async () => {
    const longForm = s.community("long-form");
    const member = testMember();
    const form = formId();
    const message = ephemeralMessage();
    await submitPage("page 1/2 (q2 blank)", member, "long-form", form, 1, {
      ...answersFor(1, 5),
      "q:q2": "",
    });
    const both = await submitPage(
      "page 2/2 (note blank)",
      member,
      "long-form",
      form,
      2,
      answersFor(6, 7),
      message,
    );
    expect(both.json).toEqual(
      inPlaceAnswer(
        Messages.answersNeedALook(longForm, [
          { field: "q2", message: "This answer is required." },
          { field: "note", message: "A note is required." },
        ]),
        buttonRow(edit("long-form", form, 1)),
      ),
    );

    const other = testMember();
    const otherForm = formId();
    await submitPage("page 1/2", other, "long-form", otherForm, 1, answersFor(1, 5));
    const noteOnly = await submitPage(
      "page 2/2 (note blank)",
      other,
      "long-form",
      otherForm,
      2,
      answersFor(6, 7),
      message,
    );
    expect(noteOnly.json).toEqual(
      inPlaceAnswer(
        Messages.answersNeedALook(longForm, [{ field: "note", message: "A note is required." }]),
        buttonRow(edit("long-form", otherForm, 2)),
      ),
    );
    expect(await s.requestsOf(member)).toEqual([]);
    expect(await s.requestsOf(other)).toEqual([]);
  });

  it("refuses a second form while the first request is pending, and a member blocked meanwhile", async () => {
    const member = testMember();
    const [formA, formB] = [formId(), formId()];
    await submitPage("form A", member, "makers", formA, 1, { "q:why": "First." });
    const [first] = await s.requestsOf(member);
    if (!first) throw new Error("not recorded");
    const second = await submitPage("form B", member, "makers", formB, 1, { "q:why": "Second." });
    expect(second.json).toEqual(
      ephemeralAnswer(
        Messages.refusal(s.community("makers"), { reason: "pending", requestId: first.id }),
        [],
      ),
    );
    expect(await s.requestsOf(member)).toHaveLength(1);

    const blocked = testMember();
    await Requests.setBlocked(s.core(), s.community("makers"), blocked.user.id, true);
    const answer = await submitPage("blocked", blocked, "makers", formId(), 1, { "q:why": "Please." });
    expect(answer.json).toEqual(
      ephemeralAnswer(Messages.refusal(s.community("makers"), { reason: "blocked" }), []),
    );
    expect(await s.requestsOf(blocked)).toEqual([]);
    await s.settled(first.id);
  });

  it("tells the member what became of a request decided at once: declined by the rules, approved, waitlisted", async () => {
    const noAvatar = testMember({ avatar: null });
    const declinedAnswer = await submitPage("strict", noAvatar, "strict", formId(), 1, { "q:why": "Hi." });
    const [declined] = await s.requestsOf(noAvatar);
    if (!declined) throw new Error("not recorded");
    expect(declined.status).toBe("denied");
    expect(declinedAnswer.json).toEqual(
      ephemeralAnswer(Messages.received(s.community("strict"), declined), []),
    );
    expect(declinedAnswer.json.data?.content).toBe(
      "Your request to join Strict Society was declined: Profile photo: no profile photo",
    );

    const first = testMember();
    const second = testMember();
    const welcome = await submitPage("auto (seat)", first, "auto", formId(), 1, { "q:why": "Hi." });
    const queued = await submitPage("auto (waitlist)", second, "auto", formId(), 1, { "q:why": "Hi." });
    const [approved] = await s.requestsOf(first);
    const [waitlisted] = await s.requestsOf(second);
    if (!approved || !waitlisted) throw new Error("not recorded");
    expect([approved.status, waitlisted.status]).toEqual(["approved", "waitlisted"]);

    expect(welcome.json).toEqual(ephemeralAnswer(Messages.received(s.community("auto"), approved), []));
    expect(queued.json).toEqual(ephemeralAnswer(Messages.received(s.community("auto"), waitlisted, 1), []));
    expect(queued.json.data?.content).toContain("You're on the waitlist at position 1.");
    for (const r of [declined, approved, waitlisted]) await s.settled(r.id);
  });

  it("says the form is out of date for another server's community, an unknown one, or a page past the end", async () => {
    const member = testMember();
    const gone = ephemeralAnswer(Messages.FORM_GONE, []);
    for (const [communityId, page] of [
      ["elsewhere", 1],
      ["nope", 1],
      ["makers", 2],
    ] as const) {
      const answer = await submitPage(
        `form ${communityId} page ${page}`,
        member,
        communityId,
        formId(),
        page,
        {
          "q:why": "Hi.",
        },
      );
      expect(answer.json).toEqual(gone);
    }
    const inPlace = await submitPage(
      "form nope (from a button)",
      member,
      "nope",
      formId(),
      1,
      {},
      ephemeralMessage(),
    );
    expect(inPlace.json).toEqual(inPlaceAnswer(Messages.FORM_GONE));
    expect(await s.requestsOf(member)).toEqual([]);
  });

  it("answers SERVER_ONLY outside a server and records nothing", async () => {
    const member = testMember();
    const dm = outsideGuild(pagePayload(member, "makers", formId(), 1, { "q:why": "From my DMs." }));
    expect((await s.post("form in a DM", dm)).json).toEqual(ephemeralAnswer(Messages.SERVER_ONLY));
    expect(await s.requestsOf(member)).toEqual([]);
  });

  it("does not let someone else finish a member's paged form", async () => {
    const member = testMember();
    const stranger = testMember();
    const form = formId();
    await submitPage("page 1/2", member, "long-form", form, 1, answersFor(1, 5));
    const message = ephemeralMessage();
    const answer = await submitPage(
      "page 2/2 (stranger)",
      stranger,
      "long-form",
      form,
      2,
      {
        ...answersFor(6, 7),
        note: "Not mine.",
      },
      message,
    );
    expect(answer.json).toEqual(inPlaceAnswer(Messages.FORM_EXPIRED));
    expect(await s.requestsOf(stranger)).toEqual([]);
    expect(await s.requestsOf(member)).toEqual([]);
  });

  // Last: these move the clock past the drafts' hour.
  it("says the form expired when the draft is over an hour old, but still answers a replay of a recorded form", async () => {
    const late = testMember();
    const lateForm = formId();
    await submitPage("page 1/2 (late)", late, "long-form", lateForm, 1, answersFor(1, 5));

    const done = testMember();
    const doneForm = formId();
    const message = ephemeralMessage();
    await submitPage("page 1/2 (done)", done, "long-form", doneForm, 1, answersFor(1, 5));
    const final = pagePayload(
      done,
      "long-form",
      doneForm,
      2,
      { ...answersFor(6, 7), note: "Done." },
      message,
    );
    const recorded = await s.post("page 2/2 (done)", final);
    const [request] = await s.requestsOf(done);
    if (!request) throw new Error("not recorded");
    const received = inPlaceAnswer(Messages.received(s.community("long-form"), request));
    expect(recorded.json).toEqual(received);
    await s.settled(request.id);

    s.advance(61 * 60_000);
    const expired = await submitPage(
      "page 2/2 (late)",
      late,
      "long-form",
      lateForm,
      2,
      {
        ...answersFor(6, 7),
        note: "Too late.",
      },
      message,
    );
    expect(expired.json).toEqual(inPlaceAnswer(Messages.FORM_EXPIRED));
    expect(await s.requestsOf(late)).toEqual([]);

    const replayed = await s.post("page 2/2 (done, replayed after the draft expired)", {
      ...final,
      id: snowflakeNow(),
    });
    expect(replayed.json).toEqual(received);
    expect(await s.requestsOf(done)).toHaveLength(1);
    expect(cardPostsFor(request.id)).toHaveLength(1);
  });
});
