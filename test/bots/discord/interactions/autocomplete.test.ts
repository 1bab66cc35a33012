import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { autocompleteInteraction, testMember } from "../../../support/discord-interactions.js";
import {
  community,
  EMPTY_GUILD,
  OTHER_GUILD,
  otherGuildCommunity,
  outsideGuild,
  type Scene,
  startScene,
} from "../../../support/discord-scene.js";

/**
 * The community option's suggestions (bots/discord/interactions/autocomplete.ts): this server's
 * communities whose id or name holds what was typed, as "Name (id)" choices (8), at most 25,
 * each at most 100 characters. Outside a server there is nothing to suggest.
 */
const CROWDED = "400000000000000001";
const LONG_NAME = `The ${"Very ".repeat(13)}Long Name`;
const LONG_ID = "a-community-with-a-very-long-identifier";

let s: Scene;

beforeAll(async () => {
  s = await startScene([
    community({ id: "makers", name: "Makers Guild" }),
    community({ id: LONG_ID, name: LONG_NAME }),
    community({ id: "knitters", name: "Knitting Circle" }),
    otherGuildCommunity({ id: "elsewhere", name: "Another Server's Club" }),
    ...Array.from({ length: 26 }, (_, i) =>
      community({ id: `c${String(i + 1).padStart(2, "0")}`, name: `Crowd ${i + 1}`, workspace: CROWDED }),
    ),
  ]);
});
afterAll(async () => {
  await s?.close();
});

async function suggest(typed: string, opts: { guild?: string; command?: string } = {}) {
  const answer = await s.post(
    `autocomplete "${typed}"`,
    autocompleteInteraction({
      ...s.base(testMember(), opts.guild),
      name: opts.command ?? "apply",
      option: "community",
      typed,
    }),
  );
  expect(answer.status).toBe(200);
  expect(answer.json.type).toBe(8);
  return answer.json.data?.choices ?? [];
}

const LONG_CHOICE = `${LONG_NAME} (${LONG_ID})`;
const longChoice = `${LONG_CHOICE.slice(0, 99)}…`;

describe("community autocomplete", () => {
  it("suggests every community of this server, in config order, when nothing is typed", async () => {
    expect(await suggest("")).toEqual([
      { name: "Makers Guild (makers)", value: "makers" },
      { name: longChoice, value: LONG_ID },
      { name: "Knitting Circle (knitters)", value: "knitters" },
    ]);
    expect(longChoice).toHaveLength(100);
  });

  it("matches what was typed against ids and names, ignoring case and spaces around it", async () => {
    expect((await suggest("KER")).map((c) => c.value)).toEqual(["makers"]);
    expect((await suggest("  guild ")).map((c) => c.value)).toEqual(["makers"]);
    expect((await suggest("kni")).map((c) => c.value)).toEqual(["knitters"]);
    expect((await suggest("very long")).map((c) => c.value)).toEqual([LONG_ID]);
    expect(await suggest("nothing like it")).toEqual([]);
  });

  it("suggests the same for /apply-withdraw", async () => {
    expect((await suggest("", { command: "apply-withdraw" })).map((c) => c.value)).toEqual([
      "makers",
      LONG_ID,
      "knitters",
    ]);
  });

  it("suggests only the communities of the server it is asked from", async () => {
    expect(await suggest("", { guild: OTHER_GUILD })).toEqual([
      { name: "Another Server's Club (elsewhere)", value: "elsewhere" },
    ]);
    expect(await suggest("makers", { guild: OTHER_GUILD })).toEqual([]);
    expect(await suggest("", { guild: EMPTY_GUILD })).toEqual([]);
  });

  it("suggests at most 25", async () => {
    const choices = await suggest("", { guild: CROWDED });
    expect(choices.map((c) => c.value)).toEqual(
      Array.from({ length: 25 }, (_, i) => `c${String(i + 1).padStart(2, "0")}`),
    );
    expect((await suggest("crowd 26", { guild: CROWDED })).map((c) => c.value)).toEqual(["c26"]);
  });

  it("suggests nothing outside a server, or when no option is focused it suggests everything", async () => {
    const member = testMember();
    const dm = outsideGuild(
      autocompleteInteraction({ ...s.base(member), name: "apply", option: "community", typed: "" }),
    );
    expect((await s.post("autocomplete in a DM", dm)).json).toEqual({ type: 8, data: { choices: [] } });

    const unfocused = autocompleteInteraction({
      ...s.base(member),
      name: "apply",
      option: "community",
      typed: "zzz",
    });
    const payload = {
      ...unfocused,
      data: { ...unfocused.data, options: [{ name: "community", type: 3, value: "zzz" }] },
    };
    const answer = await s.post("autocomplete (nothing focused)", payload);
    expect(answer.json.data?.choices?.map((c) => c.value)).toEqual(["makers", LONG_ID, "knitters"]);
  });
});
