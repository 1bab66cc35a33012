import { Routes } from "discord-api-types/v10";
import * as z from "zod";
import { commandDefinitions } from "../bots/discord/commands.js";
import { createDiscordRest, tokenApplicationId } from "../bots/discord/rest.js";
import type { GatekeeperConfig } from "../core/config/schema.js";
import type { DiscordSettings } from "../core/settings.js";

/**
 * `gatekeeper discord register [--guild]`: registers the slash commands from the same
 * definitions the interaction handler uses. Global by default (Discord may take a while to show
 * changes everywhere); `--guild` registers them in each guild of the configured Discord
 * communities instead, which shows up at once. Registration is a bulk overwrite (PUT), so running
 * it again is safe.
 */
export interface RegisterResult {
  summary: string;
  registered: { scope: "global" | "guild"; guild?: string; commands: string[] }[];
}

const registeredSchema = z.array(z.object({ id: z.string(), name: z.string() }));

export async function registerDiscordCommands(opts: {
  settings: DiscordSettings;
  config: GatekeeperConfig;
  guild: boolean;
}): Promise<RegisterResult> {
  const rest = createDiscordRest(opts.settings);
  const body = commandDefinitions();
  // Over the Gateway the application id is optional: the token knows it.
  const app = opts.settings.applicationId ?? (await tokenApplicationId(rest));
  const put = async (route: `/${string}`, where: string) => {
    try {
      return registeredSchema.parse(await rest.put(route, { body })).map((c) => c.name);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`Could not register the Discord commands ${where}: ${message}`);
    }
  };

  const registered: RegisterResult["registered"] = [];
  if (!opts.guild) {
    registered.push({ scope: "global", commands: await put(Routes.applicationCommands(app), "globally") });
  } else {
    const guilds = [
      ...new Set(opts.config.communities.filter((c) => c.platform === "discord").map((c) => c.workspace)),
    ];
    if (guilds.length === 0)
      throw new Error("No Discord community in the config: nothing to register per guild.");
    for (const guild of guilds) {
      registered.push({
        scope: "guild",
        guild,
        commands: await put(Routes.applicationGuildCommands(app, guild), `in guild ${guild}`),
      });
    }
  }
  const lines = registered.map(
    (r) =>
      `${r.scope === "global" ? "globally" : `in guild ${r.guild}`}: ${r.commands.map((c) => `/${c}`).join(", ")}`,
  );
  return { summary: `Registered the Discord commands ${lines.join("; ")}.`, registered };
}
