import * as z from "zod";
import { ACTION, APPLY_COMMAND, CALLBACK, HOME_ACTION } from "./ids.js";

/**
 * The screen in front of Bolt. Bolt reads its input without checking it (`body.user.id`,
 * `body.event.type`, `'item' in body.event`…), so a signed `payload=null`, a JSON `null`, an
 * `event: null` or a `view_submission` without `view` made it throw, and Slack got a 500 (and
 * retried). Here every signed body is parsed with zod into one of the shapes the bot handles,
 * keeping only the fields Bolt and the listeners read, each with the type they expect; Bolt gets
 * that canonical body, never the raw one. Whatever else arrives is answered here: 400 for what
 * is not a Slack request the bot handles, 200 for Slack's housekeeping (nothing to do, no retry).
 *
 * The listeners still validate what they read (`payloads.ts`: ids, metadata) and answer politely;
 * this screen only guarantees that nothing reaching them can crash Bolt on the way.
 */

export type Screened =
  /** Hand this body (and content type) to Bolt instead of the raw one. */
  | { kind: "forward"; what: string; contentType: FormOrJson; body: string }
  /** Answer here; `log` says what it was (never its content). */
  | {
      kind: "answer";
      status: 200 | 400;
      what: string;
      why?: string;
      details?: Record<string, unknown>;
      /** Worth an operator's attention (Slack is dropping events). */
      alert?: boolean;
    };

type FormOrJson = "application/x-www-form-urlencoded" | "application/json";

const FORM: FormOrJson = "application/x-www-form-urlencoded";
const JSON_TYPE: FormOrJson = "application/json";

/** `null` becomes absent: Bolt checks `!== undefined` and then reads into the value. */
const absentIfNull = <T extends z.ZodType>(schema: T) =>
  schema.nullish().transform((v) => (v === null ? undefined : v));

/**
 * Slack ids (teams, users, channels, views, enterprises, apps) are upper-case letters and digits.
 * Bolt keys its client pools by team id (`clients[teamId]`), so `__proto__` or `constructor` as a
 * team id crashed it: found by the fuzz in test/functions/slack-edge.test.ts.
 */
const id = z.string().regex(/^[A-Z0-9]{1,64}$/);
const text = z.string().max(10_000);

const user = z.object({
  id,
  username: text.optional(),
  name: text.optional(),
  team_id: id.optional(),
});
/** `team` is null for org-wide installs; Bolt handles null there. */
const team = z.object({ id, domain: text.optional(), enterprise_id: id.optional() }).nullable().optional();
const enterprise = absentIfNull(z.object({ id, name: text.optional() }));

const interactiveCommon = {
  team,
  user,
  enterprise,
  is_enterprise_install: z.boolean().optional(),
  api_app_id: id.optional(),
  token: text.optional(),
  trigger_id: text.optional(),
};

const blockActions = z.object({
  ...interactiveCommon,
  type: z.literal("block_actions"),
  channel: absentIfNull(z.object({ id, name: text.optional() })),
  container: absentIfNull(
    z.object({
      type: text.optional(),
      message_ts: text.optional(),
      channel_id: id.optional(),
      view_id: id.optional(),
      is_ephemeral: z.boolean().optional(),
    }),
  ),
  message: absentIfNull(z.object({ ts: text, thread_ts: text.optional() })),
  /** A click in the App Home: the home view it came from. */
  view: absentIfNull(z.object({ id, type: text.optional(), team_id: id.optional() })),
  response_url: z.url().max(2000).optional(),
  actions: z
    .array(
      z.object({
        action_id: text,
        block_id: text.optional(),
        type: text.optional(),
        value: text.optional(),
        action_ts: text.optional(),
        selected_options: z
          .array(z.object({ value: text }))
          .max(100)
          .optional(),
      }),
    )
    .min(1)
    .max(25),
});

const inputState = z.object({
  type: text,
  value: text.nullish(),
  /** Checkboxes (the deny form's "Also block this person"). */
  selected_options: z
    .array(z.object({ value: text }))
    .max(10)
    .nullish(),
});

const viewSubmission = z.object({
  ...interactiveCommon,
  type: z.literal("view_submission"),
  response_urls: absentIfNull(
    z.array(
      z.object({ response_url: z.url().max(2000), block_id: text.optional(), action_id: text.optional() }),
    ),
  ),
  view: z.object({
    id,
    callback_id: text,
    team_id: id.optional(),
    app_installed_team_id: absentIfNull(id),
    private_metadata: text.optional(),
    hash: text.optional(),
    root_view_id: absentIfNull(id),
    state: z.object({ values: z.record(text, z.record(text, inputState)) }),
  }),
});

