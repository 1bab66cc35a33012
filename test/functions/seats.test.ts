import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Capacity from "../../core/capacity.js";
import * as Communities from "../../core/communities.js";
import { parseConfig } from "../../core/config/load.js";
import * as Outbox from "../../core/outbox.js";
import * as Requests from "../../core/requests.js";
import {
  communityOf,
  configOf,
  createTestCore,
  decideAs,
  slackCommunity,
  slackProfile,
} from "../support/core.js";
import { type DiscordHarness, startDiscordHarness } from "../support/discord-harness.js";
import { recordingEffects } from "../support/recording-effects.js";
import { type SlackBot, startSlackBot } from "../support/slack-bot.js";
import { memberLeftEvent } from "../support/slack-payloads.js";

/**
 * A seat stands for the access the bot granted, and is freed only together with it. On Slack the
 * seat is the community's first grant channel: leaving it (or being removed) ends the membership,
 * frees the seat and takes back every other grant channel; leaving another channel changes
 * nothing. `gatekeeper release` revokes the same way on both platforms. A grant retried after the
 * seat was given back grants nothing.
 */

function community(b: { server: SlackBot["server"] }, id: string) {
  const found = Communities.find(b.server.runtime.core, id);
  if (!found) throw new Error(`no community ${id}`);
  return found;
}

describe("Slack: the seat is the first grant channel", () => {
  let b: SlackBot;
  beforeAll(async () => {
    b = await startSlackBot(
      parseConfig(
        `
communities:
  - id: duo
    name: Duo
    platform: slack
    workspace: T0TEST
    reviewChannel: C0DUOREV
    moderators: { users: [U0MOD1] }
    grant: { channels: [C0SEAT, C0EXTRA] }
    capacity: 1
    whenFull: waitlist
    autoApprove: true
`,
        "seats.yaml",
      ),
    );
  });
  afterAll(async () => {
    await b?.close();
  });

  const inChannel = (channel: string, user: string) => b.fake.members.get(channel)?.has(user) ?? false;

  it("takes back the other channels when a member leaves the seat channel, and admits the next in line", async () => {
    const first = await b.apply("U0SEAT1", "duo", {});
    await b.fake.waitFor(() => inChannel("C0EXTRA", "U0SEAT1"), { what: "the first member's invites" });
    const second = await b.apply("U0SEAT2", "duo", {});
    expect((await Requests.get(b.server.runtime.core, second.requestId))?.status).toBe("waitlisted");

    // Leaving a channel that is not the seat changes nothing.
    await b.event("left the extra channel", memberLeftEvent({ user: "U0SEAT1", channel: "C0EXTRA" }));
    expect((await Capacity.seats(b.server.runtime.core, community(b, "duo"))).used).toBe(1);

    b.fake.members.get("C0SEAT")?.delete("U0SEAT1"); // what Slack's event reports happened
    await b.event("left the seat channel", memberLeftEvent({ user: "U0SEAT1", channel: "C0SEAT" }));
    await b.fake.waitFor(() => inChannel("C0SEAT", "U0SEAT2") && inChannel("C0EXTRA", "U0SEAT2"), {
      what: "the waitlisted applicant's invites",
    });
    await b.fake.waitFor(() => !inChannel("C0EXTRA", "U0SEAT1"), {
      what: "the leaver removed from the other channel",
    });
    const kicks = b.fake.succeeded("conversations.kick");
    expect(kicks.map((c) => [c.params.channel, c.params.user])).toEqual([["C0EXTRA", "U0SEAT1"]]);
    const left = await Requests.get(b.server.runtime.core, first.requestId);
    expect(left?.leftAt).toBeDefined();

    // A retried event frees nothing twice and takes nothing back twice.
    await b.event("left again (retry)", memberLeftEvent({ user: "U0SEAT1", channel: "C0SEAT" }), {
      retryNum: 1,
      retryReason: "http_timeout",
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(b.fake.succeeded("conversations.kick")).toHaveLength(kicks.length);
    expect((await Capacity.seats(b.server.runtime.core, community(b, "duo"))).used).toBe(1);
    // Holders of the access never outnumber the capacity.
    expect([...(b.fake.members.get("C0SEAT") ?? [])]).toEqual(["U0SEAT2"]);
  });
});

describe("Discord: release takes the roles back", () => {
  let h: DiscordHarness;
  beforeAll(async () => {
    h = await startDiscordHarness(`
communities:
  - id: guild-club
    name: Guild Club
    platform: discord
    workspace: "300000000000000001"
    reviewChannel: "300000000000000002"
    moderators: { users: ["300000000000000003"] }
    grant: { roles: ["300000000000000005", "300000000000000006"] }
    autoApprove: true
`);
  });
  afterAll(async () => {
    await h?.close();
  });

  it("removes every grant role and frees the seat, once", async () => {
    const core = h.server.runtime.core;
    const community = Communities.find(core, "guild-club");
    if (!community) throw new Error("no community");
    const userId = "300000000000000077";
    const outcome = await Requests.submit(core, {
      community,
      submissionKey: "release-test",
      applicant: { userId, name: "Member" },
      answers: {},
      profile: { platform: "discord", userId, name: "Member", available: true },
    });
    expect(outcome.kind === "recorded" && outcome.request.status).toBe("approved");
    const role = (r: string) => `300000000000000001/${userId}/${r}`;
    await h.eventually(
      () => h.fake.roles.has(role("300000000000000005")) && h.fake.roles.has(role("300000000000000006")),
    );

    expect((await Capacity.leave(core, community, userId)).left).toBe(true);
    expect((await Capacity.leave(core, community, userId)).left).toBe(false);
    await h.eventually(
      () => !h.fake.roles.has(role("300000000000000005")) && !h.fake.roles.has(role("300000000000000006")),
    );
    expect(h.fake.calls.filter((c) => c.method === "DELETE")).toHaveLength(2);
    expect((await Capacity.seats(core, community)).used).toBe(0);
  });
});

describe("a grant retried after the seat was given back", () => {
  it("grants nothing", async () => {
    const config = configOf(slackCommunity());
    const core = await createTestCore(config);
    const community = communityOf(config);
    const submitted = await Requests.submit(core, {
      community,
      submissionKey: "late-grant",
      applicant: { userId: "U0LATE1", name: "Late" },
      answers: { why: "because" },
      profile: slackProfile("U0LATE1"),
    });
    if (submitted.kind !== "recorded") throw new Error(submitted.kind);
    await decideAs(core, { id: "U0MOD1" }, { requestId: submitted.request.id, outcome: "approve" });
    expect((await Capacity.leave(core, community, "U0LATE1")).left).toBe(true);
    const fake = recordingEffects();
    expect(
      await Outbox.run(core, { slack: fake.effects }, { requestId: submitted.request.id, name: "grant" }),
    ).toBe("done");
    expect(fake.count("grant")).toBe(0);
    expect(
      await Outbox.run(core, { slack: fake.effects }, { requestId: submitted.request.id, name: "revoke" }),
    ).toBe("done");
    expect(fake.count("revoke")).toBe(1);
  });
});
