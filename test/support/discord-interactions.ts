import { snowflakeNow } from "./fake-discord.js";

/**
 * Interaction payloads shaped like the ones Discord posts to the endpoint (see
 * test/fixtures/discord for verbatim examples), built for tests.
 */
const EPOCH = 1420070400000n;

/** A snowflake whose timestamp is `date` (user ids carry the account's creation time). */
export function snowflakeAt(date: Date, increment = 0): string {
  return (((BigInt(date.getTime()) - EPOCH) << 22n) | BigInt(increment % 4096)).toString();
}

export const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

export interface TestUser {
  id: string;
  username: string;
  global_name?: string | null;
  avatar?: string | null;
  bot?: boolean;
}

export interface TestMember {
  user: TestUser;
  roles: string[];
  joined_at: string;
  nick?: string | null;
}

let userCounter = 0;

/** A member of the guild: by default two years old, with an avatar and a display name, joined a month ago. */
export function testMember(
  overrides: Partial<TestUser> = {},
  roles: string[] = [],
  joinedDaysAgo = 30,
): TestMember {
  userCounter++;
  const user: TestUser = {
    id: snowflakeAt(daysAgo(730), userCounter),
    username: `user${userCounter}`,
    global_name: `User ${userCounter}`,
    avatar: "a1b2c3d4e5f60718293a4b5c6d7e8f90",
    ...overrides,
  };
  return { user, roles, joined_at: daysAgo(joinedDaysAgo).toISOString(), nick: null };
}

interface Base {
  guild: string;
  member: TestMember;
  applicationId: string;
  channel?: string;
}

function base(b: Base) {
  return {
    id: snowflakeNow(),
    application_id: b.applicationId,
    token: `interaction-token-${Math.random().toString(36).slice(2)}`,
    version: 1,
    guild_id: b.guild,
    channel_id: b.channel ?? b.guild,
    member: { ...b.member, permissions: "0", deaf: false, mute: false, flags: 0 },
    locale: "en-US",
    app_permissions: "0",
    entitlements: [],
    authorizing_integration_owners: { "0": b.guild },
    context: 0,
  };
}

export function pingInteraction(applicationId: string) {
  return { id: snowflakeNow(), application_id: applicationId, type: 1, token: "ping-token", version: 1 };
}

export function commandInteraction(b: Base & { name: string; options?: Record<string, string> }) {
  const options = Object.entries(b.options ?? {}).map(([name, value]) => ({ name, type: 3, value }));
  return {
    ...base(b),
    type: 2,
    data: { id: snowflakeNow(), name: b.name, type: 1, ...(options.length > 0 ? { options } : {}) },
  };
}

export function autocompleteInteraction(b: Base & { name: string; option: string; typed: string }) {
  return {
    ...base(b),
    type: 4,
    data: {
      id: snowflakeNow(),
      name: b.name,
      type: 1,
      options: [{ name: b.option, type: 3, value: b.typed, focused: true }],
    },
  };
}

export function buttonInteraction(
  b: Base & { customId: string; message: { id: string; channel_id: string }; ephemeral?: boolean },
) {
  return {
    ...base(b),
    type: 3,
    data: { custom_id: b.customId, component_type: 2 },
    message: {
      id: b.message.id,
      channel_id: b.message.channel_id,
      flags: b.ephemeral ? 64 : 0,
      type: 0,
      content: "",
    },
  };
}

/**
 * A modal submit. `shape: "label"` is what Discord sends today (type 18 wrapping the input);
 * `"row"` is the older action-row shape.
 */
export function modalSubmitInteraction(
  b: Base & {
    customId: string;
    values: Record<string, string>;
    shape?: "label" | "row";
    message?: { id: string; channel_id: string };
  },
) {
  const components = Object.entries(b.values).map(([custom_id, value], i) =>
    (b.shape ?? "label") === "label"
      ? { type: 18, id: i + 1, component: { type: 4, id: i + 100, custom_id, value } }
      : { type: 1, id: i + 1, components: [{ type: 4, id: i + 100, custom_id, value }] },
  );
  return {
    ...base(b),
    type: 5,
    data: { custom_id: b.customId, components },
    ...(b.message ? { message: { ...b.message, flags: 64, type: 0, content: "" } } : {}),
  };
}

/**
 * A button clicked in the bot's DM with a user: no guild and no member, only `user` (as Discord
 * sends it outside servers), and the DM message the button sits on.
 */
export function dmButtonInteraction(b: {
  user: TestUser;
  applicationId: string;
  customId: string;
  message: { id: string; channel_id: string };
}) {
  return {
    id: snowflakeNow(),
    application_id: b.applicationId,
    token: `interaction-token-${Math.random().toString(36).slice(2)}`,
    version: 1,
    type: 3,
    channel_id: b.message.channel_id,
    user: b.user,
    locale: "en-US",
    app_permissions: "0",
    entitlements: [],
    authorizing_integration_owners: { "0": "0" },
    context: 1,
    data: { custom_id: b.customId, component_type: 2 },
    message: { id: b.message.id, channel_id: b.message.channel_id, flags: 0, type: 0, content: "" },
  };
}

/** A modal submitted in the bot's DM (opened from a DM button): no guild, only `user`. */
export function dmModalSubmitInteraction(b: {
  user: TestUser;
  applicationId: string;
  customId: string;
  values: Record<string, string>;
  message?: { id: string; channel_id: string };
}) {
  return {
    id: snowflakeNow(),
    application_id: b.applicationId,
    token: `interaction-token-${Math.random().toString(36).slice(2)}`,
    version: 1,
    type: 5,
    channel_id: b.message?.channel_id ?? "0",
    user: b.user,
    locale: "en-US",
    context: 1,
    data: {
      custom_id: b.customId,
      components: [
        { type: 10, id: 1 },
        ...Object.entries(b.values).map(([custom_id, value], i) => ({
          type: 18,
          id: i + 2,
          component: { type: 4, id: i + 100, custom_id, value },
        })),
      ],
    },
    ...(b.message ? { message: { ...b.message, flags: 0, type: 0, content: "" } } : {}),
  };
}

/** A modal submit carrying a ticked (or unticked) checkbox besides its text inputs. */
export function withCheckbox<T extends { data: { components: unknown[] } }>(
  payload: T,
  customId: string,
  ticked: boolean,
): T {
  return {
    ...payload,
    data: {
      ...payload.data,
      components: [
        ...payload.data.components,
        { type: 18, id: 99, component: { type: 23, id: 199, custom_id: customId, value: ticked } },
      ],
    },
  };
}
