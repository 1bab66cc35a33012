import { App, AwsLambdaReceiver } from "@slack/bolt";
import type { APIGatewayProxyEventV2 } from "aws-lambda";

/**
 * The peer for the Slack function's cold start: a bare Bolt app on an `AwsLambdaReceiver`, the
 * way Bolt's own Lambda example builds it (app at module level), answering `/apply` by opening a
 * one-field modal. No table, no config, no rules: what Bolt itself costs.
 */
const receiver = new AwsLambdaReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET ?? "" });
const app = new App({
  token: process.env.SLACK_BOT_TOKEN ?? "",
  receiver,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL ?? "https://slack.com/api/" },
});

app.command("/apply", async ({ ack, body, client }) => {
  await client.views.open({
    trigger_id: body.trigger_id,
    view: {
      type: "modal",
      callback_id: "apply",
      title: { type: "plain_text", text: "Apply" },
      submit: { type: "plain_text", text: "Send" },
      blocks: [
        {
          type: "input",
          block_id: "why",
          label: { type: "plain_text", text: "Why do you want to join?" },
          element: { type: "plain_text_input", action_id: "value" },
        },
      ],
    },
  });
  await ack();
});

const bolt = receiver.toHandler();

export const handler = (event: APIGatewayProxyEventV2, context: unknown) => bolt(event as never, context);
