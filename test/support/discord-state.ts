import type { EffectState } from "../../core/effects.js";
import type { JoinRequest } from "../../core/model.js";
import { evaluate } from "../../core/rules.js";
import { communityOf, configOf, discordCommunity } from "./core.js";

/** An EffectState for a Discord community, as the outbox worker would load it. */
export function discordEffectState(
  request: Partial<JoinRequest> = {},
  community: Record<string, unknown> = {},
): EffectState {
  const c = communityOf(
    configOf(
      discordCommunity({
        name: "Makers Guild",
        grant: { roles: ["100000000000000005", "100000000000000006"] },
        ...community,
      }),
    ),
  );
  const now = new Date();
  const profile = {
    platform: "discord" as const,
    userId: "80351110224678912",
    name: "Ada",
    available: true,
    hasAvatar: true,
    realName: "Ada",
    accountCreatedAt: "2015-08-10T17:26:37.529Z",
  };
  return {
    request: {
      id: "r0123456789abcdef0123",
      communityId: c.id,
      platform: "discord",
      workspace: c.workspace,
      applicant: { userId: profile.userId, name: "Ada" },
      answers: [{ id: "why", label: "Why?", value: "Engines." }],
      profile,
      evaluation: evaluate(c, profile, now),
      status: "pending",
      version: 1,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      ...request,
    },
    community: c,
    seats: { used: 0, capacity: undefined },
    waitlistPosition: undefined,
  };
}
