import type { Logger } from "../../core/log.js";
import type { HomeView } from "../../core/views.js";
import { renderHome } from "./blocks/home.js";
import type { WebClient } from "./web-client.js";

/**
 * Publishing a user's App Home: the one implementation, used by the listeners (on opening the
 * tab, on a filter, page or window click) and by the outbox worker (after decisions and bulk
 * decisions). The workspace's URL, for the links to the cards, comes from one `auth.test` per
 * process.
 */
let teamUrl: Promise<string | undefined> | undefined;

export function workspaceUrl(client: WebClient, log: Logger): Promise<string | undefined> {
  teamUrl ??= client.auth.test().then(
    (r) => r.url,
    (error: unknown) => {
      log.warn("slack auth.test failed; the home shows no card links this time", { error });
      teamUrl = undefined;
      return undefined;
    },
  );
  return teamUrl;
}

export async function publishHome(client: WebClient, view: HomeView, log: Logger): Promise<void> {
  const url = await workspaceUrl(client, log);
  await client.views.publish({ user_id: view.userId, view: renderHome(view, { teamUrl: url }) });
}
