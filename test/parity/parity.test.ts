import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Messages from "../../core/messages.js";
import type { Actor } from "../../core/model.js";
import { formatUtc, type Inline, type Line, plainText, type Text } from "../../core/text.js";
import { discord, type PlatformDriver, slack } from "./drivers.js";
import type { NeutralSpec, Platform } from "./neutral.js";
import { maskDates } from "./normalise.js";

/** A sentence of core/messages.ts as the plain words a person reads (dates masked, as the drivers mask them). */
const words = (text: Text): string => maskDates(plainText(text));

const EMOJI = /\p{Extended_Pictographic}|\u{FE0F}|\u{20E3}/gu;

/**
 * A sentence naming people, as a person reads it on platform `d`: mentions as `@key` (as the
 * drivers turn them back), emoji dropped and spaces tidied (as normalise.ts does), dates masked.
 */
function wordsOn(d: PlatformDriver, value: Text | Line): string {
  const lines: readonly Line[] =
    value.length > 0 && !Array.isArray(value[0]) ? [value as Line] : (value as Text);
  const piece = (p: Inline): string =>
    typeof p === "string"
      ? p
      : "bold" in p
        ? p.bold
        : "code" in p
          ? p.code
          : "user" in p
            ? `@${d.keyOf(p.user)}`
            : formatUtc(p.at, p.style ?? "datetime");
  const plain = lines
    .map((l) =>
      l
        .map(piece)
        .join("")
        .replace(EMOJI, "")
        .replace(/[ \t]+/g, " ")
        .trim(),
    )
    .join("\n")
    .trim();
  return maskDates(plain);
}

/** Masked dates of what a driver read (undefined stays undefined). */
const masked = (text: string | undefined) => (text === undefined ? undefined : maskDates(text));

/** The Approve/Deny pair and the tool buttons a pending card shows in each state. */
const BUTTONS = {
  pending: ["Approve", "Deny", Messages.TOOL_BUTTONS.ask, Messages.TOOL_BUTTONS.claim],
  waiting: ["Approve", "Deny", Messages.TOOL_BUTTONS.claim],
  claimed: ["Approve", "Deny", Messages.TOOL_BUTTONS.ask, Messages.TOOL_BUTTONS.unclaim],
};

/** An actor's words as a person reads them on `d`. */
const person = (d: PlatformDriver, actor: Actor | undefined) =>
  actor?.kind === "user" ? `@${d.keyOf(actor.id)}` : "Gatekeeper";

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
 * they fill seats, their own community), so they do not depend on each other. The moderator
 * tools' scenarios (issue 10) also compare the card's tool lines and live buttons, the DMs and the
 * card's thread, and who each post pings; the ones that move the clock forward come last.
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
    { id: "tools", name: "Tool Shed", moderators: { users: ["mod", "mod2"] } },
    {
      id: "strict",
      name: "Strict Club",
      moderators: { users: ["mod"] },
      interviewExpiryHours: 24,
      onNoReply: "deny",
    },
    {
      id: "hist",
      name: "History Club",
      moderators: { users: ["mod"] },
      cooldownDays: 1,
      questions: [
        { id: "why", label: "Why do you want to join?" },
        { id: "site", label: "Your website", required: false },
        { id: "city", label: "Your city", required: false },
      ],
    },
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

