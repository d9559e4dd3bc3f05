/**
 * Converging a processor on a desired state, and waiting for it: the I/O half of the state
 * logic in state.ts. Waits enforce their own deadline, because Pulumi's `customTimeouts` do
 * nothing for dynamic providers: the engine sends them, but the dynamic-provider server never reads them.
 */
import { errorMessage, isAtlasApiError, ProcessorStateError } from "../errors";
import type { ActionOutcome, ProcessorApi, StartWithBody } from "../atlas/processors";
import { classifyApiError } from "../http/retry";
import { isRunning, isTransitional, nextStep, pollDelayMs, waitVerdict, type Observed } from "../model/state";
import type { DesiredState, ObservedProcessor, ProcessorRef } from "../types";
import type { Clock } from "../util/clock";
import { lookAtMs, type Cadence } from "../atlas/cadence";
import { DEFAULT_CLIENT_OPTIONS } from "../config/options";

export interface ConvergeContext {
  api: ProcessorApi;
  /** Epoch ms after which waiting stops with an error. */
  deadline: number;
  /** When the operation began (for the timeout message). */
  startedAt: number;
  log: (line: string) => void;
  /** What every wait reads the time from and sleeps on (lifecycle passes its clock, by default systemClock). */
  clock: Clock;
  /**
   * After an action timed out, how long its effect may still be pending: reads wait this long
   * for it before converge decides, from a fresh read, to act again. Default 120 000 ms
   * (the client option actionSettleMs).
   */
  pendingMs?: number;
  /**
   * After an action got an error answer, or a start of a FAILED processor, how long the old state
   * still showing is no verdict (the client option unclearSettleMs). Default 3 000 ms.
   */
  unclearSettleMs?: number;
  /**
   * When set, the waits after a create or an action place their looks from what the earlier
   * waits of this process saw (cadence.ts) instead of on the fixed ladder of `pollDelayMs`.
   */
  cadence?: Cadence;
}

/** How pollUntil ends besides `done`. */
export interface PollOptions {
  /** What preceded the wait, for the timeout message (e.g. that :start timed out). */
  after?: string;
  /** Epoch ms (before the deadline) at which to return the last observation instead of failing. */
  returnBy?: number;
  /**
   * The state the action was sent from: Atlas keeps showing it until the action lands, so it is
   * not announced as news, only as "still …" while the wait goes on.
   */
  from?: string | undefined;
}

/** How often a processor that stays in a transitional state gets a "still …" line. */
const PROGRESS_EVERY_MS = 5000;

export function describeRef(ref: ProcessorRef): string {
  return `stream processor "${ref.processorName}" (project ${ref.projectId}, workspace "${ref.workspaceName}")`;
}

export function failedMessage(ref: ProcessorRef, after: string): string {
  return (
    `The ${describeRef(ref)} is FAILED${after}. Atlas does not put the reason on the processor: ` +
    `it is published on the project's alerts and events (processorErrorMsg) — open the processor in the Atlas UI ` +
    `(Stream Processing → ${ref.workspaceName} → ${ref.processorName}) to read it. Common causes: a connection named in ` +
    `$source, $merge, $emit or the DLQ that does not exist in the workspace or lacks access. Fix it, then run pulumi up again.`
  );
}

/**
 * Whether a read that failed (after its own retries) while waiting ends the wait: only a
 * definite answer does (a 4xx other than 429, a configuration error); trouble on the way or on
 * Atlas's side leaves the wait to its deadline.
 */
export function endsWait(e: unknown): boolean {
  if (isAtlasApiError(e)) return classifyApiError(e) === "definite";
  return !(typeof e === "object" && e !== null && (e as { name?: unknown }).name === "AtlasNetworkError");
}

/**
 * Polls until `done(state)` says stop, or the deadline passes. Prints a line whenever the
 * observed state changes. Returns the last observation (undefined = 404). A read that fails
 * with trouble that may pass is logged and the wait goes on (see endsWait).
 */
