import { describe, expect, it } from "vitest";
import { addLogContext, createLogger, withLogContext } from "../../core/log.js";

function capture(level: "debug" | "info" = "info", format: "json" | "pretty" = "json") {
  const lines: string[] = [];
  return { lines, log: createLogger(level, (l) => lines.push(l), format) };
}

const parsed = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe("the logger", () => {
  it("writes one JSON object per line with level, message, time, service and the details", () => {
    const { lines, log } = capture();
    log.info("request recorded", { requestId: "r1", ms: 12 });
    log.debug("not at info");
    expect(lines).toHaveLength(1);
    expect(parsed(lines)[0]).toMatchObject({
      level: "INFO",
      message: "request recorded",
      service: "gatekeeper",
      requestId: "r1",
      ms: 12,
    });
    expect(String(parsed(lines)[0]?.timestamp)).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it("adds the interaction's context to every line inside it, and ids learned inside stick to the rest", async () => {
    const { lines, log } = capture();
    await withLogContext({ platform: "slack", interaction: "view_submission" }, async () => {
      log.info("form validated");
      await new Promise((r) => setTimeout(r, 1));
      log.info("request recorded", { requestId: "r9", community: "makers" });
      addLogContext({ outcome: "recorded" });
      log.info("answered", { ms: 30 });
    });
    log.info("outside");
    const [first, second, last, outside] = parsed(lines);
    expect(first).toMatchObject({ platform: "slack", interaction: "view_submission" });
    expect(first?.requestId).toBeUndefined();
    expect(second).toMatchObject({ requestId: "r9", community: "makers" });
    expect(last).toMatchObject({
      platform: "slack",
      interaction: "view_submission",
      requestId: "r9",
      community: "makers",
      outcome: "recorded",
      ms: 30,
    });
    expect(outside?.platform).toBeUndefined();
  });

  it("keeps concurrent interactions' contexts apart", async () => {
    const { lines, log } = capture();
    await Promise.all(
      ["a", "b"].map((id) =>
        withLogContext({ interaction: id }, async () => {
          await new Promise((r) => setTimeout(r, id === "a" ? 5 : 1));
          log.info("done", { requestId: `req-${id}` });
        }),
      ),
    );
    for (const line of parsed(lines)) expect(line.requestId).toBe(`req-${String(line.interaction)}`);
  });

  it("never writes personal data under the usual keys, and writes errors as name and message", () => {
    const { lines, log } = capture();
    log.warn("something", {
      user: "U123",
      answers: { why: "secret answer" },
      note: "secret note",
      nested: { email: "someone@example.com", id: "x" },
      error: new TypeError("boom"),
    });
    const text = lines.join("\n");
    expect(text).not.toContain("secret");
    expect(text).not.toContain("someone@example.com");
    expect(parsed(lines)[0]).toMatchObject({
      user: "U123",
      answers: "[redacted]",
      nested: { email: "[redacted]", id: "x" },
      error: { name: "TypeError", message: "boom" },
    });
  });

  it("cuts email addresses out of every line, whatever carries them", () => {
    for (const format of ["json", "pretty"] as const) {
      const { lines, log } = capture("info", format);
      log.warn("users.info failed for jane.doe+gk@Shop.Example", {
        error: new Error("profile of someone@example.com unavailable"),
        detail: ["x", { free: "mail me at a.b@c.io" }],
      });
      const text = lines.join("\n");
      expect(text, format).not.toMatch(/jane\.doe|someone@|a\.b@/);
      expect(text, format).toContain("…@Shop.Example");
    }
  });

  it("prints one readable line per entry in the pretty format", () => {
    const { lines, log } = capture("info", "pretty");
    withLogContext({ platform: "discord" }, () =>
      log.warn("effect will be retried", { requestId: "r1", wait: 250 }),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} WARN {2}effect will be retried {2}platform=discord requestId=r1 wait=250$/,
    );
  });
});
