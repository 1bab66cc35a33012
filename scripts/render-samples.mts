// Renders the README's samples from the real renderers: the weekly digest's chart (docs/digest-sample.png)
// and the App Home of a moderator as text (docs/app-home-sample.txt). `npx tsx scripts/render-samples.mts`
import { writeFileSync } from "node:fs";
import { homeAsText, renderHome } from "../bots/slack/blocks/home.js";
import { renderWeeklyChart } from "../core/chart.js";
import { summarize } from "../core/insights.js";
import { pageOf, type QueueItem } from "../core/queue.js";
import { emptyDay } from "../core/stats.js";
import type { HomeView } from "../core/views.js";

const weeks = [
  ["2026-W15", "2026-04-06", 14, 9, 3],
  ["2026-W16", "2026-04-13", 18, 12, 4],
  ["2026-W17", "2026-04-20", 11, 8, 2],
  ["2026-W18", "2026-04-27", 23, 15, 6],
  ["2026-W19", "2026-05-04", 27, 17, 7],
  ["2026-W20", "2026-05-11", 19, 14, 3],
  ["2026-W21", "2026-05-18", 31, 22, 6],
  ["2026-W22", "2026-05-25", 26, 19, 5],
] as const;
const figures = weeks.map(([week, monday, requests, approved, denied]) => ({
  week,
  monday,
  requests,
  approved,
  denied,
}));
writeFileSync(
  "docs/digest-sample.png",
  await renderWeeklyChart(figures, "Women in eCommerce: join requests per week"),
);

const item = (
  i: number,
  name: string,
  minutes: number,
  failed: string[],
  extra: Partial<QueueItem> = {},
): QueueItem => ({
  requestId: `r${String(i).padStart(20, "0")}`,
  communityId: "ecommerce-women",
  applicant: { userId: `U0APPL${i}`, name },
  createdAt: "2026-06-01T09:00:00Z",
  waitedMs: minutes * 60_000,
  score: failed.length ? 55 : 95,
  passesAll: failed.length === 0,
  rules: { passed: ["Real name", "Profile score"].slice(0, 3 - failed.length), failed, unchecked: [] },
  claimedBy: undefined,
  interview: undefined,
  card: { channel: "C0REVIEW", id: `1780000000.00000${i}` },
  ...extra,
});
const items = [
  item(1, "Ada Lovelace", 26 * 60, []),
  item(2, "Grace Hopper", 9 * 60 + 12, ["Profile photo"], { claimedBy: { id: "U0MOD2", name: "sam" } }),
  item(3, "Katherine Johnson", 3 * 60 + 5, [], {
    interview: { state: "waiting", since: "2026-06-02T08:15:00Z" },
  }),
  item(4, "Hedy Lamarr", 47, []),
];
const day = emptyDay("total");
Object.assign(day.counters, {
  requests: 26,
  approved: 19,
  waitlisted: 2,
  denied: 5,
  deniedByModerator: 4,
  deniedByRule: 1,
  withdrawn: 1,
  expired: 1,
  decisions: 23,
});
day.histogram[3] = 8;
day.histogram[5] = 10;
day.histogram[8] = 5;
Object.assign(day.failedRules, { requireAvatar: 6, minProfileScore: 3 });
Object.assign(day.ruleLabels, { requireAvatar: "Profile photo", minProfileScore: "Profile strength" });
Object.assign(day.approvedBy, { U0MOD1: 12, U0MOD2: 7 });
Object.assign(day.deniedBy, { U0MOD1: 3, U0MOD2: 1 });
const view: HomeView = {
  platform: "slack",
  workspace: "T0123ABCD",
  userId: "U0MOD1",
  panels: [
    {
      community: {
        id: "ecommerce-women",
        name: "Women in eCommerce",
        platform: "slack",
        workspace: "T0123ABCD",
      },
      queue: pageOf(items, "all", 1),
      // Two picked in the page's select: "Approve selected (2)" and "Deny selected (2)" show.
      selected: [items[0]?.requestId ?? "", items[2]?.requestId ?? ""],
      insights: summarize(
        "ecommerce-women",
        7,
        "2026-05-27",
        "2026-06-02",
        day,
        { used: 412, capacity: 500 },
        2,
      ),
    },
  ],
  own: [],
  notice: [["18 approved, 2 waitlisted, 1 already decided."]],
  at: "2026-06-02T10:00:00Z",
};
writeFileSync(
  "docs/app-home-sample.txt",
  `${homeAsText(renderHome(view, { teamUrl: "https://example.slack.com/" }))}\n`,
);
console.log("wrote docs/digest-sample.png and docs/app-home-sample.txt");
