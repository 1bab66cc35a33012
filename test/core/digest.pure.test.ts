import { describe, expect, it } from "vitest";
import { CHART_COLORS, renderWeeklyChart, weeklyChartSpec } from "../../core/chart.js";
import { digestSlot } from "../../core/digest.js";
import {
  bucketOf,
  DECISION_BUCKETS_MIN,
  isoWeekOf,
  mondayOfIsoWeek,
  percentileMs,
} from "../../core/stats.js";
import { countColor, decodePng, luminanceVariance } from "../support/png.js";

const paris = { day: "monday" as const, hour: 9, timezone: "Europe/Paris" };

describe("the weekly digest's schedule", () => {
  it("is due from the configured local day and hour until the end of that ISO week", () => {
    // 2026-06-01 is a Monday; Paris is UTC+2 in June.
    expect(digestSlot(paris, new Date("2026-06-01T06:59:00Z"))).toEqual({ week: "2026-W23", due: false });
    expect(digestSlot(paris, new Date("2026-06-01T07:00:00Z"))).toEqual({ week: "2026-W23", due: true });
    expect(digestSlot(paris, new Date("2026-06-07T21:59:00Z"))).toEqual({ week: "2026-W23", due: true });
    // Sunday 22:00 UTC is Monday 00:00 in Paris: a new week, not yet due.
    expect(digestSlot(paris, new Date("2026-06-07T22:00:00Z"))).toEqual({ week: "2026-W24", due: false });
    expect(
      digestSlot({ day: "friday", hour: 17, timezone: "UTC" }, new Date("2026-06-04T23:00:00Z")).due,
    ).toBe(false);
  });

  it("names ISO weeks across year ends", () => {
    expect(isoWeekOf("2021-01-03")).toBe("2020-W53");
    expect(isoWeekOf("2026-12-31")).toBe("2026-W53");
    expect(isoWeekOf("2027-01-04")).toBe("2027-W01");
    expect(mondayOfIsoWeek("2026-W23")).toBe("2026-06-01");
    expect(mondayOfIsoWeek("2020-W53")).toBe("2020-12-28");
  });

  it("reads percentiles from the decision-time histogram to the bucket's upper edge", () => {
    const h = new Array<number>(DECISION_BUCKETS_MIN.length + 1).fill(0);
    h[bucketOf(3 * 60_000)] = 5; // ≤ 5 min
    h[bucketOf(50 * 60_000)] = 4; // ≤ 60 min
    h[bucketOf(30 * 86_400_000)] = 1; // open-ended
    expect(percentileMs(h, 0.5)).toBe(5 * 60_000);
    expect(percentileMs(h, 0.9)).toBe(60 * 60_000);
    expect(percentileMs(h, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(percentileMs(new Array(17).fill(0), 0.5)).toBeUndefined();
  });
});

describe("the chart", () => {
  const weeks = [
    { week: "2026-W15", monday: "2026-04-06", requests: 12, approved: 8, denied: 2 },
    { week: "2026-W16", monday: "2026-04-13", requests: 0, approved: 0, denied: 0 },
    { week: "2026-W17", monday: "2026-04-20", requests: 20, approved: 12, denied: 6 },
  ];

  it("stacks approvals and denials per week, with requests as a line, from the figures given", () => {
    const spec = JSON.stringify(weeklyChartSpec(weeks, "Makers"));
    expect(spec).toContain('"stack":"zero"');
    expect(spec).toContain('{"week":"2026-W17","label":"04-20","series":"denied","count":6}');
    expect(spec).toContain('{"week":"2026-W15","label":"04-06","requests":12,"series":"requests"}');
  });

  it("renders to a PNG that decodes, is not blank, and draws the bars in proportion", async () => {
    const img = decodePng(await renderWeeklyChart(weeks, "Makers"));
    expect(img.width).toBeGreaterThan(600);
    expect(luminanceVariance(img)).toBeGreaterThan(100);
    const approved = countColor(img, CHART_COLORS.approved);
    const denied = countColor(img, CHART_COLORS.denied);
    // Bars of equal width: area in proportion to the counts (20 approved : 8 denied), legend aside.
    expect(approved / denied).toBeGreaterThan(2.5 * 0.8);
    expect(approved / denied).toBeLessThan(2.5 * 1.25);
  }, 60_000);
});
