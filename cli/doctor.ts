import type { GatekeeperConfig } from "../core/config/schema.js";
import { type Finding, fix, ok } from "../core/doctor.js";
import type { Logger } from "../core/log.js";
import type { Settings } from "../core/settings.js";

/**
 * `gatekeeper doctor`: checks the config's communities against the platforms with the
 * credentials at hand (read-only calls), one line per check. Exit 1 when anything needs fixing.
 */
export async function runDoctor(opts: {
  settings: Settings;
  config: GatekeeperConfig;
  log: Logger;
  write: (line: string) => void;
}): Promise<number> {
  const { settings, config } = opts;
  const findings: Finding[] = [ok(`Config: ${config.communities.length} communities, valid`)];
  const slack = config.communities.filter((c) => c.platform === "slack");
  const discord = config.communities.filter((c) => c.platform === "discord");

  if (slack.length > 0) {
    if (!settings.slack) {
      findings.push(
        fix(
          `Slack is off but ${slack.map((c) => c.id).join(", ")} ${slack.length === 1 ? "uses" : "use"} it: set SLACK_BOT_TOKEN ` +
            "and SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET (HTTP)",
        ),
      );
    } else {
      const { checkSlack } = await import("../bots/slack/doctor.js");
      findings.push(...(await checkSlack(settings.slack, slack, opts.log)));
    }
  }
  if (discord.length > 0) {
    if (!settings.discord) {
      findings.push(
        fix(
          `Discord is off but ${discord.map((c) => c.id).join(", ")} ${discord.length === 1 ? "uses" : "use"} it: set ` +
            "DISCORD_BOT_TOKEN (with DISCORD_TRANSPORT=gateway), or DISCORD_PUBLIC_KEY, DISCORD_APPLICATION_ID and DISCORD_BOT_TOKEN",
        ),
      );
    } else {
      const { checkDiscord } = await import("../bots/discord/doctor.js");
      findings.push(...(await checkDiscord(settings.discord, discord)));
    }
  }

  const mark = { ok: "ok  ", warn: "??  ", fix: "FIX " } as const;
  for (const f of findings) opts.write(`${mark[f.level]} ${f.text}`);
  const problems = findings.filter((f) => f.level === "fix").length;
  opts.write(
    problems === 0
      ? "Everything checked is in order."
      : `${problems} ${problems === 1 ? "thing needs" : "things need"} fixing (the FIX lines above).`,
  );
  return problems === 0 ? 0 : 1;
}
