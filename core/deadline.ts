/**
 * Every interaction, on either platform, is answered within one budget, measured from the moment
 * the handler received it (Slack and Discord both stop waiting at 3 seconds). On Slack, Bolt's
 * `AwsLambdaReceiver` answers only when the listener returns, so every slow call a listener makes
 * is bounded by what is left of the budget (bots/slack/deadline.ts); on Discord a handler that has
 * not answered by then is answered with a deferral and finishes after it (bots/discord/answer.ts).
 * A call that does not fit is abandoned (`within`) or finished after the answer (`raceDeadline`).
 */
export const ANSWER_BUDGET_MS = 2_500;

export interface Deadline {
  /** Milliseconds left before the answer must go. */
  remaining(): number;
}

export function deadlineFrom(receivedAt: number | undefined, budgetMs = ANSWER_BUDGET_MS): Deadline {
  const start = receivedAt !== undefined && Number.isFinite(receivedAt) ? receivedAt : Date.now();
  return { remaining: () => start + budgetMs - Date.now() };
}

export class LateError extends Error {
  override name = "LateError";
}

/**
 * Waits for `work` at most until the deadline, keeping `reserveMs` for what must still happen
 * after it (e.g. recording the request). Past that it rejects with `LateError`; the call itself
 * carries on unobserved.
 */
export async function within<T>(deadline: Deadline, work: Promise<T>, reserveMs = 0): Promise<T> {
  const left = deadline.remaining() - reserveMs;
  if (left <= 0) {
    work.catch(() => undefined);
    throw new LateError("no time left in the answer budget");
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LateError(`not done within ${left} ms`)), left);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
    work.catch(() => undefined);
  }
}

/** `work`'s value if it settled in time, else the promise itself, still running. */
export type Raced<T> = { done: true; value: T } | { done: false; later: Promise<T> };

/**
 * Waits for `work` at most until the deadline (keeping `reserveMs` for the answer itself). Unlike
 * `within`, work that is late is not abandoned: the caller answers now and finishes it after the
 * answer (a decision still gets recorded; its reply goes another way). A rejection of late work is
 * the caller's to handle on `later`.
 */
export async function raceDeadline<T>(
  deadline: Deadline,
  work: Promise<T>,
  reserveMs = 0,
): Promise<Raced<T>> {
  const left = deadline.remaining() - reserveMs;
  if (left <= 0) return { done: false, later: work };
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), left);
  });
  try {
    const first = await Promise.race([work.then((value) => ({ value })), late]);
    return first === "late" ? { done: false, later: work } : { done: true, value: first.value };
  } finally {
    clearTimeout(timer);
  }
}

/** What an answer keeps, out of its budget, for a short reply after the work (an ephemeral post, a deferral). */
export const REPLY_RESERVE_MS = 400;

/** For a reply sent after the answer went: no longer bound by the platform's 3 seconds, only by the client's timeout. */
export function afterAnswer(timeoutMs = 10_000): Deadline {
  return deadlineFrom(Date.now(), timeoutMs);
}
