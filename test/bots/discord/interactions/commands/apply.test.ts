import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Messages from "../../../../../core/messages.js";
import * as Requests from "../../../../../core/requests.js";
import { decideAs } from "../../../../support/core.js";
import { commandInteraction, type TestMember, testMember } from "../../../../support/discord-interactions.js";
import {
  community,
  EMPTY_GUILD,
  ephemeralAnswer,
  GUILD,
  inputsOf,
  MOD,
  OTHER_GUILD,
  otherGuildCommunity,
  outsideGuild,
  questions,
  type Scene,
  startScene,
} from "../../../../support/discord-scene.js";

/**
 * `/apply [community]` (bots/discord/interactions/commands/apply.ts): the form as a modal, or an
 * ephemeral answer for each way the apply use case says no. Opening a form records nothing.
 */
let s: Scene;

beforeAll(async () => {
  s = await startScene([
    community({ id: "makers", name: "Makers Guild", description: "People who build things." }),
    community({ id: "long-form", name: "The Long Form Society", questions: questions(7) }),
    community({ id: "queue", name: "Queue Club", capacity: 1, whenFull: "waitlist" }),
    community({ id: "closed", name: "Closed Circle", capacity: 1, whenFull: "deny" }),
    community({ id: "picky", name: "Picky People", blocklist: ["100000000000000666"] }),
    otherGuildCommunity({ id: "elsewhere", name: "Another Server's Club" }),
  ]);
});
afterAll(async () => {
  await s?.close();
});

const apply = (label: string, member: TestMember, communityId?: string, guild = GUILD) =>
  s.post(
    label,
    commandInteraction({
      ...s.base(member, guild),
      name: "apply",
      ...(communityId !== undefined ? { options: { community: communityId } } : {}),
    }),
  );

const guildCommunities = () =>
  ["makers", "long-form", "queue", "closed", "picky"].map((id) => s.community(id));

/** A recorded request of `member` to `communityId`, approved by the moderator; waits for its effects. */
async function approved(member: TestMember, communityId: string) {
  const { request } = await s.submitForm(member, communityId);
  await s.settled(request.id);
  const outcome = await decideAs(s.core(), { id: MOD }, { requestId: request.id, outcome: "approve" });
  expect(outcome.kind).toBe("decided");
  await s.settled(request.id);
  return s.request(request.id);
}

