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
  /**
   * When (ms epoch) the other processors of the workspace that are expected to read soon will
   * ask: a wait's next look, announced before it sleeps, or the end of an action in flight,
   * estimated from how long recent actions of its kind took. Not the waiting reads.
   */
  companionsDue: readonly number[];
  /** Whether a list request of this workspace is being answered. */
  listInFlight: boolean;
}

export interface BatchPolicy {
  /**
   * How long a read may wait for companions that are due (see `companionsDue`) before a list (or
   * its own GET) is sent. Default 50 ms: with 50 creates by 10 callers under Atlas-like timing
   * (synchronous 1.5 s actions, a 1 s create, +50 ms a request) and the engine's serial work per
   * create simulated (`npm run bench:create`), a round of creates took 2,884 ms at 100 ms (2.70
   * requests per processor), 2,832 ms at 50 (2.78) and 2,817 ms at 30 (2.90). Only companions that
   * are due hold a read, so the window costs time only when one is expected within it (the engine
   * hands out creates a few ms apart: the first of ten looks waits for the last).
   */
  gatherMs: number;
  /**
   * A companion due this long ago that has not asked yet is still waited for (an action a little
   * slower than the recent ones); one later than that is not. Default 100 ms.
   */
  overdueMs: number;
  /** How old a list answer may be for a read of a processor nobody changed lately. Default 2000 ms. */
  maxAgeMs: number;
  /** After a change (create, action, PATCH, DELETE) of a processor, its reads need recent answers, for this long. Default 600 000 ms. */
  freshAfterChangeMs: number;
  /** How old a list answer may be for a read of a processor being changed (never older than the change). Default 60 ms. */
  freshMaxAgeMs: number;
}

export const DEFAULT_BATCH_POLICY: BatchPolicy = {
  gatherMs: 50,
  overdueMs: 100,
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
 * end and then go out together. They wait for companions only while one is due (expected to ask
 * before the oldest of them has waited `gatherMs`): a resource that finished, or whose next look
 * is a second away, holds nobody up. Each new read plans again, so the last companion to arrive
 * sends the list.
 */
export function planRead(x: ReadPlanInput, p: BatchPolicy = DEFAULT_BATCH_POLICY): ReadPlan {
  if (x.pending <= 0 || x.listInFlight) return { kind: "idle" };
  const send: ReadPlan = x.pending >= 2 ? { kind: "list" } : { kind: "get" };
  const deadline = x.oldestPendingAt + p.gatherMs;
  if (x.now >= deadline) return send;
  const due = x.companionsDue.some((t) => t >= x.now - p.overdueMs && t <= deadline);
  return due ? { kind: "wait", ms: deadline - x.now } : send;
}

export interface AnswerFacts {
  /** When the read asked. */
  askedAt: number;
  /** When the list request was sent. */
  listSentAt: number;
  /** When the last change request for this processor from this process ended (answered or failed). */
  changedAt?: number | undefined;
  /** When the request that answered this processor's previous read was sent. */
  seenSentAt?: number | undefined;
}

/**
 * Whether a list answer may serve a read. Never one sent before the processor's last change
 * from this process ended: a read that checks whether an action took effect asks after the
 * action failed, so a list sent before that failure can never decide it. While a processor is
 * being changed and waited on (a change within `freshAfterChangeMs`), a list at most
 * `freshMaxAgeMs` old serves it (about one request's latency: a poll joins the list in flight
 * instead of waiting for the next), but never the one its previous read got. Otherwise (a first look, a refresh) a list at most
 * `maxAgeMs` old serves it.
 */
export function answerServes(f: AnswerFacts, p: BatchPolicy = DEFAULT_BATCH_POLICY): boolean {
  if (f.changedAt !== undefined && f.listSentAt < f.changedAt) return false;
  const beingChanged = f.changedAt !== undefined && f.askedAt - f.changedAt < p.freshAfterChangeMs;
  // A poll of a processor being changed wants news: the answer its previous read got would only repeat it.
  if (beingChanged && f.seenSentAt !== undefined && f.listSentAt <= f.seenSentAt) return false;
  return f.listSentAt >= f.askedAt - (beingChanged ? p.freshMaxAgeMs : p.maxAgeMs);
}
