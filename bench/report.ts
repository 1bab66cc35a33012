import type { Results } from "./run.js";
import type { Summary } from "./stats.js";

/**
 * The benchmark's results as Markdown (bench/results/latest.md, and the README's performance
 * section between its bench markers): the figures, each latency also as a multiple of the floor
 * measured in the same run, and the goals next to them.
 */
const ms = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v)
    ? "–"
    : v >= 100
      ? v.toFixed(0)
      : v >= 10
        ? v.toFixed(1)
        : v.toFixed(2);
const x = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)}×` : "–");
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const s = (v: number) => (Number.isFinite(v) ? `${(v / 1000).toFixed(1)} s` : "never");
const cu = (v: number) => v.toFixed(1);
const platformName = (p: string) => (p === "slack" ? "Slack" : "Discord");
const row = (cells: (string | number)[]) => `| ${cells.join(" | ")} |`;
const percentiles = (v: Summary) => [ms(v.p50), ms(v.p95), ms(v.p99), ms(v.max)];

/** Where the run's time went, by section (seconds). */
function sections(r: Results): string {
  const parts = Object.entries(r.sectionSeconds ?? {}).map(([name, s]) => `${name} ${s.toFixed(0)} s`);
  return parts.length > 0 ? `; ${parts.join(", ")}` : "";
}

export function renderMarkdown(r: Results): string {
  const out: string[] = [];
  out.push(
    `Measured ${r.date.slice(0, 16).replace("T", " ")} UTC by \`npm run bench\` in ${r.durationSeconds.toFixed(0)} s ` +
      `on ${r.machine.cpus} × ${r.machine.model}, Node ${r.machine.node} (load average ${r.machine.loadAverage.start.toFixed(1)} ` +
      `at the start, ${r.machine.loadAverage.end.toFixed(1)} at the end)${sections(r)}. Times in ms.`,
    "",
  );

  out.push(
    "**Floor** (same run): an empty HTTP round trip to the local server (`GET /healthz`) and a bare DynamoDB `PutItem`; an interaction's floor is their sum.",
    "",
  );
  out.push(
    row(["floor", "clients", "p50", "p95", "p99", "max"]),
    row(["---", "--:", "--:", "--:", "--:", "--:"]),
  );
  for (const [key, f] of Object.entries(r.floors)) {
    const clients = key.slice(1);
    out.push(row(["HTTP round trip", clients, ...percentiles(f.http)]));
    out.push(row(["DynamoDB PutItem", clients, ...percentiles(f.put)]));
  }
  out.push("");

  out.push(
    `**Answers** (signed requests into the local server; ${r.settings.requestsPerSeries} distinct applicants per row; × floor is p99 over the floor's p99 at the same concurrency).`,
    "",
  );
  out.push(
    row(["platform", "interaction", "clients", "p50", "p95", "p99", "max", "p99 × floor", "errors"]),
    row(["---", "---", "--:", "--:", "--:", "--:", "--:", "--:", "--:"]),
  );
  for (const i of r.interactions) {
    out.push(
      row([
        platformName(i.platform),
        i.interaction,
        i.concurrency,
        ...percentiles(i.summary),
        x(i.ratio.p99),
        i.failures,
      ]),
    );
  }
  out.push("");

  out.push(
    `**End to end** (answer received → the fake platform accepted the call; the local outbox polls the stream every ${r.settings.outboxPollMs} ms, Lambda polls it about every 250 ms).`,
    "",
  );
  out.push(
    row(["platform", "what", "clients", "p50", "p95", "max"]),
    row(["---", "---", "--:", "--:", "--:", "--:"]),
  );
  for (const e of r.endToEnd) {
    out.push(
      row([
        platformName(e.platform),
        e.what,
        e.concurrency,
        ms(e.summary.p50),
        ms(e.summary.p95),
        ms(e.summary.max),
      ]),
    );
  }
  out.push("");

  out.push(
    `**Burst**: ${r.settings.burst.applicants} distinct applicants arriving evenly over ${r.settings.burst.windowMs / 1000} s (each: \`/apply\`, then the form), fakes enforcing the platforms' limits on posting (Slack: 1 message per second per channel; Discord: 5 per 5 s per channel, answered 429 with Retry-After), answered forms waited for until recorded (an answer may come first: Slack's "saving" form, Discord's deferral), then cards watched for ${r.settings.burst.observeMs / 1000} s, sweeper every ${r.settings.burst.sweepEveryMs / 1000} s as deployed.`,
    "",
  );
  out.push(
    row([
      "platform",
      "community",
      "answers p99",
      "max",
      "errors",
      "recorded",
      "all recorded after",
      "outcome",
      "cards delivered",
      "until last card",
      "invariant",
    ]),
    row(["---", "---", "--:", "--:", "--:", "--:", "--:", "---", "--:", "--:", "---"]),
  );
  for (const b of r.bursts) {
    const outcome = Object.entries(b.statuses)
      .map(([k, v]) => `${v} ${k}`)
      .join(", ");
    const last = b.cards.projected
      ? `≥ ${s(b.cards.untilLastMs)} (at the platform's limit)`
      : s(b.cards.untilLastMs);
    const cards = `${b.cards.delivered} in ${s(b.cards.observedMs)} (${b.cards.perSecond.toFixed(2)}/s, ${b.cards.rateLimited} × 429)`;
    const checks =
      b.community === "reviewed"
        ? `${b.invariant ? "holds" : "BROKEN"}: ${b.applicantsWithOneRequest} with one request each, ${b.cards.duplicates} doubled, no card lost (${entryStates(b.cards.entries)})`
        : `${b.invariant ? "holds" : "BROKEN"}: seats ${b.seatsUsed}, waitlist ${b.waitlist?.length} (${b.waitlist?.distinctTickets} tickets, last told #${b.waitlist?.lastPosition}, ${b.waitlist?.outOfOrder} out of order, ${b.waitlist?.admittedAfterLaterArrivals} passed over), ${b.cards.duplicates} doubled, no card lost (${entryStates(b.cards.entries)})`;
    out.push(
      row([
        platformName(b.platform),
        b.community,
        ms(b.all.p99),
        ms(b.all.max),
        b.failures,
        b.recorded,
        b.unrecorded > 0 ? `${b.unrecorded} not yet after ${s(b.recordedAllMs)}` : s(b.recordedAllMs),
        outcome,
        cards,
        last,
        checks,
      ]),
    );
  }
  out.push("");

  if (r.seats.length > 0) {
    out.push(
      "**Seat contention** (the core's `submit` straight against DynamoDB Local, no HTTP: auto-approved applicants all taking a seat in one community at once).",
      "",
      row(["what", "p50", "p95", "p99", "max", "all done in", "outcome"]),
      row(["---", "--:", "--:", "--:", "--:", "--:", "---"]),
    );
    for (const seat of r.seats) {
      const outcome = Object.entries(seat.statuses)
        .map(([k, v]) => `${v} ${k}`)
        .join(", ");
      out.push(row([seat.what, ...percentiles(seat.summary), ms(seat.totalMs), outcome]));
    }
    out.push("");
  }

  const p = r.settings.prices;
  out.push(
    `**Cost** per request from DynamoDB's \`ReturnConsumedCapacity\` (${r.settings.costRequests} complete requests per platform, one client; join = \`/apply\` + form + card posted; decision = Approve + grant, notice and card update). Prices: $${p.dynamoWriteRequestUnitPerMillion} per million write and $${p.dynamoReadRequestUnitPerMillion} per million read request units, Lambda $${p.lambdaRequestPerMillion} per million requests and $${p.lambdaArmGbSecond} per GB-second (${p.source}).`,
    "",
  );
  out.push(
    row([
      "platform",
      "join RRU / WRU",
      "decision RRU / WRU",
      "complete RRU / WRU",
      "Lambda invocations",
      "GB-s",
      "$ per 1,000 complete (DynamoDB + Lambda)",
    ]),
    row(["---", "--:", "--:", "--:", "--:", "--:", "--:"]),
  );
  for (const c of r.costs) {
    out.push(
      row([
        platformName(c.platform),
        `${cu(c.perJoin.read)} / ${cu(c.perJoin.write)}`,
        `${cu(c.perDecision.read)} / ${cu(c.perDecision.write)}`,
        `${cu(c.perComplete.read)} / ${cu(c.perComplete.write)}`,
        c.lambda.invocationsPerRequest,
        c.lambda.gbSecondsPerRequest.toFixed(3),
        `$${c.dollarsPer1000.total.toFixed(3)} ($${c.dollarsPer1000.dynamodb.toFixed(3)} + $${c.dollarsPer1000.lambda.toFixed(3)})`,
      ]),
    );
  }
  out.push(
    "",
    `Lambda assumptions: 3 endpoint invocations per request (\`/apply\`, form, click) at ${r.settings.memoryGb.endpoint} GB for the handler's time (answer p50 at one client less the HTTP floor), and 2 worker invocations (one stream batch per state change) at ${r.settings.memoryGb.worker} GB for the outbox entries' claim-to-settle time; warm functions, free tier ignored, cold-start init (billed since August 2025) not included.`,
    "",
  );

  const cold = (name: string) => r.coldStarts.find((c) => c.name === name);
  out.push(
    `**Cold start**: each bundle built as SST builds it (esbuild, one minified ESM file, no splitting), module initialisation (import) and first invocation in a fresh Node process, median of ${r.settings.coldStartRuns}.`,
    "",
  );
  out.push(
    row(["bundle", "bytes", "import", "first call", "total", "largest parts"]),
    row(["---", "--:", "--:", "--:", "--:", "---"]),
  );
  for (const c of r.coldStarts) {
    out.push(
      row([
        c.name,
        kb(c.bytes),
        ms(c.importMs),
        ms(c.firstCallMs),
        ms(c.totalMs),
        c.largest.map((l) => `${l.source} ${kb(l.bytes)}`).join(", "),
      ]),
    );
  }
  out.push("");

  // The goals, next to the figures.
  const bolt = cold("bare-bolt");
  const goals: [string, string, boolean | undefined][] = [];
  for (const name of ["discord", "slack-worker", "discord-worker", "slack-sweeper", "discord-sweeper"]) {
    const c = cold(name);
    if (!c || !bolt) continue;
    goals.push([`${name}: under 1 MB`, kb(c.bytes), c.bytes < 1024 * 1024]);
    goals.push([
      `${name}: initialises faster than the bare Bolt app (import)`,
      `${ms(c.importMs)} vs ${ms(bolt.importMs)} ms`,
      c.importMs < bolt.importMs,
    ]);
  }
  const slack = cold("slack");
  if (slack && bolt) {
    goals.push([
      "slack: within 1.2× the bare Bolt app's bytes",
      x(slack.bytes / bolt.bytes),
      slack.bytes <= 1.2 * bolt.bytes,
    ]);
    goals.push([
      "slack: within 1.2× the bare Bolt app's init time (import)",
      x(slack.importMs / bolt.importMs),
      slack.importMs <= 1.2 * bolt.importMs,
    ]);
  }
  for (const i of r.interactions.filter((i) => i.concurrency === 50)) {
    goals.push([
      `${platformName(i.platform)} ${i.interaction}, 50 clients: p99 under 100 ms and under 10× the floor`,
      `${ms(i.summary.p99)} ms, ${x(i.ratio.p99)}`,
      i.summary.p99 < 100 && i.ratio.p99 < 10,
    ]);
  }
  for (const e of r.endToEnd.filter((e) => e.what === "submission → card posted" && e.concurrency === 1)) {
    goals.push([
      `${platformName(e.platform)} submission → card p95 under 1 s`,
      `${ms(e.summary.p95)} ms`,
      e.summary.p95 < 1000,
    ]);
  }
  for (const b of r.bursts) {
    goals.push([
      `${platformName(b.platform)} burst (${b.community}): answers p99 under 1 s`,
      `${ms(b.all.p99)} ms`,
      b.all.p99 < 1000,
    ]);
  }
  const failed = Object.entries(r.sectionsFailed);
  if (failed.length > 0) {
    out.push("**Sections that failed in this run**:", "");
    for (const [name, why] of failed) out.push(`- ${name}: ${why}`);
    out.push("");
  }
  out.push("**Goals** (issue 13):", "", row(["goal", "measured", "met"]), row(["---", "--:", "---"]));
  for (const [goal, measured, met] of goals) out.push(row([goal, measured, met ? "yes" : "**no**"]));
  out.push("");
  return `${out.join("\n")}\n`;
}

function entryStates(entries: Record<string, number>): string {
  const parts = Object.entries(entries).map(([k, v]) => `${v} ${k}`);
  return parts.length > 0 ? `card entries: ${parts.join(", ")}` : "no card entries";
}
