import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPLICATION_ID, type DiscordHarness, startDiscordHarness } from "../support/discord-harness.js";
import {
  autocompleteInteraction,
  buttonInteraction,
  commandInteraction,
  modalSubmitInteraction,
  pingInteraction,
  testMember,
} from "../support/discord-interactions.js";
import { mutated } from "../support/fuzz.js";

/**
 * The edge of `/discord/interactions`: a signed body that is not an interaction the bot handles
 * gets a 400, anything the bot handles gets its 200 answer; never a 5xx, whatever the body.
 */
const GUILD = "400000000000000001";
const REVIEW = "400000000000000002";
const MOD = "400000000000000003";
const ROLE = "400000000000000004";

const YAML = `
communities:
  - id: edge
    name: Edge
    platform: discord
    workspace: "${GUILD}"
    reviewChannel: "${REVIEW}"
    moderators: { users: ["${MOD}"] }
    grant: { roles: ["${ROLE}"] }
    questions:
      - { id: why, label: Why?, maxLength: 200 }
`;

let h: DiscordHarness;
beforeAll(async () => {
  h = await startDiscordHarness(YAML);
});
afterAll(async () => {
  await h?.close();
});

const member = testMember();
const base = { guild: GUILD, member, applicationId: APPLICATION_ID };

describe("bad input on /discord/interactions", () => {
  it("answers 400 to signed bodies that are not interactions", async () => {
    const cases: [string, unknown][] = [
      ["null", null],
      ["array", [pingInteraction(APPLICATION_ID)]],
      ["number", 1],
      ["string", "ping"],
      ["empty object", {}],
      ["type as string", { ...pingInteraction(APPLICATION_ID), type: "1" }],
      ["unknown type", { ...pingInteraction(APPLICATION_ID), type: 99 }],
      ["data: null", { ...commandInteraction({ ...base, name: "apply" }), data: null }],
      ["member: null", { ...commandInteraction({ ...base, name: "apply" }), member: null }],
      [
        "member.user: null",
        { ...commandInteraction({ ...base, name: "apply" }), member: { ...member, user: null } },
      ],
      ["id: number", { ...commandInteraction({ ...base, name: "apply" }), id: 12345 }],
    ];
    const answers: string[] = [];
    for (const [label, body] of cases) answers.push(`${label}: ${(await h.post(label, body)).status}`);
    expect(answers).toEqual(cases.map(([label]) => `${label}: 400`));
  });

  it("never answers 5xx to signed arbitrary JSON", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (value) => {
        const answer = await h.post("fuzz", value);
        expect([200, 400]).toContain(answer.status);
      }),
      { numRuns: 60 },
    );
  });

  it("never answers 5xx to a signed valid interaction with any one part replaced or removed", async () => {
    const message = { id: "400000000000000010", channel_id: REVIEW };
    const valid = [
      pingInteraction(APPLICATION_ID),
      commandInteraction({ ...base, name: "apply", options: { community: "edge" } }),
      commandInteraction({ ...base, name: "apply-status" }),
      autocompleteInteraction({ ...base, name: "apply", option: "community", typed: "ed" }),
      buttonInteraction({ ...base, customId: "gk:approve:r0123456789abcdef0123", message }),
      modalSubmitInteraction({ ...base, customId: "gk:form:edge:1:abc", values: { "q:why": "hi" } }),
      modalSubmitInteraction({
        ...base,
        customId: "gk:form:edge:1:abc",
        values: { "q:why": "hi" },
        shape: "row",
      }),
    ];
    const seen: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(fc.oneof(...valid.map((v) => mutated(v))), async (value) => {
        const answer = await h.post("mutated", value);
        seen[answer.status] = (seen[answer.status] ?? 0) + 1;
        expect([200, 400]).toContain(answer.status);
      }),
      { numRuns: 200 },
    );
    console.info(`mutated Discord interactions: answers ${JSON.stringify(seen)}`);
    // Handled, not crashed: a handler that threw would be answered politely but logged as an error.
    expect(h.logs.filter((l) => l.includes('"level":"error"'))).toEqual([]);
  });
});
