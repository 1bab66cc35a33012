import type { Community, GatekeeperConfig } from "../../core/config/schema.js";
import type { Core } from "../../core/context.js";
import * as Messages from "../../core/messages.js";
import type { JoinRequest, RequestStatus } from "../../core/model.js";
import type { Performers } from "../../core/outbox.js";
import * as Requests from "../../core/requests.js";
import { type SweepReport, sweep } from "../../core/sweep.js";
import { APPLICATION_ID, type DiscordHarness, startDiscordHarness } from "../support/discord-harness.js";
import {
  buttonInteraction,
  commandInteraction,
  dmButtonInteraction,
  dmModalSubmitInteraction,
  modalSubmitInteraction,
  type TestMember,
  withCheckbox,
} from "../support/discord-interactions.js";
import type { AnswerJson, ComponentJson, InteractionAnswer } from "../support/discord-sign.js";
import { type StoredMessage, snowflakeNow } from "../support/fake-discord.js";
import { defaultUser, type SlackCall } from "../support/fake-slack.js";
import { type SlackBot, startSlackBot, viewAnswer } from "../support/slack-bot.js";
import { textsOf } from "../support/slack-inspect.js";
import { buttonClick, nextTrigger, viewSubmission } from "../support/slack-payloads.js";
import type { SlackAnswer } from "../support/slack-sign.js";
import { payloadBody } from "../support/slack-sign.js";
import {
  DISCORD_WORKSPACES,
  discordConfig,
  discordIdBook,
  type IdBook,
  type NeutralSpec,
  type Platform,
  SLACK_WORKSPACES,
  slackConfig,
  slackIdBook,
  type WorkspaceKey,
} from "./neutral.js";
import { plainFromDiscord, plainFromMrkdwn, plainFromSlackPlain } from "./normalise.js";

/**
 * One way to drive Gatekeeper the way a person does, on either platform: slash commands, forms,
 * card buttons, the deny-reason form and the moderator tools (Claim, Unclaim, Ask a question and
 * its form; the applicant's Reply button in their DMs and the reply form) go as signed HTTP
 * requests into the real handlers of a local server (DynamoDB Local, the stream-driven outbox
 * worker), with the platform API faked on 127.0.0.1. People are named by keys (see neutral.ts);
 * every text comes back as plain words, and every post with whom it would notify.
 *
 * What is read from the store rather than through a platform (the one place that knows the core's
 * API): which request a form submission created, a request's status, the cooldown end, and the
 * `blocked` seed (`Requests.setBlocked`, what `gatekeeper block` does). The server runs on a clock
 * the driver can move forward (`advance`), and `sweep` runs one pass of the sweeper at that clock,
 * as `gatekeeper sweep --now` does. A card's buttons are remembered from every rendering, so a
 * click can come from an older one (a moderator's client that has not refreshed yet).
 */

export type ReplyKind =
  /** A form (modal) opened. */
  | "form"
  /** A message to the person who acted: an ephemeral reply, or the text that replaced a form. */
  | "message"
  /** A click or decision accepted without a word (the card changes afterwards). */
  | "done"
  /** A click answered with an ephemeral refusal (Slack: chat.postEphemeral; Discord: type 4). */
  | "refused"
  /** A form sent back with field errors. */
  | "invalid"
  /** Not a 200, or an answer of no known shape. */
  | "error";

export interface Reply {
  kind: ReplyKind;
  /** The plain words a person reads (see normalise.ts). */
  text: string;
  raw: unknown;
}

export interface Submitted extends Reply {
  /** The request this submission recorded; undefined when nothing was recorded. */
  requestId: string | undefined;
}

export interface CardView {
  /** Everything on the card as plain text (buttons excluded). */
  text: string;
  /** Approve and Deny are on the card. */
  live: boolean;
  /** The labels of the buttons on the card now, in order (Approve, Deny, Ask a question, Claim…). */
  buttons: string[];
  /** The moderator tools' lines of the card (plain words; see `toolLines`). */
  tools: ToolLines;
  raw: unknown;
}

/** The card's lines the moderator tools add, as plain words (emoji dropped by the normaliser). */
export interface ToolLines {
  /** "Being reviewed by @mod since … (until …)". */
  claim: string | undefined;
  /** "Waiting for the applicant's reply since …", "Replied to question n …" or "No reply to question n …". */
  interview: string | undefined;
  /** "Blocked from applying again by @mod on …". */
  blocked: string | undefined;
  /** "Earlier requests here (n):", its bullets and "Answers since the last request: …"; empty when none. */
  history: string[];
}

/** A message the bot posted (a DM, a post in the card's thread), as read. */
export interface Post {
  text: string;
  /** Who it notifies: `@key` of each person pinged, `@everyone`/`@here`/`@channel` for broadcasts. */
  pings: string[];
  raw: unknown;
}

export interface ToolOptions extends ClickOptions {
  /** Runs after the form opened and before it is submitted. */
  beforeSubmit?: () => Promise<void>;
}

export interface DenyOptions extends ClickOptions {
  /** Ticks "Also block this person" on the deny form. */
  block?: boolean;
}

export interface CardWait {
  /** Waits (bounded) for the card's buttons to go. */
  decided?: boolean;
  /** Waits (bounded) until the card satisfies this; returns the last view either way. */
  until?: (card: CardView) => boolean;
}