/** The bot's own buttons and forms (every id in `ids.ts`); anything else is refused here. */
const BUTTONS: ReadonlySet<string> = new Set(Object.values(ACTION).filter((a) => a !== ACTION.input));
const FORMS: ReadonlySet<string> = new Set(Object.values(CALLBACK));

/** Interactivity the bot does not use but Slack may send (a modal closed, a shortcut): nothing to do. */
const UNUSED_INTERACTIONS = new Set([
  "view_closed",
  "shortcut",
  "message_action",
  "block_suggestion",
  "interactive_message",
  "dialog_submission",
  "dialog_cancellation",
]);

const command = z.object({
  command: z.string().regex(/^\/[\w.-]{1,32}$/),
  text: text.default(""),
  team_id: id,
  team_domain: text.optional(),
  enterprise_id: id.optional(),
  user_id: id,
  user_name: text.optional(),
  channel_id: id.optional(),
  channel_name: text.optional(),
  api_app_id: id.optional(),
  is_enterprise_install: z.enum(["true", "false"]).optional(),
  response_url: z.url().max(2000).optional(),
  trigger_id: text.optional(),
  token: text.optional(),
});

/** The bot's buttons: the card's, the tools', and the App Home's (whose families share a prefix). */
function isOwnAction(actionId: string | undefined): boolean {
  if (actionId === undefined) return false;
  if (BUTTONS.has(actionId) || actionId === HOME_ACTION.bulk || actionId === HOME_ACTION.open) return true;
  const families = [
    HOME_ACTION.filter,
    HOME_ACTION.page,
    HOME_ACTION.window,
    HOME_ACTION.select,
    HOME_ACTION.selected,
  ];
  return families.some((prefix) => actionId.startsWith(prefix));
}

const appHomeOpened = z.object({
  type: z.literal("app_home_opened"),
  user: id,
  channel: id.optional(),
  tab: text.optional(),
  event_ts: text.optional(),
});

const memberLeftChannel = z.object({
  type: z.literal("member_left_channel"),
  user: id,
  channel: id,
  channel_type: text.optional(),
  team: id.optional(),
  event_ts: text.optional(),
});

const eventCallback = z.object({
  type: z.literal("event_callback"),
  token: text.optional(),
  team_id: id,
  api_app_id: id.optional(),
  enterprise_id: absentIfNull(id),
  event_id: text.optional(),
  event_time: z.number().optional(),
  is_ext_shared_channel: z.boolean().optional(),
  authorizations: absentIfNull(
    z
      .array(
        z.object({
          enterprise_id: id.nullable(),
          team_id: id.nullable(),
          user_id: id.optional(),
          is_bot: z.boolean().optional(),
          is_enterprise_install: z.boolean().optional(),
        }),
      )
      .max(10),
  ),
  event: z.object({ type: text }).loose(),
});

const urlVerification = z.object({
  type: z.literal("url_verification"),
  challenge: text,
  token: text.optional(),
});

const appRateLimited = z.object({
  type: z.literal("app_rate_limited"),
  team_id: id.optional(),
  minute_rate_limited: z.number().optional(),
  api_app_id: id.optional(),
});

const refuse = (what: string, why: string, details?: Record<string, unknown>): Screened => ({
  kind: "answer",
  status: 400,
  what,
  why,
  ...(details ? { details } : {}),
});

