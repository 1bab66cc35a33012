import { parseConfig } from "../../core/config/load.js";
import type { Community, GatekeeperConfig } from "../../core/config/schema.js";
import type { Core } from "../../core/context.js";
import { silentLogger } from "../../core/log.js";
import type { Profile } from "../../core/profile.js";
import * as Requests from "../../core/requests.js";
import { type DecideOutcome, decide } from "../../core/usecases/decide.js";
import { createTestStore, type TestStore } from "./dynamo.js";

/** A mutable clock for tests that move time. */
export function testClock(start = "2026-06-01T12:00:00.000Z") {
  let now = new Date(start);
  return {
    now: () => now,
    set(iso: string) {
      now = new Date(iso);
    },
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
    },
  };
}

/** A Core on a fresh table of the shared DynamoDB Local; its clock drives the outbox's leases and retries too. */
export async function createTestCore(
  config: GatekeeperConfig,
  now: () => Date = () => new Date(),
): Promise<Core & { store: TestStore }> {
  const store = await createTestStore();
  return { store, config, now, outboxNow: now, log: silentLogger };
}

/** One Slack community with sensible test values; override any field. */
export function slackCommunity(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "makers",
    name: "Makers",
    platform: "slack",
    workspace: "T0TEST",
    reviewChannel: "C0REVIEW",
    moderators: { users: ["U0MOD1", "U0MOD2"] },
    grant: { channels: ["C0MEMBERS"] },
    questions: [{ id: "why", label: "Why do you want to join?", style: "paragraph", maxLength: 200 }],
    ...overrides,
  };
}

export function discordCommunity(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: "gamers",
    name: "Gamers",
    platform: "discord",
    workspace: "100000000000000001",
    reviewChannel: "100000000000000002",
    moderators: { users: ["100000000000000003"], roles: ["100000000000000004"] },
    grant: { roles: ["100000000000000005"] },
    questions: [{ id: "why", label: "Why?", maxLength: 200 }],
    ...overrides,
  };
}

export function configOf(...communities: Record<string, unknown>[]): GatekeeperConfig {
  return parseConfig(JSON.stringify({ communities }), "test.yaml");
}

export function communityOf(config: GatekeeperConfig, index = 0): Community {
  const c = config.communities[index];
  if (!c) throw new Error(`no community at ${index}`);
  return c;
}

/** A complete Slack profile that passes the usual rules. */
export function slackProfile(userId: string, overrides: Partial<Profile> = {}): Profile {
  return {
    platform: "slack",
    userId,
    name: `User ${userId}`,
    available: true,
    hasAvatar: true,
    realName: `Real ${userId}`,
    title: "Ecommerce founder",
    emailDomain: "example.com",
    timezone: "Europe/Paris",
    isBot: false,
    isGuest: false,
    ...overrides,
  };
}

/**
 * A moderator's decision through the decide use case, from the request's own platform and
 * workspace (so the test states only who decides).
 */
export async function decideAs(
  core: Core,
  moderator: { kind?: "user"; id: string; name?: string | undefined },
  input: { requestId: string; outcome: "approve" | "deny"; reason?: string | undefined },
  roles: readonly string[] = [],
): Promise<DecideOutcome> {
  const request = await Requests.get(core, input.requestId);
  return decide(
    core,
    {
      platform: request?.platform ?? "slack",
      workspace: request?.workspace ?? "",
      userId: moderator.id,
      name: moderator.name,
      roles,
    },
    input,
  );
}