/** The tool lines of a card's plain text. */
export function toolLines(text: string): ToolLines {
  const lines = text.split("\n").map((l) => l.trim());
  const find = (re: RegExp) => lines.find((l) => re.test(l));
  const history: string[] = [];
  const start = lines.findIndex((l) => /^Earlier requests here \(\d+\):/.test(l));
  if (start >= 0) {
    history.push(lines[start] ?? "");
    for (const l of lines.slice(start + 1)) {
      if (!l.startsWith("• ")) break;
      history.push(l);
    }
  }
  const diff = find(/^Answers since the last request:/);
  if (diff) history.push(diff);
  return {
    claim: find(/^Being reviewed by /),
    interview: find(/^(Waiting for the applicant's reply|Replied to question|No reply to question)/),
    blocked: find(/^Blocked from applying again by /),
    history,
  };
}

export interface ClickOptions {
  /** Discord: the clicker's roles (keys), instead of their usual ones. Ignored on Slack. */
  roles?: string[];
  /** Where the click comes from; default `home`. */
  workspace?: WorkspaceKey;
}

export interface SubmitOptions {
  /** Runs after the form opened and before it is submitted (the first page, on Discord). */
  beforeSubmit?: () => Promise<void>;
}

export interface Seeds {
  /** A pending request (form submitted). */
  pending(user: string, community: string): Promise<string>;
  /** Submitted and approved by the community's first moderator: a member. */
  member(user: string, community: string): Promise<string>;
  /** Submitted and denied: in the cooldown. `until` is what the store recorded. */
  cooldown(user: string, community: string, reason?: string): Promise<{ requestId: string; until: string }>;
  /** Blocked from the community (`Requests.setBlocked`, as `gatekeeper block` does). */
  blocked(user: string, community: string): Promise<void>;
  /** Submitted and approved while the community is full: on the waitlist. */
  waitlisted(user: string, community: string): Promise<string>;
}

export interface PlatformDriver {
  readonly platform: Platform;
  /** The community as configured for this platform. */
  community(id: string): Community;
  /** The communities of a workspace, in config order. */
  communitiesIn(workspace?: WorkspaceKey): Community[];
  /** `/apply [community]`: a form opened, or the reply. */
  apply(user: string, community?: string): Promise<Reply>;
  /** Opens the form and submits all of it (paging on Discord); the reply and the request recorded. */
  submitForm(
    user: string,
    community: string,
    answers?: Record<string, string>,
    note?: string,
    opts?: SubmitOptions,
  ): Promise<Submitted>;
  status(user: string): Promise<Reply>;
  withdraw(user: string, community?: string): Promise<Reply>;
  /** Clicks Approve on the request's card. */
  approve(moderator: string, requestId: string, opts?: ClickOptions): Promise<Reply>;
  /** Clicks Deny on the card, then submits the reason form (if it opened), "Also block" ticked with `block`. */
  deny(moderator: string, requestId: string, reason: string, opts?: DenyOptions): Promise<Reply>;
  /** Clicks Claim on the card (as remembered: a button may have gone since). */
  claim(moderator: string, requestId: string, opts?: ClickOptions): Promise<Reply>;
  /** Clicks Unclaim on the card (as remembered). */
  unclaim(moderator: string, requestId: string, opts?: ClickOptions): Promise<Reply>;
  /**
   * Clicks "Ask a question" on the card (as remembered), then submits the question form if it
   * opened: "done" when asked, "refused" with the words otherwise (Slack: ephemeral or in the modal).
   */
  ask(moderator: string, requestId: string, question: string, opts?: ToolOptions): Promise<Reply>;
  /**
   * Clicks the Reply button under the request's latest question in the person's DMs: "form" with
   * the form's words (the question), or "refused" with why not.
   */
  openReply(applicant: string, requestId: string): Promise<Reply>;
  /** Opens the reply form from the DM and submits `text`: the words the applicant reads after. */
  reply(applicant: string, requestId: string, text: string, opts?: SubmitOptions): Promise<Reply>;
  /** The bot's DMs to this person, oldest first, with who they ping; waits (bounded) for `atLeast`. */
  dmsTo(user: string, atLeast?: number): Promise<Post[]>;
  /** The posts in the request's card thread, oldest first; waits (bounded) for `atLeast`. */
  threadPosts(requestId: string, atLeast?: number): Promise<Post[]>;
  /** Every ephemeral reply this person got from a click, oldest first. */
  ephemeralRepliesTo(user: string): string[];
  /** Direct messages delivered to this person, oldest first; waits (bounded) for `atLeast`. */
  noticesTo(user: string, atLeast?: number): Promise<string[]>;
  /** The card as it is now; waits for it to be posted and, with `decided`/`until`, for that state. */
  card(requestId: string, opts?: CardWait): Promise<CardView>;
  /** Whether the community's access (Slack channels, Discord roles) was given; `wait` polls (bounded). */
  granted(user: string, community: string, opts?: { wait?: boolean }): Promise<boolean>;
  /** The request's recorded status. */
  requestStatus(requestId: string): Promise<RequestStatus | undefined>;
  /** The request as recorded (to compute the words the applicant should read). */
  request(requestId: string): Promise<JoinRequest | undefined>;
  /** The platform id of a person (for assertions on raw payloads). */
  idOf(user: string): string;
  /** The key a platform id was made for (people, roles, channels), or the id itself. */
  keyOf(id: string): string;
  /** The server's clock (the wall clock plus what `advance` added). */
  now(): Date;
  /** Moves the server's clock forward (cooldowns, claims, reply deadlines). */
  advance(ms: number): void;
  /** One pass of the sweeper at the server's clock (`gatekeeper sweep`): timers, reminders, the outbox. */
  sweep(): Promise<SweepReport>;
  seed: Seeds;
  close(): Promise<void>;
}

const WAIT_MS = 10_000;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something other than undefined; undefined after `timeoutMs`. */
async function poll<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = WAIT_MS) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) return undefined;
    await pause(50);
  }
}

const DEFAULT_ANSWER = "I make things and want to learn from others.";

/** The server's clock: the wall clock, moved forward by `advance` (never back). */
export class OffsetClock {
  private offset = 0;
  readonly now = (): Date => new Date(Date.now() + this.offset);
  advance(ms: number): void {
    this.offset += Math.max(0, ms);
  }
}

/** Waits (bounded) for a card in the state `opts` asks for; the last view either way. */
async function cardIn(view: () => Promise<CardView>, opts: CardWait): Promise<CardView> {
  if (!opts.decided && !opts.until) return view();
  const wanted = (c: CardView) => (!opts.decided || !c.live) && (!opts.until || opts.until(c));
  const probe = async () => {
    const v = await view();
    return wanted(v) ? v : undefined;
  };
  return (await poll(probe)) ?? view();
}

/** What both drivers share: the spec, the ids, the store reads and the seeds built on the operations. */
abstract class BaseDriver implements PlatformDriver {
  abstract readonly platform: Platform;
  readonly seed: Seeds;

  constructor(
    protected readonly spec: NeutralSpec,
    protected readonly book: IdBook,
    protected readonly config: GatekeeperConfig,
    protected readonly workspaces: Record<WorkspaceKey, string>,
    protected readonly clock: OffsetClock,
  ) {
    this.seed = {
      pending: (user, community) => this.seedPending(user, community),
      member: async (user, community) => {
        const id = await this.seedPending(user, community);
        await this.mustDecide(this.approve(this.moderatorOf(community), id), id, "approved");
        return id;
      },
      waitlisted: async (user, community) => {
        const id = await this.seedPending(user, community);
        await this.mustDecide(this.approve(this.moderatorOf(community), id), id, "waitlisted");
        return id;
      },
      cooldown: async (user, community, reason = "Not this time.") => {
        const id = await this.seedPending(user, community);
        await this.mustDecide(this.deny(this.moderatorOf(community), id, reason), id, "denied");
        const standing = await Requests.standing(this.core, community, this.idOf(user));
        if (!standing.cooldownUntil)
          throw new Error(`seed: no cooldown recorded for ${user} in ${community}`);
        return { requestId: id, until: standing.cooldownUntil };
      },
      blocked: (user, community) =>
        Requests.setBlocked(this.core, this.community(community), this.idOf(user), true),
    };
  }

