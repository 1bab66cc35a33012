import type { BlockAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";

/** "Open card" is a link button; Slack still sends the click, which only needs acknowledging. */
export function homeOpen(): Middleware<SlackActionMiddlewareArgs<BlockAction>> {
  return async ({ ack }) => {
    await ack();
  };
}
