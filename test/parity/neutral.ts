import { parseConfig } from "../../core/config/load.js";
import type { GatekeeperConfig } from "../../core/config/schema.js";
import { daysAgo, snowflakeAt } from "../support/discord-interactions.js";

/**
 * The parity suite's configuration, written once without platform ids: people, roles, channels
 * and workspaces are named by keys ("mod", "modRole", "home"), and each platform's `IdBook` turns
 * the keys into its own ids (Slack `U…`/`T…`/`C…`, Discord snowflakes). Mentions in the bot's
 * replies are turned back into `@key`, so both platforms' texts can be compared word for word.
 */

export type Platform = "slack" | "discord";
export type WorkspaceKey = "home" | "away";

export interface NeutralQuestion {
  id: string;
  label: string;
  required?: boolean;
}

export interface NeutralCommunity {
  id: string;
  name: string;
  /** Default `home`. */
  workspace?: WorkspaceKey;
  /** People keys (both platforms) and role keys (Discord only: Slack moderators are users). */
  moderators: { users: string[]; roles?: string[] };
  /** Default: one required question `why`. */
  questions?: NeutralQuestion[];
  capacity?: number;
  whenFull?: "waitlist" | "deny";
  autoApprove?: boolean;
  cooldownDays?: number;
  interviewExpiryHours?: number;
  onNoReply?: "review" | "deny";
  claimMinutes?: number;
}

export interface NeutralSpec {
  communities: NeutralCommunity[];
  /** People who hold roles (Discord); everyone else gets an id on first use. */
  people?: Record<string, { roles?: string[] }>;
}

export const DEFAULT_QUESTIONS: NeutralQuestion[] = [{ id: "why", label: "Why do you want to join?" }];

/** Keys ↔ one platform's ids. Ids are made on first use and stay stable for the book's life. */
export class IdBook {
  private readonly ids = new Map<string, string>();
  private readonly keys = new Map<string, string>();
  private counter = 0;

  constructor(private readonly make: (kind: "user" | "role" | "channel", n: number) => string) {}

  private get(kind: "user" | "role" | "channel", key: string): string {
    const k = `${kind}:${key}`;
    let id = this.ids.get(k);
    if (!id) {
      this.counter++;
      id = this.make(kind, this.counter);
      this.ids.set(k, id);
      this.keys.set(id, key);
    }
    return id;
  }

  user(key: string): string {
    return this.get("user", key);
  }
  role(key: string): string {
    return this.get("role", key);
  }
  channel(key: string): string {
    return this.get("channel", key);
  }
  /** The key an id was made for (users, roles, channels), or the id itself. */
  keyOf(id: string): string {
    return this.keys.get(id) ?? id;
  }
}

export const SLACK_WORKSPACES: Record<WorkspaceKey, string> = { home: "T0TEST", away: "T0AWAY" };
export const DISCORD_WORKSPACES: Record<WorkspaceKey, string> = {
  home: "300000000000000001",
  away: "300000000000000099",
};

export function slackIdBook(): IdBook {
  const prefix = { user: "U0P", role: "R0P", channel: "C0P" } as const;
  return new IdBook((kind, n) => `${prefix[kind]}${n.toString(36).toUpperCase().padStart(4, "0")}`);
}

export function discordIdBook(): IdBook {
  // Users carry a two-year-old creation time (account-age rules); roles and channels are plain.
  return new IdBook((kind, n) =>
    kind === "user"
      ? snowflakeAt(daysAgo(730), n)
      : `${kind === "role" ? "41" : "42"}${String(n).padStart(16, "0")}`,
  );
}

function common(c: NeutralCommunity) {
  return {
    id: c.id,
    name: c.name,
    questions: (c.questions ?? DEFAULT_QUESTIONS).map((q) => ({
      id: q.id,
      label: q.label,
      required: q.required ?? true,
      maxLength: 200,
    })),
    note: { required: false, maxLength: 300 },
    ...(c.capacity !== undefined ? { capacity: c.capacity } : {}),
    ...(c.whenFull ? { whenFull: c.whenFull } : {}),
    ...(c.autoApprove !== undefined ? { autoApprove: c.autoApprove } : {}),
    ...(c.cooldownDays !== undefined ? { cooldownDays: c.cooldownDays } : {}),
    ...(c.interviewExpiryHours !== undefined ? { interviewExpiryHours: c.interviewExpiryHours } : {}),
    ...(c.onNoReply ? { onNoReply: c.onNoReply } : {}),
    ...(c.claimMinutes !== undefined ? { claimMinutes: c.claimMinutes } : {}),
  };
}

export function slackConfig(spec: NeutralSpec, book: IdBook): GatekeeperConfig {
  const communities = spec.communities.map((c) => ({
    ...common(c),
    platform: "slack",
    workspace: SLACK_WORKSPACES[c.workspace ?? "home"],
    reviewChannel: book.channel(`${c.id}-review`),
    moderators: { users: c.moderators.users.map((u) => book.user(u)) },
    grant: { channels: [book.channel(`${c.id}-members`)] },
  }));
  return parseConfig(JSON.stringify({ communities }), "parity-slack.yaml");
}

export function discordConfig(spec: NeutralSpec, book: IdBook): GatekeeperConfig {
  const communities = spec.communities.map((c) => ({
    ...common(c),
    platform: "discord",
    workspace: DISCORD_WORKSPACES[c.workspace ?? "home"],
    reviewChannel: book.channel(`${c.id}-review`),
    moderators: {
      users: c.moderators.users.map((u) => book.user(u)),
      roles: (c.moderators.roles ?? []).map((r) => book.role(r)),
    },
    grant: { roles: [book.role(`${c.id}-member`)] },
  }));
  return parseConfig(JSON.stringify({ communities }), "parity-discord.yaml");
}
