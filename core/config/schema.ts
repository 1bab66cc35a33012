import * as z from "zod";
import { platformSchema } from "../platform.js";

/**
 * The `gatekeeper.yaml` schema: the single source of the config's types, its validation,
 * its defaults and the JSON Schema that editors use (`npm run schema`).
 */

const RESERVED_IDS = ["status", "withdraw", "help"] as const;

const slackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, "a Slack user id like U0123ABCD");
const slackChannelId = z.string().regex(/^[CG][A-Z0-9]{2,}$/, "a Slack channel id like C0123ABCD");
const slackTeamId = z.string().regex(/^T[A-Z0-9]{2,}$/, "a Slack team id like T0123ABCD");
const snowflake = z.string().regex(/^\d{15,21}$/, "a Discord id (15 to 21 digits)");

export const questionSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9_-]{1,30}$/, "1 to 30 of a-z, 0-9, '_' or '-'")
      .refine((id) => id !== "note", { message: 'is reserved for the personal note ("note")' })
      .describe("Stable id of the question; answers are stored under it ('note' is reserved)."),
    label: z.string().min(1).max(45).describe("The question as shown on the form (at most 45 characters)."),
    style: z
      .enum(["short", "paragraph"])
      .default("short")
      .describe("short: one line; paragraph: several lines."),
    required: z.boolean().default(true).describe("Whether an answer is required."),
    placeholder: z.string().max(100).optional().describe("Hint shown in the empty field."),
    minLength: z.int().min(0).max(4000).default(0).describe("Fewest characters accepted."),
    maxLength: z.int().min(1).max(3000).default(500).describe("Most characters accepted."),
  })
  .strict();

export const rulesSchema = z
  .object({
    requireAvatar: z
      .boolean()
      .default(false)
      .describe("Slack: a custom profile image; Discord: a non-default avatar."),
    requireRealName: z
      .boolean()
      .default(false)
      .describe("Slack: a real name; Discord: a display (global) name."),
    requireTitle: z.boolean().default(false).describe("Slack only: a profile title."),
    minAccountAgeDays: z
      .int()
      .min(0)
      .max(36500)
      .optional()
      .describe("Discord only: the account's age in days, from the user id's timestamp."),
    emailDomains: z
      .array(
        z
          .string()
          .toLowerCase()
          .regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, "a domain like example.com"),
      )
      .optional()
      .describe("Slack only: the profile email's domain must be one of these (needs users:read.email)."),
    timezonePrefixes: z
      .array(z.string().min(1))
      .optional()
      .describe("Slack only: the profile time zone must start with one of these, e.g. Europe/."),
    titleKeywords: z
      .array(z.string().min(1))
      .optional()
      .describe("Slack only: the profile title must contain one of these words (case-insensitive)."),
    minProfileScore: z
      .int()
      .min(0)
      .max(100)
      .optional()
      .describe("The profile-strength score (0..100) must reach this."),
  })
  .strict();

