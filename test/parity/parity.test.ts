import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Messages from "../../core/messages.js";
import { plainText, type Text } from "../../core/text.js";
import { discord, type PlatformDriver, slack } from "./drivers.js";
import type { NeutralSpec, Platform } from "./neutral.js";
import { maskDates } from "./normalise.js";

/** A sentence of core/messages.ts as the plain words a person reads (dates masked, as the drivers mask them). */
const words = (text: Text): string => maskDates(plainText(text));

/**
 * The parity suite (issue 8): one table of scenarios, run through both adapters' real HTTP
 * handlers with the fake platform APIs. Each scenario asserts the outcome (a form opened, a
 * refusal, a decision, what changed on the card, in the DMs, in the grants) and the meaning of
 * every reply: the plain words each platform shows (see normalise.ts) are compared with the
 * sentence `core/messages.ts` makes for it, so one source of words is pinned for both. Where no
 * such sentence exists yet, both platforms' words are recorded and must be the same
 * ("the same words on both platforms", at the end).
 *
 * One local server per platform for the whole table; scenarios use their own people (and, when
 * they fill seats, their own community), so they do not depend on each other.
 */

const SPEC: NeutralSpec = {
  people: { roleMod: { roles: ["modRole"] }, sideRoleMod: { roles: ["sideRole"] } },
  communities: [
    {
      id: "makers",
      name: "Makers",
      moderators: { users: ["mod", "mod2"], roles: ["modRole"] },
      cooldownDays: 30,
    },
    { id: "side", name: "Side Project", moderators: { users: ["sideMod"], roles: ["sideRole"] } },
    { id: "crafts", name: "Crafts", moderators: { users: ["mod"] } },
    { id: "closed", name: "Closed Circle", moderators: { users: ["mod"] }, capacity: 0, whenFull: "deny" },
    { id: "pair", name: "Pair", moderators: { users: ["mod"] }, capacity: 1, whenFull: "deny" },
    { id: "duo", name: "Duo", moderators: { users: ["mod"] }, capacity: 1, whenFull: "deny" },
    { id: "queue", name: "Queue Club", moderators: { users: ["mod"] }, capacity: 1, whenFull: "waitlist" },
    { id: "line", name: "Line Club", moderators: { users: ["mod"] }, capacity: 1, whenFull: "waitlist" },
    { id: "roll", name: "Roll Club", moderators: { users: ["mod"] }, capacity: 1, whenFull: "waitlist" },
    {
      id: "auto",
      name: "Auto Club",
      moderators: { users: ["mod"] },
      capacity: 1,
      whenFull: "waitlist",
      autoApprove: true,
    },
    {
      id: "long",
      name: "Long Form",
      moderators: { users: ["mod"] },
      questions: [1, 2, 3, 4, 5, 6].map((n) => ({ id: `q${n}`, label: `Question ${n}` })),
    },
    { id: "elsewhere", name: "Elsewhere", workspace: "away", moderators: { users: ["mod"] } },
  ],
};

/** Replies with no sentence in core/messages.ts yet: recorded per platform, compared at the end. */
const journal = new Map<string, Partial<Record<Platform, string>>>();
function record(d: PlatformDriver, key: string, text: string): void {
  journal.set(key, { ...journal.get(key), [d.platform]: text });
}

interface Scenario {
  name: string;
  /** Platforms the scenario applies to (default both): only where the platform forces it. */
  only?: Platform;
  run(d: PlatformDriver): Promise<void>;
}

const soft = (label: string, actual: unknown) => expect.soft(actual, label);

async function expectUntouched(d: PlatformDriver, requestId: string): Promise<void> {
  soft("the request is still pending", await d.requestStatus(requestId)).toBe("pending");
  soft("the card still has Approve and Deny", (await d.card(requestId)).live).toBe(true);
}

