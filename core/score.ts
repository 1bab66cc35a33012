import type { Profile } from "./profile.js";

export interface ScoreItem {
  label: string;
  points: number;
  max: number;
  detail: string;
}

export interface ScoreBreakdown {
  /** 0..100. */
  score: number;
  items: ScoreItem[];
}

const DAY_MS = 86_400_000;

/**
 * Profile strength, 0..100: how much of a real, reachable person the profile shows.
 * Each platform's signals carry weights that add up to 100; partial credit where it is a matter
 * of degree (account age). A profile that could not be read scores 0.
 */
export function scoreProfile(profile: Profile, now: Date): ScoreBreakdown {
  if (!profile.available) {
    return { score: 0, items: [{ label: "Profile", points: 0, max: 100, detail: "unavailable" }] };
  }
  const items: ScoreItem[] = [];
  const flag = (label: string, max: number, ok: boolean | undefined, yes: string, no: string) =>
    items.push({ label, max, points: ok ? max : 0, detail: ok ? yes : no });

  if (profile.platform === "slack") {
    flag("Profile photo", 25, profile.hasAvatar, "custom photo", "default photo");
    flag("Real name", 20, Boolean(profile.realName?.trim()), "set", "missing");
    flag("Title", 20, Boolean(profile.title?.trim()), "set", "missing");
    flag("Time zone", 10, Boolean(profile.timezone), profile.timezone ?? "", "missing");
    flag("Email", 10, Boolean(profile.emailDomain), "visible", "not visible");
    flag("Full account", 15, !profile.isGuest && !profile.isBot, "member account", "guest or bot");
  } else {
    flag("Avatar", 30, profile.hasAvatar, "custom avatar", "default avatar");
    flag("Display name", 25, Boolean(profile.realName?.trim()), "set", "missing");
    const created = profile.accountCreatedAt ? Date.parse(profile.accountCreatedAt) : Number.NaN;
    const ageDays = Number.isNaN(created) ? 0 : Math.max(0, (now.getTime() - created) / DAY_MS);
    items.push({
      label: "Account age",
      max: 35,
      points: Math.round(Math.min(ageDays / 365, 1) * 35),
      detail: Number.isNaN(created) ? "unknown" : `${Math.floor(ageDays)} days`,
    });
    const joined = profile.joinedAt ? Date.parse(profile.joinedAt) : Number.NaN;
    const memberDays = Number.isNaN(joined) ? 0 : (now.getTime() - joined) / DAY_MS;
    items.push({
      label: "In the server",
      max: 10,
      points: Math.round(Math.min(memberDays / 7, 1) * 10),
      detail: Number.isNaN(joined) ? "unknown" : `${Math.floor(memberDays)} days`,
    });
  }
  const points = items.reduce((sum, i) => sum + i.points, 0);
  const max = items.reduce((sum, i) => sum + i.max, 0);
  return { score: max === 0 ? 0 : Math.round((points / max) * 100), items };
}
