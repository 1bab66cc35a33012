import type { Store } from "../../core/store/client.js";

/**
 * Makes the bot's own DynamoDB calls slow, the way a table queueing under a burst is: while on,
 * each call of the named commands (e.g. "GetItem", "TransactWriteItems") waits `ms` before it is
 * sent. Attached to the store's client through the SDK's middleware stack; the calls themselves
 * are real.
 */
const attached = new WeakMap<Store, ReturnType<typeof attach>>();

export function slowStore(store: Store) {
  const found = attached.get(store);
  if (found) return found;
  const made = attach(store);
  attached.set(store, made);
  return made;
}

function attach(store: Store) {
  let slow: { commands: Set<string>; ms: number } | undefined;
  store.doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? "").replace(/Command$/, "");
      if (slow?.commands.has(name)) await new Promise((r) => setTimeout(r, slow?.ms ?? 0));
      return next(args);
    },
    { step: "initialize", name: "testSlowStore" },
  );
  return {
    on(commands: string[], ms: number) {
      slow = { commands: new Set(commands), ms };
    },
    off() {
      slow = undefined;
    },
  };
}
