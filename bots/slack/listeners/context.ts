import type { AnyMiddlewareArgs, CodedError, Middleware } from "@slack/bolt";
import * as z from "zod";
import { METRIC } from "../../../core/deployment.js";
import { withLogContext } from "../../../core/log.js";
import type { ListenerDeps } from "./deps.js";

/**
 * What every Slack interaction shares, whichever receiver delivered it (Lambda's HTTP receiver or
 * Socket Mode): its log lines carry the platform and the kind of interaction (plus the request id
 * and community once a listener learns them), and the time until its listener finished is
 * recorded as the answer time (Bolt answers, or acknowledges the envelope, by then at the latest).
 */
const bodySchema = z.object({
  type: z.string().optional(),
  command: z.string().optional(),
  event: z.object({ type: z.string() }).optional(),
});

/** `command`, `view_submission`, `block_actions`, `event:member_left_channel`, … */
export function interactionKind(body: unknown): string {
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) return "unknown";
  const b = parsed.data;
  if (b.command) return "command";
  if (b.type === "event_callback" && b.event) return `event:${b.event.type}`;
  return b.type ?? "unknown";
}

export function interactionContext(deps: ListenerDeps): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const started = performance.now();
    await withLogContext({ platform: "slack", interaction: interactionKind(body) }, next);
    deps.core.metrics?.answerTime(performance.now() - started);
  };
}

/** Logged, counted, then rethrown: over HTTP Slack gets a 500; over Socket Mode the envelope is not acknowledged. Either way Slack retries. */
export function listenerFailed(deps: ListenerDeps): (error: CodedError) => Promise<void> {
  return async (error) => {
    deps.log.error("slack listener failed", { error: error.original ?? error, code: error.code });
    deps.core.metrics?.count(METRIC.handlerErrors);
    throw error;
  };
}
