import type { EffectState, NoticeKind, PlatformEffects } from "../../core/effects.js";
import type { MessageRef } from "../../core/model.js";

export interface RecordedEffect {
  kind: "postCard" | "updateCard" | "notify" | "grant" | "remind" | "askApplicant" | "postInThread";
  requestId: string;
  status: string;
  notice?: NoticeKind;
}

/**
 * A recording implementation of the core's effect port, for core and worker tests (the platform
 * adapters are tested against fake Slack and Discord servers instead). `failNext` queues errors
 * that the next calls of a kind throw.
 */
export function recordingEffects() {
  const calls: RecordedEffect[] = [];
  const failures = new Map<RecordedEffect["kind"], unknown[]>();
  let cards = 0;
  const record = async (kind: RecordedEffect["kind"], state: EffectState, notice?: NoticeKind) => {
    const queued = failures.get(kind);
    const failure = queued?.shift();
    if (failure !== undefined) throw failure;
    calls.push({
      kind,
      requestId: state.request.id,
      status: state.request.status,
      ...(notice ? { notice } : {}),
    });
  };
  const effects: PlatformEffects = {
    async postCard(state): Promise<MessageRef> {
      await record("postCard", state);
      cards++;
      return { channel: state.community.reviewChannel, id: `card-${cards}` };
    },
    updateCard: (state) => record("updateCard", state),
    notify: (state, notice) => record("notify", state, notice),
    grant: (state) => record("grant", state),
    remind: (state) => record("remind", state),
    askApplicant: (state) => record("askApplicant", state),
    openThread: async (_state, card) => card,
    postInThread: (state) => record("postInThread", state),
  };
  return {
    effects,
    calls,
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
