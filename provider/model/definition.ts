/**
 * Pure comparison of processor definitions (pipeline, DLQ, tier, failoverEnabled): the one home
 * for "is this the same definition", used by diff, by create/update (what Atlas holds versus
 * what the program declares) and by refresh.
 *
 * Key order is data: MongoDB documents are ordered, and a reorder in `$project`, `$addFields`,
 * `$set`, `$sort`, `$group` or a literal document in `$match` changes what the pipeline does
 * (https://www.mongodb.com/docs/manual/core/document/#document-field-order). Every comparison is
 * therefore order-sensitive at every depth. Numbers compare by value, so `1`, `1.0` and Extended
 * JSON such as `{"$numberLong": "1"}` are the same number.
 */
import { coversJson, fromValue, sameJson, type Json } from "../util/ordered-json";
import { operatorOf, pipelineStages } from "./pipeline";
import type { AutoscalingOptions, DlqOptions, PipelineStage, ProcessorOptions } from "../types";

/** Deep equality of two JavaScript values with object key order significant everywhere; numbers by value. */
export function sameValue(a: unknown, b: unknown): boolean {
  return sameJson(jsonOf(a), jsonOf(b));
}

/** Whether `atlas` carries everything in `applied` (Atlas may add keys; ours keep their relative order). See coversJson. */
export function covers(atlas: unknown, applied: unknown): boolean {
  return coversJson(jsonOf(atlas), jsonOf(applied));
}

/** undefined stays undefined (absent); everything else as Json. */
const jsonOf = (v: unknown): Json | undefined => (v === undefined ? undefined : fromValue(v));

export interface Definition {
  /** The pipeline's canonical text (inputs after check), or an array (Atlas's copy; a state written by version 0.1). */
  pipeline?: string | PipelineStage[] | undefined;
  options?: ProcessorOptions | undefined;
  tier?: string | undefined;
  failoverEnabled?: boolean | undefined;
}

/** The definition's pipeline as Json stages (undefined when it declares none). */
export const stagesOf = (d: Definition | undefined): Json[] | undefined => pipelineStages(d?.pipeline);

/** Names of the definition fields that differ between two definitions (for diff and errors). */
export function definitionChanges(olds: Definition, news: Definition): string[] {
  const changed: string[] = [];
  if (!sameJson(stagesOf(olds) ?? null, stagesOf(news) ?? null)) changed.push("pipeline");
  if (!sameValue(olds.options?.dlq ?? null, news.options?.dlq ?? null)) changed.push("options");
  if (!sameValue(olds.options?.autoscaling ?? null, news.options?.autoscaling ?? null)) changed.push("options.autoscaling");
  // Atlas reports a tier even when the user set none: only a declared tier is compared.
  if (news.tier !== undefined && olds.tier !== news.tier) changed.push("tier");
  // The same for failoverEnabled: Atlas's value is informational until the program sets one.
  if (news.failoverEnabled !== undefined && (olds.failoverEnabled ?? false) !== news.failoverEnabled) changed.push("failoverEnabled");
  return changed;
}

/**
 * Names the definition fields in which Atlas's copy does not carry what the user declared:
 * the pipeline (Atlas may add fields), the DLQ and autoscaling (Atlas may add fields; one Atlas has
 * but a declared definition lacks differs), the tier and failoverEnabled when the user set them.
 * Used by create/update (apply or refuse) and by refresh (bring Atlas's copy back).
 */
export function definitionMismatch(atlas: Definition, desired: Definition): string[] {
  const out: string[] = [];
  if (desired.pipeline !== undefined && !coversJson(stagesOf(atlas), stagesOf(desired))) out.push("pipeline");
  const owned = desired.pipeline !== undefined;
  const wantDlq = desired.options?.dlq;
  if (wantDlq ? !covers(atlas.options?.dlq, wantDlq) : atlas.options?.dlq !== undefined && owned) out.push("options.dlq");
  const wantScaling = desired.options?.autoscaling;
  if (wantScaling ? !covers(atlas.options?.autoscaling, wantScaling) : atlas.options?.autoscaling !== undefined && owned)
    out.push("options.autoscaling");
  if (desired.tier !== undefined && atlas.tier !== undefined && atlas.tier !== desired.tier) out.push("tier");
  if (desired.failoverEnabled !== undefined && (atlas.failoverEnabled ?? false) !== desired.failoverEnabled) out.push("failoverEnabled");
  return out;
}

/**
 * definitionMismatch in words for a progress line: which stages of the pipeline differ
 * (`pipeline stage [3] $project`), or that the number of stages does, and the other fields.
 */