  protected abstract get core(): Core;
  abstract apply(user: string, community?: string): Promise<Reply>;
  abstract submitForm(
    user: string,
    community: string,
    answers?: Record<string, string>,
    note?: string,
    opts?: SubmitOptions,
  ): Promise<Submitted>;
  abstract status(user: string): Promise<Reply>;
  abstract withdraw(user: string, community?: string): Promise<Reply>;
  abstract approve(moderator: string, requestId: string, opts?: ClickOptions): Promise<Reply>;
  abstract deny(moderator: string, requestId: string, reason: string, opts?: DenyOptions): Promise<Reply>;
  abstract claim(moderator: string, requestId: string, opts?: ClickOptions): Promise<Reply>;
  abstract unclaim(moderator: string, requestId: string, opts?: ClickOptions): Promise<Reply>;
  abstract ask(moderator: string, requestId: string, question: string, opts?: ToolOptions): Promise<Reply>;
  abstract openReply(applicant: string, requestId: string): Promise<Reply>;
  abstract reply(applicant: string, requestId: string, text: string, opts?: SubmitOptions): Promise<Reply>;
  abstract dmsTo(user: string, atLeast?: number): Promise<Post[]>;
  abstract threadPosts(requestId: string, atLeast?: number): Promise<Post[]>;
  abstract ephemeralRepliesTo(user: string): string[];
  abstract noticesTo(user: string, atLeast?: number): Promise<string[]>;
  abstract card(requestId: string, opts?: CardWait): Promise<CardView>;
  abstract granted(user: string, community: string, opts?: { wait?: boolean }): Promise<boolean>;
  abstract close(): Promise<void>;

  community(id: string): Community {
    const c = this.config.communities.find((x) => x.id === id);
    if (!c) throw new Error(`no community ${id} in the parity spec`);
    return c;
  }

  communitiesIn(workspace: WorkspaceKey = "home"): Community[] {
    return this.config.communities.filter((c) => c.workspace === this.workspaces[workspace]);
  }

  idOf(user: string): string {
    return this.book.user(user);
  }

  keyOf(id: string): string {
    return this.book.keyOf(id);
  }

  now(): Date {
    return this.clock.now();
  }

  advance(ms: number): void {
    this.clock.advance(ms);
  }

  sweep(): Promise<SweepReport> {
    return sweep(this.core, this.performers);
  }

  protected abstract get performers(): Performers;

  /** Posts oldest first, once at least `atLeast` of them are there (bounded). */
  protected async atLeast(list: () => Post[], n: number): Promise<Post[]> {
    return (await poll(() => (list().length >= n ? list() : undefined))) ?? list();
  }

  async requestStatus(requestId: string): Promise<RequestStatus | undefined> {
    return (await this.request(requestId))?.status;
  }

  request(requestId: string): Promise<JoinRequest | undefined> {
    return Requests.get(this.core, requestId);
  }

  /** The applicant's request ids for a community (to find the one a submission adds). */
  protected async requestIds(user: string, community: string): Promise<Set<string>> {
    const c = this.community(community);
    const list = await Requests.listForApplicant(this.core, c.platform, c.workspace, this.idOf(user));
    return new Set(list.filter((r) => r.request.communityId === community).map((r) => r.request.id));
  }

  protected async newRequestId(user: string, community: string, before: Set<string>) {
    const after = await this.requestIds(user, community);
    return [...after].find((id) => !before.has(id));
  }

  /** Where the worker posted the request's card (recorded on the request). */
  protected async cardRef(requestId: string) {
    return (await this.request(requestId))?.card;
  }

  protected answerFor(answers: Record<string, string> | undefined, questionId: string): string {
    return answers?.[questionId] ?? DEFAULT_ANSWER;
  }

  private moderatorOf(community: string): string {
    const mod = this.spec.communities.find((c) => c.id === community)?.moderators.users[0];
    if (!mod) throw new Error(`seed: ${community} has no moderator user in the parity spec`);
    return mod;
  }

  private async seedPending(user: string, community: string): Promise<string> {
    const r = await this.submitForm(user, community);
    if (!r.requestId) throw new Error(`seed: ${user} could not apply to ${community}: ${r.kind} "${r.text}"`);
    return r.requestId;
  }

  private async mustDecide(reply: Promise<Reply>, requestId: string, status: RequestStatus) {
    const r = await reply;
    const now = await this.requestStatus(requestId);
    if (r.kind !== "done" || now !== status)
      throw new Error(
        `seed: deciding ${requestId} gave ${r.kind} "${r.text}", status ${now} (wanted ${status})`,
      );
  }
}

// Slack

interface SlackView {
  id: string;
  callback_id?: string;
  private_metadata?: string;
  blocks?: {
    type: string;
    block_id?: string;
    element?: { type?: string; action_id?: string; options?: unknown[] };
  }[];
}

interface SlackButton {
  action_id: string;
  value: string;
  label: string;
}

export class SlackDriver extends BaseDriver {
  readonly platform = "slack" as const;
  private readonly known = new Set<string>();
  private readonly buttons = new Map<string, SlackButton[]>();

  private constructor(
    spec: NeutralSpec,
    book: IdBook,
    config: GatekeeperConfig,
    clock: OffsetClock,
    readonly bot: SlackBot,
  ) {
    super(spec, book, config, SLACK_WORKSPACES, clock);
  }

  static async start(spec: NeutralSpec): Promise<SlackDriver> {
    const book = slackIdBook();
    const config = slackConfig(spec, book);
    const clock = new OffsetClock();
    return new SlackDriver(spec, book, config, clock, await startSlackBot(config, { now: clock.now }));
  }

  protected get core(): Core {
    return this.bot.server.runtime.core;
  }

  protected get performers(): Performers {
    return this.bot.server.runtime.performers;
  }

  /** The person's id; the fake's `users.info` gives them their key as display name. */
  override idOf(user: string): string {
    const id = this.book.user(user);
    if (!this.known.has(id)) {
      this.known.add(id);
      const base = defaultUser(id);
      this.bot.fake.setUser({
        ...base,
        name: user,
        real_name: user,
        profile: { ...base.profile, real_name: user, display_name: user },
      });
    }
    return id;
  }

  private plain(mrkdwn: string): string {
    return plainFromMrkdwn(mrkdwn, (id) => this.book.keyOf(id));
  }

  private ackText(answer: SlackAnswer): string {
    const json = answer.json as { text?: unknown } | undefined;
    return typeof json?.text === "string" ? json.text : answer.text;
  }

  /** All texts of a modal, in order (plain_text as typed, mrkdwn read). */
  private modalText(view: unknown): string {
    return this.blockTexts(view).join("\n");
  }

