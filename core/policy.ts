import type { Seats } from "./capacity.js";
import type { Community } from "./config/schema.js";
import type { ApplicantStanding, JoinRequest, RequestStatus } from "./model.js";
import type { Evaluation } from "./rules.js";
import { failureSummary } from "./rules.js";

/**
 * The gatekeeping policy as pure functions: who may apply, what a new request becomes, when a
 * cooldown ends, whether answers are acceptable. No I/O: the use cases read the table and call
 * these; the pure test project covers them without DynamoDB.
 */

const DAY_MS = 86_400_000;

/** Why an applicant may not apply right now. Adapters phrase it through `core/messages.ts`. */
export type Refusal =
  | { reason: "pending"; requestId: string }
  | { reason: "waitlisted"; requestId: string }
  | { reason: "member"; since: string }
  | { reason: "cooldown"; until: string }
  | { reason: "blocked" }
  | { reason: "full" };

export interface FieldError {
  /** A question id, or `note`. */
  field: string;
  message: string;
}

/** Whether the applicant's standing lets them apply at `now` (the open request's status aside). */
export function refusalFor(
  community: Community,
  userId: string,
  standing: ApplicantStanding,
  now: Date,
): Refusal | undefined {
  if (standing.blocked || community.blocklist.includes(userId)) return { reason: "blocked" };
  if (standing.memberSince) return { reason: "member", since: standing.memberSince };
  if (standing.activeRequestId) return { reason: "pending", requestId: standing.activeRequestId };
  if (standing.cooldownUntil && standing.cooldownUntil > now.toISOString())
    return { reason: "cooldown", until: standing.cooldownUntil };
  return undefined;
}

/** An open request refusal names what the open request is: waiting for review, or on the waitlist. */
export function refineOpen(refusal: Refusal, open: JoinRequest | undefined): Refusal {
  return refusal.reason === "pending" && open?.status === "waitlisted"
    ? { reason: "waitlisted", requestId: refusal.requestId }
    : refusal;
}

/**
 * What a new request becomes at once: declined by rules (when the community declines on rule
 * failures) or because it is full (when it declines while full), approved or waitlisted (when it
 * approves automatically and every rule passed), or pending review.
 *
 * A rule the bot could not check (the profile was unavailable) is never grounds for an automatic
 * decline: such a request goes to review, where the card flags it.
 */
export function initialStatus(
  community: Community,
  evaluation: Evaluation,
  seats: Seats,
): { status: RequestStatus; reason?: string } {
  const full = seats.capacity !== undefined && seats.used >= seats.capacity;
  const unchecked = evaluation.rules.some((r) => !r.passed && !r.checked);
  if (!evaluation.passed && community.onRuleFailure === "deny" && !unchecked)
    return { status: "denied", reason: failureSummary(evaluation) };
  if (full && community.whenFull === "deny") return { status: "denied", reason: "The community is full." };
  if (community.autoApprove && evaluation.passed) return { status: full ? "waitlisted" : "approved" };
  return { status: "pending" };
}

/** When a moderator's denial lets the applicant apply again; undefined when there is no cooldown. */
export function cooldownUntil(community: Community, now: Date): string | undefined {
  return community.cooldownDays > 0
    ? new Date(now.getTime() + community.cooldownDays * DAY_MS).toISOString()
    : undefined;
}

/** Checks the answers against the community's questions: required, lengths. Trims whitespace. */
export function validateAnswers(
  community: Community,
  answers: Record<string, string | undefined>,
  note: string | undefined,
): { errors: FieldError[]; answers: JoinRequest["answers"]; note: string | undefined } {
  const errors: FieldError[] = [];
  const clean: JoinRequest["answers"] = [];
  for (const q of community.questions) {
    const value = (answers[q.id] ?? "").trim();
    if (!value) {
      if (q.required) errors.push({ field: q.id, message: "This answer is required." });
    } else if ([...value].length > q.maxLength) {
      errors.push({ field: q.id, message: `Please keep it under ${q.maxLength} characters.` });
    } else if ([...value].length < q.minLength) {
      errors.push({ field: q.id, message: `Please write at least ${q.minLength} characters.` });
    }
    clean.push({ id: q.id, label: q.label, value });
  }
  const trimmedNote = note?.trim() || undefined;
  if (!trimmedNote && community.note.required) errors.push({ field: "note", message: "A note is required." });
  if (trimmedNote && [...trimmedNote].length > community.note.maxLength) {
    errors.push({
      field: "note",
      message: `Please keep the note under ${community.note.maxLength} characters.`,
    });
  }
  return { errors, answers: clean, note: trimmedNote };
}
