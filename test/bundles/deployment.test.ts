import { marshall } from "@aws-sdk/util-dynamodb";
import { describe, expect, it } from "vitest";
import {
  OUTBOX_SK_PREFIX,
  OUTBOX_STREAM_FILTER,
  outboxStreamFilter,
  SWEEP_EVERY_MINUTES,
  SWEEPER_TIMEOUT_SECONDS,
  WORKER_TIMEOUT_SECONDS,
} from "../../core/deployment.js";
import { keys } from "../../core/model.js";
import { LEASE_MS } from "../../core/outbox.js";
import { STREAM_GRACE_MS } from "../../core/store/items.js";

/**
 * The deployment's constants (core/deployment.ts, used by stacks/) against the core they must
 * agree with. stacks/ itself is type-checked by `npm run typecheck:infra`.
 */
describe("deployment constants", () => {
  it("keeps the functions that perform outbox entries shorter than the outbox lease", () => {
    expect(WORKER_TIMEOUT_SECONDS * 1000).toBeLessThan(LEASE_MS);
    expect(SWEEPER_TIMEOUT_SECONDS * 1000).toBeLessThan(LEASE_MS);
  });

  it("sweeps often enough that a missed stream record is re-driven within minutes", () => {
    expect(SWEEP_EVERY_MINUTES * 60_000).toBeLessThanOrEqual(STREAM_GRACE_MS);
  });

  /**
   * Lambda's filter semantics for the subset the filter uses: an array matches when any of its
   * values (or `{ prefix }` rules) matches; an object matches when each of its keys does.
   */
  function matches(pattern: unknown, value: unknown): boolean {
    if (Array.isArray(pattern)) {
      return pattern.some((rule) =>
        typeof rule === "object" && rule !== null && "prefix" in rule
          ? typeof value === "string" && value.startsWith(String(rule.prefix))
          : rule === value,
      );
    }
    if (typeof pattern === "object" && pattern !== null) {
      if (typeof value !== "object" || value === null) return false;
      return Object.entries(pattern).every(([k, p]) => matches(p, (value as Record<string, unknown>)[k]));
    }
    return pattern === value;
  }

  const record = (eventName: string, key: { pk: string; sk: string }, platform = "slack") => ({
    eventName,
    dynamodb: { Keys: marshall(key), NewImage: marshall({ ...key, status: "pending", platform }) },
  });

  it("wakes the worker for new outbox entries only", () => {
    const effect = keys.effect("r1", "card.post");
    expect(effect.sk.startsWith(OUTBOX_SK_PREFIX)).toBe(true);
    expect(matches(OUTBOX_STREAM_FILTER, record("INSERT", effect))).toBe(true);
    expect(matches(OUTBOX_STREAM_FILTER, record("MODIFY", effect))).toBe(false);
    expect(matches(OUTBOX_STREAM_FILTER, record("REMOVE", effect))).toBe(false);
    for (const other of [
      keys.request("r1"),
      keys.audit("r1", "2026-01-01T00:00:00.000Z", "ab"),
      keys.meta("c"),
      { pk: "COMMUNITY#c", sk: "SEATS#03" },
    ]) {
      expect(matches(OUTBOX_STREAM_FILTER, record("INSERT", other))).toBe(false);
    }
  });

  it("wakes each platform's worker for that platform's new outbox entries only", () => {
    const effect = keys.effect("r1", "card.post");
    for (const platform of ["slack", "discord"] as const) {
      const other = platform === "slack" ? "discord" : "slack";
      expect(matches(outboxStreamFilter(platform), record("INSERT", effect, platform))).toBe(true);
      expect(matches(outboxStreamFilter(platform), record("INSERT", effect, other))).toBe(false);
      expect(matches(outboxStreamFilter(platform), record("MODIFY", effect, platform))).toBe(false);
      expect(matches(outboxStreamFilter(platform), record("INSERT", keys.request("r1"), platform))).toBe(
        false,
      );
    }
  });
});