const SCENARIOS: Scenario[] = [
  {
    name: "/apply <community> opens the form",
    async run(d) {
      const r = await d.apply("fay", "makers");
      expect(r.kind).toBe("form");
    },
  },
  {
    name: "/apply with an unknown community lists the known ones (also a community of another workspace)",
    async run(d) {
      const here = d.communitiesIn("home");
      const r = await d.apply("uma", "nope");
      soft("kind", r.kind).toBe("message");
      soft("reply", r.text).toBe(words(Messages.unknownCommunity("nope", here)));
      const away = await d.apply("uma", "elsewhere");
      soft("reply for another workspace's community", away.text).toBe(
        words(Messages.unknownCommunity("elsewhere", here)),
      );
      const w = await d.withdraw("uma", "nope");
      soft("withdraw reply", w.text).toBe(words(Messages.unknownCommunity("nope", here)));
    },
  },
  {
    name: "refused while a request is pending: no form",
    async run(d) {
      await d.seed.pending("pat", "makers");
      const r = await d.apply("pat", "makers");
      soft("kind", r.kind).toBe("message");
      soft("reply", r.text).toBe(
        words(Messages.refusal(d.community("makers"), { reason: "pending", requestId: "any" })),
      );
    },
  },
  {
    name: "refused while waitlisted: no form",
    async run(d) {
      await d.seed.member("lineFirst", "line");
      await d.seed.waitlisted("wendy", "line");
      const r = await d.apply("wendy", "line");
      soft("kind", r.kind).toBe("message");
      soft("reply", r.text).toBe(
        words(Messages.refusal(d.community("line"), { reason: "waitlisted", requestId: "any" })),
      );
    },
  },
  {
    name: "refused during the cooldown after a denial: no form",
    async run(d) {
      const { until } = await d.seed.cooldown("carl", "makers");
      const r = await d.apply("carl", "makers");
      soft("kind", r.kind).toBe("message");
      soft("reply", maskDates(r.text)).toBe(
        words(Messages.refusal(d.community("makers"), { reason: "cooldown", until })),
      );
    },
  },
  {
    name: "refused when blocked: no form",
    async run(d) {
      await d.seed.blocked("bea", "makers");
      const r = await d.apply("bea", "makers");
      soft("kind", r.kind).toBe("message");
      soft("reply", r.text).toBe(words(Messages.refusal(d.community("makers"), { reason: "blocked" })));
    },
  },
  {
    name: "refused when already a member: no form",
    async run(d) {
      await d.seed.member("mia", "makers");
      const r = await d.apply("mia", "makers");
      soft("kind", r.kind).toBe("message");
      soft("reply", r.text).toBe(
        words(Messages.refusal(d.community("makers"), { reason: "member", since: "any" })),
      );
    },
  },
  {
    name: "refused at submit when another form of the same person was recorded first",
    async run(d) {
      const r = await d.submitForm("ria", "makers", undefined, undefined, {
        beforeSubmit: async () => {
          await d.seed.pending("ria", "makers");
        },
      });
      soft("nothing recorded", r.requestId).toBeUndefined();
      soft("reply", r.text).toBe(
        words(Messages.refusal(d.community("makers"), { reason: "pending", requestId: "any" })),
      );
    },
  },
  {
    name: "status lists the requests with their status and waitlist position",
    async run(d) {
      await d.seed.pending("stan", "makers");
      await d.seed.member("rollFirst", "roll");
      await d.seed.waitlisted("stan", "roll");
      const r = await d.status("stan");
      record(d, "status", r.text);
      soft("kind", r.kind).toBe("message");
      soft("pending line", r.text).toContain(
        `${d.community("makers").name}: ${Messages.STATUS_LABEL.pending}`,
      );
      soft("waitlisted line", r.text).toContain(
        `${d.community("roll").name}: ${Messages.STATUS_LABEL.waitlisted} (position 1)`,
      );
    },
  },
  {
    name: "status shows a declined request's reason",
    async run(d) {
      const reason = "Please tell us more about your projects.";
      await d.seed.cooldown("dora", "makers", reason);
      const r = await d.status("dora");
      soft("declined line", r.text).toContain(
        `${d.community("makers").name}: ${Messages.STATUS_LABEL.denied}`,
      );
      soft("the reason", r.text).toContain(reason);
    },
  },
  {
    name: "status with no requests says so",
    async run(d) {
      const r = await d.status("nobody");
      record(d, "status, no requests", r.text);
      soft("kind", r.kind).toBe("message");
      soft("meaning", r.text).toMatch(/no (join )?requests/i);
    },
  },
  {
    name: "withdraw <community> withdraws the open request; the card says so",
    async run(d) {
      const id = await d.seed.pending("walt", "makers");
      const r = await d.withdraw("walt", "makers");
      soft("reply", r.text).toBe(words(Messages.withdrawn(d.community("makers"))));
      soft("status", await d.requestStatus(id)).toBe("withdrawn");
      const card = await d.card(id, { decided: true });
      soft("card buttons gone", card.live).toBe(false);
      soft("card status words", card.text).toContain(Messages.CARD_STATUS_LABEL.withdrawn);
    },
  },
  {
    name: "withdraw <community> with nothing open says so",
    async run(d) {
      const r = await d.withdraw("nell", "makers");
      soft("reply", r.text).toBe(words(Messages.nothingToWithdraw(d.community("makers"))));
    },
  },
  {
    name: "withdraw without a community, exactly one open request: withdraws it",
    async run(d) {
      const id = await d.seed.pending("olive", "makers");
      const r = await d.withdraw("olive");
      soft("reply", r.text).toBe(words(Messages.withdrawn(d.community("makers"))));
      soft("status", await d.requestStatus(id)).toBe("withdrawn");
    },
  },
  {
    name: "withdraw without a community, several open requests: lists them, withdraws nothing",
    async run(d) {
      const a = await d.seed.pending("sev", "makers");
      const b = await d.seed.pending("sev", "side");
      const r = await d.withdraw("sev");
      soft("kind", r.kind).toBe("message");
      soft("names makers", r.text).toMatch(/\bmakers\b/);
      soft("names side", r.text).toMatch(/\bside\b/);
      soft("does not offer a community without an open request", r.text).not.toMatch(/\bcrafts\b/);
      soft("makers still pending", await d.requestStatus(a)).toBe("pending");
      soft("side still pending", await d.requestStatus(b)).toBe("pending");
    },
  },
  {
    name: "withdraw without a community, nothing open: says so",
    async run(d) {
      const r = await d.withdraw("nobody2");
      record(d, "withdraw without a community, nothing open", r.text);
      soft("kind", r.kind).toBe("message");
      soft("meaning", r.text).toMatch(/no open (join )?request/i);
    },
  },
  {
    name: "approve: card updated, notice delivered, access granted",
    async run(d) {
      const c = d.community("makers");
      const id = await d.seed.pending("amy", "makers");
      const pending = await d.card(id);
      soft("card before: buttons", pending.live).toBe(true);
      soft("card before: status words", pending.text).toContain(Messages.CARD_STATUS_LABEL.pending);
      const r = await d.approve("mod", id);
      soft("kind", r.kind).toBe("done");
      soft("status", await d.requestStatus(id)).toBe("approved");
      const card = await d.card(id, { decided: true });
      soft("card buttons gone", card.live).toBe(false);
      soft("card: status words and who decided", card.text).toContain(
        `${Messages.CARD_STATUS_LABEL.approved} by @mod`,
      );
      soft("notice", await d.noticesTo("amy")).toEqual([words(Messages.notice(c, "approved"))]);
      soft("access granted", await d.granted("amy", "makers", { wait: true })).toBe(true);
      const status = await d.status("amy");
      soft("status", status.text).toContain(`${c.name}: ${Messages.STATUS_LABEL.approved}`);
    },
  },
  {
    name: "approve by a moderator role (Discord: Slack moderators are users)",
    only: "discord",
    async run(d) {
      const id = await d.seed.pending("rory", "makers");
      const r = await d.approve("roleMod", id);
      soft("kind", r.kind).toBe("done");
      soft("status", await d.requestStatus(id)).toBe("approved");
      const card = await d.card(id, { decided: true });
      soft("card", card.text).toContain(`${Messages.CARD_STATUS_LABEL.approved} by @roleMod`);
    },
  },
  {
    name: "deny with a reason: the reason reaches the applicant and the card",
    async run(d) {
      const c = d.community("makers");
      const reason = "Please add a profile photo (and a *real* name) first.";
      const id = await d.seed.pending("dan", "makers");
      const r = await d.deny("mod", id, reason);
      soft("kind", r.kind).toBe("done");
      soft("status", await d.requestStatus(id)).toBe("denied");
      const card = await d.card(id, { decided: true });
      soft("card buttons gone", card.live).toBe(false);
      soft("card: status words and who decided", card.text).toContain(
        `${Messages.CARD_STATUS_LABEL.denied} by @mod`,
      );
      soft("card: reason", card.text).toContain(reason);
      const [notice, ...more] = await d.noticesTo("dan");
      soft("one notice", more).toEqual([]);
      soft("notice sentence", notice?.split("\n")[0]).toBe(words(Messages.notice(c, "denied")));
      soft("notice reason", notice).toContain(reason);
    },
  },
  {
    name: "a click on a request already decided is refused; nothing changes",
    async run(d) {
      const id = await d.seed.pending("ali", "makers");
      soft("first decision", (await d.approve("mod", id)).kind).toBe("done");
      await d.card(id, { decided: true });
      const again = await d.approve("mod2", id);
      record(d, "already decided (Approve)", again.text);
      soft("kind", again.kind).toBe("refused");
      soft("meaning", again.text).toMatch(/already/i);
      soft("says what was decided, by whom", again.text).toMatch(/approved.*@mod\b/i);
      const deny = await d.deny("mod2", id, "Too late.");
      record(d, "already decided (Deny)", deny.text);
      soft("deny kind", deny.kind).toBe("refused");
      soft("still approved", await d.requestStatus(id)).toBe("approved");
      soft("card still says the first decision", (await d.card(id)).text).toContain(
        `${Messages.CARD_STATUS_LABEL.approved} by @mod`,
      );
      soft("one notice", (await d.noticesTo("ali")).length).toBe(1);
    },
  },
  {
    name: "full community, whenFull: deny: /apply refused, no form",
    async run(d) {
      const r = await d.apply("cleo", "closed");
      soft("kind", r.kind).toBe("message");
      soft("reply", r.text).toBe(words(Messages.refusal(d.community("closed"), { reason: "full" })));
    },
  },
  {
    name: "full community, whenFull: deny: a form opened before it filled is declined at submit",
    async run(d) {
      const c = d.community("pair");
      const r = await d.submitForm("pia", "pair", undefined, undefined, {
        beforeSubmit: async () => {
          await d.seed.member("pairFirst", "pair");
        },
      });
      const request = r.requestId ? await d.request(r.requestId) : undefined;
      expect(request?.status, "recorded as declined").toBe("denied");
      if (!request) return;
      soft("reply", r.text).toBe(words(Messages.received(c, request)));
      const [notice] = await d.noticesTo("pia");
      soft("notice", notice?.split("\n")[0]).toBe(words(Messages.notice(c, "denied")));
    },
  },
  {
    name: "full community, whenFull: deny: Approve is refused; nothing changes",
    async run(d) {
      const id = await d.seed.pending("dina", "duo");
      await d.seed.member("duoFirst", "duo");
      const r = await d.approve("mod", id);
      record(d, "full community (Approve)", r.text);
      soft("kind", r.kind).toBe("refused");
      soft("meaning", r.text).toMatch(/full/i);
      await expectUntouched(d, id);
    },
  },
  {
    name: "full community, whenFull: waitlist: approval puts the applicant on the waitlist with a position",
    async run(d) {
      const c = d.community("queue");
      await d.seed.member("queueFirst", "queue");
      const first = await d.seed.pending("quinn", "queue");
      soft("kind", (await d.approve("mod", first)).kind).toBe("done");
      soft("status", await d.requestStatus(first)).toBe("waitlisted");
      const card = await d.card(first, { decided: true });
      soft("card: status words", card.text).toContain(Messages.CARD_STATUS_LABEL.waitlisted);
      soft("card: who decided", card.text).toContain("by @mod");
      soft("card: position", card.text).toMatch(/position\W{0,3}1\b/i);
      soft("notice", await d.noticesTo("quinn")).toEqual([words(Messages.notice(c, "waitlisted", 1))]);
      soft("no access", await d.granted("quinn", "queue")).toBe(false);

      const second = await d.seed.pending("quentin", "queue");
      await d.approve("mod", second);
      soft("second notice", await d.noticesTo("quentin")).toEqual([
        words(Messages.notice(c, "waitlisted", 2)),
      ]);
      soft("status", (await d.status("quentin")).text).toContain(
        `${c.name}: ${Messages.STATUS_LABEL.waitlisted} (position 2)`,
      );
    },
  },
  {
    name: "full community, autoApprove and whenFull: waitlist: waitlisted at submit with a position",
    async run(d) {
      const c = d.community("auto");
      const first = await d.submitForm("ava", "auto");
      const a = first.requestId ? await d.request(first.requestId) : undefined;
      soft("first: approved", a?.status).toBe("approved");
      if (a) soft("first: reply", first.text).toBe(words(Messages.received(c, a)));
      const second = await d.submitForm("abe", "auto");
      const b = second.requestId ? await d.request(second.requestId) : undefined;
      soft("second: waitlisted", b?.status).toBe("waitlisted");
      if (b) soft("second: reply", second.text).toBe(words(Messages.received(c, b, 1)));
    },
  },
  {
    name: "a non-moderator's clicks are refused; nothing changes",
    async run(d) {
      const id = await d.seed.pending("nina", "makers");
      const approve = await d.approve("stranger", id);
      soft("approve kind", approve.kind).toBe("refused");
      soft("approve reply", approve.text).toBe(words(Messages.NOT_A_MODERATOR));
      const deny = await d.deny("stranger", id, "No.");
      soft("deny kind", deny.kind).toBe("refused");
      soft("deny reply", deny.text).toBe(words(Messages.NOT_A_MODERATOR));
      soft("ephemeral replies", d.ephemeralRepliesTo("stranger")).toEqual([
        words(Messages.NOT_A_MODERATOR),
        words(Messages.NOT_A_MODERATOR),
      ]);
      await expectUntouched(d, id);
    },
  },
  {
    name: "a moderator of another community of the same workspace is refused; nothing changes",
    async run(d) {
      const id = await d.seed.pending("otto", "makers");
      for (const moderator of ["sideMod", "sideRoleMod"]) {
        const approve = await d.approve(moderator, id);
        soft(`${moderator} approve`, [approve.kind, approve.text]).toEqual([
          "refused",
          words(Messages.NOT_A_MODERATOR),
        ]);
        const deny = await d.deny(moderator, id, "No.");
        soft(`${moderator} deny`, [deny.kind, deny.text]).toEqual([
          "refused",
          words(Messages.NOT_A_MODERATOR),
        ]);
      }
      await expectUntouched(d, id);
    },
  },
  {
    name: "a click from another workspace or guild is refused, even by a moderator; nothing changes",
    async run(d) {
      const id = await d.seed.pending("ward", "makers");
      const deny = await d.deny("mod", id, "No.", { workspace: "away" });
      soft("deny", [deny.kind, deny.text]).toEqual(["refused", words(Messages.NOT_A_MODERATOR)]);
      const approve = await d.approve("mod", id, { workspace: "away" });
      soft("approve", [approve.kind, approve.text]).toEqual(["refused", words(Messages.NOT_A_MODERATOR)]);
      await expectUntouched(d, id);
      soft("no access", await d.granted("ward", "makers")).toBe(false);
    },
  },
  {
    name: "a long form is submitted whole (pages on Discord) and recorded",
    async run(d) {
      const c = d.community("long");
      const answers = Object.fromEntries(c.questions.map((q, i) => [q.id, `Answer number ${i + 1}`]));
      const r = await d.submitForm("lou", "long", answers, "Hello!");
      const request = r.requestId ? await d.request(r.requestId) : undefined;
      expect(request?.status).toBe("pending");
      if (!request) return;
      soft("reply", r.text).toBe(words(Messages.received(c, request)));
      soft(
        "answers",
        request.answers.map((a) => a.value),
      ).toEqual(Object.values(answers));
      soft("note", request.note).toBe("Hello!");
      const card = await d.card(request.id);
      for (const value of Object.values(answers)) soft(`card shows "${value}"`, card.text).toContain(value);
    },
  },
];

