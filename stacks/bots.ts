import { ENDPOINT_PATHS } from "../core/deployment.js";
import { functionDefaults } from "./common.js";
import type { Secrets } from "./secrets.js";
import type { Storage } from "./storage.js";

/**
 * The Slack and Discord endpoints: one function each, behind a Lambda Function URL (no API
 * Gateway to pay for or configure). The handlers accept any path, so the URL printed for each
 * app carries the same path as the local server's route.
 *
 * Memory 1024 MB: Lambda's CPU share grows with memory, and both platforms want an answer within
 * 3 seconds, cold start included (loading the bundle, reading the links, a DynamoDB transaction,
 * sometimes a modal to open). Each call is short, so the larger size costs little per request.
 * Timeout 10 s: past 3 s the platform has stopped waiting, but a write already in flight is
 * allowed to finish so the table stays consistent; a hung call cannot run up the bill.
 */
export function createBots(storage: Storage, secrets: Secrets) {
  const common = {
    ...functionDefaults(storage, secrets),
    memory: "1024 MB" as const,
    timeout: "10 seconds" as const,
    // Server-to-server webhooks: no browser calls them, so no CORS headers.
    url: { cors: false },
  };
  const slack = new sst.aws.Function("Slack", {
    ...common,
    description: "Gatekeeper: Slack slash commands, interactivity and events",
    handler: "functions/slack.handler",
  });
  const discord = new sst.aws.Function("Discord", {
    ...common,
    description: "Gatekeeper: Discord interactions endpoint",
    handler: "functions/discord.handler",
  });
  const endpoint = (fn: sst.aws.Function, route: string) =>
    fn.url.apply((url) => `${url.replace(/\/+$/, "")}${route}`);
  return {
    slack,
    discord,
    slackUrl: endpoint(slack, ENDPOINT_PATHS.slack),
    discordUrl: endpoint(discord, ENDPOINT_PATHS.discord),
  };
}
