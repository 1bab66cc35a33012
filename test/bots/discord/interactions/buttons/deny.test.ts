import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REASON_MAX } from "../../../../../core/limits.js";
import * as Messages from "../../../../../core/messages.js";
import * as Requests from "../../../../../core/requests.js";
import { failureSummary } from "../../../../../core/rules.js";
import { decideAs } from "../../../../support/core.js";
import {
  buttonInteraction,
  daysAgo,
  snowflakeAt,
  type TestMember,
  testMember,
} from "../../../../support/discord-interactions.js";
import {
  community,
  ephemeralAnswer,
  GUILD,
  inputsOf,
  MOD,
  MOD_ROLE,
  OTHER_GUILD,
  OTHER_MOD,
  otherGuildCommunity,
  outsideGuild,
  type Scene,
  startScene,
} from "../../../../support/discord-scene.js";

/**
 * Deny on the card (bots/discord/interactions/buttons/deny.ts): for a moderator of a pending
 * request it opens the reason modal (9), pre-filled from the failed rules, and records nothing
 * yet; every other outcome of the deny-form use case is an ephemeral answer.
 */
const CRAFTS_MOD = "100000000000000013";

let s: Scene;

beforeAll(async () => {
  s = await startScene([
    community({
      id: "makers",
      name: "Makers Guild",
      rules: { requireAvatar: true, requireRealName: true, minAccountAgeDays: 30 },
    }),
    community({ id: "crafts", name: "Crafts Corner", moderators: { users: [CRAFTS_MOD], roles: [] } }),
    otherGuildCommunity({ id: "elsewhere", name: "Another Server's Club" }),
  ]);
});
afterAll(async () => {
  await s?.close();
});

const moderator = testMember({ id: MOD, username: "mod", global_name: "Moderator" });
const denyId = (requestId: string) => `gk:deny:${requestId}`;

async function pending(applicant: TestMember = testMember()) {
  const { request } = await s.submitForm(applicant, "makers");
  const card = await s.cardOf(request.id);
  return { applicant, request, message: { id: card.id, channel_id: card.channel } };
}

