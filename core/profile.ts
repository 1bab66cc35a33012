import * as z from "zod";
import { platformSchema } from "./platform.js";

/**
 * What the bot knows of an applicant's platform profile, in platform-neutral terms.
 * Slack fills it from `users.info`; Discord from the interaction itself. A field the
 * platform does not provide stays undefined (and rules on it report "unknown").
 */
const fields = z.object({
  platform: platformSchema,
  userId: z.string(),
  /** Best name to show: display name, real name or username. */
  name: z.string(),
  /** False when the lookup failed; rules that need the profile then fail with "profile unavailable". */
  available: z.boolean().default(true),
  hasAvatar: z.boolean().optional(),
  avatarUrl: z.string().optional(),
  /** Slack: real name; Discord: global (display) name. */
  realName: z.string().optional(),
  /** Slack: profile title. */
  title: z.string().optional(),
  /**
   * Slack: the domain of the profile email (needs users:read.email), lower-cased. The address
   * itself is never kept: the only rule on it (`emailDomains`) needs the domain.
   */
  emailDomain: z.string().optional(),
  /** Slack: IANA time zone, e.g. Europe/Paris. */
  timezone: z.string().optional(),
  /** Discord: from the user id's timestamp. ISO-8601. */
  accountCreatedAt: z.string().optional(),
  /** Discord: when the user joined the guild. ISO-8601. */
  joinedAt: z.string().optional(),
  isBot: z.boolean().optional(),
  /** Slack: guest (restricted or ultra-restricted) account. */
  isGuest: z.boolean().optional(),
  /** Slack: deactivated account. */
  isDeleted: z.boolean().optional(),
});

/** The domain of an email address, lower-cased; undefined when there is none. */
export function emailDomainOf(email: string | undefined): string | undefined {
  const at = email?.lastIndexOf("@") ?? -1;
  const domain =
    at >= 0
      ? email
          ?.slice(at + 1)
          .trim()
          .toLowerCase()
      : undefined;
  return domain || undefined;
}

/** Profiles recorded before only the domain was kept carry `email`: read its domain, drop the rest. */
export const profileSchema = z.preprocess((raw) => {
  if (!raw || typeof raw !== "object" || !("email" in raw)) return raw;
  const { email, ...rest } = raw as Record<string, unknown>;
  const domain = typeof email === "string" ? emailDomainOf(email) : undefined;
  return "emailDomain" in rest || !domain ? rest : { ...rest, emailDomain: domain };
}, fields);

export type Profile = z.infer<typeof fields>;

/** Discord ids are snowflakes: milliseconds since the Discord epoch, shifted left 22 bits. */
export function snowflakeTimestamp(id: string): Date | undefined {
  if (!/^\d{15,21}$/.test(id)) return undefined;
  return new Date(Number((BigInt(id) >> 22n) + 1420070400000n));
}