  private blockTexts(node: unknown, skipActions = false): string[] {
    const out: string[] = [];
    const walk = (n: unknown) => {
      if (Array.isArray(n)) {
        for (const x of n) walk(x);
        return;
      }
      if (typeof n !== "object" || n === null) return;
      const o = n as Record<string, unknown>;
      if (skipActions && o.type === "actions") return;
      if ((o.type === "mrkdwn" || o.type === "plain_text") && typeof o.text === "string") {
        out.push(o.type === "mrkdwn" ? this.plain(o.text) : plainFromSlackPlain(o.text));
        return;
      }
      for (const [k, v] of Object.entries(o)) if (k !== "title" && k !== "close" && k !== "submit") walk(v);
    };
    walk(node);
    return out;
  }

  private async command(user: string, text: string, trigger = nextTrigger()) {
    const answer = await this.bot.command(`/apply ${text}`.trim(), { user: this.idOf(user), text, trigger });
    const open = this.bot.fake.succeeded("views.open").find((c) => c.params.trigger_id === trigger);
    return { answer, open };
  }

  private toReply(answer: SlackAnswer): Reply {
    if (answer.status !== 200) return { kind: "error", text: answer.text, raw: answer };
    return { kind: "message", text: this.plain(this.ackText(answer)), raw: answer.json ?? answer.text };
  }

  async apply(user: string, community?: string): Promise<Reply> {
    const { answer, open } = await this.command(user, community ?? "");
    if (open) return { kind: "form", text: "", raw: open.params.view };
    return this.toReply(answer);
  }

  async submitForm(
    user: string,
    community: string,
    answers?: Record<string, string>,
    note?: string,
    opts: SubmitOptions = {},
  ): Promise<Submitted> {
    const { answer, open } = await this.command(user, community);
    if (!open) return { ...this.toReply(answer), requestId: undefined };
    const view = open.response?.view as SlackView;
    const values: Record<string, string | null> = {};
    for (const block of view.blocks ?? []) {
      if (block.type !== "input" || !block.block_id) continue;
      if (block.block_id === "note") values[block.block_id] = note ?? null;
      else values[block.block_id] = this.answerFor(answers, block.block_id.replace(/^q:/, ""));
    }
    await opts.beforeSubmit?.();
    const before = await this.requestIds(user, community);
    const submitted = await this.bot.post(
      "form submission",
      payloadBody(
        viewSubmission({
          viewId: view.id,
          user: this.idOf(user),
          userName: user,
          metadata: view.private_metadata ?? "",
          values,
        }),
      ),
    );
    const requestId = await this.newRequestId(user, community, before);
    if (submitted.status !== 200) return { kind: "error", text: submitted.text, raw: submitted, requestId };
    const body = viewAnswer(submitted);
    if (body.response_action === "errors")
      return { kind: "invalid", text: Object.values(body.errors ?? {}).join("\n"), raw: body, requestId };
    return { kind: "message", text: this.modalText(body.view ?? {}), raw: body, requestId };
  }

  async status(user: string): Promise<Reply> {
    return this.toReply((await this.command(user, "status")).answer);
  }

  async withdraw(user: string, community?: string): Promise<Reply> {
    return this.toReply((await this.command(user, `withdraw ${community ?? ""}`.trim())).answer);
  }

  /** The card message as the fake Slack holds it now (chat.update changes it in place). */
  private async cardMessage(requestId: string) {
    const ref = await this.cardRef(requestId);
    return ref ? this.bot.fake.messages.get(ref.id) : undefined;
  }

  private cardButtons(blocks: unknown): SlackButton[] {
    const out: SlackButton[] = [];
    for (const block of Array.isArray(blocks) ? blocks : []) {
      const b = block as { type?: string; elements?: unknown[] };
      if (b.type !== "actions") continue;
      for (const e of b.elements ?? []) {
        const el = e as { type?: string; action_id?: string; value?: string; text?: { text?: string } };
        if (el.type === "button" && el.action_id && el.value)
          out.push({ action_id: el.action_id, value: el.value, label: el.text?.text ?? "" });
      }
    }
    return out;
  }

  async card(requestId: string, opts: CardWait = {}): Promise<CardView> {
    const first = await poll(() => this.cardMessage(requestId));
    if (!first) throw new Error(`slack: the card of ${requestId} was never posted`);
    const view = async (): Promise<CardView> => {
      const m = (await this.cardMessage(requestId)) ?? first;
      const buttons = this.cardButtons(m.blocks);
      this.remember(requestId, buttons);
      const text = this.blockTexts(m.blocks, true).join("\n");
      return {
        text,
        live: buttons.some((b) => /approve/i.test(b.label)) && buttons.some((b) => /deny/i.test(b.label)),
        buttons: buttons.map((b) => b.label),
        tools: toolLines(text),
        raw: m,
      };
    };
    return cardIn(view, opts);
  }

  /** Every button the card has shown, by label (a moderator's client may show an older rendering). */
  private remember(requestId: string, buttons: SlackButton[]): void {
    const known = this.buttons.get(requestId) ?? [];
    for (const b of buttons) if (!known.some((k) => k.label === b.label)) known.push(b);
    this.buttons.set(requestId, known);
  }

  /** Clicks a button of the card (as remembered from any rendering of it). */
  private async click(label: string, moderator: string, requestId: string, opts: ClickOptions) {
    await this.card(requestId);
    const button = this.buttons.get(requestId)?.find((b) => b.label === label);
    if (!button) throw new Error(`slack: the card of ${requestId} never showed ${label}`);
    const message = await this.cardMessage(requestId);
    const workspace = opts.workspace ?? "home";
    const channel =
      workspace === "home"
        ? (message?.channel ?? "")
        : (this.communitiesIn(workspace)[0]?.reviewChannel ?? this.book.channel(`${workspace}-channel`));
    const user = this.idOf(moderator);
    const mark = this.bot.fake.calls.length;
    const trigger = nextTrigger();
    const answer = await this.bot.post(
      `click ${label}`,
      payloadBody(
        buttonClick({
          actionId: button.action_id,
          value: button.value,
          user,
          userName: moderator,
          team: SLACK_WORKSPACES[workspace],
          channel,
          ...(message ? { messageTs: message.ts } : {}),
          trigger,
        }),
      ),
    );
    const ephemerals = this.bot.fake.calls
      .slice(mark)
      .filter((c) => c.method === "chat.postEphemeral" && c.params.user === user);
    const open = this.bot.fake.succeeded("views.open").find((c) => c.params.trigger_id === trigger);
    return { answer, ephemerals, open, user, workspace };
  }

  private refusal(answer: SlackAnswer, ephemerals: SlackCall[]): Reply | undefined {
    if (answer.status !== 200) return { kind: "error", text: answer.text, raw: answer };
    const last = ephemerals.at(-1);
    if (last) return { kind: "refused", text: this.plain(String(last.params.text ?? "")), raw: last.params };
    return undefined;
  }

