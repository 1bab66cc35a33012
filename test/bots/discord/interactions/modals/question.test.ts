import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZWSP } from "../../../../../bots/discord/escape.js";
import * as Requests from "../../../../../core/requests.js";
import { testMember } from "../../../../support/discord-interactions.js";
import {
  contentOf,
  MOD,
  moderator,
  moderator2,
  REVIEW,
  startTools,
  type Tools,
} from "../../../../support/discord-tools.js";

/**
 * The question modal (`gk:question:<request>`), and with it a whole interview round on Discord:
 * the question DM with its Reply button, the reply modal from the DM, the thread started from the
 * card, and the card's state, as the fake Discord recorded them.
 */
let t: Tools;
beforeAll(async () => {
  t = await startTools();
});
afterAll(async () => {
  t.h.report("discord question modal");
  await t.close();
});

describe("the question modal", () => {
  it("runs a full interview round: DM with a Reply button, reply modal, a thread from the card, the card's state", async () => {
    const applicant = testMember({ username: "ada", global_name: "Ada" });
    const request = await t.apply(applicant, "makers", { "q:why": "I build engines." });
    const card = await t.card(request.id);
    const buttons = JSON.parse(t.cardJson(card)).components[0].components.map(
      (b: { label: string }) => b.label,
    );
    expect(buttons).toEqual(["Approve", "Deny", "Ask a question", "Claim"]);
    const from = t.h.fake.calls.length;

    const opened = await t.click("ask a question", moderator, `gk:ask:${request.id}`, card);
    expect(opened.json.type).toBe(9);
    expect(opened.json.data?.title).toBe("Ask the applicant: Ada");
    const input = opened.json.data?.components?.[0]?.component;
    expect(input).toMatchObject({ custom_id: "ask", style: 2, required: true, max_length: 1000 });
    const asked = await t.modal(
      "question",
      moderator,
      `gk:question:${request.id}`,
      { ask: "Which engines?" },
      card,
    );
    expect(asked.json).toEqual({ type: 6 }); // the worker edits the card

    const dm = await t.questionDm(applicant, request.id, 1);
    expect(dm.content).toContain(
      "The moderators of Makers Guild have a question about your request to join:",
    );
    expect(dm.content).toContain("Which engines?");
    expect(dm.allowed_mentions).toEqual({ parse: [] });
    const question = await t.threadPost(card, "Question 1");
    expect(question.content).toBe(`❓ **Question 1** from <@${MOD}>:\nWhich engines?`);
    expect(t.h.fake.threads.get(card.id)).toMatchObject({ parent_id: REVIEW, name: "Questions: Ada" });
    const waiting = await t.cardShows(card, "Waiting for the applicant");
    expect(waiting).toContain(`question 1, asked by <@${MOD}>`);
    expect(waiting).not.toContain(`gk:ask:${request.id}`);

    const form = await t.replyButton(applicant, request.id, 1);
    expect(form.json.type).toBe(9);
    expect(form.json.data?.custom_id).toBe(`gk:replied:${request.id}:1`);
    expect(JSON.stringify(form.json.data?.components)).toContain("Which engines?");
    expect(form.json.data?.components?.[1]?.component).toMatchObject({
      custom_id: "reply",
      max_length: 1000,
    });
    const replied = await t.sendReply(applicant, request.id, 1, "Two-stroke ones.");
    expect(replied.json.type).toBe(4);
    expect(replied.json.data?.flags).toBe(64);
    expect(contentOf(replied)).toBe("Thanks! Your reply was passed on to the moderators of Makers Guild.");
    const reply = await t.threadPost(card, "Reply 1");
    expect(reply.content).toBe(`💬 **Reply 1** from Ada to <@${MOD}>:\nTwo-stroke ones.`);
    expect(reply.allowed_mentions).toEqual({ parse: [], users: [MOD] });
    await t.cardShows(card, "Replied to question 1");
    await t.settled(request.id);

    const round = t.calls(from).map((c) => {
      const body = c.body as
        | { content?: string; name?: string; recipient_id?: string; embeds?: unknown }
        | undefined;
      const activity = /💬 [^"]*/.exec(JSON.stringify(body?.embeds ?? ""))?.[0];
      const what = body?.content ?? body?.name ?? body?.recipient_id ?? (activity ? `card: ${activity}` : "");
      return `${c.status} ${c.method} ${c.path} ${JSON.stringify(what.slice(0, 70))}`;
    });
    console.info(`Discord, one interview round as the fake recorded it:\n  ${round.join("\n  ")}`);
    expect(
      t
        .calls(from)
        .map((c) => `${c.method} ${c.route}`)
        .sort(),
    ).toEqual(
      [
        "POST /users/@me/channels",
        "POST /channels/{id}/messages", // the question DM
        "POST /channels/{id}/messages/{id}/threads",
        "POST /channels/{id}/messages", // the question in the thread
        "PATCH /channels/{id}/messages/{id}", // waiting
        "POST /channels/{id}/messages", // the reply in the thread
        "PATCH /channels/{id}/messages/{id}", // replied
      ].sort(),
    );

    // A second round reuses the thread.
    await t.ask(moderator2, request.id, "Since when?");
    await t.threadPost(card, "Question 2");
    await t.sendReply(applicant, request.id, 2, "Since 2019.");
    await t.threadPost(card, "Reply 2");
    await t.cardShows(card, "Replied to question 2");
    await t.settled(request.id);
    expect(t.calls(from, /\/threads$/)).toHaveLength(1);
    const stored = await Requests.get(t.core(), request.id);
    expect(stored?.thread).toEqual({ channel: card.id, id: card.id });
    expect(stored?.interview?.map((r) => [r.n, r.reply])).toEqual([
      [1, "Two-stroke ones."],
      [2, "Since 2019."],
    ]);
  });

  it("keeps injection strings in questions and replies as text: no ping, no mention, no forged markdown", async () => {
    const applicant = testMember({ username: "eve", global_name: "Eve" });
    const request = await t.apply(applicant, "makers", { "q:why": "Hi." });
    const card = await t.card(request.id);
    const evil =
      "@everyone @here <@123456789012345678> <@&123456789012345678> <#123456789012345678> **bold** [link](https://evil.example) > quote\n# Heading";
    await t.ask(moderator, request.id, evil);
    const dm = await t.questionDm(applicant, request.id, 1);
    const question = await t.threadPost(card, "Question 1");
    await t.sendReply(applicant, request.id, 1, evil);
    const reply = await t.threadPost(card, "Reply 1");
    for (const m of [dm, question, reply]) {
      const content = m.content ?? "";
      expect(content).not.toMatch(/@(everyone|here)/);
      expect(content).not.toContain("<@123456789012345678>");
      expect(content).not.toContain("<@&123456789012345678>");
      expect(content).not.toContain("<#123456789012345678>");
      expect(content).not.toMatch(/(^|[^\\])\*\*bold/);
      expect(content).not.toMatch(/(^|[^\\])\[link\]\(/);
      expect(content).not.toMatch(/^> quote/m);
      expect(content).not.toMatch(/^# Heading/m);
      expect(content).toContain(`@${ZWSP}everyone`);
    }
    expect(dm.allowed_mentions).toEqual({ parse: [] });
    expect(question.allowed_mentions).toEqual({ parse: [] });
    expect(reply.allowed_mentions).toEqual({ parse: [], users: [MOD] });
    const stored = await Requests.get(t.core(), request.id);
    expect(stored?.interview?.[0]).toMatchObject({ question: evil, reply: evil });
  });

  it("refuses an empty question, and a question from someone who is not a moderator", async () => {
    const applicant = testMember();
    const request = await t.apply(applicant, "makers", { "q:why": "Hi." });
    const card = await t.card(request.id);
    const empty = await t.modal(
      "empty question",
      moderator,
      `gk:question:${request.id}`,
      { ask: "   " },
      card,
    );
    expect(contentOf(empty)).toBe("Please write a question.");
    const stranger = await t.modal(
      "question by a stranger",
      testMember(),
      `gk:question:${request.id}`,
      { ask: "Hm?" },
      card,
    );
    expect(contentOf(stranger)).toBe("Only this community's moderators can approve or deny requests.");
    expect((await Requests.get(t.core(), request.id))?.interview).toBeUndefined();
  });
});
