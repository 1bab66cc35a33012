/**
 * Every Slack interaction is answered within one budget, measured from the moment the handler
 * received it: Bolt's `AwsLambdaReceiver` answers only when the listener returns, so every slow
 * platform call a listener makes is bounded by what is left of the budget. A call that does not
 * fit is abandoned (logged), never waited for: Slack stops waiting at 3 seconds.
 */
export const ANSWER_BUDGET_MS = 2_500;

/** The header the Slack handler stamps on each request so listeners know when it arrived. */
export const RECEIVED_AT_HEADER = "x-gatekeeper-received-at";

export interface Deadline {
  /** Milliseconds left before the answer must go. */
  remaining(): number;
}

export function deadlineFrom(receivedAt: number | undefined, budgetMs = ANSWER_BUDGET_MS): Deadline {
  const start = receivedAt !== undefined && Number.isFinite(receivedAt) ? receivedAt : Date.now();
  return { remaining: () => start + budgetMs - Date.now() };
}

/** Bolt's context carries `receivedAt` (from the receiver's custom properties). */
export function deadlineOf(context: Record<string, unknown>): Deadline {
  const receivedAt = context.receivedAt;
  return deadlineFrom(typeof receivedAt === "number" ? receivedAt : undefined);
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

/** What an answer keeps, out of its budget, for a short reply after the work (an ephemeral post). */
export const REPLY_RESERVE_MS = 400;

/** For a reply sent after the answer went: no longer bound by Slack's 3 seconds, only by the client's timeout. */
export function afterAnswer(timeoutMs = 10_000): Deadline {
  return deadlineFrom(Date.now(), timeoutMs);
}