  /** A modal submission's answer: closed ("done"), field errors, or a modal saying something. */
  private submission(submitted: SlackAnswer, updated: ReplyKind): Reply {
    if (submitted.status !== 200) return { kind: "error", text: submitted.text, raw: submitted };
    const body = viewAnswer(submitted);
    if (body.response_action === "errors")
      return { kind: "invalid", text: Object.values(body.errors ?? {}).join("\n"), raw: body };
    if (body.response_action === "update" && body.view)
      return { kind: updated, text: this.modalText(body.view), raw: body };
    return { kind: "done", text: "", raw: body };
  }

  private async clickOnly(label: string, moderator: string, requestId: string, opts: ClickOptions) {
    const { answer, ephemerals } = await this.click(label, moderator, requestId, opts);
    return this.refusal(answer, ephemerals) ?? { kind: "done" as const, text: "", raw: answer };
  }

  approve(moderator: string, requestId: string, opts: ClickOptions = {}): Promise<Reply> {
    return this.clickOnly("Approve", moderator, requestId, opts);
  }

  claim(moderator: string, requestId: string, opts: ClickOptions = {}): Promise<Reply> {
    return this.clickOnly(Messages.TOOL_BUTTONS.claim, moderator, requestId, opts);
  }

  unclaim(moderator: string, requestId: string, opts: ClickOptions = {}): Promise<Reply> {
    return this.clickOnly(Messages.TOOL_BUTTONS.unclaim, moderator, requestId, opts);
  }

  async deny(moderator: string, requestId: string, reason: string, opts: DenyOptions = {}): Promise<Reply> {
    const { answer, ephemerals, open, user, workspace } = await this.click(
      "Deny",
      moderator,
      requestId,
      opts,
    );
    const refused = this.refusal(answer, ephemerals);
    if (refused) return refused;
    if (!open) return { kind: "error", text: "the reason form did not open", raw: answer };
    const view = open.response?.view as SlackView;
    const input = (view.blocks ?? []).find((b) => b.type === "input" && b.block_id);
    const payload = viewSubmission({
      viewId: view.id,
      user,
      userName: moderator,
      team: SLACK_WORKSPACES[workspace],
      callbackId: view.callback_id ?? "",
      metadata: view.private_metadata ?? "",
      values: { [input?.block_id ?? "reason"]: reason },
    });
    if (opts.block) {
      // The "Also block this person" checkboxes input, ticked as Slack sends it back.
      const box = (view.blocks ?? []).find(
        (b) => b.type === "input" && b.element?.type === "checkboxes" && b.block_id,
      );
      const option = box?.element?.options?.[0];
      if (!box?.block_id || !option)
        return { kind: "error", text: "the deny form has no block option", raw: view };
      const state = (payload.view as { state: { values: Record<string, unknown> } }).state;
      state.values[box.block_id] = {
        [box.element?.action_id ?? "value"]: { type: "checkboxes", selected_options: [option] },
      };
    }
    return this.submission(await this.bot.post("deny reason", payloadBody(payload)), "refused");
  }

  async ask(moderator: string, requestId: string, question: string, opts: ToolOptions = {}): Promise<Reply> {
    const { answer, ephemerals, open, user, workspace } = await this.click(
      Messages.TOOL_BUTTONS.ask,
      moderator,
      requestId,
      opts,
    );
    const refused = this.refusal(answer, ephemerals);
    if (refused) return refused;
    if (!open) return { kind: "error", text: "the question form did not open", raw: answer };
    const view = open.response?.view as SlackView;
    const input = (view.blocks ?? []).find((b) => b.type === "input" && b.block_id);
    await opts.beforeSubmit?.();
    const submitted = await this.bot.post(
      "question",
      payloadBody(
        viewSubmission({
          viewId: view.id,
          user,
          userName: moderator,
          team: SLACK_WORKSPACES[workspace],
          callbackId: view.callback_id ?? "",
          metadata: view.private_metadata ?? "",
          values: { [input?.block_id ?? "ask"]: question },
        }),
      ),
    );
    return this.submission(submitted, "refused");
  }

  /** The Reply button under the request's latest question, in the person's DMs. */
  private replyButton(applicant: string, requestId: string): SlackButton | undefined {
    const id = this.idOf(applicant);
    const dms = this.bot.fake.succeeded("chat.postMessage").filter((c) => c.params.channel === id);
    const buttons = dms.flatMap((c) => this.cardButtons(c.params.blocks));
    return buttons
      .filter((b) => b.label === Messages.TOOL_BUTTONS.reply && b.value.includes(requestId))
      .at(-1);
  }

  /** Clicks the DM's Reply button: the modal that opened (the reply form, or one saying why not). */
  private async clickReply(applicant: string, requestId: string) {
    const button = await poll(() => this.replyButton(applicant, requestId));
    if (!button) throw new Error(`slack: ${applicant} never got a Reply button for ${requestId}`);
    const user = this.idOf(applicant);
    const trigger = nextTrigger();
    const answer = await this.bot.post(
      "click Reply",
      payloadBody(
        buttonClick({
          actionId: button.action_id,
          value: button.value,
          user,
          userName: applicant,
          channel: `D${user.slice(1)}`,
          trigger,
        }),
      ),
    );
    const open = await poll(() =>
      this.bot.fake.succeeded("views.open").find((c) => c.params.trigger_id === trigger),
    );
    return { answer, view: open?.response?.view as SlackView | undefined, user };
  }

  async openReply(applicant: string, requestId: string): Promise<Reply> {
    const { answer, view } = await this.clickReply(applicant, requestId);
    if (answer.status !== 200) return { kind: "error", text: answer.text, raw: answer };
    if (!view) return { kind: "error", text: "no modal opened", raw: answer };
    const isForm = (view.blocks ?? []).some((b) => b.type === "input");
    return { kind: isForm ? "form" : "refused", text: this.modalText(view), raw: view };
  }

  async reply(applicant: string, requestId: string, text: string, opts: SubmitOptions = {}): Promise<Reply> {
    const { answer, view, user } = await this.clickReply(applicant, requestId);
    if (answer.status !== 200) return { kind: "error", text: answer.text, raw: answer };
    if (!view) return { kind: "error", text: "no modal opened", raw: answer };
    const input = (view.blocks ?? []).find((b) => b.type === "input" && b.block_id);
    if (!input) return { kind: "refused", text: this.modalText(view), raw: view };
    await opts.beforeSubmit?.();
    const submitted = await this.bot.post(
      "reply",
      payloadBody(
        viewSubmission({
          viewId: view.id,
          user,
          userName: applicant,
          callbackId: view.callback_id ?? "",
          metadata: view.private_metadata ?? "",
          values: { [input.block_id ?? "reply"]: text },
        }),
      ),
    );
    return this.submission(submitted, "message");
  }

