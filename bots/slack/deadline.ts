import { type Deadline, deadlineFrom } from "../../core/deadline.js";

/**
 * Slack's side of the answer budget (core/deadline.ts): Bolt's `AwsLambdaReceiver` answers only
 * when the listener returns, so every slow platform call a listener makes is bounded by what is
 * left of the budget. A call that does not fit is abandoned (logged), never waited for.
 */
export {
  ANSWER_BUDGET_MS,
  afterAnswer,
  type Deadline,
  deadlineFrom,
  LateError,
  type Raced,
  REPLY_RESERVE_MS,
  raceDeadline,
  within,
} from "../../core/deadline.js";

/** The header the Slack handler stamps on each request so listeners know when it arrived. */
export const RECEIVED_AT_HEADER = "x-gatekeeper-received-at";

/** Bolt's context carries `receivedAt` (from the receiver's custom properties). */
export function deadlineOf(context: Record<string, unknown>): Deadline {
  const receivedAt = context.receivedAt;
  return deadlineFrom(typeof receivedAt === "number" ? receivedAt : undefined);
}