/** Where the parse failed (paths only: the values are the applicant's). */
const issuesOf = (error: z.ZodError) => ({
  issues: error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "(root)"}: ${i.code}`),
});

/**
 * Slack's `ssl_check`: sent to slash-command URLs without any signature, as exactly
 * `ssl_check=1&token=…`. Only that shape is let through unsigned (and nothing is done for it).
 */
export function isSslCheck(contentType: string | undefined, body: string): boolean {
  if (contentType !== FORM || body.length > 512) return false;
  const form = new URLSearchParams(body);
  const keys = [...form.keys()];
  return (
    keys.length === 2 &&
    keys.includes("ssl_check") &&
    keys.includes("token") &&
    form.get("ssl_check") === "1" &&
    /^[\w-]{1,128}$/.test(form.get("token") ?? "")
  );
}

/** Screens a signed request body (see the module comment). */
export function screenSlackBody(contentType: string | undefined, body: string): Screened {
  if (contentType === FORM) return screenForm(body);
  if (contentType === JSON_TYPE) return screenJson(body);
  return refuse("request", "unsupported content type", { contentType: contentType ?? "(none)" });
}

function screenForm(body: string): Screened {
  const form = new URLSearchParams(body);
  const fields: Record<string, string> = {};
  for (const [key, value] of form) {
    if (key in fields) return refuse("form", "a field appears twice", { field: key.slice(0, 40) });
    fields[key] = value;
  }
  if (fields.payload !== undefined) return screenInteraction(fields.payload);
  if (fields.command !== undefined) return screenCommand(fields);
  return refuse("form", "neither a command nor an interaction");
}

function screenCommand(fields: Record<string, string>): Screened {
  const parsed = command.safeParse(fields);
  if (!parsed.success) return refuse("command", "not a slash command", issuesOf(parsed.error));
  if (parsed.data.command !== APPLY_COMMAND) return refuse("command", "not a command of this bot");
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed.data)) if (v !== undefined) out[k] = v;
  return { kind: "forward", what: "command", contentType: FORM, body: new URLSearchParams(out).toString() };
}

function parseJson(raw: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

const typed = z.object({ type: z.string().max(100) });

function screenInteraction(raw: string): Screened {
  const json = parseJson(raw);
  if (!json.ok) return refuse("interaction", "payload is not JSON");
  const kind = typed.safeParse(json.value);
  if (!kind.success) return refuse("interaction", "payload is not an interaction");
  const type = kind.data.type;
  const forward = (value: unknown): Screened => ({
    kind: "forward",
    what: type,
    contentType: FORM,
    body: new URLSearchParams({ payload: JSON.stringify(value) }).toString(),
  });
  if (type === "block_actions") {
    const parsed = blockActions.safeParse(json.value);
    if (!parsed.success) return refuse(type, "not a block action", issuesOf(parsed.error));
    const action = parsed.data.actions[0]?.action_id;
    if (!action || !isOwnAction(action)) return refuse(type, "not a button of this bot");
    return forward(parsed.data);
  }
  if (type === "view_submission") {
    const parsed = viewSubmission.safeParse(json.value);
    if (!parsed.success) return refuse(type, "not a view submission", issuesOf(parsed.error));
    const callback = parsed.data.view.callback_id;
    if (!FORMS.has(callback)) return refuse(type, "not a form of this bot");
    return forward(parsed.data);
  }
  if (UNUSED_INTERACTIONS.has(type))
    return { kind: "answer", status: 200, what: type, why: "not used; ignored" };
  return refuse("interaction", "unknown interaction type", { type: type.slice(0, 40) });
}

function screenJson(raw: string): Screened {
  const json = parseJson(raw);
  if (!json.ok) return refuse("event", "body is not JSON");
  const kind = typed.safeParse(json.value);
  if (!kind.success) return refuse("event", "body is not a Slack event");
  const forward = (what: string, value: unknown): Screened => ({
    kind: "forward",
    what,
    contentType: JSON_TYPE,
    body: JSON.stringify(value),
  });
  switch (kind.data.type) {
    case "url_verification": {
      const parsed = urlVerification.safeParse(json.value);
      return parsed.success
        ? forward("url_verification", parsed.data)
        : refuse("url_verification", "no challenge", issuesOf(parsed.error));
    }
    case "app_rate_limited": {
      const parsed = appRateLimited.safeParse(json.value);
      if (!parsed.success) return refuse("app_rate_limited", "malformed", issuesOf(parsed.error));
      return {
        kind: "answer",
        status: 200,
        what: "app_rate_limited",
        why: "Slack is dropping this app's events for the rest of the minute",
        alert: true,
        details: { team: parsed.data.team_id, minuteRateLimited: parsed.data.minute_rate_limited },
      };
    }
    case "event_callback": {
      const envelope = eventCallback.safeParse(json.value);
      if (!envelope.success) return refuse("event_callback", "malformed envelope", issuesOf(envelope.error));
      const eventType = envelope.data.event.type;
      if (eventType === "member_left_channel") {
        const event = memberLeftChannel.safeParse(envelope.data.event);
        if (!event.success) return refuse(eventType, "malformed event", issuesOf(event.error));
        return forward(eventType, { ...envelope.data, event: event.data });
      }
      if (eventType === "app_home_opened") {
        const event = appHomeOpened.safeParse(envelope.data.event);
        if (!event.success) return refuse(eventType, "malformed event", issuesOf(event.error));
        return forward(eventType, { ...envelope.data, event: event.data });
      }
      // Subscribed by mistake, or added to the manifest before the code: acknowledged, not retried.
      return {
        kind: "answer",
        status: 200,
        what: "event_callback",
        why: "event type not handled; ignored",
        details: { eventType: eventType.slice(0, 60) },
      };
    }
    default:
      return refuse("event", "unknown request type", { type: kind.data.type.slice(0, 40) });
  }
}
