import type { EffectContext, EffectState, NoticeKind, PlatformEffects } from "../../core/effects.js";
import type { MessageRef } from "../../core/model.js";
import { plainText } from "../../core/text.js";

export interface RecordedEffect {
  kind:
    | "postCard"
    | "updateCard"
    | "notify"
    | "grant"
    | "remind"
    | "alert"
    | "revoke"
    | "askApplicant"
    | "postInThread";
  requestId: string;
  status: string;
  notice?: NoticeKind;
  /** The alert's text. */
  text?: string;
}

/**
 * A recording implementation of the core's effect port, for core and worker tests (the platform
 * adapters are tested against fake Slack and Discord servers instead). `failNext` queues errors
 * that the next calls of a kind throw.
 */
export function recordingEffects() {
  const calls: RecordedEffect[] = [];
  /** What the outbox told the performer on each call (key, deadline, unknownSince). */
  const contexts: { kind: RecordedEffect["kind"]; ctx: EffectContext }[] = [];
  const failures = new Map<RecordedEffect["kind"], unknown[]>();
  let cards = 0;
  const record = async (
    kind: RecordedEffect["kind"],
    state: EffectState,
    ctx: EffectContext | undefined,
    extra: { notice?: NoticeKind; text?: string } = {},
  ) => {
    const queued = failures.get(kind);
    const failure = queued?.shift();
    if (failure !== undefined) throw failure;
    calls.push({
      kind,
      requestId: state.request.id,
      status: state.request.status,
      ...extra,
    });
    if (ctx) contexts.push({ kind, ctx });
  };
  const effects: PlatformEffects = {
    async postCard(state, ctx): Promise<MessageRef> {
      await record("postCard", state, ctx);
      cards++;
      return { channel: state.community.reviewChannel, id: `card-${cards}` };
    },
    updateCard: (state, _card, ctx) => record("updateCard", state, ctx),
    notify: (state, notice, ctx) => record("notify", state, ctx, { notice }),
    grant: (state, ctx) => record("grant", state, ctx),
    revoke: (state, ctx) => record("revoke", state, ctx),
    remind: (state, ctx) => record("remind", state, ctx),
    alert: (state, text, ctx) => record("alert", state, ctx, { text: plainText(text) }),
    askApplicant: (state, _round, ctx) => record("askApplicant", state, ctx),
    openThread: async (_state, card) => card,
    postInThread: (state, _thread, _entry, ctx) => record("postInThread", state, ctx),
  };
  return {
    effects,
    calls,
    contexts,
    failNext(kind: RecordedEffect["kind"], ...errors: unknown[]) {
      failures.set(kind, [...(failures.get(kind) ?? []), ...errors]);
    },
    count(kind: RecordedEffect["kind"]) {
      return calls.filter((c) => c.kind === kind).length;
    },
  };
}

/** Polls until `check` passes or the (generous) bound runs out. */
export async function eventually<T>(
  check: () => Promise<T> | T,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}
