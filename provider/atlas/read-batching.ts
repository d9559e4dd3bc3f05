/**
 * When reads of one workspace's processors are shared: pure decisions, tested with tables.
 * The I/O half (shared-reads.ts) asks `planRead` whenever a read is requested, a list answer arrives
 * or a gathering timer fires, and does what it says.
 *
 * One `GET …/processors` answers every processor of the workspace, so when several resources
 * of a `pulumi up` or `pulumi refresh` wait on the same workspace, one list replaces their GETs.
 * A lone resource keeps its single GET: a list costs more bytes and would add nothing.
 */

export interface ReadPlanInput {
  now: number;
  /** Reads waiting for an answer (not yet sent). */
  pending: number;
  /** When the oldest of them asked (ms epoch); ignored when pending is 0. */
  oldestPendingAt: number;
  /** Other processors of the workspace that asked within `activeWindowMs` and wait on nothing now. */
  othersActive: number;
  /** Whether a list request of this workspace is being answered. */
  listInFlight: boolean;
}

export interface BatchPolicy {
  /**
   * How long a read may wait for companions before a list (or its own GET) is sent. Default 100 ms:
   * measured with 100 creates by 10 staggered callers under Atlas-like timing (synchronous 1.5 s
   * actions, a 1 s create, +50 ms a request), 40 ms sent 3.1–3.5 requests per processor and 100 ms
   * 2.9–3.0, for 0.1 s more per create (2.74 s against 2.84 s); the waits after a create learn
   * to ask that much earlier (cadence.ts).
   */
  gatherMs: number;
  /** A processor that asked this recently counts as a likely companion. Default 1500 ms. */
  activeWindowMs: number;
  /** How old a list answer may be for a read of a processor nobody changed lately. Default 2000 ms. */
  maxAgeMs: number;
  /** After a change (create, action, PATCH, DELETE) of a processor, its reads need recent answers, for this long. Default 600 000 ms. */
  freshAfterChangeMs: number;
  /** How old a list answer may be for a read of a processor being changed (never older than the change). Default 60 ms. */
  freshMaxAgeMs: number;
}

export const DEFAULT_BATCH_POLICY: BatchPolicy = {
  gatherMs: 100,
  activeWindowMs: 1500,
  maxAgeMs: 2000,
  freshAfterChangeMs: 600_000,
  freshMaxAgeMs: 60,
};

export type ReadPlan =
  /** Nothing to send now (nobody waits, or the list in flight decides again when it ends). */
  | { kind: "idle" }
  /** Send the single waiting read as its own GET. */
  | { kind: "get" }
  /** Send one list for every waiting read. */
  | { kind: "list" }
  /** Ask again after `ms`: companions are likely. */
  | { kind: "wait"; ms: number };

/**
 * What to send for the reads waiting on one workspace. Waiting reads are only ever answered by
 * a request sent after they asked, so a list in flight never answers them: they wait for it to
 * end and then go out together.
 */
export function planRead(x: ReadPlanInput, p: BatchPolicy = DEFAULT_BATCH_POLICY): ReadPlan {
  if (x.pending <= 0 || x.listInFlight) return { kind: "idle" };
  // Alone in the workspace: a plain GET, at once.
  if (x.pending === 1 && x.othersActive === 0) return { kind: "get" };
  // Everyone likely to ask is already waiting: no reason to wait longer.
  if (x.othersActive === 0) return { kind: "list" };
  const waited = x.now - x.oldestPendingAt;
  if (waited >= p.gatherMs) return x.pending >= 2 ? { kind: "list" } : { kind: "get" };
  return { kind: "wait", ms: p.gatherMs - waited };
}

export interface AnswerFacts {
  /** When the read asked. */
  askedAt: number;
  /** When the list request was sent. */
  listSentAt: number;
  /** When the last change request for this processor from this process ended (answered or failed). */
  changedAt?: number | undefined;
}

/**
 * Whether a list answer may serve a read. Never one sent before the processor's last change
 * from this process ended: a read that checks whether an action took effect asks after the
 * action failed, so a list sent before that failure can never decide it. While a processor is
 * being changed and waited on (a change within `freshAfterChangeMs`), a list at most
 * `freshMaxAgeMs` old serves it (about one request's latency: a poll joins the list in flight
 * instead of waiting for the next). Otherwise (a first look, a refresh) a list at most
 * `maxAgeMs` old serves it.
 */
export function answerServes(f: AnswerFacts, p: BatchPolicy = DEFAULT_BATCH_POLICY): boolean {
  if (f.changedAt !== undefined && f.listSentAt < f.changedAt) return false;
  const beingChanged = f.changedAt !== undefined && f.askedAt - f.changedAt < p.freshAfterChangeMs;
  return f.listSentAt >= f.askedAt - (beingChanged ? p.freshMaxAgeMs : p.maxAgeMs);
}
