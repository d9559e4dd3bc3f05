// `stats` on GET, with the keys Atlas returns (as in the Terraform provider's recorded example
// for a running processor, github.com/mongodb/terraform-provider-mongodbatlas
// internal/service/streamprocessor). No data flows through the emulator, so the counts are
// synthetic: they grow at a fixed rate for as long as the processor's latest run has read STARTED.
import { stageName } from "./documents";
import type { ProcessorRecord } from "./records";

/** One message per this many ms of running (an arbitrary, documented rate). */
const STATS_MESSAGE_INTERVAL_MS = 10;
/** Bytes per message (about what the recorded example shows for the solar sample). */
const STATS_MESSAGE_BYTES = 390;

/** Milliseconds the latest run has been STARTED at `now` (0 before it reads STARTED). */
function runningMs(run: ProcessorRecord["run"], now: number): number {
  if (!run) return 0;
  return Math.max(0, Math.min(now, run.to ?? now) - run.from);
}

function operatorName(stage: unknown): string {
  const bare = (stageName(stage) ?? "").replace(/^\$/, "");
  return `${bare.charAt(0).toUpperCase()}${bare.slice(1)}Operator`;
}

export function processorStats(sp: ProcessorRecord, observedState: string, now: number): Record<string, unknown> {
  const count = Math.floor(runningMs(sp.run, now) / STATS_MESSAGE_INTERVAL_MS);
  const size = count * STATS_MESSAGE_BYTES;
  const flow = {
    inputMessageCount: count,
    inputMessageSize: size,
    outputMessageCount: count,
    outputMessageSize: size,
    dlqMessageCount: 0,
    dlqMessageSize: 0,
  };
  return {
    name: sp.name,
    processorId: sp._id,
    status: observedState === "STARTED" ? "running" : observedState.toLowerCase(),
    scaleFactor: 1,
    ...flow,
    stateSize: 0,
    memoryTrackerBytes: 0,
    ok: 1,
    changeStreamState: { _data: `82${(sp.run?.from ?? 0).toString(16).toUpperCase()}${count.toString(16).toUpperCase().padStart(8, "0")}` },
    operatorStats: sp.pipeline.map((stage) => ({
      name: operatorName(stage),
      ...flow,
      stateSize: 0,
      maxMemoryUsage: 0,
      timeSpentMillis: 0,
      executionTimeSecs: 0,
    })),
  };
}