export async function pollUntil(
  ref: ProcessorRef,
  ctx: ConvergeContext,
  goal: string,
  done: (state: Observed) => boolean,
  opts: PollOptions = {},
): Promise<ObservedProcessor | undefined> {
  const { after, returnBy, from } = opts;
  const { clock } = ctx;
  let last: ObservedProcessor | undefined;
  let lastState: string | undefined = "(not read yet)";
  let lastPrinted: string | undefined = from ?? "(nothing yet)";
  let lastPrintedAt = clock.now();
  let lastReadError: string | undefined;
  // Fixed-rate polling: each delay counts from when the previous look was *sent*, so a slow
  // answer does not push the next look later (one request latency sooner per look).
  let previousLookAt = clock.now();
  // A wait after a create or an action (not one for a timed-out action's window, nor the wait
  // for a state to settle before acting) places its looks from what earlier waits of its kind saw.
  const cadence = returnBy === undefined && goal !== "settled" ? ctx.cadence : undefined;
  const plan = cadence?.plan(goal);
  const began = clock.now();
  let lastPendingAt: number | undefined;
  let readFailed = false;
  try {
    for (let attempt = 0; ; attempt++) {
      if (
        returnBy !== undefined &&
        clock.now() >= returnBy &&
        returnBy < ctx.deadline &&
        lastReadError === undefined &&
        lastState !== "(not read yet)"
      )
        return last;
      const until = returnBy !== undefined && clock.now() < returnBy ? Math.min(returnBy, ctx.deadline) : ctx.deadline;
      const remaining = until - clock.now();
      if (clock.now() >= ctx.deadline) {
        const waited = Math.round((clock.now() - ctx.startedAt) / 1000);
        throw new ProcessorStateError(
          `Timed out after ${waited}s waiting for the ${describeRef(ref)} to become ${goal}${after ? ` (${after})` : ""}; last observed state: ${lastState ?? "not found (404)"}` +
            `${lastReadError ? `; the last read failed: ${lastReadError}` : ""}. ` +
            `Raise timeoutSeconds if Atlas is just slow, or check the processor in the Atlas UI.`,
          lastState ?? "NOT_FOUND",
        );
      }
      const lookAt = plan ? began + lookAtMs(attempt, previousLookAt - began, plan) : previousLookAt + pollDelayMs(attempt);
      const sleepMs = Math.max(0, Math.min(lookAt - clock.now(), Math.max(0, remaining)));
      // Said before sleeping, so reads of the workspace asked just before this look wait for it and
      // share a list; in real time, which the shared reads' gathering timers run on.
      ctx.api.expectLook(ref, Date.now() + sleepMs);
      await clock.sleep(sleepMs);
      previousLookAt = clock.now();
      try {
        last = await ctx.api.get(ref);
        lastReadError = undefined;
      } catch (e) {
        if (endsWait(e)) throw e;
        lastReadError = errorMessage(e);
        readFailed = true;
        ctx.log(
          `[atlas] ${ref.processorName}: a read failed while waiting for ${goal} (${lastReadError}); still waiting (${Math.max(0, Math.round((ctx.deadline - clock.now()) / 1000))}s left)`,
        );
        continue;
      }
      const state = last?.state;
      // A line when the state settles, and a "still …" line every few seconds while it does not:
      // a short transition needs no line of its own (100 processors would print 100 STARTINGs).
      const now = clock.now();
      if (state !== lastState) lastState = state;
      const news = state !== lastPrinted && (done(state) || !isTransitional(state));
      if (news || (!done(state) && now - lastPrintedAt >= PROGRESS_EVERY_MS)) {
        const elapsed = `${((now - ctx.startedAt) / 1000).toFixed(1)}s`;
        ctx.log(`[atlas] ${ref.processorName}: ${state === lastPrinted ? "still " : ""}${state ?? "not found"} (${elapsed})`);
        lastPrinted = state;
        lastPrintedAt = now;
      }
      if (done(state)) {
        if (cadence && !readFailed && state === goal) cadence.learn(goal, { lo: lastPendingAt, hi: previousLookAt - began });
        return last;
      }
      lastPendingAt = previousLookAt - began;
    }
  } finally {
    ctx.api.expectLook(ref, undefined);
  }
}

/** After a timed-out action: wait for its effect up to the pending window, and say so on timeout. */
function afterTimeout(ctx: ConvergeContext, outcome: ActionOutcome, action: string): PollOptions {
  if (outcome !== "timed-out") return {};
  return {
    after: `${action} timed out and was not sent again, as Atlas may still apply it`,
    returnBy: ctx.clock.now() + (ctx.pendingMs ?? DEFAULT_CLIENT_OPTIONS.actionSettleMs),
  };
}

/** What converge says about an action before the wait that follows it. */
function actionNote(outcome: ActionOutcome, action: string): string {
  if (outcome === "sent") return `${action} accepted`;
  if (outcome === "already") return "already in progress";
  return `${action} timed out; Atlas may still apply it`;
}

/**
 * Brings the processor to `desired`: reads it, starts or stops it if needed (a processor that
 * already satisfies the desired state is adopted as is, with no call), and waits until Atlas
 * shows the desired state. FAILED after a start, or the processor vanishing, is an error.
 */
