/**
 * Changing a processor's `$source` or a window stage: Atlas refuses the PATCH (400) unless it
 * carries `options.resumeFromCheckpoint: false`, because the processor's checkpoint (the
 * source's resume position and the open windows) no longer fits the new pipeline. The Terraform
 * provider sends `options.resume_from_checkpoint` only on updates that change the pipeline
 * (github.com/mongodb/terraform-provider-mongodbatlas internal/service/streamprocessor).
 *
 * The decision (was this refusal about the checkpoint?) is pure; lifecycle.ts puts a processor
 * that was stopped for the change back to running.
 */
import { describeRef } from "./converge";
import { asClause, isAtlasApiError } from "../errors";
import { sameJson, type Json } from "../util/ordered-json";
import { operatorOf, pipelineStages } from "../model/pipeline";
import { classifyApiError } from "../http/retry";
import type { PipelineStage, ProcessorRef } from "../types";

/** A pipeline as the provider meets it: canonical text (inputs), or an array (Atlas's copy, an older state). */
type AnyPipeline = string | PipelineStage[] | undefined;

/** The stages whose change invalidates a checkpoint. */
export const CHECKPOINTED_STAGES = ["$source", "$tumblingWindow", "$hoppingWindow", "$sessionWindow"] as const;

/** The checkpointed stage operators whose stages differ between two pipelines, in CHECKPOINTED_STAGES order. */
export function checkpointedStagesChanged(before: AnyPipeline, after: AnyPipeline): string[] {
  const a = pipelineStages(before) ?? [];
  const b = pipelineStages(after) ?? [];
  const pick = (p: Json[], op: string) => p.filter((s) => operatorOf(s) === op);
  return CHECKPOINTED_STAGES.filter((op) => !sameJson(pick(a, op), pick(b, op)));
}

/**
 * Whether a failed PATCH was Atlas refusing a checkpointed-stage change for lack of
 * `resumeFromCheckpoint: false`: a 400, a change to such a stage, and the input not set to false.
 * Returns the changed stages, or undefined when the failure is something else.
 */
export function checkpointRefusal(
  error: unknown,
  before: AnyPipeline,
  after: AnyPipeline,
  resumeFromCheckpoint: boolean | undefined,
): string[] | undefined {
  if (!isAtlasApiError(error) || error.status !== 400 || resumeFromCheckpoint === false) return undefined;
  // A missing connection or a transient infrastructure answer is not about the checkpoint.
  if (classifyApiError(error) !== "definite") return undefined;
  const stages = checkpointedStagesChanged(before, after);
  return stages.length > 0 ? stages : undefined;
}

/** The error for a refused checkpointed-stage change: which input to set, why, and where the processor stands. */
export function checkpointRefusalMessage(ref: ProcessorRef, stages: string[], atlasDetail: string | undefined, now: string): string {
  const which = stages.length === 1 ? `its ${stages[0]} stage` : `its ${stages.join(" and ")} stages`;
  return (
    `Atlas refused to change the pipeline of the ${describeRef(ref)}: the change touches ${which}, and a processor cannot resume ` +
    `from its checkpoint (the source's resume position and open windows) after such a change` +
    `${atlasDetail ? ` (Atlas: ${asClause(atlasDetail)})` : ""}. ` +
    `To apply it, set options: { resumeFromCheckpoint: false } on this StreamProcessor and run pulumi up again: ` +
    `the processor then starts on the new pipeline without its checkpoint (it does not reprocess from where it stopped and open windows are dropped). ` +
    `Nothing was changed: ${now}.`
  );
}
