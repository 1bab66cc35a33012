import type { Actor } from "../model.js";
import type { Platform } from "../platform.js";

/**
 * Who asks, from where: every use case takes one. Adapters build it from what the platform
 * verified (the signed payload's team or guild and user; on Discord, the member's roles).
 */
/**
 * The mark of an operator origin. Not exported: the only way to make one is `operatorOrigin()`,
 * and only the CLI may call that (test/core/architecture.pure.test.ts checks it). Nothing parsed
 * from a platform payload can carry a symbol-keyed property, so no click can pass for an operator.
 */
const OPERATOR: unique symbol = Symbol("gatekeeper.operator");

export interface Origin {
  platform: Platform;
  /** Slack team id or Discord guild id. */
  workspace: string;
  userId: string;
  /** The name to record and show (display name, handle). */
  name?: string | undefined;
  /** Discord role ids of the member in the guild, for `moderators.roles`. */
  roles?: readonly string[] | undefined;
  /** Set only by `operatorOrigin()`. */
  readonly [OPERATOR]?: true;
}

/**
 * Someone with access to the deployment itself, acting from the command line (`gatekeeper
 * decide`): may decide any request of the named community, as if they were one of its
 * moderators, and is recorded as an `operator` actor (not a platform user). Only `cli/` builds
 * one: it has the table and the config anyway, so this grants nothing it could not do already,
 * but it keeps every decision on the one decide path with its audit, notices and counters.
 */
export function operatorOrigin(
  community: { platform: Platform; workspace: string },
  operatorName: string,
): Origin {
  return {
    platform: community.platform,
    workspace: community.workspace,
    userId: `operator:${operatorName}`,
    name: `${operatorName} (operator)`,
    [OPERATOR]: true,
  };
}

export function isOperator(origin: Origin): boolean {
  return origin[OPERATOR] === true;
}

export function actorOf(origin: Origin): Actor {
  if (isOperator(origin)) return { kind: "operator", id: origin.userId, name: origin.name ?? origin.userId };
  return { kind: "user", id: origin.userId, ...(origin.name ? { name: origin.name } : {}) };
}