  /** A message as read, with whom Slack would notify (live mentions in its mrkdwn). */
  private postOf(params: Record<string, unknown>): Post {
    const pings = new Set<string>();
    for (const t of textsOf(params).mrkdwn) {
      for (const m of t.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)) pings.add(`@${this.keyOf(m[1] ?? "")}`);
      for (const m of t.matchAll(/<!(channel|here|everyone)(?:\|[^>]*)?>/g)) pings.add(`@${m[1]}`);
      for (const m of t.matchAll(/<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>/g)) pings.add(`@${m[1]}`);
      if (params.link_names === true || params.link_names === 1)
        for (const m of t.matchAll(/(?:^|\s)@(channel|here|everyone)\b/g)) pings.add(`@${m[1]}`);
    }
    return { text: this.plain(String(params.text ?? "")), pings: [...pings], raw: params };
  }

  dmsTo(user: string, atLeast = 1): Promise<Post[]> {
    const id = this.idOf(user);
    return this.atLeast(
      () =>
        this.bot.fake
          .succeeded("chat.postMessage")
          .filter((c) => c.params.channel === id)
          .map((c) => this.postOf(c.params)),
      atLeast,
    );
  }

  async threadPosts(requestId: string, atLeast = 1): Promise<Post[]> {
    const ref = await poll(() => this.cardRef(requestId));
    if (!ref) throw new Error(`slack: the card of ${requestId} was never posted`);
    return this.atLeast(
      () =>
        this.bot.fake
          .succeeded("chat.postMessage")
          .filter((c) => c.params.thread_ts === ref.id && c.params.channel === ref.channel)
          .map((c) => this.postOf(c.params)),
      atLeast,
    );
  }

  ephemeralRepliesTo(user: string): string[] {
    const id = this.idOf(user);
    return this.bot.fake
      .callsTo("chat.postEphemeral")
      .filter((c) => c.params.user === id)
      .map((c) => this.plain(String(c.params.text ?? "")));
  }

  async noticesTo(user: string, atLeast = 1): Promise<string[]> {
    const id = this.idOf(user);
    const dms = () =>
      this.bot.fake
        .succeeded("chat.postMessage")
        .filter((c) => c.params.channel === id)
        .map((c) => this.plain(String(c.params.text ?? "")));
    return (await poll(() => (dms().length >= atLeast ? dms() : undefined))) ?? dms();
  }

  async granted(user: string, community: string, opts: { wait?: boolean } = {}): Promise<boolean> {
    const id = this.idOf(user);
    const channels = this.community(community).grant.channels;
    const check = () => channels.every((ch) => this.bot.fake.members.get(ch)?.has(id) === true);
    if (!opts.wait) return check();
    return (await poll(() => (check() ? true : undefined))) ?? false;
  }

  async close(): Promise<void> {
    await this.bot.close();
  }
}

// Discord

interface DiscordCard {
  id: string;
  channel_id: string;
  buttons: { custom_id: string; label: string }[];
}

export class DiscordDriver extends BaseDriver {
  readonly platform = "discord" as const;
  /** Every type-4 answer, by the id of the person who interacted. */
  private readonly ephemerals = new Map<string, string[]>();
  private readonly cards = new Map<string, DiscordCard>();

  private constructor(
    spec: NeutralSpec,
    book: IdBook,
    config: GatekeeperConfig,
    clock: OffsetClock,
    readonly h: DiscordHarness,
  ) {
    super(spec, book, config, DISCORD_WORKSPACES, clock);
  }

  static async start(spec: NeutralSpec): Promise<DiscordDriver> {
    const book = discordIdBook();
    const config = discordConfig(spec, book);
    const clock = new OffsetClock();
    const h = await startDiscordHarness(JSON.stringify(config), { now: clock.now });
    return new DiscordDriver(spec, book, config, clock, h);
  }

  protected get core(): Core {
    return this.h.server.runtime.core;
  }

  protected get performers(): Performers {
    return this.h.server.runtime.performers;
  }

  private plain(text: string): string {
    return plainFromDiscord(text, (id) => this.book.keyOf(id));
  }

  private member(user: string, roles?: string[]): TestMember {
    return {
      user: {
        id: this.idOf(user),
        username: user.toLowerCase(),
        global_name: user,
        avatar: "a1b2c3d4e5f60718293a4b5c6d7e8f90",
      },
      roles: (roles ?? this.spec.people?.[user]?.roles ?? []).map((r) => this.book.role(r)),
      joined_at: new Date(Date.now() - 30 * 86_400_000).toISOString(),
      nick: null,
    };
  }

  private base(user: string, workspace: WorkspaceKey = "home", roles?: string[]) {
    return {
      guild: DISCORD_WORKSPACES[workspace],
      member: this.member(user, roles),
      applicationId: APPLICATION_ID,
    };
  }

  private async post(label: string, user: string, payload: unknown): Promise<InteractionAnswer> {
    // Signed at the server's time: the endpoint checks the signature's timestamp against its clock.
    const answer = await this.h.post(label, payload, {
      timestamp: Math.floor(this.clock.now().getTime() / 1000),
    });
    if (answer.json.type === 4) {
      const id = this.idOf(user);
      this.ephemerals.set(id, [...(this.ephemerals.get(id) ?? []), answer.json.data?.content ?? ""]);
    }
    return answer;
  }

  private toReply(answer: InteractionAnswer, click = false): Reply {
    const { json } = answer;
    const text = this.plain(json.data?.content ?? "");
    if (answer.status !== 200) return { kind: "error", text: json.error ?? "", raw: answer };
    switch (json.type) {
      case 9:
        return { kind: "form", text: "", raw: json };
      case 4:
        return { kind: click ? "refused" : "message", text, raw: json };
      case 7:
        return { kind: "message", text, raw: json };
      case 6:
        return { kind: "done", text: "", raw: json };
      default:
        return { kind: "error", text, raw: json };
    }
  }

  private command(user: string, name: string, community?: string) {
    return commandInteraction({
      ...this.base(user),
      name,
      ...(community !== undefined ? { options: { community } } : {}),
    });
  }

  async apply(user: string, community?: string): Promise<Reply> {
    return this.toReply(
      await this.post(`/apply ${community ?? ""}`, user, this.command(user, "apply", community)),
    );
  }

