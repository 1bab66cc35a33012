import { DeleteTableCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import * as Messages from "../../../../core/messages.js";
import { createDynamoClient } from "../../../../core/store/client.js";
import { APPLICATION_ID } from "../../../support/discord-harness.js";
import {
  autocompleteInteraction,
  buttonInteraction,
  commandInteraction,
  modalSubmitInteraction,
  pingInteraction,
  testMember,
} from "../../../support/discord-interactions.js";
import {
  buttonRow,
  community,
  ephemeralAnswer,
  ephemeralMessage,
  inPlaceAnswer,
  MOD,
  type Scene,
  startScene,
} from "../../../support/discord-scene.js";

/**
 * The router (bots/discord/interactions/router.ts): every interaction to its handler, by command
 * name or by the kind its custom id names; whatever names no handler gets a polite ephemeral
 * answer, and a handler that fails gets "Something went wrong" rather than an error.
 */
let s: Scene;

beforeAll(async () => {
  s = await startScene([
    community({ id: "makers", name: "Makers Guild" }),
    community({ id: "crafts", name: "Crafts Corner" }),
  ]);
});
afterAll(async () => {
  await s?.close();
});

const moderator = testMember({ id: MOD });
const UNKNOWN_REQUEST = "r00000000000000000000";
const FORM = "1300000000000000001";

// A fresh member for every interaction unless told otherwise: nothing one leaves behind meets another.
const command = (name: string, who = testMember()) =>
  s.post(`/${name}`, commandInteraction({ ...s.base(who), name }));
const press = (customId: string, who = testMember()) =>
  s.post(`button ${customId}`, buttonInteraction({ ...s.base(who), customId, message: ephemeralMessage() }));
const submit = (customId: string, values: Record<string, string>, who = testMember()) =>
  s.post(`modal ${customId}`, modalSubmitInteraction({ ...s.base(who), customId, values }));

describe("the interaction router", () => {
  it("answers PING with PONG", async () => {
    expect((await s.post("PING", pingInteraction(APPLICATION_ID))).json).toEqual({ type: 1 });
  });

  it("sends each command to its handler, and names an unknown one", async () => {
    const communities = [s.community("makers"), s.community("crafts")];
    expect((await command("apply")).json).toEqual(
      ephemeralAnswer(Messages.chooseCommunity(communities, "discord")),
    );
    expect((await command("apply-status")).json).toEqual(ephemeralAnswer(Messages.status([], "discord")));
    expect((await command("apply-withdraw")).json).toEqual(ephemeralAnswer(Messages.NOTHING_OPEN));
    expect((await command("apply-everything")).json).toEqual(
      ephemeralAnswer(Messages.unknownCommand("apply-everything")),
    );
  });

  it("sends autocomplete to the suggestions, whatever the command", async () => {
    for (const name of ["apply", "apply-withdraw", "something-else"]) {
      const answer = await s.post(
        `autocomplete ${name}`,
        autocompleteInteraction({ ...s.base(testMember()), name, option: "community", typed: "craft" }),
      );
      expect(answer.json).toEqual({
        type: 8,
        data: { choices: [{ name: "Crafts Corner (crafts)", value: "crafts" }] },
      });
    }
  });

  it("sends each button to its handler by the kind its id names", async () => {
    expect((await press(`gk:next:makers:${FORM}:1`)).json).toEqual(inPlaceAnswer(Messages.FORM_EXPIRED));
    expect((await press(`gk:approve:${UNKNOWN_REQUEST}`, moderator)).json).toEqual(
      ephemeralAnswer(Messages.REQUEST_GONE),
    );
    expect((await press(`gk:deny:${UNKNOWN_REQUEST}`, moderator)).json).toEqual(
      ephemeralAnswer(Messages.REQUEST_GONE),
    );
  });

  it("calls any other button stale: a modal's id, unknown kinds, foreign or empty ids", async () => {
    for (const customId of [
      `gk:form:makers:${FORM}:1`,
      `gk:reason:${UNKNOWN_REQUEST}`,
      `gk:delete:${UNKNOWN_REQUEST}`,
      "gk:",
      "some-other-bot:approve",
      "",
    ]) {
      expect((await press(customId)).json, customId).toEqual(ephemeralAnswer(Messages.STALE_BUTTON));
    }
  });

  it("sends each modal to its handler by the kind its id names", async () => {
    const form = "1300000000000000002";
    expect((await submit(`gk:form:makers:${form}:1`, { "q:why": "" })).json).toEqual(
      ephemeralAnswer(
        Messages.answersNeedALook(s.community("makers"), [
          { field: "why", message: "This answer is required." },
        ]),
        buttonRow({ customId: `gk:next:makers:${form}:1`, label: Messages.FORM_BUTTONS.edit }),
      ),
    );
    expect((await submit(`gk:reason:${UNKNOWN_REQUEST}`, { reason: "no" }, moderator)).json).toEqual(
      ephemeralAnswer(Messages.REQUEST_GONE),
    );
  });

  it("says any other modal is out of date: a button's id, unknown kinds, foreign ids", async () => {
    const member = testMember();
    for (const customId of [
      `gk:next:makers:${FORM}:1`,
      `gk:approve:${UNKNOWN_REQUEST}`,
      `gk:deny:${UNKNOWN_REQUEST}`,
      "gk:survey:1",
      "",
    ]) {
      expect((await submit(customId, { "q:why": "Hi." }, member)).json, customId).toEqual(
        ephemeralAnswer(Messages.FORM_GONE),
      );
    }
    expect(await s.requestsOf(member)).toEqual([]);
  });

  it("refuses with 400 an interaction it cannot read: unknown type, over-long custom id, missing fields", async () => {
    const member = testMember();
    const tooLong = buttonInteraction({
      ...s.base(member),
      customId: `gk:${"x".repeat(100)}`,
      message: ephemeralMessage(),
    });
    const { data: _data, ...noData } = commandInteraction({ ...s.base(member), name: "apply" });
    for (const [label, payload] of [
      ["unknown type", { ...pingInteraction(APPLICATION_ID), type: 42 }],
      ["custom id over 100", tooLong],
      ["command without data", noData],
    ] as const) {
      expect((await s.post(label, payload)).status, label).toBe(400);
    }
  });

  // Last: it takes the table away.
  it("answers a handler's unexpected failure with an apology, not an error", async () => {
    const client = createDynamoClient({ endpoint: inject("dynamodbEndpoint"), region: "us-east-1" });
    await client.send(new DeleteTableCommand({ TableName: s.core().store.table }));
    client.destroy();
    for (const name of ["apply-status", "apply-withdraw"]) {
      const answer = await command(name);
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual(ephemeralAnswer(Messages.FAILED));
    }
    expect(s.h.logs.some((l) => l.includes("discord interaction failed"))).toBe(true);
  });
});