export const communitySchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9-]{2,40}$/, "2 to 40 of a-z, 0-9 or '-'")
      .refine((id) => !(RESERVED_IDS as readonly string[]).includes(id), {
        message: `is reserved (${RESERVED_IDS.join(", ")} are subcommands)`,
      })
      .describe("What applicants type after /apply; unique across the file."),
    name: z.string().min(1).max(80).describe("Display name."),
    description: z
      .string()
      .max(500)
      .default("")
      .describe("One or two sentences shown in lists and on the form."),
    platform: platformSchema.describe("Where the community lives."),
    workspace: z.string().min(1).describe("Slack team id (T…) or Discord guild id."),
    reviewChannel: z.string().min(1).describe("Channel id where approval cards are posted."),
    moderators: z
      .object({
        users: z.array(z.string().min(1)).default([]).describe("User ids who may approve or deny."),
        roles: z
          .array(z.string().min(1))
          .default([])
          .describe("Discord role ids whose members may approve or deny."),
      })
      .strict()
      .describe("Who may decide; any match is enough."),
    grant: z
      .object({
        channels: z
          .array(z.string().min(1))
          .default([])
          .describe("Slack: private channels the applicant is invited to."),
        roles: z.array(z.string().min(1)).default([]).describe("Discord: roles added to the applicant."),
      })
      .strict()
      .describe("What approval gives."),
    questions: z.array(questionSchema).max(25).default([]).describe("Membership questions, in order."),
    note: z
      .object({
        required: z.boolean().default(false),
        maxLength: z.int().min(1).max(1000).default(300),
      })
      .strict()
      .default({ required: false, maxLength: 300 })
      .describe("The optional personal note (LinkedIn-style)."),
    rules: rulesSchema.default({
      requireAvatar: false,
      requireRealName: false,
      requireTitle: false,
    }),
    onRuleFailure: z
      .enum(["review", "deny"])
      .default("review")
      .describe("review: flag failures on the card; deny: decline automatically, with reasons."),
    autoApprove: z
      .boolean()
      .default(false)
      .describe("Approve without review when every rule passes and a seat is free."),
    capacity: z.int().min(0).optional().describe("Most members admitted; absent means unlimited."),
    whenFull: z
      .enum(["waitlist", "deny"])
      .default("waitlist")
      .describe("waitlist: approved applicants queue for a seat; deny: decline new requests while full."),
    cooldownDays: z
      .number()
      .min(0)
      .max(3650)
      .default(30)
      .describe("After a denial, days before the applicant may apply again."),
    pendingExpiryDays: z
      .number()
      .min(0.001)
      .max(365)
      .default(14)
      .describe("Pending requests expire after this many days."),
    remindAfterHours: z
      .number()
      .min(0.01)
      .max(24 * 365)
      .default(24)
      .describe("Moderators are reminded of requests pending this long."),
    retentionDays: z
      .number()
      .min(1)
      .max(3650)
      .default(365)
      .describe(
        "Days a closed request keeps the applicant's personal data (answers, note, profile); " +
          "then it is deleted and only the decision and its audit remain.",
      ),
    blocklist: z.array(z.string().min(1)).default([]).describe("User ids who may never apply."),
    interviewExpiryHours: z
      .number()
      .min(0.01)
      .max(24 * 60)
      .default(72)
      .describe("How long the applicant has to reply to a moderator's question."),
    onNoReply: z
      .enum(["review", "deny"])
      .default("review")
      .describe(
        "review: an unanswered question puts the request back in the queue, flagged 'no reply'; deny: decline it with that reason.",
      ),
    claimMinutes: z
      .number()
      .min(1)
      .max(7 * 24 * 60)
      .default(60)
      .describe("How long a moderator's claim on a request lasts (others can still decide)."),
  })
  .strict()
  .superRefine((c, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: "custom", path, message });
    /** Checks one id, or each id of a list (the path then ends with the index). */
    const check = (path: (string | number)[], value: string | string[], schema: z.ZodType): void => {
      const values = Array.isArray(value) ? value : [value];
      for (const [i, v] of values.entries()) {
        const r = schema.safeParse(v);
        if (!r.success)
          issue(Array.isArray(value) ? [...path, i] : path, r.error.issues[0]?.message ?? "invalid");
      }
    };
    const questionIds = new Set<string>();
    c.questions.forEach((q, i) => {
      if (questionIds.has(q.id)) issue(["questions", i, "id"], `duplicate question id "${q.id}"`);
      questionIds.add(q.id);
      if (q.minLength > q.maxLength) issue(["questions", i, "minLength"], "is greater than maxLength");
    });
    if (c.platform === "slack") {
      check(["workspace"], c.workspace, slackTeamId);
      check(["reviewChannel"], c.reviewChannel, slackChannelId);
      check(["moderators", "users"], c.moderators.users, slackUserId);
      check(["grant", "channels"], c.grant.channels, slackChannelId);
      if (c.grant.channels.length === 0)
        issue(["grant", "channels"], "a Slack community needs at least one channel");
      if (c.grant.roles.length > 0) issue(["grant", "roles"], "roles are for Discord; Slack grants channels");
      if (c.moderators.roles.length > 0)
        issue(["moderators", "roles"], "roles are for Discord; list Slack users");
      if (c.moderators.users.length === 0)
        issue(["moderators", "users"], "a Slack community needs at least one moderator");
      if (c.rules.minAccountAgeDays !== undefined) {
        issue(["rules", "minAccountAgeDays"], "applies to Discord only (Slack does not expose account age)");
      }
    } else {
      check(["workspace"], c.workspace, snowflake);
      check(["reviewChannel"], c.reviewChannel, snowflake);
      check(["moderators", "users"], c.moderators.users, snowflake);
      check(["moderators", "roles"], c.moderators.roles, snowflake);
      check(["grant", "roles"], c.grant.roles, snowflake);
      if (c.grant.roles.length === 0)
        issue(["grant", "roles"], "a Discord community needs at least one role");
      if (c.grant.channels.length > 0)
        issue(["grant", "channels"], "channels are for Slack; Discord grants roles");
      if (c.moderators.users.length === 0 && c.moderators.roles.length === 0) {
        issue(["moderators"], "a Discord community needs at least one moderator user or role");
      }
      for (const rule of ["requireTitle", "emailDomains", "timezonePrefixes", "titleKeywords"] as const) {
        const value = c.rules[rule];
        if (value !== undefined && value !== false) {
          issue(["rules", rule], "applies to Slack only (Discord profiles have no such field)");
        }
      }
      if (c.questions.length > 20)
        issue(["questions"], "Discord forms page five questions a modal; at most 20");
    }
    check(["blocklist"], c.blocklist, c.platform === "slack" ? slackUserId : snowflake);
  });

export const WEEKDAYS = [
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
] as const;

export const digestSchema = z
  .object({
    day: z.enum(WEEKDAYS).default("monday").describe("Day of the week the digest is posted."),
    hour: z.int().min(0).max(23).default(9).describe("Hour of that day (0..23), in `timezone`."),
    timezone: z
      .string()
      .default("UTC")
      .refine(isTimeZone, { message: "an IANA time zone like Europe/Paris or UTC" })
      .describe("IANA time zone of `day` and `hour`, e.g. Europe/Paris."),
  })
  .strict()
  .describe(
    "Weekly digest: once a week each community's review channel gets a short summary and a chart of the last 8 weeks. Absent: off.",
  );
export type DigestConfig = z.infer<typeof digestSchema>;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const configSchema = z
  .object({
    $schema: z.string().optional().describe("Path to gatekeeper.schema.json, for editors."),
    communities: z.array(communitySchema).min(1, "list at least one community"),
    digest: digestSchema.optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, number>();
    cfg.communities.forEach((c, i) => {
      const first = seen.get(c.id);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["communities", i, "id"],
          message: `duplicate id "${c.id}" (also communities[${first}])`,
        });
      } else seen.set(c.id, i);
    });
  });

export type GatekeeperConfig = z.infer<typeof configSchema>;
export type Community = z.infer<typeof communitySchema>;
export type Question = z.infer<typeof questionSchema>;
export type Rules = z.infer<typeof rulesSchema>;
export type { Platform } from "../platform.js";