export function describeMismatch(atlas: Definition, desired: Definition): string[] {
  return definitionMismatch(atlas, desired).map((field) => {
    if (field !== "pipeline") return field;
    const a = stagesOf(atlas) ?? [];
    const d = stagesOf(desired) ?? [];
    if (a.length !== d.length) return `pipeline (${a.length} stages in Atlas, ${d.length} written)`;
    const stages = d.flatMap((stage, i) => (coversJson(a[i], stage) ? [] : [`[${i}] ${operatorOf(stage) ?? "?"}`]));
    return `pipeline stage${stages.length > 1 ? "s" : ""} ${stages.join(", ")}`;
  });
}

/** Whether the processor Atlas holds matches the definition the user declared (see definitionMismatch). */
export function matchesDefinition(atlas: Definition, desired: Definition): boolean {
  return definitionMismatch(atlas, desired).length === 0;
}

/**
 * What a PATCH sends to reset an option: an explicit `null`. Atlas's PATCH keeps a field that is
 * left out and resets one sent as `null` (the contract the official provider's 2026 autoscaling
 * change relies on, sending `autoscaling: null` to remove it); the same is assumed for `dlq`.
 */
export const RESET = null;

/**
 * The DLQ and autoscaling as request bodies carry them: fields in the spec's order, whatever order
 * the engine delivered them in (it sorts object keys; for these settings objects order means nothing).
 */
export const dlqBody = (d: DlqOptions): DlqOptions => ({ connectionName: d.connectionName, db: d.db, coll: d.coll });
export function autoscalingBody(a: AutoscalingOptions): AutoscalingOptions {
  const out: AutoscalingOptions = { enabled: a.enabled };
  if (a.minTier !== undefined) out.minTier = a.minTier;
  if (a.maxTier !== undefined) out.maxTier = a.maxTier;
  return out;
}

/**
 * Whether Atlas's copy carries what a PATCH sent (its pipeline in order, the options it set or
 * reset, tier and failoverEnabled): after an unclear answer to the PATCH, this decides whether
 * it was applied, instead of sending it again blindly.
 */
export function patchApplied(atlas: Definition, body: ModifyBody): boolean {
  if (!coversJson(stagesOf(atlas), body.pipeline)) return false;
  const o = body.options;
  const option = (sent: object | null | undefined, held: object | undefined) =>
    sent === undefined || (sent === null ? held === undefined : covers(held, sent));
  if (!option(o?.dlq, atlas.options?.dlq) || !option(o?.autoscaling, atlas.options?.autoscaling)) return false;
  if (body.tier !== undefined && atlas.tier !== undefined && atlas.tier !== body.tier) return false;
  return body.failoverEnabled === undefined || (atlas.failoverEnabled ?? false) === body.failoverEnabled;
}

/** The body of a create (`POST …/processor`) or a PATCH: one shape, built by createBody and modifyBody below. */
export interface DefinitionBody {
  /** The stages in the order declared (Json keeps it through serialization). */
  pipeline: Json[];
  /** `null` resets a field in a PATCH; `resumeFromCheckpoint` is accepted by PATCH only. */
  options?: { dlq?: DlqOptions | null; autoscaling?: AutoscalingOptions | null; resumeFromCheckpoint?: boolean };
  tier?: string;
  failoverEnabled?: boolean;
}

/** The PATCH body (a DefinitionBody). */
export type ModifyBody = DefinitionBody;

/** The create body: the definition as declared, with nothing to reset and no resumeFromCheckpoint. */
export function createBody(desired: Definition): DefinitionBody {
  const { options, ...rest } = desired;
  const { resumeFromCheckpoint: _notOnCreate, ...createOptions } = options ?? {};
  return modifyBody({ ...rest, ...(options ? { options: createOptions } : {}) }, undefined);
}

/**
 * The PATCH body that turns `current` (Atlas's copy) into `desired`: the whole declared
 * definition; `options.dlq: null` / `options.autoscaling: null` when Atlas has one the program
 * no longer declares; and `options.resumeFromCheckpoint` when it is set and the pipeline changes
 * (sent with an unchanged pipeline it could drop the processor's checkpoint for nothing).
 */
export function modifyBody(desired: Definition, current: Definition | undefined): ModifyBody {
  const stages = stagesOf(desired) ?? [];
  const body: ModifyBody = { pipeline: stages };
  const options: NonNullable<ModifyBody["options"]> = {};
  if (desired.options?.dlq) options.dlq = dlqBody(desired.options.dlq);
  else if (current?.options?.dlq !== undefined) options.dlq = RESET;
  if (desired.options?.autoscaling) options.autoscaling = autoscalingBody(desired.options.autoscaling);
  else if (current?.options?.autoscaling !== undefined) options.autoscaling = RESET;
  const resume = desired.options?.resumeFromCheckpoint;
  if (resume !== undefined && !coversJson(stagesOf(current), stages)) options.resumeFromCheckpoint = resume;
  if (Object.keys(options).length > 0) body.options = options;
  if (desired.tier !== undefined) body.tier = desired.tier;
  if (desired.failoverEnabled !== undefined) body.failoverEnabled = desired.failoverEnabled;
  return body;
}
