import * as Communities from "../communities.js";
import type { Core } from "../context.js";
import type { JoinRequest } from "../model.js";
import * as Requests from "../requests.js";
import type { Origin } from "./origin.js";

export interface StatusItem {
  request: JoinRequest;
  /** The community's name, or its id when it is no longer configured. */
  communityName: string;
  waitlistPosition: number | undefined;
}

/** `/apply status`: the origin's requests in this workspace, newest first. */
export async function status(core: Core, origin: Origin): Promise<StatusItem[]> {
  const list = await Requests.listForApplicant(core, origin.platform, origin.workspace, origin.userId);
  return list.map(({ request, waitlistPosition }) => ({
    request,
    communityName: Communities.find(core, request.communityId)?.name ?? request.communityId,
    waitlistPosition,
  }));
}
