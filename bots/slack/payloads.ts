import * as z from "zod";

/**
 * The parts of Slack's request payloads the bot relies on, validated before use. Bolt has
 * already checked the signature; these check the shape (and keep `any` out of the listeners).
 */

const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/);
const teamId = z.string().regex(/^[TE][A-Z0-9]{2,}$/);
const channelId = z.string().regex(/^[CGD][A-Z0-9]{2,}$/);

export const commandSchema = z.object({
  command: z.string(),
  text: z.string().default(""),
  team_id: teamId,
  user_id: userId,
  user_name: z.string().optional(),
  channel_id: z.string().optional(),
  trigger_id: z.string().min(1),
});
export type CommandPayload = z.infer<typeof commandSchema>;

const payloadUser = z.object({
  id: userId,
  name: z.string().optional(),
  username: z.string().optional(),
  team_id: teamId.optional(),
});

const inputValue = z.object({
  type: z.string(),
  value: z.string().nullish(),
  /** Checkboxes. */
  selected_options: z.array(z.object({ value: z.string() })).nullish(),
});

export const viewSubmissionSchema = z.object({
  type: z.literal("view_submission"),
  team: z.object({ id: teamId }).nullish(),
  user: payloadUser,
  view: z.object({
    id: z.string().min(1),
    callback_id: z.string(),
    team_id: teamId.optional(),
    private_metadata: z.string().optional(),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), inputValue)) }),
  }),
});
export type ViewSubmission = z.infer<typeof viewSubmissionSchema>;

export const blockActionSchema = z.object({
  type: z.literal("block_actions"),
  team: z.object({ id: teamId }).nullish(),
  user: payloadUser,
  channel: z.object({ id: channelId }).nullish(),
  container: z
    .object({ channel_id: channelId.optional(), message_ts: z.string().optional() })
    .partial()
    .nullish(),
  trigger_id: z.string().min(1),
  actions: z
    .array(
      z.object({
        action_id: z.string(),
        value: z.string().optional(),
        /** A multi-select's choice (the App Home's selection of requests). */
        selected_options: z
          .array(z.object({ value: z.string() }))
          .max(100)
          .optional(),
      }),
    )
    .min(1),
});
export type BlockAction = z.infer<typeof blockActionSchema>;

export const memberLeftSchema = z.object({
  team_id: teamId,
  event: z.object({
    type: z.literal("member_left_channel"),
    user: userId,
    channel: channelId,
    team: teamId.optional(),
  }),
});

/** The workspace an interaction came from. */
export function teamOf(body: {
  team?: { id: string } | null;
  user: { team_id?: string | undefined };
}): string | undefined {
  return body.team?.id ?? body.user.team_id;
}

/** A user's display handle from an interaction payload (Slack sends `username` and, older, `name`). */
export function handleOf(user: {
  id: string;
  name?: string | undefined;
  username?: string | undefined;
}): string {
  return user.username ?? user.name ?? user.id;
}

/** The text typed into one of the bot's inputs, by block id. */
export function inputText(
  values: ViewSubmission["view"]["state"]["values"],
  blockId: string,
): string | undefined {
  const block = values[blockId];
  if (!block) return undefined;
  const first = Object.values(block)[0];
  return first?.value ?? undefined;
}

/** The values ticked in one of the bot's checkbox inputs, by block id. */
export function checkedValues(values: ViewSubmission["view"]["state"]["values"], blockId: string): string[] {
  const block = values[blockId];
  if (!block) return [];
  return (Object.values(block)[0]?.selected_options ?? []).map((o) => o.value);
}
