import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Messages from "../../../../../core/messages.js";
import { decideAs } from "../../../../support/core.js";
import { commandInteraction, type TestMember, testMember } from "../../../../support/discord-interactions.js";
import {
  community,
  ephemeralAnswer,
  GUILD,
  MOD,
  OTHER_GUILD,
  otherGuildCommunity,
  outsideGuild,
  type Scene,
  startScene,
} from "../../../../support/discord-scene.js";

/**
 * `/apply-withdraw [community]` (bots/discord/interactions/commands/withdraw.ts): withdraws the
 * member's open request (pending or waitlisted) and the worker closes its card; otherwise an
 * ephemeral answer for each outcome of the withdraw use case, and nothing changes.
 */
let s: Scene;

beforeAll(async () => {
  s = await startScene([
    community({ id: "makers", name: "Makers Guild", description: "People who build things." }),
    community({ id: "queue", name: "Queue Club", capacity: 1 }),
    community({ id: "third", name: "Third Place" }),
    otherGuildCommunity({ id: "elsewhere", name: "Another Server's Club" }),
  ]);
});
afterAll(async () => {
  await s?.close();
});

const withdraw = (label: string, member: TestMember, communityId?: string, guild = GUILD) =>
  s.post(
    label,
    commandInteraction({
      ...s.base(member, guild),
      name: "apply-withdraw",
      ...(communityId !== undefined ? { options: { community: communityId } } : {}),
    }),
  );

const guildCommunities = () => ["makers", "queue", "third"].map((id) => s.community(id));

describe("/apply-withdraw", () => {
  it("withdraws the named community's pending request; the worker closes its card, once", async () => {
    const member = testMember();
    const { request } = await s.submitForm(member, "makers");
    const card = await s.cardOf(request.id);
    await s.settled(request.id);

    const answer = await withdraw("/apply-withdraw MAKERS", member, "  MAKERS ");
    expect(answer.json).toEqual(ephemeralAnswer(Messages.withdrawn(s.community("makers"))));
    expect((await s.request(request.id)).status).toBe("withdrawn");
    expect(await s.settled(request.id)).toEqual(["card.post done", "card.update#withdrawn done"]);
    const edited = s.h.fake.messages.get(card.id);
    expect(edited?.edits).toBe(1);
    expect(edited?.components).toEqual([]);

    // Withdrawing again: nothing open any more.
    expect((await withdraw("/apply-withdraw makers (again)", member, "makers")).json).toEqual(
      ephemeralAnswer(Messages.nothingToWithdraw(s.community("makers"))),
    );
    expect(s.h.fake.messages.get(card.id)?.edits).toBe(1);
  });

  it("withdraws the only open request when none is named", async () => {
    const member = testMember();
    const { request } = await s.submitForm(member, "third");
    expect((await withdraw("/apply-withdraw", member)).json).toEqual(
      ephemeralAnswer(Messages.withdrawn(s.community("third"))),
    );
    expect((await s.request(request.id)).status).toBe("withdrawn");
    await s.settled(request.id);
  });

  it("withdraws a waitlisted request, freeing its place in the queue", async () => {
    const holder = testMember();
    const member = testMember();
    const { request: seat } = await s.submitForm(holder, "queue");
    await decideAs(s.core(), { id: MOD }, { requestId: seat.id, outcome: "approve" });
    const { request } = await s.submitForm(member, "queue");
    await decideAs(s.core(), { id: MOD }, { requestId: request.id, outcome: "approve" });
    expect((await s.request(request.id)).status).toBe("waitlisted");

    expect((await withdraw("/apply-withdraw queue (waitlisted)", member, "queue")).json).toEqual(
      ephemeralAnswer(Messages.withdrawn(s.community("queue"))),
    );
    const after = await s.request(request.id);
    expect(after.status).toBe("withdrawn");
    await s.settled(seat.id);
    await s.settled(request.id);
  });

  it("asks which one when several requests are open, newest first, and withdraws none", async () => {
    const member = testMember();
    const { request: first } = await s.submitForm(member, "makers");
    const { request: second } = await s.submitForm(member, "third");
    expect((await withdraw("/apply-withdraw (two open)", member)).json).toEqual(
      ephemeralAnswer(Messages.chooseWithdrawal([s.community("third"), s.community("makers")], "discord")),
    );
    expect((await s.request(first.id)).status).toBe("pending");
    expect((await s.request(second.id)).status).toBe("pending");
    await s.settled(first.id);
    await s.settled(second.id);
  });

  it("says there is nothing to withdraw, named or not, when nothing is open (a decided request included)", async () => {
    const member = testMember();
    expect((await withdraw("/apply-withdraw (never applied)", member)).json).toEqual(
      ephemeralAnswer(Messages.NOTHING_OPEN),
    );
    expect((await withdraw("/apply-withdraw makers (never applied)", member, "makers")).json).toEqual(
      ephemeralAnswer(Messages.nothingToWithdraw(s.community("makers"))),
    );

    const { request } = await s.submitForm(member, "makers");
    await decideAs(s.core(), { id: MOD }, { requestId: request.id, outcome: "deny" });
    expect((await withdraw("/apply-withdraw (denied)", member)).json).toEqual(
      ephemeralAnswer(Messages.NOTHING_OPEN),
    );
    expect((await withdraw("/apply-withdraw makers (denied)", member, "makers")).json).toEqual(
      ephemeralAnswer(Messages.nothingToWithdraw(s.community("makers"))),
    );
    expect((await s.request(request.id)).status).toBe("denied");
    await s.settled(request.id);
  });

  it("never touches another member's request", async () => {
    const applicant = testMember();
    const stranger = testMember();
    const { request } = await s.submitForm(applicant, "makers");
    expect((await withdraw("/apply-withdraw makers (stranger)", stranger, "makers")).json).toEqual(
      ephemeralAnswer(Messages.nothingToWithdraw(s.community("makers"))),
    );
    expect((await withdraw("/apply-withdraw (stranger)", stranger)).json).toEqual(
      ephemeralAnswer(Messages.NOTHING_OPEN),
    );
    expect((await s.request(request.id)).status).toBe("pending");
    await s.settled(request.id);
  });

  it("names the known communities for an unknown id or another server's, and withdraws nothing", async () => {
    const member = testMember();
    const { request } = await s.submitForm(member, "elsewhere", undefined, OTHER_GUILD);
    for (const [typed, id] of [
      ["NOPE", "nope"],
      ["elsewhere", "elsewhere"],
    ] as const) {
      expect((await withdraw(`/apply-withdraw ${typed}`, member, typed)).json).toEqual(
        ephemeralAnswer(Messages.unknownCommunity(id, guildCommunities())),
      );
    }
    expect((await s.request(request.id)).status).toBe("pending");
    await s.settled(request.id);
  });

  it("answers SERVER_ONLY outside a server and withdraws nothing", async () => {
    const member = testMember();
    const { request } = await s.submitForm(member, "makers");
    const dm = outsideGuild(
      commandInteraction({ ...s.base(member), name: "apply-withdraw", options: { community: "makers" } }),
    );
    expect((await s.post("/apply-withdraw in a DM", dm)).json).toEqual(ephemeralAnswer(Messages.SERVER_ONLY));
    expect((await s.request(request.id)).status).toBe("pending");
    await s.settled(request.id);
  });
});
