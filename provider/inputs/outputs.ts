/**
 * Pure shaping of what the provider sends and returns: the request bodies built from the inputs,
 * the outputs after create/update, and the outputs after a refresh.
 */
import { autoscalingBody, createBody, definitionMismatch } from "../model/definition";
import { pipelineTextOf } from "../model/pipeline";
import type { ProcessorDefinitionBody, StartWithBody } from "../atlas/processors";
import type { ObservedProcessor, ProcessorRef, StreamProcessorInputs, StreamProcessorOutputs } from "../types";
import { compact } from "../util/objects";

/** The `:startWith` body when tier or a start option is set; undefined means plain `:start`. */
export function startWithBody(inputs: StreamProcessorInputs): StartWithBody | undefined {
  const body: StartWithBody = {};
  if (inputs.tier !== undefined) body.tier = inputs.tier;
  if (inputs.startAtOperationTime !== undefined) body.startAtOperationTime = inputs.startAtOperationTime;
  if (inputs.resumeFromCheckpoint !== undefined) body.resumeFromCheckpoint = inputs.resumeFromCheckpoint;
  // The official provider sends the declared autoscaling with every :startWith too.
  if (inputs.options?.autoscaling !== undefined && inputs.pipeline !== undefined)
    body.autoscaling = autoscalingBody(inputs.options.autoscaling);
  return Object.keys(body).length > 0 ? body : undefined;
}

/** The create body's definition: the pipeline in the order declared, the DLQ and autoscaling, tier and failoverEnabled when set. */
export function definitionBody(inputs: StreamProcessorInputs): ProcessorDefinitionBody {
  return createBody(inputs);
}

/** Outputs: the inputs, the observed state and id, and who created the processor. */
export function toOutputs(inputs: StreamProcessorInputs, observed: ObservedProcessor, createdByResource: boolean): StreamProcessorOutputs {
  const { state: desiredState, ...rest } = inputs;
  const tier = inputs.tier ?? (observed.tier as StreamProcessorOutputs["tier"]);
  const failoverEnabled = inputs.failoverEnabled ?? observed.failoverEnabled;
  return compact({
    ...rest,
    state: observed.state,
    desiredState,
    processorId: observed.id,
    ...(tier !== undefined ? { tier } : {}),
    ...(failoverEnabled !== undefined ? { failoverEnabled } : {}),
    createdByResource,
    ...atlasOnly(observed),
  });
}

/** The read-only fields Atlas reports (effectiveTier, eligibleForFailover), when it reports them. */
function atlasOnly(observed: ObservedProcessor): Pick<StreamProcessorOutputs, "effectiveTier" | "eligibleForFailover"> {
  const out: Pick<StreamProcessorOutputs, "effectiveTier" | "eligibleForFailover"> = {};
  if (observed.effectiveTier !== undefined) out.effectiveTier = observed.effectiveTier;
  if (observed.eligibleForFailover !== undefined) out.eligibleForFailover = observed.eligibleForFailover;
  return out;
}

/**
 * Outputs after a refresh: the previous outputs with the observed state and id. With a
 * definition, our copy is kept while Atlas's carries it (Atlas may decorate it) and Atlas's comes
 * back when it was edited outside Pulumi, so the next diff shows the change.
 */
export function refreshedOutputs(
  props: StreamProcessorOutputs | undefined,
  ref: ProcessorRef,
  observed: ObservedProcessor,
): StreamProcessorOutputs {
  const old = (props ?? {}) as Partial<StreamProcessorOutputs>;
  const outs: Record<string, unknown> = { ...old, ...ref, state: observed.state, processorId: observed.id, ...atlasOnly(observed) };
  if (old.pipeline !== undefined) {
    const mismatch = definitionMismatch(observed, { pipeline: old.pipeline, options: old.options });
    // Atlas's copy, in Atlas's order: a reorder made outside Pulumi is drift the next diff shows.
    if (mismatch.includes("pipeline")) outs.pipeline = pipelineTextOf(observed.pipeline);
    // A state written by version 0.1 holds the pipeline as an array: from now on it is text.
    else if (typeof old.pipeline !== "string") outs.pipeline = pipelineTextOf(old.pipeline);
    // resumeFromCheckpoint is ours (Atlas never stores it): it stays as the program set it.
    if (mismatch.includes("options.dlq") || mismatch.includes("options.autoscaling"))
      outs.options = compact({
        dlq: observed.options?.dlq,
        autoscaling: observed.options?.autoscaling,
        resumeFromCheckpoint: old.options?.resumeFromCheckpoint,
      });
    if (observed.tier !== undefined && old.tier !== undefined) outs.tier = observed.tier;
    if (observed.failoverEnabled !== undefined && old.failoverEnabled !== undefined) outs.failoverEnabled = observed.failoverEnabled;
  }
  return compact(outs) as unknown as StreamProcessorOutputs;
}
