import { describe, expect, it } from "vitest";
import { type EarlierRequest, HISTORY_SHOWN, historyOf } from "../../core/history.js";
import { awaiting, lapsed, replyStanding } from "../../core/interview-state.js";
import type { JoinRequest } from "../../core/model.js";

const answers = (values: Record<string, string>): JoinRequest["answers"] =>
  Object.entries(values).map(([id, value]) => ({ id, label: id.toUpperCase(), value }));

function earlier(
  id: string,
  values: Record<string, string>,
  extra: Partial<EarlierRequest> = {},
): EarlierRequest {
  return {
    id,
    communityId: "makers",
    status: "denied",
    createdAt: `2026-05-0${id.length}T10:00:00.000Z`,
    answers: answers(values),
    ...extra,
  };
}

describe("the card's history", () => {
  it("is absent for a first request", () => {
    expect(historyOf(answers({ why: "x" }), [])).toBeUndefined();
    // A retried submission finds itself in the index: not an earlier request.
    expect(historyOf(answers({ why: "x" }), [earlier("rself", { why: "x" })], "rself")).toBeUndefined();
  });

  it("diffs each question against the last request: changed, unchanged, new", () => {
    const history = historyOf(answers({ why: "Boats now", site: "b.example", city: "Lyon", pet: "" }), [
      earlier(
        "rlast",
        { why: "Boats", site: "", city: " Lyon " },
        { decision: { by: { kind: "user", id: "U1" }, reason: "More" } },
      ),
      earlier("rolder", { why: "Other", site: "s", city: "Paris", pet: "cat" }),
    ]);
    expect(history?.diff?.map((d) => [d.id, d.change])).toEqual([
      ["why", "changed"],
      ["site", "new"],
      ["city", "unchanged"],
      ["pet", "new"],
    ]);
    expect(history?.earlier.map((e) => [e.id, e.by?.id, e.reason])).toEqual([
      ["rlast", "U1", "More"],
      ["rolder", undefined, undefined],
    ]);
    expect(history?.more).toBe(0);
  });

  it("lists a few earlier requests and counts the rest", () => {
    const many = Array.from({ length: HISTORY_SHOWN + 3 }, (_, i) =>
      earlier(`r${"x".repeat(i + 1)}`, { why: "a" }),
    );
    const history = historyOf(answers({ why: "a" }), many);
    expect(history?.earlier).toHaveLength(HISTORY_SHOWN);
    expect(history?.more).toBe(3);
  });
});

describe("where an interview stands", () => {
  const base = { status: "pending", interview: [] } as unknown as JoinRequest;
  const round = {
    n: 1,
    question: "Q?",
    askedBy: { kind: "user" as const, id: "U1" },
    askedAt: "2026-06-01T10:00:00.000Z",
    dueAt: "2026-06-04T10:00:00.000Z",
  };

  it("tells open, replied, lapsed and closed rounds apart", () => {
    const open = { ...base, interview: [round], awaitingRound: 1 } as JoinRequest;
    expect(awaiting(open)).toEqual(round);
    expect(replyStanding(open, 1)).toBe("open");
    expect(replyStanding(open, 2)).toBe("not-found");
    const replied = {
      ...base,
      interview: [{ ...round, reply: "A", repliedAt: "2026-06-02T10:00:00.000Z" }],
    } as JoinRequest;
    expect(replyStanding(replied, 1)).toBe("already");
    const gone = { ...base, interview: [round], noReplyAt: "2026-06-04T10:00:00.000Z" } as JoinRequest;
    expect(lapsed(gone, round)).toBe(true);
    expect(replyStanding(gone, 1)).toBe("lapsed");
    expect(replyStanding({ ...open, status: "approved" } as JoinRequest, 1)).toBe("closed");
  });
});
