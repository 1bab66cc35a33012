import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Requests from "../../core/requests.js";
import { sweep } from "../../core/sweep.js";
import { reconcileSeats } from "../../core/usecases/reconcile.js";
import { type TestMember, testMember } from "../support/discord-interactions.js";
import { GUILD, moderator, SEAT_ROLE, startTools, type Tools } from "../support/discord-tools.js";

/**
 * Discord seats follow who holds the role: the sweeper checks admitted members
 * (`GET /guilds/{g}/members/{u}` on the fake Discord); one who left the server (404) or lost the
 * seat's role frees their seat, and the first waitlisted applicant is admitted, exactly once
 * however many sweepers run at the same time.
 */
const EXTRA = "100000000000000006";
const YAML = `
communities:
  - id: seats
    name: Seats Club
    platform: discord
    workspace: "${GUILD}"
    reviewChannel: "100000000000000002"
    moderators: { users: ["${moderator.user.id}"] }
    grant: { roles: ["${SEAT_ROLE}", "${EXTRA}"] }
    questions:
      - { id: why, label: Why?, maxLength: 200 }
    capacity: 1
    whenFull: waitlist
  - id: open
    name: Open Club
    platform: discord
    workspace: "${GUILD}"
    reviewChannel: "100000000000000009"
    moderators: { users: ["${moderator.user.id}"] }
    grant: { roles: ["100000000000000010"] }
    questions:
      - { id: why, label: Why?, maxLength: 200 }
`;

let t: Tools;
beforeAll(async () => {
  t = await startTools({ yaml: YAML });
});
afterAll(async () => {
  await t.close();
});

const performers = () => t.h.server.runtime.performers;

async function approved(member: TestMember, community: string) {
  const request = await t.apply(member, community, { "q:why": "Please." });
  const card = await t.card(request.id);
  expect((await t.click("approve", moderator, `gk:approve:${request.id}`, card)).json).toEqual({ type: 6 });
  await t.settled(request.id);
  return (await Requests.get(t.core(), request.id)) ?? request;
}

const dmsTo = (member: TestMember) =>
  [...t.h.fake.messages.values()].filter((m) => m.channel_id === t.h.fake.dmChannelOf(member.user.id));

