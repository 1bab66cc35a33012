import { readFileSync } from "node:fs";
import { InteractionType } from "discord-api-types/v10";
import { describe, expect, it } from "vitest";
import { readPage, textValues } from "../../../bots/discord/form.js";
import { displayName, type Interaction, interactionSchema } from "../../../bots/discord/interaction.js";
import { profileFromInteraction } from "../../../bots/discord/profile.js";
import { configOf, discordCommunity } from "../../support/core.js";

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/discord/${name}.json`, import.meta.url), "utf8"));

function parse(name: string): Interaction {
  return interactionSchema.parse(fixture(name));
}

describe("incoming interactions", () => {
  it("parses every kind Discord sends, keeping only what the bot reads", () => {
    expect(parse("ping").type).toBe(InteractionType.Ping);
    const command = parse("command-apply");
    expect(command.type).toBe(InteractionType.ApplicationCommand);
    if (command.type !== InteractionType.ApplicationCommand) return;
    expect(command.data).toEqual({
      name: "apply",
      options: [{ name: "community", type: 3, value: "makers", focused: false }],
    });
    expect(command.member?.roles).toEqual(["100000000000000077"]);
    expect(command).not.toHaveProperty("channel");
    expect(parse("button-approve")).toMatchObject({
      type: 3,
      data: { custom_id: "gk:approve:r0123456789abcdef0123" },
    });
    expect(parse("autocomplete")).toMatchObject({
      type: 4,
      data: { options: [{ focused: true, value: "ma" }] },
    });
  });

  it("reads a modal submit the same in the label (type 18) and the action-row shape", () => {
    const label = parse("modal-submit-label");
    const row = parse("modal-submit-action-row");
    if (label.type !== InteractionType.ModalSubmit || row.type !== InteractionType.ModalSubmit) {
      throw new Error("not modal submits");
    }
    const expected = new Map([
      ["q:why", "I build small engines."],
      ["q:where", "London"],
      ["note", ""],
    ]);
    expect(textValues(label.data.components)).toEqual(expected);
    expect(textValues(row.data.components)).toEqual(expected);
    const community = configOf(
      discordCommunity({
        questions: [
          { id: "why", label: "Why?" },
          { id: "where", label: "Where?" },
        ],
      }),
    ).communities[0];
    if (!community) throw new Error("no community");
    expect(readPage(community, 1, textValues(label.data.components))).toEqual({
      answers: { why: "I build small engines.", where: "London" },
      note: "",
      hasNote: true,
    });
  });

  it("rejects payloads that are not interactions", () => {
    expect(interactionSchema.safeParse({ type: 2, id: "1" }).success).toBe(false);
    expect(interactionSchema.safeParse({ ...(fixture("command-apply") as object), type: 99 }).success).toBe(
      false,
    );
    const bad = fixture("modal-submit-label") as { data: { custom_id: string } };
    bad.data.custom_id = "x".repeat(101);
    expect(interactionSchema.safeParse(bad).success).toBe(false);
  });
});

describe("the applicant's profile from the interaction", () => {
  it("reads avatar, display name, account age from the snowflake (checked by hand), join time and bot flag", () => {
    const command = parse("command-apply");
    if (command.type === InteractionType.Ping) throw new Error("ping");
    expect(profileFromInteraction(command)).toEqual({
      platform: "discord",
      userId: "80351110224678912",
      name: "Ada Lovelace",
      available: true,
      hasAvatar: true,
      avatarUrl: "https://cdn.discordapp.com/avatars/80351110224678912/8342729096ea3675442027381ff50dfe.png",
      realName: "Ada Lovelace",
      accountCreatedAt: "2015-08-10T17:26:37.529Z",
      joinedAt: "2024-03-01T10:20:30.123Z",
      isBot: false,
    });
  });

  it("treats a null avatar as the default one and a missing global name as no display name", () => {
    const raw = fixture("command-apply") as {
      member: { nick: string | null; user: Record<string, unknown> };
    };
    raw.member.user.avatar = null;
    raw.member.user.global_name = null;
    raw.member.user.bot = true;
    const i = interactionSchema.parse(raw);
    if (i.type === InteractionType.Ping) throw new Error("ping");
    const profile = profileFromInteraction(i);
    expect(profile).toMatchObject({ hasAvatar: false, isBot: true, name: "ada" });
    expect(profile.realName).toBeUndefined();
    expect(profile.avatarUrl).toBeUndefined();
    raw.member.nick = "Countess";
    const nicked = interactionSchema.parse(raw);
    if (nicked.type === InteractionType.Ping) throw new Error("ping");
    expect(displayName(nicked)).toBe("Countess");
  });
});
