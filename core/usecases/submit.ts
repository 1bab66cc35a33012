import * as Capacity from "../capacity.js";
import * as Communities from "../communities.js";
import type { Community } from "../config/schema.js";
import type { Core } from "../context.js";
import { earlierRequests, historyOf } from "../history.js";
import type { JoinRequest } from "../model.js";
import { type FieldError, type Refusal, validateAnswers } from "../policy.js";
import type { Profile } from "../profile.js";
import * as Requests from "../requests.js";
import type { Origin } from "./origin.js";

export interface SubmitInput {
  communityId: string;
  /** The same submission (Slack view id, Discord form id) is recorded once. */
  submissionKey: string;
  answers: Record<string, string | undefined>;
  note?: string | undefined;
  /** A promise (the platform's lookup under way) is awaited alongside the recording's reads. */
  profile: Profile | Promise<Profile>;
}

export type SubmitOutcome =
  /** The form names a community that is not (or no longer) set up in the origin's workspace. */
  | { kind: "gone" }
  | { kind: "invalid"; community: Community; errors: FieldError[] }
  | { kind: "refused"; community: Community; refusal: Refusal }
  | Recorded;

export type Recorded = {
  kind: "recorded";
  community: Community;
  request: JoinRequest;
  replay: boolean;
  waitlistPosition: number | undefined;
};

/** The community a form names, if it belongs to the origin's platform and workspace. */
export function formCommunity(core: Core, origin: Origin, communityId: string): Community | undefined {
  const community = Communities.find(core, communityId);
  return community?.platform === origin.platform && community.workspace === origin.workspace
    ? community
    : undefined;
}

/**
 * An application form comes back: recorded (once, whatever the retries), refused, or sent back
 * with field errors. The applicant is told only what was recorded.
 */
export async function submit(core: Core, origin: Origin, input: SubmitInput): Promise<SubmitOutcome> {
  const community = formCommunity(core, origin, input.communityId);
  if (!community) return { kind: "gone" };
  // The card shows the applicant's earlier requests here: one index query, only for a valid form,
  // made alongside the recording's own reads (Requests.submit awaits it).
  const clean = validateAnswers(community, input.answers, input.note);
  const history =
    clean.errors.length === 0
      ? earlierRequests(core, community, origin.userId).then((earlier) =>
          historyOf(clean.answers, earlier, Requests.requestIdFor(community, input.submissionKey)),
        )
      : undefined;
  const outcome = await Requests.submit(core, {
    community,
    submissionKey: input.submissionKey,
    applicant: { userId: origin.userId, name: origin.name },
    answers: input.answers,
    note: input.note,
    profile: input.profile,
    history,
  });
  if (outcome.kind !== "recorded") return { ...outcome, community };
  return recorded(core, community, outcome.request, outcome.replay);
}

/** A form that was already recorded (a resubmitted or re-opened paged form), if it was. */
export async function findSubmission(
  core: Core,
  community: Community,
  submissionKey: string,
): Promise<Recorded | undefined> {
  const request = await Requests.get(core, Requests.requestIdFor(community, submissionKey));
  return request ? recorded(core, community, request, true) : undefined;
}

async function recorded(
  core: Core,
  community: Community,
  request: JoinRequest,
  replay: boolean,
): Promise<Recorded> {
  const waitlistPosition = await Capacity.waitlistPosition(core, request);
  return { kind: "recorded", community, request, replay, waitlistPosition };
}
