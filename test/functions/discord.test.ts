import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZWSP } from "../../bots/discord/escape.js";
import * as Outbox from "../../core/outbox.js";
import * as Requests from "../../core/requests.js";
import { APPLICATION_ID, type DiscordHarness, startDiscordHarness } from "../support/discord-harness.js";
import {
  autocompleteInteraction,
  buttonInteraction,
  commandInteraction,
  daysAgo,
  modalSubmitInteraction,
  pingInteraction,
  snowflakeAt,
  type TestMember,
  testMember,
} from "../support/discord-interactions.js";
import {
  type AnswerJson,
  type ComponentJson,
  discordTestKeys,
  type PostOptions,
} from "../support/discord-sign.js";
import { snowflakeNow } from "../support/fake-discord.js";

/**
 * Discord end to end: signed interactions into the local server's `/discord/interactions`, the
 * real handlers, DynamoDB Local, the stream-driven outbox worker, and `@discordjs/rest` calling
 * a fake Discord that records every call.
 */
const GUILD = "100000000000000001";
const REVIEW = "100000000000000002";
const MOD = "100000000000000003";
const MOD_ROLE = "100000000000000004";
const ROLE_A = "100000000000000005";
const ROLE_B = "100000000000000006";
const OTHER_GUILD = "200000000000000001";

const YAML = `
communities:
  - id: makers
    name: Makers Guild
    description: People who build things.
    platform: discord
    workspace: "${GUILD}"
    reviewChannel: "${REVIEW}"
    moderators: { users: ["${MOD}"], roles: ["${MOD_ROLE}"] }
    grant: { roles: ["${ROLE_A}", "${ROLE_B}"] }
    questions:
      - { id: why, label: Why do you want to join?, style: paragraph, maxLength: 500 }
      - { id: where, label: Where are you based?, required: false, maxLength: 100 }
    note: { required: false, maxLength: 300 }
    rules: { requireAvatar: true, requireRealName: true, minAccountAgeDays: 30 }
    cooldownDays: 30
  - id: long-form
    name: The Long Form Society
    platform: discord
    workspace: "${GUILD}"
    reviewChannel: "${REVIEW}"
    moderators: { users: ["${MOD}"] }
    grant: { roles: ["${ROLE_A}"] }
    questions:
${[1, 2, 3, 4, 5, 6, 7].map((n) => `      - { id: q${n}, label: Question number ${n}, maxLength: 100 }`).join("\n")}
    note: { required: true, maxLength: 300 }
  - id: elsewhere
    name: Another Server's Club
    platform: discord
    workspace: "${OTHER_GUILD}"
    reviewChannel: "200000000000000002"
    moderators: { users: ["${MOD}"] }
    grant: { roles: ["200000000000000005"] }
`;

const moderator = testMember({ id: MOD, username: "mod", global_name: "Moderator" });
const base = (member: TestMember) => ({ guild: GUILD, member, applicationId: APPLICATION_ID });

let h: DiscordHarness;

beforeAll(async () => {
  h = await startDiscordHarness(YAML);
});
afterAll(async () => {
  if (!h) return;
  const slowest = h.report("discord end to end");
  await h.close();
  expect(slowest).toBeLessThan(2500);
});

// Helpers

const core = () => h.server.runtime.core;

function inputsOf(modal: AnswerJson["data"]): ComponentJson[] {
  return (modal?.components ?? []).flatMap((c) => (c.component ? [c.component] : (c.components ?? [])));
}

async function requestOf(member: TestMember, communityId: string) {
  const list = await Requests.listForApplicant(core(), "discord", GUILD, member.user.id);
  const found = list.find((r) => r.request.communityId === communityId);
  if (!found) throw new Error(`no request of ${member.user.id} for ${communityId}`);
  return found.request;
}

/** Waits for every outbox entry of a request to be settled; returns them. */
async function settled(requestId: string) {
  return h.eventually(async () => {
    const entries = await Outbox.entriesOf(core(), requestId);
    return entries.length > 0 && entries.every((e) => e.status === "done" || e.status === "failed")
      ? entries
      : undefined;
  });
}

async function cardOf(requestId: string) {
  return h.eventually(async () => (await Requests.get(core(), requestId))?.card);
}

