import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config/load.js";
import { defaultUser } from "../support/fake-slack.js";
import { type SlackBot, startSlackBot } from "../support/slack-bot.js";

/**
 * The applicant's email, end to end: the rule needs the domain only, so the card shows the
 * domain, and the full address is neither stored nor logged (even at debug level).
 */
const CONFIG = parseConfig(
  `
communities:
  - id: makers
    name: Makers
    platform: slack
    workspace: T0TEST
    reviewChannel: C0REVIEW
    moderators: { users: [U0MOD1] }
    grant: { channels: [C0MEMBERS] }
    rules: { emailDomains: [shop.example] }
    questions:
      - { id: why, label: Why?, maxLength: 200 }
`,
  "slack-privacy.yaml",
);

let bot: SlackBot;
beforeAll(async () => {
  bot = await startSlackBot(CONFIG, { logLevel: "debug" });
});
afterAll(() => bot.close());

describe("the applicant's email", () => {
  it("is shown on the card as its domain only, and never stored or logged in full", async () => {
    const user = defaultUser("U0MAIL1");
    bot.fake.setUser({ ...user, profile: { ...user.profile, email: "jane.doe+gk@Shop.Example" } });
    const { requestId } = await bot.apply("U0MAIL1", "makers", { "q:why": "I sell things" });
    await bot.cardOf(requestId);
    const card = bot.fake
      .succeeded("chat.postMessage")
      .find((c) => JSON.stringify(c.params).includes(requestId));
    const shown = JSON.stringify(card?.params);
    expect(shown).toContain("shop.example");
    expect(shown).not.toMatch(/jane\.doe/i);
    // The rule still passes on the domain.
    expect(shown).toContain("Email domain");
    expect(shown).toMatch(/white_check_mark:\s*\*Email domain\*/);

    const scan = await bot.server.runtime.core.store.doc.send(
      new ScanCommand({ TableName: bot.server.runtime.core.store.table }),
    );
    expect(JSON.stringify(scan.Items)).not.toMatch(/jane\.doe/i);
    expect(bot.logs.filter((l) => /jane\.doe/i.test(l))).toEqual([]);
  });
});
