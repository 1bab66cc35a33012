import type { Community, Rules } from "./config/schema.js";
import type { Profile } from "./profile.js";
import { type ScoreBreakdown, scoreProfile } from "./score.js";

export type RuleName = keyof Rules;

export interface RuleResult {
  rule: RuleName;
  /** Short human label, e.g. "Profile photo". */
  label: string;
  passed: boolean;
  /**
   * False when the bot could not check the rule (profile unavailable, a field the platform did not
   * give). An unchecked rule fails, but it is never grounds for an automatic decline.
   */
  checked: boolean;
  /** Why it passed or failed, for the card and the decline notice. */
  detail: string;
}

export interface Evaluation {
  /** Every configured rule, in a stable order. */
  rules: RuleResult[];
  /** True when no rule failed. */
  passed: boolean;
  score: number;
  breakdown: ScoreBreakdown;
}

const DAY_MS = 86_400_000;

/** Checks an applicant's profile against a community's rules. Pure: `now` is passed in. */
export function evaluate(community: Community, profile: Profile, now: Date): Evaluation {
  const rules = community.rules;
  const breakdown = scoreProfile(profile, now);
  const results: RuleResult[] = [];
  const unavailable = (rule: RuleName, label: string) =>
    results.push({
      rule,
      label,
      passed: false,
      checked: false,
      detail: "could not be checked: the profile was unavailable",
    });
  /** `check` answers [passed, detail], or [false, detail, false] when the data to check is missing. */
  const add = (rule: RuleName, label: string, check: () => [boolean, string, boolean?]) => {
    if (!profile.available) return unavailable(rule, label);
    const [passed, detail, checked = true] = check();
    results.push({ rule, label, passed, checked, detail });
  };

  if (rules.requireAvatar) {
    add("requireAvatar", "Profile photo", () =>
      profile.hasAvatar ? [true, "has a profile photo"] : [false, "no profile photo"],
    );
  }
  if (rules.requireRealName) {
    const label = community.platform === "slack" ? "Real name" : "Display name";
    add("requireRealName", label, () =>
      profile.realName?.trim()
        ? [true, `${label.toLowerCase()} is set`]
        : [false, `no ${label.toLowerCase()}`],
    );
  }
  if (rules.requireTitle) {
    add("requireTitle", "Title", () =>
      profile.title?.trim() ? [true, "title is set"] : [false, "no title"],
    );
  }
  if (rules.minAccountAgeDays !== undefined) {
    const min = rules.minAccountAgeDays;
    add("minAccountAgeDays", "Account age", () => {
      if (!profile.accountCreatedAt) return [false, "account age unknown", false];
      const days = Math.floor((now.getTime() - Date.parse(profile.accountCreatedAt)) / DAY_MS);
      return days >= min
        ? [true, `${days} days old (at least ${min})`]
        : [false, `${days} days old (needs ${min})`];
    });
  }
  if (rules.emailDomains !== undefined) {
    const domains = rules.emailDomains;
    add("emailDomains", "Email domain", () => {
      const domain = profile.emailDomain?.toLowerCase();
      if (!domain) return [false, "email not visible", false];
      return domains.includes(domain)
        ? [true, `@${domain}`]
        : [false, `@${domain} is not one of ${domains.join(", ")}`];
    });
  }
  if (rules.timezonePrefixes !== undefined) {
    const prefixes = rules.timezonePrefixes;
    add("timezonePrefixes", "Time zone", () => {
      const tz = profile.timezone;
      if (!tz) return [false, "no time zone"];
      return prefixes.some((p) => tz.startsWith(p))
        ? [true, tz]
        : [false, `${tz} is not in ${prefixes.join(", ")}`];
    });
  }
  if (rules.titleKeywords !== undefined) {
    const keywords = rules.titleKeywords;
    add("titleKeywords", "Title keywords", () => {
      const title = profile.title?.toLowerCase() ?? "";
      const hit = keywords.find((k) => title.includes(k.toLowerCase()));
      return hit
        ? [true, `title mentions "${hit}"`]
        : [false, `title mentions none of ${keywords.join(", ")}`];
    });
  }
  if (rules.minProfileScore !== undefined) {
    const min = rules.minProfileScore;
    // The score is computed from whatever is known, so it is reported even without a profile.
    results.push({
      rule: "minProfileScore",
      label: "Profile strength",
      passed: profile.available && breakdown.score >= min,
      checked: profile.available,
      detail: `${breakdown.score}/100 (needs ${min})`,
    });
  }
  return { rules: results, passed: results.every((r) => r.passed), score: breakdown.score, breakdown };
}

/** The failed rules as one sentence, for the deny reason and the decline notice. */
export function failureSummary(evaluation: { rules: readonly Omit<RuleResult, "rule">[] }): string {
  const failed = evaluation.rules.filter((r) => !r.passed);
  return failed.map((r) => `${r.label}: ${r.detail}`).join("; ");
}