  async submitForm(
    user: string,
    community: string,
    answers?: Record<string, string>,
    note?: string,
    opts: SubmitOptions = {},
  ): Promise<Submitted> {
    const opened = await this.post(`/apply ${community}`, user, this.command(user, "apply", community));
    if (opened.json.type !== 9) return { ...this.toReply(opened), requestId: undefined };
    await opts.beforeSubmit?.();
    const before = await this.requestIds(user, community);
    let modal = opened.json.data;
    let message: { id: string; channel_id: string } | undefined;
    for (let page = 1; page <= 5; page++) {
      const values: Record<string, string> = {};
      for (const input of inputsOf(modal)) {
        const id = input.custom_id ?? "";
        values[id] = id === "note" ? (note ?? "") : this.answerFor(answers, id.replace(/^q:/, ""));
      }
      const answer = await this.post(
        `submit ${community} page ${page}`,
        user,
        modalSubmitInteraction({
          ...this.base(user),
          customId: modal?.custom_id ?? "",
          values,
          ...(message ? { message } : {}),
        }),
      );
      const buttons = buttonsOf(answer.json);
      const next = buttons.find((b) => /^continue$/i.test(b.label ?? ""));
      if (buttons.some((b) => /edit/i.test(b.label ?? "")))
        return { ...this.toReply(answer), kind: "invalid", requestId: undefined };
      if (!next) {
        const reply = this.toReply(answer);
        return { ...reply, requestId: await this.newRequestId(user, community, before) };
      }
      // The "Continue" button sits on the applicant's ephemeral message: click it for the next page.
      message = message ?? { id: snowflakeNow(), channel_id: this.book.channel("apply-channel") };
      const opened2 = await this.post(
        "continue",
        user,
        buttonInteraction({ ...this.base(user), customId: next.custom_id ?? "", message, ephemeral: true }),
      );
      if (opened2.json.type !== 9)
        return { ...this.toReply(opened2), requestId: await this.newRequestId(user, community, before) };
      modal = opened2.json.data;
    }
    throw new Error(`discord: the form of ${community} has more than five pages`);
  }

  async status(user: string): Promise<Reply> {
    return this.toReply(await this.post("/apply-status", user, this.command(user, "apply-status")));
  }

  async withdraw(user: string, community?: string): Promise<Reply> {
    return this.toReply(
      await this.post(
        `/apply-withdraw ${community ?? ""}`,
        user,
        this.command(user, "apply-withdraw", community),
      ),
    );
  }

  private async cardMessage(requestId: string) {
    const ref = await this.cardRef(requestId);
    return ref ? this.h.fake.messages.get(ref.id) : undefined;
  }

  async card(requestId: string, opts: CardWait = {}): Promise<CardView> {
    const first = await poll(() => this.cardMessage(requestId));
    if (!first) throw new Error(`discord: the card of ${requestId} was never posted`);
    const view = async (): Promise<CardView> => {
      const m = (await this.cardMessage(requestId)) ?? first;
      const buttons = (m.components ?? []).flatMap((row) =>
        ((row as ComponentJson).components ?? []).filter((c) => c.type === 2),
      );
      const known = this.cards.get(requestId) ?? { id: m.id, channel_id: m.channel_id, buttons: [] };
      for (const b of buttons)
        if (!known.buttons.some((k) => k.label === b.label))
          known.buttons.push({ custom_id: b.custom_id ?? "", label: b.label ?? "" });
      this.cards.set(requestId, known);
      const lines: string[] = [];
      for (const e of (m.embeds ?? []) as {
        title?: string;
        description?: string;
        fields?: { name: string; value: string }[];
        footer?: { text: string };
      }[]) {
        if (e.title) lines.push(e.title);
        if (e.description) lines.push(e.description);
        for (const f of e.fields ?? []) lines.push(f.name, f.value);
        if (e.footer) lines.push(e.footer.text);
      }
      if (m.content) lines.push(m.content);
      const text = this.plain(lines.join("\n"));
      return {
        text,
        live:
          buttons.some((b) => /approve/i.test(b.label ?? "")) &&
          buttons.some((b) => /deny/i.test(b.label ?? "")),
        buttons: buttons.map((b) => b.label ?? ""),
        tools: toolLines(text),
        raw: m,
      };
    };
    return cardIn(view, opts);
  }

  /** Clicks a button of the card (as remembered from any rendering of it). */
  private async click(label: string, moderator: string, requestId: string, opts: ClickOptions) {
    await this.card(requestId);
    const card = this.cards.get(requestId);
    const button = card?.buttons.find((b) => b.label === label);
    if (!card || !button) throw new Error(`discord: the card of ${requestId} never showed ${label}`);
    const base = this.base(moderator, opts.workspace ?? "home", opts.roles);
    const answer = await this.post(
      `click ${label}`,
      moderator,
      buttonInteraction({
        ...base,
        customId: button.custom_id,
        message: { id: card.id, channel_id: card.channel_id },
      }),
    );
    return { answer, base, card };
  }

  async approve(moderator: string, requestId: string, opts: ClickOptions = {}): Promise<Reply> {
    return this.toReply((await this.click("Approve", moderator, requestId, opts)).answer, true);
  }

  async claim(moderator: string, requestId: string, opts: ClickOptions = {}): Promise<Reply> {
    const { answer } = await this.click(Messages.TOOL_BUTTONS.claim, moderator, requestId, opts);
    return this.toReply(answer, true);
  }

  async unclaim(moderator: string, requestId: string, opts: ClickOptions = {}): Promise<Reply> {
    const { answer } = await this.click(Messages.TOOL_BUTTONS.unclaim, moderator, requestId, opts);
    return this.toReply(answer, true);
  }

  async deny(moderator: string, requestId: string, reason: string, opts: DenyOptions = {}): Promise<Reply> {
    const { answer, base, card } = await this.click("Deny", moderator, requestId, opts);
    if (answer.json.type !== 9) return this.toReply(answer, true);
    const modal = answer.json.data;
    const input = inputsOf(modal)[0];
    let payload = modalSubmitInteraction({
      ...base,
      customId: modal?.custom_id ?? "",
      values: { [input?.custom_id ?? "reason"]: reason },
      message: { id: card.id, channel_id: card.channel_id },
    });
    if (opts.block) {
      // The "Also block this person" checkbox (component type 23), ticked.
      const box = componentsOf(modal).find((c) => c.type === 23);
      if (!box?.custom_id) return { kind: "error", text: "the deny form has no block option", raw: modal };
      payload = withCheckbox(payload, box.custom_id, true);
    }
    return this.toReply(await this.post("deny reason", moderator, payload), true);
  }

  async ask(moderator: string, requestId: string, question: string, opts: ToolOptions = {}): Promise<Reply> {
    const { answer, base, card } = await this.click(Messages.TOOL_BUTTONS.ask, moderator, requestId, opts);
    if (answer.json.type !== 9) return this.toReply(answer, true);
    const modal = answer.json.data;
    const input = inputsOf(modal)[0];
    await opts.beforeSubmit?.();
    const submitted = await this.post(
      "question",
      moderator,
      modalSubmitInteraction({
        ...base,
        customId: modal?.custom_id ?? "",
        values: { [input?.custom_id ?? "ask"]: question },
        message: { id: card.id, channel_id: card.channel_id },
      }),
    );
    return this.toReply(submitted, true);
  }

