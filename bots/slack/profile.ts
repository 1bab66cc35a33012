import * as z from "zod";
import type { Logger } from "../../core/log.js";
import { emailDomainOf, type Profile } from "../../core/profile.js";
import { type Deadline, within } from "./deadline.js";
import type { WebClient } from "./web-client.js";

/** What a form submission keeps of its answer budget for recording the request after the lookup. */
export const RECORD_RESERVE_MS = 800;

/**
 * The applicant's Slack profile, from `users.info` (`users:read`; the email needs
 * `users:read.email`). One short attempt: a slow or failed lookup gives a profile marked
 * unavailable (rules that need it fail with that reason) instead of a slow answer.
 */

const blank = z
  .string()
  .nullish()
  .transform((v) => (v?.trim() ? v.trim() : undefined));

const usersInfoSchema = z.object({
  user: z.object({
    id: z.string(),
    name: blank,
    real_name: blank,
    tz: blank,
    deleted: z.boolean().optional(),
    is_bot: z.boolean().optional(),
    is_app_user: z.boolean().optional(),
    is_restricted: z.boolean().optional(),
    is_ultra_restricted: z.boolean().optional(),
    profile: z
      .object({
        real_name: blank,
        display_name: blank,
        title: blank,
        email: blank,
        is_custom_image: z.boolean().optional(),
        image_192: blank,
      })
      .prefault({}),
  }),
});

/** Maps a `users.info` answer onto the core's profile. */
export function profileFromUsersInfo(userId: string, fallbackName: string, answer: unknown): Profile {
  const { user } = usersInfoSchema.parse(answer);
  const p = user.profile;
  const realName = p.real_name ?? user.real_name;
  return {
    platform: "slack",
    userId,
    name: p.display_name ?? realName ?? user.name ?? fallbackName,
    available: true,
    hasAvatar: p.is_custom_image === true,
    ...(p.image_192 ? { avatarUrl: p.image_192 } : {}),
    ...(realName ? { realName } : {}),
    ...(p.title ? { title: p.title } : {}),
    ...(emailDomainOf(p.email) ? { emailDomain: emailDomainOf(p.email) } : {}),
    ...(user.tz ? { timezone: user.tz } : {}),
    isBot: user.is_bot === true || user.is_app_user === true,
    isGuest: user.is_restricted === true || user.is_ultra_restricted === true,
    isDeleted: user.deleted === true,
  };
}

/** What is known without a profile: the id and the handle from the payload. */
export function unavailableProfile(userId: string, name: string): Profile {
  return { platform: "slack", userId, name, available: false };
}

export async function lookupProfile(
  client: WebClient,
  userId: string,
  fallbackName: string,
  log: Logger,
  deadline: Deadline,
): Promise<Profile> {
  const started = Date.now();
  try {
    const answer = await within(deadline, client.users.info({ user: userId }), RECORD_RESERVE_MS);
    return profileFromUsersInfo(userId, fallbackName, answer);
  } catch (error) {
    log.warn("slack users.info failed; recording the request without a profile", {
      userId,
      ms: Date.now() - started,
      error,
    });
    return unavailableProfile(userId, fallbackName);
  }
}
