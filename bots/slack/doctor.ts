import * as z from "zod";
import type { Community } from "../../core/config/schema.js";
import { type Finding, fix, ok, warn } from "../../core/doctor.js";
import type { Logger } from "../../core/log.js";
import type { SlackSettings } from "../../core/settings.js";
import { slackErrorCode } from "./errors.js";
import { createDoctorClient } from "./web-client.js";

/**
 * `gatekeeper doctor` for Slack: the bot token works (`auth.test`), belongs to each community's
 * workspace, carries every scope the manifest asks for (`x-oauth-scopes`), and the bot is a member
 * of each review channel and granted channel (`conversations.info`).
 */
export const SLACK_SCOPES = [
  "commands",
  "chat:write",
  "im:write",
  "users:read",
  "users:read.email",
  "groups:write",
  "groups:read",
] as const;

const authSchema = z.object({
  team_id: z.string(),
  user_id: z.string(),
  response_metadata: z.object({ scopes: z.array(z.string()).optional() }).optional(),
});
const channelSchema = z.object({
  channel: z.object({ id: z.string(), name: z.string().optional(), is_member: z.boolean().optional() }),
});

export async function checkSlack(
  settings: SlackSettings,
  communities: Community[],
  log: Logger,
): Promise<Finding[]> {
  const client = createDoctorClient(settings, log);
  const findings: Finding[] = [];
  let auth: z.infer<typeof authSchema>;
  try {
    auth = authSchema.parse(await client.auth.test());
  } catch (error) {
    return [
      fix(
        `Slack: the bot token was refused (${slackErrorCode(error) ?? String(error)}): copy the Bot User OAuth Token (xoxb-…) ` +
          "again from OAuth & Permissions into SLACK_BOT_TOKEN",
      ),
    ];
  }
  findings.push(ok(`Slack: the bot token works (team ${auth.team_id}, bot user ${auth.user_id})`));

  const scopes = auth.response_metadata?.scopes;
  if (!scopes) {
    findings.push(
      warn("Slack: the token's scopes were not reported; compare them with bots/slack/manifest.yaml"),
    );
  } else {
    const missing = SLACK_SCOPES.filter((s) => !scopes.includes(s));
    findings.push(
      missing.length === 0
        ? ok(`Slack: the token has every scope the bot needs (${SLACK_SCOPES.join(", ")})`)
        : fix(
            `Slack: the token lacks ${missing.join(", ")}: add ${missing.length === 1 ? "it" : "them"} under ` +
              "OAuth & Permissions → Bot Token Scopes (or paste the manifest again), then reinstall the app",
          ),
    );
  }

  for (const community of communities) {
    if (community.workspace !== auth.team_id) {
      findings.push(
        fix(
          `Slack ${community.id}: workspace is ${community.workspace} but the bot token belongs to team ` +
            `${auth.team_id}: fix workspace in the config, or use that workspace's token`,
        ),
      );
      continue;
    }
    const channels: [string, string][] = [
      [community.reviewChannel, "review channel"],
      ...community.grant.channels.map((c): [string, string] => [c, "granted channel"]),
    ];
    for (const [channel, role] of channels)
      findings.push(await checkChannel(client, community, channel, role));
  }
  return findings;
}

async function checkChannel(
  client: ReturnType<typeof createDoctorClient>,
  community: Community,
  channel: string,
  role: string,
): Promise<Finding> {
  const where = `Slack ${community.id}: ${role} ${channel}`;
  try {
    const info = channelSchema.parse(await client.conversations.info({ channel }));
    const name = info.channel.name ? `#${info.channel.name} (${channel})` : channel;
    return info.channel.is_member
      ? ok(`Slack ${community.id}: the bot is in the ${role} ${name}`)
      : fix(
          `Slack ${community.id}: the bot is not a member of the ${role} ${name}: run /invite @Gatekeeper in it`,
        );
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === "channel_not_found")
      return fix(
        `${where} was not found: check the id (channel About tab), and if it is private run /invite @Gatekeeper in it`,
      );
    if (code === "missing_scope")
      return warn(
        `${where} could not be checked (a public channel needs channels:read to look at): make sure the bot is in it`,
      );
    return warn(`${where} could not be checked (${code ?? String(error)})`);
  }
}
