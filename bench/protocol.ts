/** Messages between the benchmark's main thread (the bot) and its world thread (bench/world.ts). */

export type Platform = "slack" | "discord";

export const SLACK_SECRET = "bench-signing-secret";
export const APPLICATION_ID = "900000000000000001";
export const GUILD = "100000000000000001";
export const DISCORD_MODERATOR = "100000000000000003";
export const SLACK_MODERATOR = "U0MOD1";

/** One answer as the client saw it. */
export interface Answer {
  ms: number;
  status: number;
  /** Wall clock (ms) when the request was sent and when its answer was read. */
  sentAt: number;
  answeredAt: number;
  /**
   * A form answered before its recording ended (Slack's "saving…", Discord's deferral): the
   * answer's time says nothing of when the request was recorded or its ticket drawn.
   */
  provisional?: boolean;
}

export interface Applicant {
  user: string;
  community: string;
  /** Slack: the opened view's id; Discord: the modal's custom id. */
  form?: string | undefined;
  requestId?: string | undefined;
  /** The card's message (Slack ts, Discord message id), once posted. */
  card?: string | undefined;
}

export interface RunResult {
  answers: Answer[];
  applicants: { user: string; requestId?: string | undefined }[];
}

export interface Delivered {
  cards: { requestId: string; channel: string; message: string; at: number }[];
  dms: { user: string; at: number }[];
  rateLimited: number;
}

export interface WorldInfo {
  slackApiUrl: string;
  slackToken: string;
  slackTeam: string;
  discordApiUrl: string;
  discordToken: string;
  discordPublicKey: string;
}

export type Request =
  | { op: "start"; name: string; config: string; rateLimited: boolean }
  | { op: "stop"; name: string }
  | { op: "floor-http"; url: string; count: number; concurrency: number }
  | { op: "floor-put"; endpoint: string; table: string; count: number; concurrency: number }
  | {
      op: "run";
      /** Applicants are created by the `apply` phase and reused by the later ones under the same label. */
      label: string;
      phase: "apply" | "submit" | "approve";
      platform: Platform;
      fakes: string;
      server: string;
      community: string;
      count: number;
      concurrency: number;
    }
  | {
      op: "burst";
      label: string;
      platform: Platform;
      fakes: string;
      server: string;
      community: string;
      count: number;
      windowMs: number;
    }
  | { op: "delivered"; fakes: string; platform: Platform }
  /** Network failures the clients saw since the last call, by cause. */
  | { op: "network-errors" }
  | { op: "sign-slack"; body: string; contentType?: string }
  | { op: "sign-discord"; body: string };

export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