describe.each([slack, discord])("parity on $name", (factory) => {
  let d: PlatformDriver;
  beforeAll(async () => {
    d = await factory.start(SPEC);
  });
  afterAll(async () => {
    await d?.close();
  });

  const scenarios = SCENARIOS.filter((s) => !s.only || s.only === factory.name);
  it.each(scenarios)("$name", async (s) => {
    await s.run(d);
  });
});

/** Replies that have no sentence in core/messages.ts yet: both platforms must say the same thing. */
const SAME_WORDS = [
  "status",
  "status, no requests",
  "withdraw without a community, nothing open",
  "already decided (Approve)",
  "already decided (Deny)",
  "full community (Approve)",
];

describe("the same words on both platforms", () => {
  afterAll(() => {
    const lines = [...journal].map(
      ([key, t]) =>
        `${key}:\n    slack:   ${JSON.stringify(t.slack)}\n    discord: ${JSON.stringify(t.discord)}`,
    );
    console.info(`parity: replies compared across platforms\n  ${lines.join("\n  ")}`);
  });

  it.each(SAME_WORDS)("%s", (key) => {
    const texts = journal.get(key);
    expect(texts?.slack, "the Slack reply was recorded").toBeDefined();
    expect(texts?.discord, "the Discord reply was recorded").toBeDefined();
    expect(maskDates(texts?.discord ?? "")).toBe(maskDates(texts?.slack ?? ""));
  });
});
