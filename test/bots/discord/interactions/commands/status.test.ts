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
 * `/apply-status` (bots/discord/interactions/commands/status.ts): the member's own requests in
 * this server, newest first, each with its state, waitlist position and decline reason; only ever
 * as an ephemeral answer.
 */
let s: Scene;

beforeAll(async () => {
  s = await startScene([
    community({ id: "makers", name: "Makers Guild" }),
    community({ id: "queue", name: "Queue Club", capacity: 1 }),
    community({ id: "third", name: "Third Place" }),
    otherGuildCommunity({ id: "elsewhere", name: "Another Server's Club" }),
  ]);
});
afterAll(async () => {
  await s?.close();
});

const statusOf = (label: string, member: TestMember, guild = GUILD) =>
  s.post(label, commandInteraction({ ...s.base(member, guild), name: "apply-status" }));

describe("/apply-status", () => {
  it("tells someone without requests how to start one", async () => {
    const member = testMember();
    expect((await statusOf("/apply-status (none)", member)).json).toEqual(
      ephemeralAnswer(Messages.status([], "discord")),
    );
  });

  it("lists this server's requests newest first: waiting, declined with the reason, waitlisted with the position", async () => {
    const member = testMember();
    const someoneElse = testMember();

    // Queue Club's only seat goes to someone else; the member is approved onto the waitlist.
    const { request: seat } = await s.submitForm(someoneElse, "queue");
    await decideAs(s.core(), { id: MOD }, { requestId: seat.id, outcome: "approve" });
    const { request: queued } = await s.submitForm(member, "queue");
    await decideAs(s.core(), { id: MOD }, { requestId: queued.id, outcome: "approve" });
    // Declined, with a reason that tries to ping everyone.
    const { request: declined } = await s.submitForm(member, "makers");
    const reason = "Not this time @everyone <@100000000000000003> **sorry**";
    await decideAs(s.core(), { id: MOD }, { requestId: declined.id, outcome: "deny", reason });
    // Still waiting.
    const { request: waiting } = await s.submitForm(member, "third");
    // In another server: not listed here.
    const { request: elsewhere } = await s.submitForm(member, "elsewhere", undefined, OTHER_GUILD);
    for (const r of [seat, queued, declined, waiting, elsewhere]) await s.settled(r.id);

    const answer = await statusOf("/apply-status", member);
    expect(answer.json).toEqual(
      ephemeralAnswer(
        Messages.status(
          [
            {
              communityName: "Third Place",
              request: await s.request(waiting.id),
              waitlistPosition: undefined,
            },
            {
              communityName: "Makers Guild",
              request: await s.request(declined.id),
              waitlistPosition: undefined,
            },
            { communityName: "Queue Club", request: await s.request(queued.id), waitlistPosition: 1 },
          ],
          "discord",
        ),
      ),
    );
    const content = answer.json.data?.content ?? "";
    expect(content).toContain("**Queue Club**: Approved, on the waitlist (position 1)");
    expect(content).toContain("**Makers Guild**: Declined");
    expect(content).not.toMatch(/@everyone|<@\d/);

    // The other server shows only its own; the other applicant sees only theirs.
    const there = await statusOf("/apply-status (other server)", member, OTHER_GUILD);
    expect(there.json).toEqual(
      ephemeralAnswer(
        Messages.status(
          [
            {
              communityName: "Another Server's Club",
              request: await s.request(elsewhere.id),
              waitlistPosition: undefined,
            },
          ],
          "discord",
        ),
      ),
    );
    const theirs = await statusOf("/apply-status (someone else)", someoneElse);
    expect(theirs.json).toEqual(
      ephemeralAnswer(
        Messages.status(
          [{ communityName: "Queue Club", request: await s.request(seat.id), waitlistPosition: undefined }],
          "discord",
        ),
      ),
    );
  });

  it("answers SERVER_ONLY outside a server", async () => {
    const member = testMember();
    const dm = outsideGuild(commandInteraction({ ...s.base(member), name: "apply-status" }));
    expect((await s.post("/apply-status in a DM", dm)).json).toEqual(ephemeralAnswer(Messages.SERVER_ONLY));
  });
});