describe("/apply", () => {
  it("opens page 1 of the named community's form as a modal whose id is the interaction's, recording nothing", async () => {
    const member = testMember();
    const payload = commandInteraction({
      ...s.base(member),
      name: "apply",
      options: { community: "makers" },
    });
    const opened = await s.post("/apply makers", payload);
    expect(opened.status).toBe(200);
    expect(opened.json.type).toBe(9);
    expect(opened.json.data?.custom_id).toBe(`gk:form:makers:${payload.id}:1`);
    expect(opened.json.data?.title).toBe("Join Makers Guild");
    expect(inputsOf(opened.json.data).map((i) => i.custom_id)).toEqual(["q:why", "note"]);
    expect(await s.requestsOf(member)).toEqual([]);
  });

  it("matches the community id whatever its case and spacing, and pages a long form", async () => {
    const member = testMember();
    const upper = await apply("/apply MAKERS", member, "  MAKERS ");
    expect(upper.json.type).toBe(9);
    expect(upper.json.data?.custom_id).toMatch(/^gk:form:makers:\d+:1$/);

    const long = await apply("/apply long-form", member, "long-form");
    expect(long.json.type).toBe(9);
    expect(long.json.data?.title).toBe("Join The Long Form Society (1/2)");
    expect(inputsOf(long.json.data).map((i) => i.custom_id)).toEqual([
      "q:q1",
      "q:q2",
      "q:q3",
      "q:q4",
      "q:q5",
    ]);
  });

  it("opens the only community of a server without being told which", async () => {
    const member = testMember();
    const opened = await apply("/apply (one community)", member, undefined, OTHER_GUILD);
    expect(opened.json.type).toBe(9);
    expect(opened.json.data?.custom_id).toMatch(/^gk:form:elsewhere:\d+:1$/);
  });

  it("lists this server's communities when none is named, and treats a non-text option as none", async () => {
    const member = testMember();
    const expected = ephemeralAnswer(Messages.chooseCommunity(guildCommunities(), "discord"));
    expect((await apply("/apply (several)", member)).json).toEqual(expected);

    const numeric = commandInteraction({ ...s.base(member), name: "apply" });
    const withNumber = {
      ...numeric,
      data: { ...numeric.data, options: [{ name: "community", type: 4, value: 7 }] },
    };
    expect((await s.post("/apply community:7 (integer)", withNumber)).json).toEqual(expected);
  });

  it("names the known communities for an unknown id, another server's id or a subcommand word", async () => {
    const member = testMember();
    for (const id of ["nope", "elsewhere", "status"]) {
      const answer = await apply(`/apply ${id}`, member, id);
      expect(answer.json).toEqual(ephemeralAnswer(Messages.unknownCommunity(id, guildCommunities())));
    }
  });

  it("says so in a server where nothing is set up", async () => {
    const member = testMember();
    expect((await apply("/apply (empty server)", member, undefined, EMPTY_GUILD)).json).toEqual(
      ephemeralAnswer(Messages.NO_COMMUNITIES),
    );
    expect((await apply("/apply makers (empty server)", member, "makers", EMPTY_GUILD)).json).toEqual(
      ephemeralAnswer(Messages.unknownCommunity("makers", [])),
    );
  });

  it("answers SERVER_ONLY outside a server and opens nothing", async () => {
    const member = testMember();
    const dm = outsideGuild(
      commandInteraction({ ...s.base(member), name: "apply", options: { community: "makers" } }),
    );
    expect((await s.post("/apply in a DM", dm)).json).toEqual(ephemeralAnswer(Messages.SERVER_ONLY));
  });

  it("refuses, without a form, an applicant whose request is waiting for review", async () => {
    const member = testMember();
    const { request } = await s.submitForm(member, "makers");
    expect((await apply("/apply while pending", member, "makers")).json).toEqual(
      ephemeralAnswer(Messages.refusal(s.community("makers"), { reason: "pending", requestId: request.id })),
    );
    // Another community of the same server is still open to them.
    expect((await apply("/apply long-form while pending elsewhere", member, "long-form")).json.type).toBe(9);
    await s.settled(request.id);
  });

  it("refuses a member and a waitlisted applicant, each in their own words", async () => {
    const first = testMember();
    const second = testMember();
    await approved(first, "queue");
    const waiting = await approved(second, "queue");
    expect(waiting.status).toBe("waitlisted");

    const queue = s.community("queue");
    const { memberSince } = await Requests.standing(s.core(), "queue", first.user.id);
    expect(memberSince).toBeDefined();
    expect((await apply("/apply queue (member)", first, "queue")).json).toEqual(
      ephemeralAnswer(Messages.refusal(queue, { reason: "member", since: memberSince ?? "" })),
    );
    expect((await apply("/apply queue (waitlisted)", second, "queue")).json).toEqual(
      ephemeralAnswer(Messages.refusal(queue, { reason: "waitlisted", requestId: waiting.id })),
    );
  });

  it("refuses new applicants while a community that declines when full is full", async () => {
    await approved(testMember(), "closed");
    const latecomer = testMember();
    expect((await apply("/apply closed (full)", latecomer, "closed")).json).toEqual(
      ephemeralAnswer(Messages.refusal(s.community("closed"), { reason: "full" })),
    );
    expect(await s.requestsOf(latecomer)).toEqual([]);
  });

  it("refuses a blocked applicant, blocked by the operator or by the config", async () => {
    const byOperator = testMember();
    await Requests.setBlocked(s.core(), s.community("makers"), byOperator.user.id, true);
    expect((await apply("/apply makers (blocked)", byOperator, "makers")).json).toEqual(
      ephemeralAnswer(Messages.refusal(s.community("makers"), { reason: "blocked" })),
    );
    const byConfig = testMember({ id: "100000000000000666" });
    expect((await apply("/apply picky (blocklist)", byConfig, "picky")).json).toEqual(
      ephemeralAnswer(Messages.refusal(s.community("picky"), { reason: "blocked" })),
    );
  });

  // Last: it moves the clock a month ahead.
  it("refuses during the cooldown after a denial, with its end date, and opens the form once it is over", async () => {
    const member = testMember();
    const { request } = await s.submitForm(member, "makers");
    await s.settled(request.id);
    await decideAs(s.core(), { id: MOD }, { requestId: request.id, outcome: "deny", reason: "Not yet." });
    await s.settled(request.id);
    const { cooldownUntil } = await Requests.standing(s.core(), "makers", member.user.id);
    expect(cooldownUntil).toBeDefined();

    const refused = await apply("/apply during cooldown", member, "makers");
    expect(refused.json).toEqual(
      ephemeralAnswer(
        Messages.refusal(s.community("makers"), { reason: "cooldown", until: cooldownUntil ?? "" }),
      ),
    );
    expect(refused.json.data?.content).toMatch(/You can apply again after <t:\d+:D>\.$/);

    s.advance(31 * 86_400_000);
    expect((await apply("/apply after cooldown", member, "makers")).json.type).toBe(9);
  });
});
