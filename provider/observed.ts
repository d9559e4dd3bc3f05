/** What a GET of a processor showed, parsed from Atlas's body (StreamsProcessorWithStats). */
import { parseStats } from "./stats";
import type { DlqOptions, ObservedProcessor, PipelineStage, ProcessorRef } from "./types";

export function toObserved(data: unknown, ref: ProcessorRef): ObservedProcessor {
  const body = (data ?? {}) as Record<string, unknown>;
  const out: ObservedProcessor = {
    id: typeof body._id === "string" ? body._id : "",
    name: typeof body.name === "string" ? body.name : ref.processorName,
    state: typeof body.state === "string" ? body.state : "UNKNOWN",
    pipeline: Array.isArray(body.pipeline) ? (body.pipeline as PipelineStage[]) : [],
  };
  const options = body.options as { dlq?: DlqOptions } | undefined;
  if (options && typeof options === "object" && options.dlq && typeof options.dlq === "object") {
    const { connectionName, db, coll } = options.dlq;
    out.options = { dlq: { connectionName, db, coll } };
  }
  if (typeof body.tier === "string") out.tier = body.tier;
  if (typeof body.failoverEnabled === "boolean") out.failoverEnabled = body.failoverEnabled;
  const stats = parseStats(body.stats);
  if (stats) out.stats = stats;
  return out;
}