export async function converge(
  ref: ProcessorRef,
  desired: DesiredState,
  ctx: ConvergeContext,
  startWith?: StartWithBody,
  initial?: ObservedProcessor | undefined,
): Promise<ObservedProcessor> {
  let observed = initial ?? (await ctx.api.get(ref));
  // A few rounds at most: e.g. STOPPING (wait) → STOPPED (start) → STARTED.
  for (let round = 0; round < 6; round++) {
    const step = nextStep(desired, observed?.state);
    switch (step.kind) {
      case "done":
        return observed as ObservedProcessor;
      case "missing": {
        // The 404's own errorCode may say that the project or the workspace is what is missing.
        const parent = ctx.api.missingParent(ref);
        throw new ProcessorStateError(
          parent
            ? `The ${describeRef(ref)} cannot be found: ${parent}`
            : `The ${describeRef(ref)} does not exist. Create it in Atlas, or set pipeline so this resource creates it; check the names for typos.`,
          "NOT_FOUND",
        );
      }
      case "wait":
        ctx.log(`[atlas] ${ref.processorName}: ${observed?.state}, waiting for it to settle before making it ${desired}`);
        observed = await pollUntil(ref, ctx, "settled", (s) => s === undefined || !isTransitional(s) || waitVerdict(desired, s) === "done");
        continue;
      case "start":
      case "stop": {
        const before = observed?.state;
        const outcome = step.kind === "start" ? await ctx.api.start(ref, startWith, before) : await ctx.api.stop(ref, before);
        const action = `:${startWith && step.kind === "start" ? "startWith" : step.kind}`;
        ctx.log(`[atlas] ${ref.processorName}: ${before} → ${desired} (${actionNote(outcome, action)})`);
        // Restarting a FAILED processor: Atlas shows the old FAILED until the start lands, so
        // FAILED is a verdict only once the settle window has passed (the timed-out action's
        // longer window, or the short one).
        const restartingFailed = step.kind === "start" && before === "FAILED";
        const opts = { ...afterTimeout(ctx, outcome, action), from: before };
        const waitOpts = restartingFailed
          ? { ...opts, returnBy: opts.returnBy ?? ctx.clock.now() + (ctx.unclearSettleMs ?? DEFAULT_CLIENT_OPTIONS.unclearSettleMs) }
          : opts;
        const settled = (s: Observed) => {
          const v = waitVerdict(desired, s);
          return v !== "pending" && !(v === "failed" && restartingFailed);
        };
        observed = await pollUntil(ref, ctx, desired, settled, waitOpts);
        // The short window passed with the processor still moving: wait for it as after any start.
        if (restartingFailed && outcome !== "timed-out" && waitVerdict(desired, observed?.state) === "pending")
          observed = await pollUntil(ref, ctx, desired, (s) => waitVerdict(desired, s) !== "pending", { from: before });
        const verdict = waitVerdict(desired, observed?.state);
        if (verdict === "done") return observed as ObservedProcessor;
        if (verdict === "pending" && outcome === "timed-out") {
          // The effect window passed and a fresh read still shows no effect: decide again.
          ctx.log(
            `[atlas] ${ref.processorName}: still ${observed?.state} ${Math.round((ctx.pendingMs ?? DEFAULT_CLIENT_OPTIONS.actionSettleMs) / 1000)}s after ${action} timed out; it did not take effect`,
          );
          continue;
        }
        if (verdict === "failed") throw new ProcessorStateError(failedMessage(ref, " after :start"), "FAILED");
        throw new ProcessorStateError(
          `The ${describeRef(ref)} disappeared (404) while waiting for it to become ${desired}: was it deleted outside Pulumi?`,
          "NOT_FOUND",
        );
      }
    }
  }
  throw new ProcessorStateError(
    `The ${describeRef(ref)} kept changing state (last: ${observed?.state}); run pulumi up again.`,
    observed?.state ?? "NOT_FOUND",
  );
}

/** Stops a running processor and waits until it no longer runs; gone or not running is fine. */
export async function ensureStopped(
  ref: ProcessorRef,
  ctx: ConvergeContext,
  initial?: ObservedProcessor,
): Promise<ObservedProcessor | undefined> {
  let observed = initial ?? (await ctx.api.get(ref));
  if (observed === undefined) return undefined;
  if (isTransitional(observed.state)) {
    observed = await pollUntil(ref, ctx, "settled", (s) => s === undefined || !isTransitional(s));
    if (observed === undefined) return undefined;
  }
  if (!isRunning(observed.state)) return observed;
  const outcome = await ctx.api.stop(ref, observed.state);
  const stopped = (s: Observed) => s === undefined || (!isTransitional(s) && !isRunning(s));
  const seen = await pollUntil(ref, ctx, "STOPPED", stopped, { ...afterTimeout(ctx, outcome, ":stop"), from: "STARTED" });
  // A :stop that timed out and shows no effect once its window passed: a fresh read decided, stop again.
  return seen && !stopped(seen.state) ? ensureStopped(ref, ctx, seen) : seen;
}
