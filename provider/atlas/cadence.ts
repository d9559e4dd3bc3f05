/**
 * When to look after a create or an action: learnt from the earlier waits of this process, not
 * read off a fixed ladder. Pure decisions (tested with tables) plus one process-wide slot.
 *
 * Every wait of one kind (after a create: goal CREATED; after a :start: STARTED; after a :stop:
 * STOPPED) leaves a sample: `hi`, when (ms after the wait began) the look that saw the goal was
 * sent, and `lo`, when the last look that still saw the old state was sent (none when the first
 * look already saw the goal). Atlas takes about as long for each processor of a deployment, so the
 * moment a look first sees the goal lies after every recent `lo` and at or before every recent
 * `hi`: the first look goes at the least recent `hi` once that bracket is narrow, in its middle
 * while it is wide (a bisection: a few waits find the moment to within `toleranceMs`), and a little
 * before the least `hi` when no recent wait saw the old state at all (Atlas may have become
 * faster). After a synchronous action (Atlas answers once the change is made) the first look of
 * the first wait sees the goal at once, so every later wait looks at once too. A look that still
 * sees the old state is followed by one at the bracket's top, then by a brisk ladder
 * (`pollDelayMs` from `briskMs`), so a slower processor is not lost either.
 *
 * Looks are reads, and concurrent reads of one workspace share one list (shared-reads.ts): a probe that
 * misses costs one shared list for all the waits of that moment, not a request per processor.
 */
import { pollDelayMs } from "../model/state";
import { processSlot } from "../util/process-slot";

export interface SettleSample {
  /** When the last look that saw the old state was sent (ms after the wait began); absent when none did. */
  lo?: number | undefined;
  /** When the look that saw the goal was sent (ms after the wait began). */
  hi: number;
}

export interface CadencePolicy {
  /** How many recent waits of a kind are remembered. Default 24. */
  window: number;
  /** A bracket narrower than this is close enough: look at its top. Default 40 ms. */
  toleranceMs: number;
  /** With no recent miss, how far before the least `hi` to probe. Default 60 ms. */
  probeMs: number;
  /** The first step of the ladder after the bracket's top has passed. Default 100 ms. */
  briskMs: number;
  /** With nothing learnt yet, looks stay `briskMs` apart for this long before backing off. Default 2000 ms. */
  learnMs: number;
}

export const DEFAULT_CADENCE_POLICY: CadencePolicy = { window: 24, toleranceMs: 40, probeMs: 60, briskMs: 100, learnMs: 2000 };

/** What a wait plans before its first look: the first look's time, and the time known to have shown the goal. */
export interface LookPlan {
  firstMs: number;
  /** The least recent `hi` (undefined without history). */
  hiMs?: number | undefined;
}

/** The first look of a wait of a kind whose recent samples are `samples`. */
export function planLooks(samples: readonly SettleSample[], p: CadencePolicy = DEFAULT_CADENCE_POLICY): LookPlan {
  if (samples.length === 0) return { firstMs: 0 };
  const hi = Math.min(...samples.map((s) => s.hi));
  const los = samples.flatMap((s) => (s.lo === undefined ? [] : [s.lo]));
  if (los.length === 0) return { firstMs: Math.max(0, hi - p.probeMs), hiMs: hi };
  const lo = Math.max(...los);
  // Waits disagree (Atlas's time varies): look when the fastest was seen; slower ones take the ladder.
  if (lo >= hi || hi - lo <= p.toleranceMs) return { firstMs: hi, hiMs: hi };
  return { firstMs: Math.round((lo + hi) / 2), hiMs: hi };
}

/**
 * When (ms after the wait began) look number `attempt` (0-based) is sent, given when the previous
 * one was: the plan's first look, then the bracket's top if the first look came before it, then
 * the brisk ladder.
 */
export function lookAtMs(attempt: number, previousMs: number, plan: LookPlan, p: CadencePolicy = DEFAULT_CADENCE_POLICY): number {
  if (attempt <= 0) return plan.firstMs;
  if (attempt === 1 && plan.hiMs !== undefined && plan.hiMs > previousMs) return plan.hiMs;
  // Nothing learnt yet (the first waits of a run): every `briskMs` for the first `learnMs`, so the
  // first sample is already close; these looks are shared by every wait of that moment.
  if (plan.hiMs === undefined && previousMs + p.briskMs <= p.learnMs) return previousMs + p.briskMs;
  return previousMs + pollDelayMs(attempt - 1, p.briskMs);
}

/** Adds a sample, keeping the most recent `window`. */
export function remember(
  samples: readonly SettleSample[],
  sample: SettleSample,
  p: CadencePolicy = DEFAULT_CADENCE_POLICY,
): SettleSample[] {
  return [...samples, sample].slice(-p.window);
}

/** The samples of one process, per kind of wait (a process slot: see process-slot.ts). */
export interface Cadence {
  plan(kind: string): LookPlan;
  learn(kind: string, sample: SettleSample): void;
}

/** The process-wide cadence of one HTTP client (one endpoint and credential): its waits learn together. */
export function cadenceFor(owner: object): Cadence {
  const all = processSlot("cadence", () => new WeakMap<object, Record<string, SettleSample[]>>());
  let kinds = all.get(owner);
  if (!kinds) {
    kinds = {};
    all.set(owner, kinds);
  }
  const mine = kinds;
  return {
    plan: (kind) => planLooks(mine[kind] ?? []),
    learn: (kind, sample) => {
      mine[kind] = remember(mine[kind] ?? [], sample);
    },
  };
}