describe("Discord seats follow the role", () => {
  const a = testMember({ global_name: "A" });
  const b = testMember({ global_name: "B" });
  const c = testMember({ global_name: "C" });
  const d = testMember({ global_name: "D" });

  it("frees the seat of a member who left the server (404) and admits the first waitlisted applicant once, with two sweepers racing", async () => {
    expect((await approved(a, "seats")).status).toBe("approved");
    const bRequest = await approved(b, "seats");
    const cRequest = await approved(c, "seats");
    expect([bRequest.status, cRequest.status]).toEqual(["waitlisted", "waitlisted"]);
    expect(t.h.fake.roles.has(`${GUILD}/${a.user.id}/${SEAT_ROLE}`)).toBe(true);

    // Everyone still there: nothing changes.
    const quiet = await sweep(t.core(), performers());
    expect(quiet.members).toMatchObject({ checked: 1, freed: 0 });

    t.h.fake.leaveGuild(GUILD, a.user.id);
    const from = t.h.fake.calls.length;
    const reports = await Promise.all([sweep(t.core(), performers()), sweep(t.core(), performers())]);
    expect(reports.reduce((n, r) => n + (r.members?.freed ?? 0), 0)).toBe(1);
    expect(reports.reduce((n, r) => n + (r.members?.admitted ?? 0) + r.admitted, 0)).toBe(1);
    const lookups = t.calls(from, /^\/guilds\/\d+\/members\/\d+$/).filter((x) => x.method === "GET");
    expect(lookups.map((x) => x.status)).toContain(404);

    await t.settled(bRequest.id);
    expect((await Requests.get(t.core(), bRequest.id))?.status).toBe("approved");
    expect((await Requests.get(t.core(), cRequest.id))?.status).toBe("waitlisted");
    expect(t.h.fake.roles.has(`${GUILD}/${b.user.id}/${SEAT_ROLE}`)).toBe(true);
    expect(dmsTo(b).filter((m) => m.content?.includes("A seat opened up"))).toHaveLength(1);
    expect((await Requests.standing(t.core(), "seats", a.user.id)).memberSince).toBeUndefined();
    const trail = await Requests.auditTrail(t.core(), bRequest.id);
    expect(trail.filter((e) => e.action === "admitted")).toHaveLength(1);
  });

  it("frees the seat of a member whose seat role was removed and admits the next one once", async () => {
    const bRequest = (await Requests.listForApplicant(t.core(), "discord", GUILD, b.user.id))[0]?.request;
    const cRequest = (await Requests.listForApplicant(t.core(), "discord", GUILD, c.user.id))[0]?.request;
    if (!bRequest || !cRequest) throw new Error("the first test's requests");
    t.h.fake.removeRole(GUILD, b.user.id, SEAT_ROLE);
    const reports = await Promise.all([
      sweep(t.core(), performers()),
      sweep(t.core(), performers()),
      sweep(t.core(), performers()),
    ]);
    expect(reports.reduce((n, r) => n + (r.members?.freed ?? 0), 0)).toBe(1);
    await t.settled(cRequest.id);
    expect((await Requests.get(t.core(), cRequest.id))?.status).toBe("approved");
    expect(dmsTo(c).filter((m) => m.content?.includes("A seat opened up"))).toHaveLength(1);
    expect((await Requests.standing(t.core(), "seats", b.user.id)).memberSince).toBeUndefined();
    expect((await sweep(t.core(), performers())).members?.freed).toBe(0);
  });

  it("does not count a role the bot's own grant never gave (grant failed) as a departure", async () => {
    t.h.fake.failNext("PUT", /\/roles\/100000000000000010$/, 1, {
      kind: "discord-error",
      status: 403,
      code: 50013,
      message: "Missing Permissions",
    });
    const request = await approved(d, "open");
    expect(request.status).toBe("approved");
    expect(t.h.fake.roles.has(`${GUILD}/${d.user.id}/100000000000000010`)).toBe(false);
    const report = await sweep(t.core(), performers());
    expect(report.members?.freed).toBe(0);
    expect((await Requests.standing(t.core(), "open", d.user.id)).memberSince).toBeDefined();
  });

  it("checks a rotating batch per pass, and a rate limit ends the batch where it is", async () => {
    const e = testMember({ global_name: "E" });
    const f = testMember({ global_name: "F" });
    await approved(e, "open");
    await approved(f, "open");
    // Three members of "open" now (d, e, f), one of "seats" (c): batches of one walk each community.
    const checkedIn = async () => {
      const from = t.h.fake.calls.length;
      const report = await reconcileSeats(t.core(), performers(), 1);
      const users = t.calls(from, /^\/guilds\/\d+\/members\/\d+$/).map((x) => x.path.split("/").pop());
      return { report, users };
    };
    const seen: (string | undefined)[] = [];
    for (let pass = 0; pass < 3; pass++) seen.push(...(await checkedIn()).users);
    // One member per community per pass: "seats" has one member (c), checked every pass; "open"
    // has three (d, e, f), each checked once over the three passes.
    expect(seen).toHaveLength(6);
    expect(seen.filter((id) => id === c.user.id)).toHaveLength(3);
    expect(seen.filter((id) => id !== c.user.id).sort()).toEqual([d.user.id, e.user.id, f.user.id].sort());

    t.h.fake.failNext("GET", /^\/guilds\/\d+\/members\/\d+$/, 10, {
      kind: "rate-limit",
      retryAfterSeconds: 2,
    });
    const limited = await reconcileSeats(t.core(), performers(), 25);
    expect(limited).toEqual({ checked: 0, freed: 0, admitted: 0 });
  });
});
