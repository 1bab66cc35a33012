/// <reference path="./.sst/platform/config.d.ts" />

/**
 * Gatekeeper on AWS: `npx sst deploy --stage prod` (the README's "Deploying to AWS" walks through it).
 *
 * Every stage is a separate copy (table, functions, secrets). `prod` keeps its data: its
 * resources are retained if the stage is removed, `sst remove` refuses to run on it, and its
 * table has deletion protection and point-in-time recovery (stacks/storage.ts). Any other stage
 * (`sst dev` makes one per developer) is removed completely.
 */
const PRODUCTION_STAGE = "prod";

export default $config({
  app(input) {
    const production = input?.stage === PRODUCTION_STAGE;
    return {
      name: "gatekeeper",
      home: "aws",
      removal: production ? "retain" : "remove",
      protect: production,
    };
  },
  async run() {
    const production = $app.stage === PRODUCTION_STAGE;
    const { checkConfigFile } = await import("./stacks/common.js");
    const { createSecrets } = await import("./stacks/secrets.js");
    const { createStorage } = await import("./stacks/storage.js");
    const { createBots } = await import("./stacks/bots.js");
    const { createWorker } = await import("./stacks/worker.js");
    const { createSweeper } = await import("./stacks/sweeper.js");
    const { createAlarms } = await import("./stacks/alarms.js");

    checkConfigFile();
    const secrets = createSecrets();
    const table = createStorage({ production });
    const bots = createBots(table, secrets);
    const worker = createWorker(table, secrets);
    const sweepers = createSweeper(table, secrets);
    const alarms = createAlarms({
      functions: {
        Slack: bots.slack.name,
        Discord: bots.discord.name,
        ...Object.fromEntries(
          worker.subscribers.map((w) => [w.name, w.subscriber.apply((s) => s.nodes.function.name)]),
        ),
        ...Object.fromEntries(sweepers.map((s) => [s.name, s.cron.nodes.function.name])),
      },
      failureQueueName: worker.failures.nodes.queue.name,
    });

    return {
      /** Slack app: Slash Commands, Interactivity and Event Subscriptions request URL. */
      slackRequestUrl: bots.slackUrl,
      /** Discord application: General Information, Interactions Endpoint URL. */
      discordInteractionsUrl: bots.discordUrl,
      table: table.name,
      workerFailureQueue: worker.failures.url,
      /** SNS topic the CloudWatch alarms notify (email: the AlarmEmail secret). */
      alarmTopic: alarms.topic.arn,
    };
  },
});
