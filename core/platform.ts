import * as z from "zod";

/** The chat platforms Gatekeeper serves: the one list every schema and type derives from. */
export const PLATFORMS = ["slack", "discord"] as const;
export const platformSchema = z.enum(PLATFORMS);
export type Platform = z.infer<typeof platformSchema>;
