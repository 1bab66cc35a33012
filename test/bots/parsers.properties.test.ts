import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { interactionSchema, parseInteraction } from "../../bots/discord/interaction.js";
import { screenSlackBody } from "../../bots/slack/screen.js";
import {
  autocompleteInteraction,
  buttonInteraction,
  commandInteraction,
  modalSubmitInteraction,
  pingInteraction,
  testMember,
} from "../support/discord-interactions.js";
import { mutated } from "../support/fuzz.js";
import { buttonClick, memberLeftEvent, slashCommand, viewSubmission } from "../support/slack-payloads.js";
import { formBody, payloadBody } from "../support/slack-sign.js";

/**
 * Property-based tests of the two payload parsers at the edge: any body, any JSON value, any valid
 * payload with one part replaced, gives a parse result or a clean rejection, never a throw.
 */

const RUNS = { numRuns: Number(process.env.GK_PROPERTY_RUNS ?? 2000) };

const json = fc.jsonValue({ maxDepth: 4 });
const anyString = fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), fc.string({ maxLength: 200 }));

describe("Discord: parseInteraction", () => {
  const APP = "900000000000000001";
  const base = { guild: "400000000000000001", member: testMember(), applicationId: APP };
  const valid = [
    pingInteraction(APP),
    commandInteraction({ ...base, name: "apply", options: { community: "edge" } }),
    autocompleteInteraction({ ...base, name: "apply", option: "community", typed: "ed" }),
    buttonInteraction({
      ...base,
      customId: "gk:approve:r0123456789abcdef0123",
      message: { id: "400000000000000010", channel_id: "400000000000000002" },
    }),
    modalSubmitInteraction({ ...base, customId: "gk:form:edge:1:abc", values: { "q:why": "hi" } }),
    modalSubmitInteraction({
      ...base,
      customId: "gk:form:edge:1:abc",
      values: { "q:why": "hi" },
      shape: "row",
    }),
  ];
  const bodies = fc.oneof(
    anyString,
    json.map((v) => JSON.stringify(v)),
    fc.oneof(...valid.map(mutated)).map((v) => JSON.stringify(v)),
  );

  it("parses the valid interactions it is fuzzed from", () => {
    for (const v of valid) expect(parseInteraction(JSON.stringify(v)).ok).toBe(true);
  });

  it("returns an interaction or a clean rejection for any body, never throws", () => {
    fc.assert(
      fc.property(bodies, (body) => {
        const parsed = parseInteraction(body);
        if (parsed.ok) {
          // What it returns is itself a valid interaction: nothing unchecked slips through.
          expect(interactionSchema.parse(parsed.interaction)).toEqual(parsed.interaction);
        } else {
          expect(["not JSON", "not an interaction"]).toContain(parsed.why);
        }
      }),
      RUNS,
    );
  });
});

describe("Slack: screenSlackBody", () => {
  const FORM = "application/x-www-form-urlencoded";
  const JSON_TYPE = "application/json";
  const valid: [string, string][] = [
    [
      FORM,
      payloadBody(
        viewSubmission({
          viewId: "V0P",
          metadata: JSON.stringify({ c: "makers" }),
          values: { "q:why": "hi" },
        }),
      ),
    ],
    [FORM, payloadBody(buttonClick({ actionId: "gk_approve", value: "r0123456789abcdef0123" }))],
    [FORM, formBody(slashCommand({ text: "status" }))],
    [JSON_TYPE, JSON.stringify(memberLeftEvent({ user: "U0GONE", channel: "C0MEMBERS" }))],
    [JSON_TYPE, JSON.stringify({ type: "url_verification", challenge: "c", token: "t" })],
  ];
  const asForm = (v: unknown) =>
    formBody(
      Object.fromEntries(
        Object.entries(v && typeof v === "object" ? v : { v }).map(([k, x]) => [
          k,
          typeof x === "string" ? x : JSON.stringify(x),
        ]),
      ),
    );
  const requests = fc.oneof(
    fc.tuple(fc.constantFrom(FORM, JSON_TYPE, "text/plain", undefined), anyString),
    fc.tuple(
      fc.constant(FORM),
      json.map((v) => payloadBody(v)),
    ),
    fc.tuple(fc.constant(FORM), json.map(asForm)),
    fc.tuple(
      fc.constant(JSON_TYPE),
      json.map((v) => JSON.stringify(v)),
    ),
    fc.tuple(
      fc.constant(FORM),
      mutated(JSON.parse(new URLSearchParams(valid[0]?.[1]).get("payload") ?? "")).map(payloadBody),
    ),
    fc.tuple(
      fc.constant(FORM),
      mutated(JSON.parse(new URLSearchParams(valid[1]?.[1]).get("payload") ?? "")).map(payloadBody),
    ),
    fc.tuple(fc.constant(FORM), mutated(slashCommand({ text: "status" })).map(asForm)),
    fc.tuple(
      fc.constant(JSON_TYPE),
      mutated(memberLeftEvent({ user: "U0GONE", channel: "C0MEMBERS" })).map((v) => JSON.stringify(v)),
    ),
  );

  it("forwards the valid payloads it is fuzzed from", () => {
    for (const [type, body] of valid) expect(screenSlackBody(type, body).kind).toBe("forward");
  });

  it("forwards a canonical body or answers 200/400 for any request, never throws", () => {
    fc.assert(
      fc.property(requests, ([type, body]) => {
        const screened = screenSlackBody(type, body);
        if (screened.kind === "answer") {
          expect([200, 400]).toContain(screened.status);
          return;
        }
        // What Bolt gets is canonical: screening it again forwards exactly the same body.
        expect(screenSlackBody(screened.contentType, screened.body)).toEqual(screened);
      }),
      RUNS,
    );
  });
});
