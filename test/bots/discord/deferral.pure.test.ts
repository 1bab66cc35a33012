import type { APIInteractionResponse } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { deferralFor, lateDelivery } from "../../../bots/discord/deferral.js";
import { ephemeral, interactionSchema, updateMessage } from "../../../bots/discord/interaction.js";
import { toMarkdown } from "../../../bots/discord/render.js";
import * as Messages from "../../../core/messages.js";
import {
  buttonInteraction,
  commandInteraction,
  modalSubmitInteraction,
  testMember,
} from "../../support/discord-interactions.js";

/**
 * Which deferral a late interaction gets, and how its answer is then delivered through the
 * webhook (bots/discord/deferral.ts). The end-to-end cases, with a slow table, are in
 * test/functions/discord-deadline.test.ts.
 */
const base = { guild: "100000000000000001", member: testMember(), applicationId: "900000000000000001" };
const message = { id: "100000000000000077", channel_id: "100000000000000002" };
const parse = (payload: unknown) => {
  const i = interactionSchema.parse(payload);
  if (i.type === 1) throw new Error("a ping");
  return i;
};
const click = parse(buttonInteraction({ ...base, customId: "gk:approve:r0123456789abcdef0123", message }));
const command = parse(commandInteraction({ ...base, name: "apply" }));
const modalFromCard = parse(
  modalSubmitInteraction({ ...base, customId: "gk:reason:r0123456789abcdef0123", values: {}, message }),
);
const modalElsewhere = parse(
  modalSubmitInteraction({ ...base, customId: "gk:reason:r0123456789abcdef0123", values: {} }),
);
const NO_PINGS = { parse: [] };
const said = ephemeral(toMarkdown(Messages.DONE));
const modal: APIInteractionResponse = { type: 9, data: { custom_id: "x", title: "x", components: [] } };

describe("deferrals", () => {
  it("defers a click or a modal from a message with 6, a command or another modal with 5 ephemeral", () => {
    expect(deferralFor(click)).toEqual({ type: 6 });
    expect(deferralFor(modalFromCard)).toEqual({ type: 6 });
    expect(deferralFor(command)).toEqual({ type: 5, data: { flags: 64 } });
    expect(deferralFor(modalElsewhere)).toEqual({ type: 5, data: { flags: 64 } });
  });

  it("after a deferred update: a message follows up ephemerally, an update edits, nothing stays nothing", () => {
    const deferral = { type: 6 } as const;
    expect(lateDelivery(deferral, said, Messages.FORM_DID_NOT_OPEN)).toEqual({
      kind: "follow-up",
      body: { content: toMarkdown(Messages.DONE), flags: 64, allowed_mentions: NO_PINGS },
    });
    expect(lateDelivery(deferral, updateMessage("moved on"), Messages.FORM_DID_NOT_OPEN)).toEqual({
      kind: "edit",
      body: { components: [], content: "moved on", allowed_mentions: NO_PINGS },
    });
    expect(lateDelivery(deferral, { type: 6 }, Messages.FORM_DID_NOT_OPEN)).toBeUndefined();
  });

  it("after thinking (5): the message is edited in (same words and allowed_mentions), nothing deletes it", () => {
    const deferral = deferralFor(command);
    expect(lateDelivery(deferral, said, Messages.FORM_DID_NOT_OPEN)).toEqual({
      kind: "edit",
      body: { content: toMarkdown(Messages.DONE), allowed_mentions: NO_PINGS },
    });
    expect(lateDelivery(deferral, { type: 6 }, Messages.FORM_DID_NOT_OPEN)).toEqual({ kind: "delete" });
  });

  it("a late modal cannot follow a deferral: the person is told the form did not open", () => {
    expect(lateDelivery({ type: 6 }, modal, Messages.REASON_FORM_DID_NOT_OPEN)).toEqual({
      kind: "follow-up",
      body: { content: toMarkdown(Messages.REASON_FORM_DID_NOT_OPEN), flags: 64, allowed_mentions: NO_PINGS },
    });
    expect(lateDelivery(deferralFor(command), modal, Messages.FORM_DID_NOT_OPEN)).toEqual({
      kind: "edit",
      body: { content: toMarkdown(Messages.FORM_DID_NOT_OPEN), allowed_mentions: NO_PINGS },
    });
  });
});
