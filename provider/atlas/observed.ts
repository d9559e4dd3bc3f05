/** What a GET of a processor showed, parsed from Atlas's body (StreamsProcessorWithStats). */
import { isPlainObject } from "../util/objects";
import { parseStats } from "./stats";
import type { AutoscalingOptions, DlqOptions, ObservedProcessor, PipelineStage, ProcessorRef, Tier } from "../types";

export function toObserved(data: unknown, ref: ProcessorRef): ObservedProcessor {
  const body = (data ?? {}) as Record<string, unknown>;
  const out: ObservedProcessor = {
    id: typeof body._id === "string" ? body._id : "",
    name: typeof body.name === "string" ? body.name : ref.processorName,
    state: typeof body.state === "string" ? body.state : "UNKNOWN",
    // Kept as parsed: the client's parse keeps the key order of the answer.
    pipeline: Array.isArray(body.pipeline) ? (body.pipeline as PipelineStage[]) : [],
  };
  const options = isPlainObject(body.options) ? body.options : undefined;
  const seen: NonNullable<ObservedProcessor["options"]> = {};
  if (options && isPlainObject(options.dlq)) {
    const { connectionName, db, coll } = options.dlq as unknown as DlqOptions;
    seen.dlq = { connectionName, db, coll };
  }
  if (options && isPlainObject(options.autoscaling)) {
    const { enabled, minTier, maxTier } = options.autoscaling;
    const a: AutoscalingOptions = { enabled: enabled === true };
    if (typeof minTier === "string") a.minTier = minTier as Tier;
    if (typeof maxTier === "string") a.maxTier = maxTier as Tier;
    seen.autoscaling = a;
  }
  if (Object.keys(seen).length > 0) out.options = seen;
  if (typeof body.tier === "string") out.tier = body.tier;
  if (typeof body.effectiveTier === "string") out.effectiveTier = body.effectiveTier;
  if (typeof body.failoverEnabled === "boolean") out.failoverEnabled = body.failoverEnabled;
  if (typeof body.eligibleForFailover === "boolean") out.eligibleForFailover = body.eligibleForFailover;
  const stats = parseStats(body.stats);
  if (stats) out.stats = stats;
  return out;
}