/** `/apply <community>` then the modal submitted: returns the modal, the answer and the request. */
async function applyTo(member: TestMember, communityId: string, values: Record<string, string>) {
  const opened = await h.post(
    `/apply ${communityId}`,
    commandInteraction({ ...base(member), name: "apply", options: { community: communityId } }),
  );
  expect(opened.status).toBe(200);
  expect(opened.json.type).toBe(9);
  const modal = opened.json.data;
  const submitted = await h.post(
    `submit ${communityId} form`,
    modalSubmitInteraction({ ...base(member), customId: modal?.custom_id ?? "", values }),
  );
  expect(submitted.status).toBe(200);
  const request = await requestOf(member, communityId);
  return { modal, submitted, request };
}

function click(label: string, member: TestMember, customId: string, card: { id: string; channel: string }) {
  return h.post(
    label,
    buttonInteraction({ ...base(member), customId, message: { id: card.id, channel_id: card.channel } }),
  );
}

const describeCall = (c: { method: string; route: string }) => `${c.method} ${c.route}`;

// Tests

describe("the Discord interactions endpoint", () => {
  it("answers PING with PONG", async () => {
    const res = await h.post("PING", pingInteraction(APPLICATION_ID));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ type: 1 });
  });

  it("rejects missing, malformed, wrong, tampered and stale signatures with 401 and records nothing", async () => {
    const applicant = testMember();
    const opened = commandInteraction({
      ...base(applicant),
      name: "apply",
      options: { community: "makers" },
    });
    const now = Math.floor(Date.now() / 1000);
    const other = discordTestKeys();
    const attempts: PostOptions[] = [
      { signature: null },
      { timestampHeader: null },
      { signature: null, timestampHeader: null },
      { signature: "zz".repeat(64) },
      { signature: "ab12" },
      { signature: other.sign(String(now), JSON.stringify(opened)) },
      { signedBody: JSON.stringify({ ...opened, type: 1 }) },
      // Well outside the 5-minute window, so a slow machine cannot bring them back inside it.
      { timestamp: now - 400 },
      { timestamp: now + 400 },
      { timestampHeader: "yesterday" },
    ];
    for (const attempt of attempts) {
      const res = await h.post("rejected", opened, attempt);
      expect(res.status, JSON.stringify(attempt)).toBe(401);
    }
    // A signed final submit with a bad signature records no request.
    const calls = h.fake.calls.length;
    const submit = modalSubmitInteraction({
      ...base(applicant),
      customId: `gk:form:makers:${opened.id}:1`,
      values: { "q:why": "Let me in", note: "" },
    });
    expect((await h.post("rejected submit", submit, { timestamp: now - 600 })).status).toBe(401);
    expect(await Requests.listForApplicant(core(), "discord", GUILD, applicant.user.id)).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(h.fake.calls.length).toBe(calls);
    // The same submit, properly signed, is accepted.
    expect((await h.post("accepted submit", submit)).json.type).toBe(4);
    expect(await Requests.listForApplicant(core(), "discord", GUILD, applicant.user.id)).toHaveLength(1);
    await settled((await requestOf(applicant, "makers")).id);
  });

  it("runs the whole flow: form, card, Approve, roles, DM and the edited card", async () => {
    const applicant = testMember({ username: "ada", global_name: "Ada Lovelace" });
    const mark = h.fake.calls.length;
    const { modal, submitted, request } = await applyTo(applicant, "makers", {
      "q:why": "I build small engines.",
      "q:where": "London",
      note: "Hello there!",
    });

    // The form: labels (type 18) holding text inputs with the configured limits.
    expect(modal?.title).toBe("Join Makers Guild");
    expect(modal?.components?.every((c) => c.type === 18)).toBe(true);
    expect(inputsOf(modal).map((i) => [i.custom_id, i.style, i.required, i.max_length])).toEqual([
      ["q:why", 2, true, 500],
      ["q:where", 1, false, 100],
      ["note", 2, false, 300],
    ]);
    expect(modal?.components?.map((c) => c.label)).toEqual([
      "Why do you want to join?",
      "Where are you based?",
      "A note for the moderators (optional)",
    ]);

    // The applicant hears back only once the request is recorded.
    expect(submitted.json.type).toBe(4);
    expect(submitted.json.data?.flags).toBe(64);
    expect(submitted.json.data?.content).toContain("was received");
    expect(request.status).toBe("pending");
    expect(request.profile).toMatchObject({ hasAvatar: true, realName: "Ada Lovelace", isBot: false });
    expect(request.evaluation.passed).toBe(true);

    // The worker posts the card to the review channel.
    const card = await cardOf(request.id);
    expect(card.channel).toBe(REVIEW);
    const posted = h.fake.messages.get(card.id);
    const buttons = ((posted?.components ?? []) as ComponentJson[])[0]?.components ?? [];
    expect(buttons.map((b) => [b.label, b.custom_id])).toEqual([
      ["Approve", `gk:approve:${request.id}`],
      ["Deny", `gk:deny:${request.id}`],
      ["Ask a question", `gk:ask:${request.id}`],
      ["Claim", `gk:claim:${request.id}`],
    ]);
    const cardText = JSON.stringify(posted?.embeds);
    for (const expected of [
      "I build small engines.",
      "London",
      "Hello there!",
      "Profile strength",
      "Account age",
    ]) {
      expect(cardText).toContain(expected);
    }

    // A moderator approves: the answer is a deferred update; the worker does the rest.
    const approved = await click("Approve", moderator, `gk:approve:${request.id}`, card);
    expect(approved.json).toEqual({ type: 6 });
    const entries = await settled(request.id);
    expect(entries.map((e) => [e.name, e.status]).sort()).toEqual([
      ["card.post", "done"],
      ["card.update#approved", "done"],
      ["grant", "done"],
      ["notice.approved", "done"],
    ]);
    const after = await Requests.get(core(), request.id);
    expect(after?.status).toBe("approved");
    expect(after?.decision?.by).toMatchObject({ kind: "user", id: MOD });

    expect(h.fake.roles.has(`${GUILD}/${applicant.user.id}/${ROLE_A}`)).toBe(true);
    expect(h.fake.roles.has(`${GUILD}/${applicant.user.id}/${ROLE_B}`)).toBe(true);
    const dmChannel = h.fake.dmChannelOf(applicant.user.id);
    const dms = [...h.fake.messages.values()].filter((m) => m.channel_id === dmChannel);
    expect(dms).toHaveLength(1);
    expect(dms[0]?.content).toContain("was approved");
    const edited = h.fake.messages.get(card.id);
    expect(edited?.edits).toBe(1);
    expect(edited?.components).toEqual([]);
    expect(JSON.stringify(edited?.embeds)).toContain(`Approved** by <@${MOD}>`);

    // Exactly these REST calls, all with the bot token.
    const calls = h.fake.calls.slice(mark);
    expect(calls.every((c) => c.auth === `Bot ${h.fake.token}` && c.status < 300)).toBe(true);
    expect(calls.map(describeCall).sort()).toEqual(
      [
        "POST /channels/{id}/messages",
        "PUT /guilds/{id}/members/{id}/roles/{id}",
        "PUT /guilds/{id}/members/{id}/roles/{id}",
        "POST /users/@me/channels",
        "POST /channels/{id}/messages",
        "PATCH /channels/{id}/messages/{id}",
      ].sort(),
    );
    console.log(
      `[discord happy path] REST calls:\n${calls.map((c) => `  ${c.status} ${c.method} ${c.path}${c.body ? ` ${JSON.stringify(c.body).slice(0, 90)}…` : ""}`).join("\n")}`,
    );

    // A member applying again is told so, and no form opens.
    const again = await h.post(
      "/apply again (member)",
      commandInteraction({ ...base(applicant), name: "apply", options: { community: "makers" } }),
    );
    expect(again.json.type).toBe(4);
    expect(again.json.data?.content).toContain("already a member");
  });

  it("lists the communities for /apply without one or with an unknown id, and refuses a second request", async () => {
    const applicant = testMember();
    const list = await h.post("/apply (list)", commandInteraction({ ...base(applicant), name: "apply" }));
    expect(list.json.type).toBe(4);
    expect(list.json.data?.flags).toBe(64);
    expect(list.json.data?.content).toContain("`makers`");
    expect(list.json.data?.content).toContain("`long-form`");
    expect(list.json.data?.content).not.toContain("elsewhere");

    const unknown = await h.post(
      "/apply nope",
      commandInteraction({ ...base(applicant), name: "apply", options: { community: "elsewhere" } }),
    );
    expect(unknown.json.type).toBe(4);
    expect(unknown.json.data?.content).toContain('no community called "elsewhere"');
    expect(unknown.json.data?.content).toContain("makers, long-form");

    const { request } = await applyTo(applicant, "makers", { "q:why": "Because.", note: "" });
    const pending = await h.post(
      "/apply while pending",
      commandInteraction({ ...base(applicant), name: "apply", options: { community: "makers" } }),
    );
    expect(pending.json.type).toBe(4);
    expect(pending.json.data?.content).toContain("already have a request");
    await settled(request.id);
  });

  it("pages a form of seven questions across two modals, keeping the first page in a draft", async () => {
    const applicant = testMember();
    const opened = await h.post(
      "/apply long-form",
      commandInteraction({ ...base(applicant), name: "apply", options: { community: "long-form" } }),
    );
    expect(opened.json.type).toBe(9);
    const page1 = opened.json.data;
    expect(page1?.title).toBe("Join The Long Form Society (1/2)");
    expect(inputsOf(page1).map((i) => i.custom_id)).toEqual(["q:q1", "q:q2", "q:q3", "q:q4", "q:q5"]);

    // Page 1, in the older action-row shape.
    const firstValues = Object.fromEntries([1, 2, 3, 4, 5].map((n) => [`q:q${n}`, `answer ${n}`]));
    const afterPage1 = await h.post(
      "submit page 1/2",
      modalSubmitInteraction({
        ...base(applicant),
        customId: page1?.custom_id ?? "",
        values: firstValues,
        shape: "row",
      }),
    );
    expect(afterPage1.json.type).toBe(4);
    expect(afterPage1.json.data?.flags).toBe(64);
    expect(afterPage1.json.data?.content).toContain("Page 1 of 2 saved");
    const next = afterPage1.json.data?.components?.[0]?.components?.[0];
    expect(next?.label).toBe("Continue");
    expect(next?.custom_id).toMatch(/^gk:next:long-form:\d+:2$/);
    expect(await Requests.listForApplicant(core(), "discord", GUILD, applicant.user.id)).toEqual([]);

    // The draft: only ids in the key, a TTL about an hour ahead.
    const formId = next?.custom_id?.split(":")[3] ?? "";
    const { Item } = await core().store.doc.send(
      new GetCommand({
        TableName: core().store.table,
        Key: { pk: `DRAFT#discord#${GUILD}#${applicant.user.id}#${formId}`, sk: "DRAFT" },
      }),
    );
    expect(Item?.answers).toMatchObject({ q1: "answer 1", q5: "answer 5" });
    const ttl = Number(Item?.expiresAt) - Date.now() / 1000;
    expect(ttl).toBeGreaterThan(3500);
    expect(ttl).toBeLessThan(3700);

    // Someone else cannot continue this form: their draft does not exist.
    const stranger = testMember();
    const ephemeralMessage = { id: snowflakeNow(), channel_id: REVIEW };
    const strangerClick = await h.post(
      "stranger clicks Continue",
      buttonInteraction({
        ...base(stranger),
        customId: next?.custom_id ?? "",
        message: ephemeralMessage,
        ephemeral: true,
      }),
    );
    expect(strangerClick.json.type).toBe(7);
    expect(strangerClick.json.data?.content).toContain("expired");

    // Continue opens page 2.
    const cont = await h.post(
      "Continue",
      buttonInteraction({
        ...base(applicant),
        customId: next?.custom_id ?? "",
        message: ephemeralMessage,
        ephemeral: true,
      }),
    );
    expect(cont.json.type).toBe(9);
    const page2 = cont.json.data;
    expect(page2?.title).toBe("Join The Long Form Society (2/2)");
    expect(inputsOf(page2).map((i) => [i.custom_id, i.required])).toEqual([
      ["q:q6", true],
      ["q:q7", true],
      ["note", true],
    ]);

    // Page 2 (label shape) records the request and replaces the Continue message.
    const final = modalSubmitInteraction({
      ...base(applicant),
      customId: page2?.custom_id ?? "",
      values: { "q:q6": "answer 6", "q:q7": "answer 7", note: "Seven answers, one note." },
      message: ephemeralMessage,
    });
    const done = await h.post("submit page 2/2", final);
    expect(done.json.type).toBe(7);
    expect(done.json.data?.content).toContain("was received");
    expect(done.json.data?.components).toEqual([]);
    const request = await requestOf(applicant, "long-form");
    expect(request.answers.map((a) => a.value)).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => `answer ${n}`));
    expect(request.note).toBe("Seven answers, one note.");

    // Discord retrying the final submit (a new interaction id) records nothing new.
    const retried = await h.post("submit page 2/2 again", { ...final, id: snowflakeNow() });
    expect(retried.json.data?.content).toContain("was received");
    expect(await Requests.listForApplicant(core(), "discord", GUILD, applicant.user.id)).toHaveLength(1);

    const card = await cardOf(request.id);
    await settled(request.id);
    const cardPosts = h.fake
      .ok("POST", new RegExp(`^/channels/${REVIEW}/messages$`))
      .filter((c) => JSON.stringify(c.body).includes(request.id));
    expect(cardPosts).toHaveLength(1);
    const embedsText = JSON.stringify(h.fake.messages.get(card.id)?.embeds);
    for (let n = 1; n <= 7; n++) expect(embedsText).toContain(`answer ${n}`);
    expect(embedsText).toContain("Seven answers, one note.");
  });

  it("denies with a reason: the modal is pre-filled from the failed rules, the applicant gets the reason", async () => {
    const applicant = testMember({ id: snowflakeAt(daysAgo(5), 7), avatar: null, global_name: null });
    const { request } = await applyTo(applicant, "makers", { "q:why": "New here.", note: "" });
    expect(request.evaluation.passed).toBe(false);
    const card = await cardOf(request.id);

    const opened = await click("Deny", moderator, `gk:deny:${request.id}`, card);
    expect(opened.json.type).toBe(9);
    const reasonInput = inputsOf(opened.json.data)[0];
    expect(reasonInput?.custom_id).toBe("reason");
    expect(reasonInput?.value).toBe(
      "Profile photo: no profile photo; Display name: no display name; Account age: 5 days old (needs 30)",
    );
    expect(opened.json.data?.components?.[0]?.label).toBe("Reason (sent to the applicant)");

    const reason = "Please add a profile photo and a display name, then apply again.";
    const denied = await h.post(
      "submit deny reason",
      modalSubmitInteraction({
        ...base(moderator),
        customId: opened.json.data?.custom_id ?? "",
        values: { reason },
        message: { id: card.id, channel_id: card.channel },
      }),
    );
    expect(denied.json).toEqual({ type: 6 });
    await settled(request.id);
    const after = await Requests.get(core(), request.id);
    expect(after?.status).toBe("denied");
    expect(after?.decision?.reason).toBe(reason);

    const dm = [...h.fake.messages.values()].find(
      (m) => m.channel_id === h.fake.dmChannelOf(applicant.user.id),
    );
    expect(dm?.content).toContain("was declined");
    expect(dm?.content).toContain(`**Reason:** ${reason}`);
    const edited = h.fake.messages.get(card.id);
    expect(edited?.components).toEqual([]);
    expect(JSON.stringify(edited?.embeds)).toContain(`Denied** by <@${MOD}>`);
    expect(JSON.stringify(edited?.embeds)).toContain(reason);
    expect([...h.fake.roles].some((r) => r.includes(applicant.user.id))).toBe(false);

    // Cooling down: a new /apply is refused without a form.
    const again = await h.post(
      "/apply during cooldown",
      commandInteraction({ ...base(applicant), name: "apply", options: { community: "makers" } }),
    );
    expect(again.json.type).toBe(4);
    expect(again.json.data?.content).toContain("You can apply again after");
  });

  it("refuses a non-moderator's clicks and changes nothing; a member holding a moderator role may decide", async () => {
    const applicant = testMember();
    const { request } = await applyTo(applicant, "makers", { "q:why": "Hi.", note: "" });
    const card = await cardOf(request.id);
    await settled(request.id);
    const calls = h.fake.calls.length;

    const intruder = testMember({}, ["100000000000000099"]);
    for (const customId of [`gk:approve:${request.id}`, `gk:deny:${request.id}`]) {
      const res = await click("non-moderator click", intruder, customId, card);
      expect(res.json.type).toBe(4);
      expect(res.json.data?.flags).toBe(64);
      expect(res.json.data?.content).toBe("Only this community's moderators can approve or deny requests.");
    }
    // A forged deny-reason submit is refused by the core too.
    const forged = await h.post(
      "non-moderator deny submit",
      modalSubmitInteraction({
        ...base(intruder),
        customId: `gk:reason:${request.id}`,
        values: { reason: "no" },
      }),
    );
    expect(forged.json.data?.content).toBe("Only this community's moderators can approve or deny requests.");
    await new Promise((r) => setTimeout(r, 500));
    expect((await Requests.get(core(), request.id))?.status).toBe("pending");
    expect(h.fake.calls.length).toBe(calls);
    expect((await Requests.auditTrail(core(), request.id)).map((a) => a.action)).toEqual(["submitted"]);

    const roleModerator = testMember({}, [MOD_ROLE]);
    const ok = await click("role moderator approves", roleModerator, `gk:approve:${request.id}`, card);
    expect(ok.json).toEqual({ type: 6 });
    await settled(request.id);
    expect((await Requests.get(core(), request.id))?.decision?.by.id).toBe(roleModerator.user.id);
  });

  it("shows status and withdraws with /apply-status and /apply-withdraw", async () => {
    const applicant = testMember();
    const empty = await h.post(
      "/apply-status (none)",
      commandInteraction({ ...base(applicant), name: "apply-status" }),
    );
    expect(empty.json.data?.content).toContain("You have no requests");

    const { request } = await applyTo(applicant, "makers", { "q:why": "Status test.", note: "" });
    const card = await cardOf(request.id);
    const status = await h.post(
      "/apply-status",
      commandInteraction({ ...base(applicant), name: "apply-status" }),
    );
    expect(status.json.type).toBe(4);
    expect(status.json.data?.flags).toBe(64);
    expect(status.json.data?.content).toContain("**Makers Guild**: Waiting for review");

    const withdrawn = await h.post(
      "/apply-withdraw",
      commandInteraction({ ...base(applicant), name: "apply-withdraw" }),
    );
    expect(withdrawn.json.data?.content).toBe("Your request to join Makers Guild was withdrawn.");
    expect((await Requests.get(core(), request.id))?.status).toBe("withdrawn");
    await h.eventually(() => h.fake.messages.get(card.id)?.edits === 1);
    expect(h.fake.messages.get(card.id)?.components).toEqual([]);
    expect(JSON.stringify(h.fake.messages.get(card.id)?.embeds)).toContain("Withdrawn** by the applicant");

    const nothing = await h.post(
      "/apply-withdraw makers (nothing)",
      commandInteraction({ ...base(applicant), name: "apply-withdraw", options: { community: "makers" } }),
    );
    expect(nothing.json.data?.content).toBe("You have no open request to join Makers Guild.");
    const after = await h.post(
      "/apply-status (withdrawn)",
      commandInteraction({ ...base(applicant), name: "apply-status" }),
    );
    expect(after.json.data?.content).toContain("**Makers Guild**: Withdrawn");
    await settled(request.id);
  });

  it("sends the applicant back to the form when an answer is blank, pre-filled with what they typed", async () => {
    const applicant = testMember();
    const opened = await h.post(
      "/apply makers (blank)",
      commandInteraction({ ...base(applicant), name: "apply", options: { community: "makers" } }),
    );
    const customId = opened.json.data?.custom_id ?? "";
    const blank = await h.post(
      "submit blank answer",
      modalSubmitInteraction({
        ...base(applicant),
        customId,
        values: { "q:why": "   ", "q:where": "Paris", note: "n" },
      }),
    );
    expect(blank.json.type).toBe(4);
    expect(blank.json.data?.content).toBe(
      "Some answers need another look:\n• Why do you want to join?: This answer is required.",
    );
    const edit = blank.json.data?.components?.[0]?.components?.[0];
    expect(edit?.label).toBe("Edit answers");
    expect(await Requests.listForApplicant(core(), "discord", GUILD, applicant.user.id)).toEqual([]);

    const message = { id: snowflakeNow(), channel_id: REVIEW };
    const reopened = await h.post(
      "Edit answers",
      buttonInteraction({ ...base(applicant), customId: edit?.custom_id ?? "", message, ephemeral: true }),
    );
    expect(reopened.json.type).toBe(9);
    expect(inputsOf(reopened.json.data).map((i) => [i.custom_id, i.value])).toEqual([
      ["q:why", "   "],
      ["q:where", "Paris"],
      ["note", "n"],
    ]);
    const fixed = await h.post(
      "submit fixed answer",
      modalSubmitInteraction({
        ...base(applicant),
        customId: reopened.json.data?.custom_id ?? "",
        values: { "q:why": "Now with words.", "q:where": "Paris", note: "n" },
        message,
      }),
    );
    expect(fixed.json.type).toBe(7);
    expect(fixed.json.data?.content).toContain("was received");
    await settled((await requestOf(applicant, "makers")).id);
  });

  it("answers sensibly outside a server, in a server without communities, and for stale buttons", async () => {
    const member = testMember();
    const dm = commandInteraction({ ...base(member), name: "apply" }) as Record<string, unknown>;
    delete dm.guild_id;
    delete dm.member;
    dm.user = member.user;
    const inDm = await h.post("/apply in a DM", dm);
    expect(inDm.json.type).toBe(4);
    expect(inDm.json.data?.content).toBe("Use this command in the server whose community you want to join.");

    const empty = await h.post(
      "/apply in a server without communities",
      commandInteraction({
        guild: "300000000000000009",
        member,
        applicationId: APPLICATION_ID,
        name: "apply",
      }),
    );
    expect(empty.json.data?.content).toBe("No community is set up for this workspace yet.");

    const message = { id: snowflakeNow(), channel_id: REVIEW };
    for (const customId of [
      "gk:approve:not-a-request",
      "something-else",
      "gk:approve:r00000000000000000000",
    ]) {
      const stale = await h.post(
        "stale button",
        buttonInteraction({ ...base(moderator), customId, message }),
      );
      expect(stale.json.type).toBe(4);
      expect(stale.json.data?.flags).toBe(64);
    }
    const unknownRequest = await h.post(
      "Deny on an unknown request",
      buttonInteraction({ ...base(moderator), customId: "gk:deny:r00000000000000000000", message }),
    );
    expect(unknownRequest.json.data?.content).toBe("This request no longer exists.");
    const notJson = await fetch(h.endpoint, {
      method: "POST",
      headers: { "x-signature-ed25519": h.keys.sign("1", "x"), "x-signature-timestamp": "1" },
      body: "x",
    });
    expect(notJson.status).toBe(401);
    const garbage = await h.post("unsupported payload", { type: 42, id: "1" });
    expect(garbage.status).toBe(400);
  });

  it("autocompletes this guild's communities", async () => {
    const member = testMember();
    const all = await h.post(
      "autocomplete (empty)",
      autocompleteInteraction({ ...base(member), name: "apply", option: "community", typed: "" }),
    );
    expect(all.json).toEqual({
      type: 8,
      data: {
        choices: [
          { name: "Makers Guild (makers)", value: "makers" },
          { name: "The Long Form Society (long-form)", value: "long-form" },
        ],
      },
    });
    const some = await h.post(
      "autocomplete (lon)",
      autocompleteInteraction({ ...base(member), name: "apply-withdraw", option: "community", typed: "LON" }),
    );
    expect(some.json.data?.choices?.map((c) => c.value)).toEqual(["long-form"]);
    const other = await h.post(
      "autocomplete (other guild)",
      autocompleteInteraction({
        guild: OTHER_GUILD,
        member,
        applicationId: APPLICATION_ID,
        name: "apply",
        option: "community",
        typed: "",
      }),
    );
    expect(other.json.data?.choices?.map((c) => c.value)).toEqual(["elsewhere"]);
  });

  it("keeps every mention inert and every markdown escaped, in every field and every message", async () => {
    const evil =
      "@everyone @here <@100000000000000003> <@!100000000000000003> <@&100000000000000004> <#100000000000000002>";
    const markdown =
      "**bold** __under__ [click](https://evil.example) ||spoiler|| `code` </apply:123456789012345678> <t:0:R>";
    const applicant = testMember({ username: "evil_user", global_name: "@everyone <@&100000000000000004>" });
    applicant.nick = "<@100000000000000003> @here";
    const mark = h.fake.calls.length;
    const { submitted, request } = await applyTo(applicant, "makers", {
      "q:why": `${evil}\n# Approved by the moderators\n> quoted\n${markdown}`,
      "q:where": "@here <@&100000000000000004>",
      note: `${evil} ${markdown}`.slice(0, 300),
    });
    expect(submitted.json.data?.allowed_mentions).toEqual({ parse: [] });
    const card = await cardOf(request.id);
    const opened = await click("Deny (mentions)", moderator, `gk:deny:${request.id}`, card);
    const denied = await h.post(
      "deny with mentions",
      modalSubmitInteraction({
        ...base(moderator),
        customId: opened.json.data?.custom_id ?? "",
        values: { reason: `Not you ${evil} **really**` },
        message: { id: card.id, channel_id: card.channel },
      }),
    );
    expect(denied.json).toEqual({ type: 6 });
    await settled(request.id);
    const status = await h.post(
      "/apply-status (mentions)",
      commandInteraction({ ...base(applicant), name: "apply-status" }),
    );

    const bodies = h.fake.calls
      .slice(mark)
      .filter((c) => c.route.startsWith("/channels/"))
      .map((c) => c.body as Record<string, unknown>);
    expect(bodies.length).toBe(3); // card, DM, card edit
    const texts = [...bodies, status.json.data];
    for (const body of bodies) expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(status.json.data?.allowed_mentions).toEqual({ parse: [] });
    const allowedMentionIds = new Set([applicant.user.id, MOD]);
    for (const body of texts) {
      const text = JSON.stringify(body);
      expect(text).not.toMatch(/@(everyone|here)/);
      expect(text).not.toMatch(/<@&|<#|<\/|<t:0:R>|<@!/);
      for (const [, id] of text.matchAll(/<@(\d+)>/g)) expect(allowedMentionIds.has(id ?? "")).toBe(true);
      expect(text).not.toContain("**bold**");
      expect(text).not.toMatch(/(?<!\\)\[click\]\(/);
      expect(text).not.toMatch(/\\n# Approved/);
    }
    // The applicant's fake mention of the moderator does not survive as a mention.
    const cardText = JSON.stringify(h.fake.messages.get(card.id)?.embeds);
    expect(cardText).toContain(`<${ZWSP}@100000000000000003>`);
    expect(cardText).toContain("\\\\*\\\\*bold\\\\*\\\\*");
  });

  it("records the decision for an applicant whose DMs are closed, and shows the problem on the card", async () => {
    const applicant = testMember();
    h.fake.closeDms(applicant.user.id);
    const { request } = await applyTo(applicant, "makers", { "q:why": "Closed DMs.", note: "" });
    const card = await cardOf(request.id);
    expect((await click("Approve (closed DMs)", moderator, `gk:approve:${request.id}`, card)).json).toEqual({
      type: 6,
    });
    const entries = await h.eventually(async () => {
      const all = await settled(request.id);
      return all.some((e) => e.name.startsWith("card.update#issue")) ? all : undefined;
    });
    expect(entries.find((e) => e.name === "notice.approved")?.status).toBe("failed");
    const after = await Requests.get(core(), request.id);
    expect(after?.status).toBe("approved");
    expect(after?.issues).toEqual(["Could not DM the applicant: their DMs are closed"]);
    expect(h.fake.roles.has(`${GUILD}/${applicant.user.id}/${ROLE_A}`)).toBe(true);
    await h.eventually(() =>
      JSON.stringify(h.fake.messages.get(card.id)?.embeds).includes("their DMs are closed"),
    );
    const failedDm = h.fake.calls.find(
      (c) => c.path === `/channels/${h.fake.dmChannelOf(applicant.user.id)}/messages`,
    );
    expect(failedDm?.status).toBe(403);
    expect(JSON.stringify(h.fake.messages.get(card.id)?.embeds)).toContain("Needs attention");
  });
});