describe("the Deny button", () => {
  it("opens the reason modal pre-filled from the failed rules, and records nothing", async () => {
    const newcomer = testMember({ id: snowflakeAt(daysAgo(5), 11), avatar: null, global_name: null });
    newcomer.nick = "Newbie";
    const { request, message } = await pending(newcomer);
    expect(request.evaluation.passed).toBe(false);

    const opened = await s.click("Deny", moderator, denyId(request.id), message);
    expect(opened.json.type).toBe(9);
    expect(opened.json.data?.custom_id).toBe(`gk:reason:${request.id}`);
    expect(opened.json.data?.title).toBe(`${Messages.DENY_FORM.title}: Newbie`);
    const label = opened.json.data?.components?.[0];
    expect(label).toMatchObject({
      type: 18,
      label: Messages.DENY_FORM.reasonLabel,
      description: Messages.DENY_FORM.reasonHint,
    });
    expect(inputsOf(opened.json.data)).toEqual([
      {
        type: 4,
        custom_id: "reason",
        style: 2,
        required: false,
        max_length: REASON_MAX,
        value: failureSummary(request.evaluation),
      },
      { type: 23, custom_id: "block" },
    ]);
    expect(opened.json.data?.components?.[1]).toMatchObject({
      type: 18,
      label: Messages.BLOCK_OPTION.label,
    });
    expect(inputsOf(opened.json.data)[0]?.value).toBe(
      "Profile photo: no profile photo; Display name: no display name; Account age: 5 days old (needs 30)",
    );

    expect((await s.request(request.id)).status).toBe("pending");
    expect(await s.settled(request.id)).toEqual(["card.post done"]);
    expect(s.h.fake.messages.get(message.id)?.edits).toBe(0);
  });

  it("leaves the reason empty when every rule passed, and keeps a long, multi-line name to one title line", async () => {
    const applicant = testMember({ global_name: "Ada" });
    applicant.nick = "Augusta Ada King,\nCountess of Lovelace, Analyst";
    const { request, message } = await pending(applicant);
    expect(request.evaluation.passed).toBe(true);
    const opened = await s.click("Deny (all passed)", moderator, denyId(request.id), message);
    expect(opened.json.type).toBe(9);
    expect(inputsOf(opened.json.data)[0]?.value).toBeUndefined();
    const title = opened.json.data?.title ?? "";
    expect(title).toBe("Deny request: Augusta Ada King, Countess of …");
    expect(title.length).toBeLessThanOrEqual(45);
    await s.settled(request.id);
  });

  it("opens the modal for a member holding a moderator role", async () => {
    const { request, message } = await pending();
    const roleModerator = testMember({}, [MOD_ROLE]);
    const opened = await s.click("Deny (role moderator)", roleModerator, denyId(request.id), message);
    expect(opened.json.type).toBe(9);
    expect(opened.json.data?.custom_id).toBe(`gk:reason:${request.id}`);
    await s.settled(request.id);
  });

  it("tells the moderator the request was already decided or withdrawn instead of opening the modal", async () => {
    const approved = await pending();
    await decideAs(
      s.core(),
      { id: MOD, name: "Moderator" },
      { requestId: approved.request.id, outcome: "approve" },
    );
    const approvedAfter = await s.request(approved.request.id);
    expect(
      (await s.click("Deny (approved)", moderator, denyId(approved.request.id), approved.message)).json,
    ).toEqual(ephemeralAnswer(Messages.alreadyDecided(approvedAfter)));

    const withdrawn = await pending();
    await Requests.withdraw(s.core(), s.community("makers"), withdrawn.applicant.user.id);
    expect(
      (await s.click("Deny (withdrawn)", moderator, denyId(withdrawn.request.id), withdrawn.message)).json,
    ).toEqual(ephemeralAnswer(Messages.alreadyDecided(await s.request(withdrawn.request.id))));
    expect((await s.request(approved.request.id)).status).toBe("approved");
    await s.settled(approved.request.id);
    await s.settled(withdrawn.request.id);
  });

  it("refuses everyone but this community's moderators here: outsiders, another community's or server's moderators, DMs", async () => {
    const { request, message } = await pending();
    const refused = ephemeralAnswer(Messages.NOT_A_MODERATOR);
    const payload = (member: TestMember, guild = GUILD) =>
      buttonInteraction({ ...s.base(member, guild), customId: denyId(request.id), message });
    const attempts: [string, unknown][] = [
      ["outsider", payload(testMember({}, ["100000000000000099"]))],
      ["crafts moderator", payload(testMember({ id: CRAFTS_MOD }))],
      ["other server's moderator", payload(testMember({ id: OTHER_MOD }))],
      ["moderator from another server", payload(moderator, OTHER_GUILD)],
      ["moderator in a DM", outsideGuild(payload(moderator))],
    ];
    for (const [who, p] of attempts) expect((await s.post(`Deny (${who})`, p)).json, who).toEqual(refused);
    expect((await s.request(request.id)).status).toBe("pending");
    expect(await s.settled(request.id)).toEqual(["card.post done"]);
  });

  it("says a well-formed but unknown request is gone, and a forged id is a stale button", async () => {
    expect(
      (await s.click("Deny (unknown request)", moderator, denyId("r00000000000000000000"))).json,
    ).toEqual(ephemeralAnswer(Messages.REQUEST_GONE));
    for (const customId of ["gk:deny:nope", "gk:deny:r0000000000000000000g", "gk:deny:r1:r2", "deny"]) {
      expect((await s.click(`Deny (${customId})`, moderator, customId)).json).toEqual(
        ephemeralAnswer(Messages.STALE_BUTTON),
      );
    }
  });
});
