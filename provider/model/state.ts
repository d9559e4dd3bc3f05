/**
 * Pure decisions about processor states: what satisfies a desired state, what to do next,
 * whether an action that got no clear answer took effect, and how often to poll.
 * Kept apart from I/O (like the Terraform provider's state_transition.go) and tested with tables.
 *
 * Atlas documents CREATED, STARTED, STOPPED and FAILED; official tooling also shows INIT and
 * CREATING; `state` is a free string, so anything else is treated as transitional
 * (the Terraform provider's streamprocessor/state_transition.go waits on INIT and CREATING).
 */
import type { DesiredState } from "../types";

export const SETTLED_STATES = ["CREATED", "STARTED", "STOPPED", "FAILED"] as const;

/** undefined stands for "the processor does not exist" (a 404). */
export type Observed = string | undefined;

export function isTransitional(state: Observed): boolean {
  return state !== undefined && !(SETTLED_STATES as readonly string[]).includes(state);
}

/**
 * Whether an observed state is what the user asked for. STOPPED is satisfied by any state in
 * which the processor does not run: STOPPED, CREATED (never started) and FAILED (it died; a
 * stop would change nothing the user cares about). Documented in the README.
 */
export function satisfies(desired: DesiredState, observed: Observed): boolean {
  if (observed === undefined) return false;
  if (desired === "STARTED") return observed === "STARTED";
  return observed === "STOPPED" || observed === "CREATED" || observed === "FAILED";
}

/** Whether the processor runs: STARTED only (CREATED, STOPPED and FAILED do not). */
export function isRunning(observed: Observed): boolean {
  return satisfies("STARTED", observed);
}

export type NextStep = { kind: "done" } | { kind: "start" } | { kind: "stop" } | { kind: "wait" } | { kind: "missing" };

/** What converge should do, given the desired state and one fresh observation. */
export function nextStep(desired: DesiredState, observed: Observed): NextStep {
  if (observed === undefined) return { kind: "missing" };
  if (satisfies(desired, observed)) return { kind: "done" };
  if (isTransitional(observed)) return { kind: "wait" };
  return desired === "STARTED" ? { kind: "start" } : { kind: "stop" };
}

export type WaitVerdict = "done" | "failed" | "gone" | "pending";

/**
 * While waiting after an action: the desired state ends the wait, FAILED (when STARTED is
 * wanted) and a 404 are errors, every other state is transitional.
 * A CREATED or STOPPED seen right after an acknowledged :start counts as transitional too:
 * Atlas may not have moved yet.
 */
export function waitVerdict(desired: DesiredState, observed: Observed): WaitVerdict {
  if (observed === undefined) return "gone";
  if (satisfies(desired, observed)) return "done";
  if (desired === "STARTED" && observed === "FAILED") return "failed";
  return "pending";
}

/**
 * After :start/:stop got an unclear answer, whether a fresh read shows the action applied (then
 * it must not be sent again). `before` is the state it was sent from: a start of a processor that
 * was not FAILED and now reads FAILED did run (and crashed); one that was FAILED and still reads
 * FAILED shows nothing yet.
 */
export function actionTookEffect(action: "start" | "stop", observed: Observed, before?: Observed): boolean {
  if (observed === undefined) return false;
  if (isTransitional(observed)) return true;
  if (action === "stop") return observed === "STOPPED";
  return observed === "STARTED" || (observed === "FAILED" && before !== undefined && before !== "FAILED");
}

/**
 * How an answer to an action was unclear:
 * - `error`: a 5xx, a reset or a transient 400 — Atlas may have applied it, and its effect may
 *   show a moment later (Atlas shows the old state until then, never STARTING/STOPPING);
 * - `timeout`: a 504 or no answer in time — Atlas may still be applying it, for up to a minute;
 * - `refused`: a 4xx that may mean "already done" (start of a running processor).
 */
export type UnclearAnswer = "error" | "timeout" | "refused";

export interface SettleWindows {
  /** How long the old state after an `error` answer is not yet proof that nothing happened (client option unclearSettleMs). */
  unclearSettleMs: number;
  /** The same after a `timeout` (client option actionSettleMs). */
  actionSettleMs: number;
}

export type SettleVerdict = "applied" | "read-again" | "not-applied";

/**
 * The one rule for every unclear answer to an action (`:start`, `:startWith`, `:stop`, create,
 * PATCH, DELETE), from a fresh read: its effect shows → applied, never sent again; otherwise the
 * old state is proof of nothing until the answer's settle window has passed (read again), and
 * only then is the action taken as not applied (sent again).
 */
export function settleVerdict(tookEffect: boolean, answer: UnclearAnswer, msSinceAnswer: number, w: SettleWindows): SettleVerdict {
  if (tookEffect) return "applied";
  return msSinceAnswer < settleWindowMs(answer, w) ? "read-again" : "not-applied";
}

/** The settle window of an answer (see settleVerdict). */
export function settleWindowMs(answer: UnclearAnswer, w: SettleWindows): number {
  // A refusal ("already started") may come while the other start still lands: the short window too.
  return answer === "timeout" ? w.actionSettleMs : w.unclearSettleMs;
}

/**
 * Poll delays: the first two looks 250 ms apart, then ×1.5 up to 3 s: brisk at first,
 * backing off to a few seconds. The second brisk look catches a sub-second transition
 * about 125 ms sooner (measured by `npm run bench`); the backoff after it keeps a slow Atlas
 * start from costing many GETs against the API's rate limits.
 */
export function pollDelayMs(attempt: number, firstMs = 250, maxMs = 3000): number {
  return Math.min(maxMs, Math.round(firstMs * Math.pow(1.5, Math.max(0, attempt - 1))));
}