/** Polls `probe` (bounded, 10 s) until it returns something; undefined when it never does. */
async function poll<T>(probe: () => Promise<T | undefined>): Promise<T | undefined> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Mentions, links and formatting of both platforms, as an attacker would type them. */
const INJECTION =
  "@everyone @here <!channel> <!here> <@U0P0002> <@123456789012345678> <@&123456789012345678> " +
  "<#C0P0003> <#123456789012345678> **bold** *b* _it_ ~s~ `code` [link](https://evil.example) " +
  "<https://evil.example|click> &amp;\n> quoted line\n# Heading";

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
  // Moderator tools (issue 10)
  {
    name: "interview: a full round (question DM with Reply, reply form, thread posts, card waiting then replied)",
    async run(d) {
      const c = d.community("tools");
      const id = await d.seed.pending("ivy", "tools");
      const before = await d.card(id);
      soft("pending card: buttons", before.buttons).toEqual(BUTTONS.pending);
      soft("pending card: no interview line", before.tools.interview).toBeUndefined();

      const question = "What kind of boats do you build?";
      const asked = await d.ask("mod", id, question);
      soft("ask", [asked.kind, asked.text]).toEqual(["done", ""]);
      const round = (await d.request(id))?.interview?.[0];
      expect(round, "the question was recorded").toBeDefined();
      if (!round) return;

      const [dm, ...moreDms] = await d.dmsTo("ivy");
      soft("one DM", moreDms).toEqual([]);
      soft("question DM", masked(dm?.text)).toBe(wordsOn(d, Messages.questionDm(c, question, round.dueAt)));
      soft("question DM pings nobody", dm?.pings).toEqual([]);
      const [questionPost] = await d.threadPosts(id, 1);
      soft("thread: the question", questionPost?.text).toBe(
        wordsOn(d, Messages.questionPost(1, round.askedBy, question)),
      );

      const waiting = await d.card(id, { until: (k) => k.tools.interview !== undefined });
      soft("card: waiting line", masked(waiting.tools.interview)).toBe(
        wordsOn(d, Messages.waitingLine(round)),
      );
      soft("card: waiting buttons (one question at a time)", waiting.buttons).toEqual(BUTTONS.waiting);

      const form = await d.openReply("ivy", id);
      soft("reply form opened", form.kind).toBe("form");
      soft("reply form shows the question", form.text).toContain(question);
      const answer = "Wooden sailing dinghies.";
      const replied = await d.reply("ivy", id, answer);
      soft("reply acknowledged", [replied.kind, replied.text]).toEqual([
        "message",
        words(Messages.replySent(c)),
      ]);

      const request = await d.request(id);
      const done = request?.interview?.[0];
      soft("reply recorded", done?.reply).toBe(answer);
      const posts = await d.threadPosts(id, 2);
      soft("thread: question and reply", posts.length).toBe(2);
      if (request)
        soft("thread: the reply", posts[1]?.text).toBe(
          wordsOn(d, Messages.replyPost(1, request, round.askedBy, answer)),
        );
      soft("thread: the reply pings the moderator who asked", posts[1]?.pings).toEqual(["@mod"]);
      const after = await d.card(id, { until: (k) => /^Replied/.test(k.tools.interview ?? "") });
      soft("card: replied line", masked(after.tools.interview)).toBe(
        wordsOn(d, Messages.repliedLine(done ?? round)),
      );
      soft("card: Ask a question is back", after.buttons).toEqual(BUTTONS.pending);
      soft("one DM still (the question)", (await d.dmsTo("ivy")).length).toBe(1);
      const twice = await d.openReply("ivy", id);
      soft("a second reply is refused", [twice.kind, twice.text]).toEqual([
        "refused",
        words(Messages.replyRefused("already", c, d.platform)),
      ]);
      const empty = await d.ask("mod2", id, "   ");
      // Slack shows it on the form's field; Discord cannot, so it says it (the platform's shape).
      soft("an empty question", [empty.kind, empty.text]).toEqual([
        d.platform === "slack" ? "invalid" : "refused",
        words(Messages.askInvalid("empty", 1000)),
      ]);
    },
  },
  {
    name: "interview: a second question while one is open is refused (stale button, and a form opened before)",
    async run(d) {
      const id = await d.seed.pending("otis", "tools");
      await d.card(id); // the buttons as every moderator first sees them
      // mod2 opens the question form; mod's question is recorded meanwhile; mod2's comes back.
      const late = await d.ask("mod2", id, "Where do you sail?", {
        beforeSubmit: async () => {
          soft("first question", (await d.ask("mod", id, "What do you build?")).kind).toBe("done");
        },
      });
      const round = (await d.request(id))?.interview?.[0];
      expect(round?.askedBy.id, "the first question stands").toBe(d.idOf("mod"));
      if (!round) return;
      const busy = wordsOn(d, Messages.questionPending(round));
      soft("refused at submit", [late.kind, masked(late.text)]).toEqual(["refused", busy]);
      // The Ask button on an older rendering of the card.
      const again = await d.ask("mod2", id, "Where do you sail?");
      soft("refused at click", [again.kind, masked(again.text)]).toEqual(["refused", busy]);
      soft("one round recorded", (await d.request(id))?.interview?.length).toBe(1);
      soft("one question DM", (await d.dmsTo("otis")).length).toBe(1);
      await d.card(id, { until: (k) => k.tools.interview !== undefined });
      soft("one thread post", (await d.threadPosts(id, 1)).length).toBe(1);
    },
  },
  {
    name: "interview: a reply after the request was decided is refused politely; nothing is posted",
    async run(d) {
      const c = d.community("tools");
      const id = await d.seed.pending("rita", "tools");
      soft("ask", (await d.ask("mod", id, "Any links?")).kind).toBe("done");
      await d.threadPosts(id, 1);
      // The reply form is open; a moderator approves meanwhile.
      const late = await d.reply("rita", id, "Here: example.com", {
        beforeSubmit: async () => {
          soft("approved meanwhile", (await d.approve("mod2", id)).kind).toBe("done");
        },
      });
      const closed = words(Messages.replyRefused("closed", c, d.platform));
      soft("refused politely", [late.kind, late.text]).toEqual(["message", closed]);
      const reopened = await d.openReply("rita", id);
      soft("the Reply button says so too", [reopened.kind, reopened.text]).toEqual(["refused", closed]);
      soft("not recorded", (await d.request(id))?.interview?.[0]?.reply).toBeUndefined();
      await d.card(id, { decided: true });
      soft("approved notice", (await d.noticesTo("rita", 2))[1]).toBe(words(Messages.notice(c, "approved")));
      soft(
        "no reply in the thread",
        (await d.threadPosts(id, 1)).map((p) => p.text),
      ).toHaveLength(1);
      const decided = await d.card(id, { decided: true });
      soft("decided card: no buttons", decided.buttons).toEqual([]);
      soft("decided card: no waiting line (nothing is awaited now)", decided.tools.interview).toBeUndefined();
      const request = await d.request(id);
      if (!request) return;
      const already = words(Messages.alreadyDecided(request)).replace(/\bby (\w+)/, "by @$1");
      const ask = await d.ask("mod", id, "One more?");
      record(d, "ask on a decided request", ask.text);
      soft("ask on a decided request", [ask.kind, masked(ask.text)]).toEqual(["refused", masked(already)]);
      const claim = await d.claim("mod", id);
      record(d, "claim on a decided request", claim.text);
      soft("claim on a decided request", [claim.kind, masked(claim.text)]).toEqual([
        "refused",
        masked(already),
      ]);
    },
  },
  {
    name: "claim: of two claims at once one wins; the other is told who is reviewing; anyone can still decide",
    async run(d) {
      const id = await d.seed.pending("cass", "tools");
      await d.card(id);
      const [a, b] = await Promise.all([d.claim("mod", id), d.claim("mod2", id)]);
      const claim = (await d.request(id))?.claim;
      expect(claim, "a claim was recorded").toBeDefined();
      if (!claim) return;
      const winner = claim.by.id === d.idOf("mod") ? "mod" : "mod2";
      const [won, lost] = winner === "mod" ? [a, b] : [b, a];
      soft("the winner's click", [won.kind, won.text]).toEqual(["done", ""]);
      soft("the other is told who is reviewing", [lost.kind, masked(lost.text)]).toEqual([
        "refused",
        wordsOn(d, Messages.claimTaken(claim)),
      ]);
      soft("the refusal names the winner", lost.text).toContain(`@${winner}`);
      const card = await d.card(id, { until: (k) => k.tools.claim !== undefined });
      soft("card: claim line", masked(card.tools.claim)).toBe(wordsOn(d, Messages.claimLine(claim)));
      soft("card: claimed buttons", card.buttons).toEqual(BUTTONS.claimed);
      const loser = winner === "mod" ? "mod2" : "mod";
      soft("the other approves anyway", (await d.approve(loser, id)).kind).toBe("done");
      const decided = await d.card(id, { decided: true });
      soft("card: approved by the other", decided.text).toContain(
        `${Messages.CARD_STATUS_LABEL.approved} by @${loser}`,
      );
    },
  },
  {
    name: "claim: Unclaim by someone else is refused; the claimer's Unclaim releases it",
    async run(d) {
      const id = await d.seed.pending("umar", "tools");
      soft("claim", (await d.claim("mod", id)).kind).toBe("done");
      const claim = (await d.request(id))?.claim;
      expect(claim?.by.id).toBe(d.idOf("mod"));
      if (!claim) return;
      await d.card(id, { until: (k) => k.tools.claim !== undefined });
      const other = await d.unclaim("mod2", id);
      soft("refused", [other.kind, masked(other.text)]).toEqual([
        "refused",
        wordsOn(d, Messages.notYourClaim(claim)),
      ]);
      soft("still claimed by mod", (await d.request(id))?.claim?.by.id).toBe(d.idOf("mod"));
      soft("the claimer's second click renews it", (await d.claim("mod", id)).kind).toBe("done");
      const stranger = await d.claim("stranger", id);
      soft("a non-moderator's claim", [stranger.kind, stranger.text]).toEqual([
        "refused",
        words(Messages.NOT_A_MODERATOR),
      ]);
      for (const [tool, r] of [
        ["unclaim", await d.unclaim("stranger", id)],
        ["ask", await d.ask("stranger", id, "Who are you?")],
      ] as const)
        soft(`a non-moderator's ${tool}`, [r.kind, r.text]).toEqual([
          "refused",
          words(Messages.NOT_A_MODERATOR),
        ]);
      soft("the claimer unclaims", (await d.unclaim("mod", id)).kind).toBe("done");
      const card = await d.card(id, { until: (k) => k.tools.claim === undefined });
      soft("card: no claim line", card.tools.claim).toBeUndefined();
      soft("card: Claim is back", card.buttons).toEqual(BUTTONS.pending);
      const again = await d.unclaim("mod", id);
      soft("nothing to unclaim", [again.kind, again.text]).toEqual(["refused", words(Messages.NOT_CLAIMED)]);
    },
  },
  {
    name: "deny and block: the card says who blocked; a later /apply gets the neutral refusal, no form, no card",
    async run(d) {
      const c = d.community("tools");
      const id = await d.seed.pending("spam", "tools");
      const denied = await d.deny("mod", id, "Spam.", { block: true });
      soft("deny and block", [denied.kind, denied.text]).toEqual(["done", ""]);
      const request = await d.request(id);
      soft("denied", request?.status).toBe("denied");
      expect(request?.blocked, "the block was recorded with the denial").toBeDefined();
      if (!request?.blocked) return;
      const card = await d.card(id, { decided: true, until: (k) => k.tools.blocked !== undefined });
      soft("card: who denied", card.text).toContain(`${Messages.CARD_STATUS_LABEL.denied} by @mod`);
      soft("card: no buttons", card.buttons).toEqual([]);
      soft("card: who blocked and when", masked(card.tools.blocked)).toBe(
        wordsOn(d, Messages.blockedLine(request.blocked)),
      );
      const [notice, ...more] = await d.noticesTo("spam");
      soft("one notice", more).toEqual([]);
      soft("the notice", notice?.split("\n")[0]).toBe(words(Messages.notice(c, "denied")));
      soft("the notice does not mention the block", notice).not.toMatch(/block/i);

      const again = await d.submitForm("spam", "tools");
      soft("neutral refusal, no form", [again.kind, again.text]).toEqual([
        "message",
        words(Messages.refusal(c, { reason: "blocked" })),
      ]);
      soft("nothing recorded, so no card", again.requestId).toBeUndefined();
      const elsewhere = await d.apply("spam", "crafts");
      soft("blocks are per community", elsewhere.kind).toBe("form");
    },
  },
  {
    name: "interview: injection strings in a question and a reply stay text; only the moderator who asked is pinged",
    async run(d) {
      const id = await d.seed.pending("eve", "tools");
      const question = INJECTION;
      soft("ask", (await d.ask("mod", id, question)).kind).toBe("done");
      const [dm] = await d.dmsTo("eve");
      soft("DM: the question as typed", dm?.text).toContain(question);
      soft("DM pings nobody", dm?.pings).toEqual([]);
      const replied = await d.reply("eve", id, question);
      soft("reply taken", replied.kind).toBe("message");
      const [asked, reply] = await d.threadPosts(id, 2);
      soft("thread: the question as typed", asked?.text).toContain(question);
      soft("thread: the reply as typed", reply?.text).toContain(question);
      soft("thread: the question pings nobody", asked?.pings).toEqual([]);
      soft("thread: the reply pings the moderator who asked, only", reply?.pings).toEqual(["@mod"]);
      const stored = (await d.request(id))?.interview?.[0];
      soft("stored as typed", [stored?.question, stored?.reply]).toEqual([question, question]);
    },
  },
  {
    name: "history: a re-application after the cooldown shows the earlier request and an answer diff",
    async run(d) {
      const c = d.community("hist");
      const reason = "Tell us more about your projects.";
      const first = await d.submitForm("hana", "hist", {
        why: "To learn woodworking.",
        site: "",
        city: "Lyon",
      });
      expect(first.requestId, "first request recorded").toBeDefined();
      if (!first.requestId) return;
      soft("first card: no history", (await d.card(first.requestId)).tools.history).toEqual([]);
      soft("denied", (await d.deny("mod", first.requestId, reason)).kind).toBe("done");
      const standing = await d.request(first.requestId);
      const tooSoon = await d.apply("hana", "hist");
      soft("refused during the cooldown", tooSoon.kind).toBe("message");

      d.advance(2 * 86_400_000);
      const second = await d.submitForm("hana", "hist", {
        why: "To learn woodworking and show my chairs.",
        site: "chairs.example",
        city: "Lyon",
      });
      expect(second.requestId, "second request recorded after the cooldown").toBeDefined();
      if (!second.requestId) return;
      const stored = await d.request(second.requestId);
      expect(stored?.history, "history recorded").toBeDefined();
      if (!stored?.history) return;
      const card = await d.card(second.requestId);
      soft("card: history lines", card.tools.history.map(maskDates)).toEqual(
        Messages.historyLines(stored.history).map((l) => wordsOn(d, l)),
      );
      soft("card: the earlier request", card.tools.history.map(maskDates)).toEqual([
        `Earlier requests here (1):`,
        `• ${Messages.CARD_STATUS_LABEL.denied} by ${person(d, standing?.decision?.by)} on <date>: ${reason}`,
        `Answers since the last request: ${c.questions[0]?.label} changed · ${c.questions[1]?.label} new · ${c.questions[2]?.label} unchanged`,
      ]);
    },
  },
  // These move the servers' clocks forward: they come last.
  {
    name: "claim: a claim ends after claimMinutes (the sweep); the card stops showing it; another can claim",
    async run(d) {
      const id = await d.seed.pending("cleo2", "tools");
      soft("claim", (await d.claim("mod", id)).kind).toBe("done");
      await d.card(id, { until: (k) => k.tools.claim !== undefined });
      d.advance(59 * 60_000);
      await d.sweep();
      soft("still claimed after 59 minutes", (await d.request(id))?.claim?.by.id).toBe(d.idOf("mod"));
      d.advance(2 * 60_000);
      const [a, b] = await Promise.all([d.sweep(), d.sweep()]);
      soft(
        "one sweeper ended it",
        (a.timers?.claimsEnded ?? 0) + (b.timers?.claimsEnded ?? 0),
      ).toBeGreaterThanOrEqual(1);
      soft("claim gone", (await d.request(id))?.claim).toBeUndefined();
      const card = await d.card(id, { until: (k) => k.tools.claim === undefined });
      soft("card: no claim line", card.tools.claim).toBeUndefined();
      soft("card: Claim is back", card.buttons).toEqual(BUTTONS.pending);
      soft("another moderator claims", (await d.claim("mod2", id)).kind).toBe("done");
      const claimed = await d.card(id, { until: (k) => k.tools.claim !== undefined });
      soft("card: the new claim", claimed.tools.claim).toMatch(/^Being reviewed by @mod2 since /);
    },
  },
  {
    name: "interview: no reply within interviewExpiryHours: back in the queue flagged 'no reply'; a late reply is refused",
    async run(d) {
      const c = d.community("tools");
      const id = await d.seed.pending("nora", "tools");
      soft("ask", (await d.ask("mod", id, "Still there?")).kind).toBe("done");
      await d.threadPosts(id, 1);
      // The reply form is open while the time runs out and the sweeper passes.
      const late = await d.reply("nora", id, "Sorry, I was away!", {
        beforeSubmit: async () => {
          d.advance((c.interviewExpiryHours + 1) * 3_600_000);
          await d.sweep();
        },
      });
      soft("late reply refused", [late.kind, late.text]).toEqual([
        "message",
        words(Messages.replyRefused("lapsed", c, d.platform)),
      ]);
      const request = await d.request(id);
      soft("back in the queue", request?.status).toBe("pending");
      soft("flagged", request?.noReplyAt).toBeDefined();
      const round = request?.interview?.[0];
      if (!round) return;
      const note = words(Messages.noReplyPost(1, c, false));
      const posts = await poll(async () => {
        const all = await d.threadPosts(id, 1);
        return all.some((p) => p.text === note) ? all : undefined;
      });
      soft(
        "thread: the no-reply note",
        posts?.map((p) => p.text),
      ).toContain(note);
      soft("thread: the note pings nobody", posts?.find((p) => p.text === note)?.pings).toEqual([]);
      const card = await d.card(id, { until: (k) => /^No reply/.test(k.tools.interview ?? "") });
      soft("card: no-reply line", masked(card.tools.interview)).toBe(
        wordsOn(d, Messages.noReplyLine(round, false)),
      );
      soft("card: Ask a question is back", card.buttons).toEqual(BUTTONS.pending);
      soft("DMs: the question only", (await d.dmsTo("nora")).length).toBe(1);
    },
  },
  {
    name: "interview: no reply with onNoReply: deny: declined once with that reason (two sweepers racing)",
    async run(d) {
      const c = d.community("strict");
      const id = await d.seed.pending("nick", "strict");
      soft("ask", (await d.ask("mod", id, "Why exactly?")).kind).toBe("done");
      await d.threadPosts(id, 1);
      d.advance((c.interviewExpiryHours - 1) * 3_600_000);
      soft("not yet", (await d.sweep()).timers?.noReply).toBe(0);
      d.advance(2 * 3_600_000);
      const [a, b] = await Promise.all([d.sweep(), d.sweep()]);
      soft("one sweeper ended the round", (a.timers?.noReply ?? 0) + (b.timers?.noReply ?? 0)).toBe(1);
      const request = await d.request(id);
      soft("declined", request?.status).toBe("denied");
      const round = request?.interview?.[0];
      if (!round) return;
      const dms = await d.dmsTo("nick", 2);
      soft("two DMs: the question and the notice", dms.length).toBe(2);
      soft("the notice", dms[1]?.text).toBe(
        words(Messages.notice(c, "denied", undefined, Messages.noReplyReason(c))),
      );
      const card = await d.card(id, {
        decided: true,
        until: (k) => /^No reply/.test(k.tools.interview ?? ""),
      });
      soft("card: declined automatically", card.text).toContain(
        `${Messages.CARD_STATUS_LABEL.denied} automatically`,
      );
      soft("card: no-reply line", masked(card.tools.interview)).toBe(
        wordsOn(d, Messages.noReplyLine(round, true)),
      );
      soft("card: no buttons", card.buttons).toEqual([]);
      const note = words(Messages.noReplyPost(1, c, true));
      const posts = await poll(async () => {
        const all = await d.threadPosts(id, 1);
        return all.some((p) => p.text === note) ? all : undefined;
      });
      soft(
        "thread: the note",
        posts?.map((p) => p.text),
      ).toContain(note);
      const again = await d.apply("nick", "strict");
      soft("no cooldown after a decline by the bot", again.kind).toBe("form");
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
  "ask on a decided request",
  "claim on a decided request",
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
