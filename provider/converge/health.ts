/**
 * The health gate (`verifySeconds`): a processor can read STARTED and fall to FAILED seconds
 * later, when data first flows (a sink it cannot write to, a connection without access). After
 * the processor reads STARTED, create/update keep watching it for `verifySeconds`; FAILED in
 * that window fails the operation instead of reporting success. Decision pure, loop apart.
 */
import { describeRef, failedMessage, type ConvergeContext } from "./converge";
import { ProcessorStateError } from "../errors";
import type { Observed } from "../model/state";
import type { ObservedProcessor, ProcessorRef } from "../types";

export type HealthVerdict = "healthy" | "failed" | "gone" | "watch";

/** One look during the watch: FAILED or gone ends it badly; the window's end with neither ends it well. */
export function healthVerdict(state: Observed, elapsedMs: number, windowMs: number): HealthVerdict {
  if (state === undefined) return "gone";
  if (state === "FAILED") return "failed";
  return elapsedMs >= windowMs ? "healthy" : "watch";
}

/** How often to look during a watch of `windowMs`: ten looks, between 25 ms and 3 s apart. */
export function verifyPollMs(windowMs: number): number {
  return Math.min(3000, Math.max(25, Math.round(windowMs / 10)));
}

/**
 * Watches a processor that reads STARTED for `verifySeconds`. Returns the last observation when
 * it did not fail; throws a ProcessorStateError naming the processor, its state and where to
 * read the reason when it did (or when it vanished).
 */
export async function verifyRunning(
  ref: ProcessorRef,
  ctx: ConvergeContext,
  verifySeconds: number,
  started: ObservedProcessor,
): Promise<ObservedProcessor> {
  const windowMs = verifySeconds * 1000;
  if (!(windowMs > 0)) return started;
  const { clock } = ctx;
  const from = clock.now();
  const every = verifyPollMs(windowMs);
  ctx.log(`[atlas] ${ref.processorName}: STARTED; watching it for ${verifySeconds}s (verifySeconds)`);
  for (;;) {
    const elapsed = clock.now() - from;
    await clock.sleep(Math.max(0, Math.min(every, windowMs - elapsed)));
    const seen = await ctx.api.get(ref);
    const at = clock.now() - from;
    const verdict = healthVerdict(seen?.state, at, windowMs);
    if (verdict === "failed") {
      throw new ProcessorStateError(
        failedMessage(ref, ` ${(at / 1000).toFixed(1)}s after it reported STARTED (watched for verifySeconds: ${verifySeconds})`),
        "FAILED",
      );
    }
    if (verdict === "gone") {
      throw new ProcessorStateError(
        `The ${describeRef(ref)} disappeared (404) ${(at / 1000).toFixed(1)}s after it reported STARTED (watched for verifySeconds: ${verifySeconds}): was it deleted outside Pulumi?`,
        "NOT_FOUND",
      );
    }
    const last = seen as ObservedProcessor;
    if (verdict === "healthy") {
      ctx.log(`[atlas] ${ref.processorName}: ${last.state} after ${(at / 1000).toFixed(1)}s of watching`);
      return last;
    }
  }
}
