import type { Claim, JoinRequest } from "./model.js";

/**
 * Whether a request's claim still holds, as a pure function of the record: shared by the claims
 * records module (`core/claims.ts`) and the moderators' queue (`core/queue.ts`).
 */
export function liveClaim(request: JoinRequest, now: Date): Claim | undefined {
  return request.claim && request.claim.until > now.toISOString() ? request.claim : undefined;
}
