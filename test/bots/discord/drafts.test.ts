import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { DRAFT_TTL_SECONDS, loadDraft, saveDraft } from "../../../bots/discord/drafts.js";
import type { Core } from "../../../core/context.js";
import { configOf, createTestCore, discordCommunity, testClock } from "../../support/core.js";

/** Drafts of paged forms, in DynamoDB Local. */
const clock = testClock();
let core: Core;
const ref = { guildId: "100000000000000001", userId: "100000000000000010", formId: "1300000000000000002" };
const key = { pk: `DRAFT#discord#${ref.guildId}#${ref.userId}#${ref.formId}`, sk: "DRAFT" };

beforeAll(async () => {
  core = await createTestCore(configOf(discordCommunity()), clock.now);
});

describe("form drafts", () => {
  it("keeps the answers so far under ids only, expiring by TTL an hour later", async () => {
    await saveDraft(core, { ...ref, communityId: "gamers", answers: { q1: "one", q2: "two" }, note: "hi" });
    const { Item } = await core.store.doc.send(new GetCommand({ TableName: core.store.table, Key: key }));
    expect(Item).toMatchObject({
      type: "draft",
      answers: { q1: "one", q2: "two" },
      note: "hi",
      communityId: "gamers",
    });
    expect(Item?.expiresAt).toBe(Math.floor(clock.now().getTime() / 1000) + DRAFT_TTL_SECONDS);
    expect(await loadDraft(core, ref, "gamers")).toMatchObject({
      answers: { q1: "one", q2: "two" },
      note: "hi",
    });
  });

  it("belongs to one user, one form and one community", async () => {
    expect(await loadDraft(core, { ...ref, userId: "100000000000000011" }, "gamers")).toBeUndefined();
    expect(await loadDraft(core, { ...ref, formId: "1300000000000000009" }, "gamers")).toBeUndefined();
    expect(await loadDraft(core, ref, "other")).toBeUndefined();
  });

  it("is gone once expired, even before DynamoDB deletes it", async () => {
    clock.advance((DRAFT_TTL_SECONDS + 1) * 1000);
    expect(await loadDraft(core, ref, "gamers")).toBeUndefined();
    await saveDraft(core, { ...ref, communityId: "gamers", answers: { q1: "again" } });
    expect((await loadDraft(core, ref, "gamers"))?.answers).toEqual({ q1: "again" });
  });

  it("ignores an item that is not a valid draft", async () => {
    await core.store.doc.send(
      new PutCommand({ TableName: core.store.table, Item: { ...key, type: "draft", answers: "nope" } }),
    );
    expect(await loadDraft(core, ref, "gamers")).toBeUndefined();
  });
});