  /** The DM carrying the Reply button of the request's latest question. */
  private replyDm(applicant: string, requestId: string) {
    const channel = this.h.fake.dmChannelOf(this.idOf(applicant));
    const found = [...this.h.fake.messages.values()]
      .filter((m) => m.channel_id === channel)
      .flatMap((m) =>
        (m.components ?? [])
          .flatMap((row) => (row as ComponentJson).components ?? [])
          .filter((c) => c.type === 2 && c.label === Messages.TOOL_BUTTONS.reply)
          .filter((c) => (c.custom_id ?? "").includes(requestId))
          .map((c) => ({ message: { id: m.id, channel_id: m.channel_id }, customId: c.custom_id ?? "" })),
      );
    return found.at(-1);
  }

  private async clickReply(applicant: string, requestId: string) {
    const dm = await poll(() => this.replyDm(applicant, requestId));
    if (!dm) throw new Error(`discord: ${applicant} never got a Reply button for ${requestId}`);
    const user = this.member(applicant).user;
    const answer = await this.post(
      "click Reply (DM)",
      applicant,
      dmButtonInteraction({
        user,
        applicationId: APPLICATION_ID,
        customId: dm.customId,
        message: dm.message,
      }),
    );
    return { answer, dm, user };
  }

  /** What a modal shows besides its inputs (text displays), as read. */
  private modalWords(modal: AnswerJson["data"]): string {
    return this.plain(
      componentsOf(modal)
        .filter((c) => c.type === 10)
        .map((c) => (c as { content?: string }).content ?? "")
        .join("\n"),
    );
  }

  async openReply(applicant: string, requestId: string): Promise<Reply> {
    const { answer } = await this.clickReply(applicant, requestId);
    if (answer.json.type === 9)
      return { kind: "form", text: this.modalWords(answer.json.data), raw: answer.json };
    return this.toReply(answer, true);
  }

  async reply(applicant: string, requestId: string, text: string, opts: SubmitOptions = {}): Promise<Reply> {
    const { answer, dm, user } = await this.clickReply(applicant, requestId);
    if (answer.json.type !== 9) return this.toReply(answer, true);
    const modal = answer.json.data;
    const input = inputsOf(modal)[0];
    await opts.beforeSubmit?.();
    const submitted = await this.post(
      "reply (DM modal)",
      applicant,
      dmModalSubmitInteraction({
        user,
        applicationId: APPLICATION_ID,
        customId: modal?.custom_id ?? "",
        values: { [input?.custom_id ?? "reply"]: text },
        message: dm.message,
      }),
    );
    return this.toReply(submitted);
  }

  /** A message as read, with whom Discord would notify (its mentions, as `allowed_mentions` lets them). */
  private postOf(m: StoredMessage): Post {
    const content = m.content ?? "";
    const allowed = m.allowed_mentions as
      | { parse?: string[]; users?: string[]; roles?: string[] }
      | undefined;
    const may = (kind: "users" | "roles" | "everyone", id?: string) =>
      !allowed ||
      (allowed.parse ?? []).includes(kind) ||
      (id !== undefined && kind !== "everyone" && (allowed[kind] ?? []).includes(id));
    const pings = new Set<string>();
    for (const x of content.matchAll(/<@!?(\d{15,21})>/g))
      if (may("users", x[1])) pings.add(`@${this.keyOf(x[1] ?? "")}`);
    for (const x of content.matchAll(/<@&(\d{15,21})>/g))
      if (may("roles", x[1])) pings.add(`@${this.keyOf(x[1] ?? "")}`);
    for (const x of content.matchAll(/@(everyone|here)\b/g)) if (may("everyone")) pings.add(`@${x[1]}`);
    return { text: this.plain(content), pings: [...pings], raw: m };
  }

  dmsTo(user: string, atLeast = 1): Promise<Post[]> {
    const channel = this.h.fake.dmChannelOf(this.idOf(user));
    return this.atLeast(
      () =>
        [...this.h.fake.messages.values()].filter((m) => m.channel_id === channel).map((m) => this.postOf(m)),
      atLeast,
    );
  }

  async threadPosts(requestId: string, atLeast = 1): Promise<Post[]> {
    const ref = await poll(() => this.cardRef(requestId));
    if (!ref) throw new Error(`discord: the card of ${requestId} was never posted`);
    // A thread started from a message has the message's id.
    return this.atLeast(
      () =>
        [...this.h.fake.messages.values()].filter((m) => m.channel_id === ref.id).map((m) => this.postOf(m)),
      atLeast,
    );
  }

  ephemeralRepliesTo(user: string): string[] {
    return (this.ephemerals.get(this.idOf(user)) ?? []).map((t) => this.plain(t));
  }

  async noticesTo(user: string, atLeast = 1): Promise<string[]> {
    const channel = this.h.fake.dmChannelOf(this.idOf(user));
    const dms = () =>
      [...this.h.fake.messages.values()]
        .filter((m) => m.channel_id === channel)
        .map((m) => this.plain(m.content ?? ""));
    return (await poll(() => (dms().length >= atLeast ? dms() : undefined))) ?? dms();
  }

  async granted(user: string, community: string, opts: { wait?: boolean } = {}): Promise<boolean> {
    const c = this.community(community);
    const id = this.idOf(user);
    const check = () => c.grant.roles.every((role) => this.h.fake.roles.has(`${c.workspace}/${id}/${role}`));
    if (!opts.wait) return check();
    return (await poll(() => (check() ? true : undefined))) ?? false;
  }

  async close(): Promise<void> {
    this.h.report("parity (discord)");
    await this.h.close();
  }
}

/** The text inputs of a modal, in either shape (labels or action rows). */
function inputsOf(modal: AnswerJson["data"]): ComponentJson[] {
  return (modal?.components ?? [])
    .flatMap((c) => (c.component ? [c.component] : (c.components ?? [])))
    .filter((c) => c.type === 4);
}

/** Every component of a modal, flattened (labels and rows opened). */
function componentsOf(modal: AnswerJson["data"]): ComponentJson[] {
  return (modal?.components ?? []).flatMap((c) =>
    c.component ? [c, c.component] : [c, ...(c.components ?? [])],
  );
}

function buttonsOf(json: AnswerJson): ComponentJson[] {
  return (json.data?.components ?? []).flatMap((row) => row.components ?? []).filter((c) => c.type === 2);
}

export interface DriverFactory {
  name: Platform;
  start(spec: NeutralSpec): Promise<PlatformDriver>;
}

export const slack: DriverFactory = { name: "slack", start: (spec) => SlackDriver.start(spec) };
export const discord: DriverFactory = { name: "discord", start: (spec) => DiscordDriver.start(spec) };
