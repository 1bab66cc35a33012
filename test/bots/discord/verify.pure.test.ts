import { describe, expect, it } from "vitest";
import { discordPublicKey, verifyDiscordRequest } from "../../../bots/discord/verify.js";
import { discordTestKeys } from "../../support/discord-sign.js";

const keys = discordTestKeys();
const key = discordPublicKey(keys.publicKeyHex);
const now = new Date("2026-06-01T12:00:00.000Z");
const ts = String(now.getTime() / 1000);
const body = JSON.stringify({ type: 1, id: "1300000000000000007", application_id: "900000000000000001" });

const check = (
  signature: string | undefined,
  timestamp: string | undefined,
  raw: string = body,
  at: Date = now,
) => verifyDiscordRequest(key, { signature, timestamp }, raw, at);

describe("Discord request signatures (Ed25519)", () => {
  it("accepts Discord's signature over the timestamp and the raw body", () => {
    expect(check(keys.sign(ts, body), ts)).toEqual({ ok: true });
    expect(
      verifyDiscordRequest(key, { signature: keys.sign(ts, body), timestamp: ts }, Buffer.from(body), now),
    ).toEqual({ ok: true });
  });

  it("rejects missing headers, malformed hex and timestamps", () => {
    expect(check(undefined, ts)).toEqual({ ok: false, reason: "missing signature headers" });
    expect(check(keys.sign(ts, body), undefined)).toEqual({ ok: false, reason: "missing signature headers" });
    expect(check("", ts)).toEqual({ ok: false, reason: "missing signature headers" });
    expect(check("xyz", ts)).toEqual({ ok: false, reason: "malformed signature" });
    expect(check("ab".repeat(63), ts)).toEqual({ ok: false, reason: "malformed signature" });
    expect(check(`${keys.sign(ts, body)}00`, ts)).toEqual({ ok: false, reason: "malformed signature" });
    expect(check(keys.sign("-1", body), "-1")).toEqual({ ok: false, reason: "malformed timestamp" });
    expect(check(keys.sign(`${ts}.5`, body), `${ts}.5`)).toEqual({
      ok: false,
      reason: "malformed timestamp",
    });
  });

  it("rejects stale and future timestamps beyond five minutes", () => {
    const old = String(Number(ts) - 301);
    expect(check(keys.sign(old, body), old)).toEqual({ ok: false, reason: "stale timestamp" });
    const future = String(Number(ts) + 301);
    expect(check(keys.sign(future, body), future)).toEqual({ ok: false, reason: "stale timestamp" });
    const edge = String(Number(ts) - 299);
    expect(check(keys.sign(edge, body), edge)).toEqual({ ok: true });
  });

  it("rejects a wrong key, a tampered body and a replayed signature with another timestamp", () => {
    const other = discordTestKeys();
    expect(check(other.sign(ts, body), ts)).toEqual({ ok: false, reason: "bad signature" });
    expect(check(keys.sign(ts, body), ts, body.replace("1300", "1400"))).toEqual({
      ok: false,
      reason: "bad signature",
    });
    const later = String(Number(ts) + 1);
    expect(check(keys.sign(ts, body), later)).toEqual({ ok: false, reason: "bad signature" });
    expect(check("00".repeat(64), ts)).toEqual({ ok: false, reason: "bad signature" });
  });

  it("builds the key from 64 hex characters only", () => {
    expect(() => discordPublicKey("abc")).toThrow(/64 hex/);
    expect(discordPublicKey(keys.publicKeyHex.toUpperCase()).asymmetricKeyType).toBe("ed25519");
  });
});
