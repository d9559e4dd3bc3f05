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
import { isPlainObject } from "./objects";
import type { DlqOptions, PipelineStage, ProcessorOptions } from "./types";

const NUMBER_WRAPPERS = ["$numberInt", "$numberLong", "$numberDouble", "$numberDecimal"];

/** The numeric value of a number or of a canonical Extended JSON number; undefined otherwise. */
function numberOf(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (isPlainObject(v)) {
    const [key, ...more] = Object.keys(v);
    const text = key === undefined ? undefined : v[key];
    if (key !== undefined && more.length === 0 && NUMBER_WRAPPERS.includes(key) && typeof text === "string") {
      const n = Number(text);
      return Number.isNaN(n) ? undefined : n;
    }
  }
  return undefined;
}

function sameScalar(a: unknown, b: unknown): boolean {
  const na = numberOf(a);
  const nb = numberOf(b);
  if (na !== undefined || nb !== undefined) return na === nb;
  return a === b;
}

/** Deep equality with object key order significant everywhere; numbers by value. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (numberOf(a) !== undefined || numberOf(b) !== undefined) return sameScalar(a, b);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameValue(x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length || ka.some((k, i) => kb[i] !== k)) return false;
    return ka.every((k) => sameValue(a[k], b[k]));
  }
  return a === b;
}

/**
 * Whether `atlas` (Atlas's copy) carries everything in `applied` (what we sent), allowing
 * fields Atlas adds to its copy; our keys must appear in the same relative order. Used to tell
 * "Atlas decorated our pipeline" from "someone edited it" (the latter must show as a diff).
 */
export function covers(atlas: unknown, applied: unknown): boolean {
  if (numberOf(atlas) !== undefined || numberOf(applied) !== undefined) return sameScalar(atlas, applied);
  if (Array.isArray(applied) || Array.isArray(atlas)) {
    if (!Array.isArray(applied) || !Array.isArray(atlas) || applied.length !== atlas.length) return false;
    return applied.every((x, i) => covers(atlas[i], x));
  }
  if (isPlainObject(applied) && isPlainObject(atlas)) {
    const keys = Object.keys(applied);
    const atlasKeys = Object.keys(atlas).filter((k) => Object.prototype.hasOwnProperty.call(applied, k));
    if (atlasKeys.length !== keys.length || atlasKeys.some((k, i) => keys[i] !== k)) return false;
    return keys.every((k) => covers(atlas[k], applied[k]));
  }
  return atlas === applied;
}

export interface Definition {
  pipeline?: PipelineStage[] | undefined;
  options?: ProcessorOptions | undefined;
  tier?: string | undefined;
  failoverEnabled?: boolean | undefined;
}

/** Names of the definition fields that differ between two definitions (for diff and errors). */
export function definitionChanges(olds: Definition, news: Definition): string[] {
  const changed: string[] = [];
  if (!sameValue(olds.pipeline ?? null, news.pipeline ?? null)) changed.push("pipeline");
  if (!sameValue(olds.options?.dlq ?? null, news.options?.dlq ?? null)) changed.push("options");
  // Atlas reports a tier even when the user set none: only a declared tier is compared.
  if (news.tier !== undefined && olds.tier !== news.tier) changed.push("tier");
  // The same for failoverEnabled: Atlas's value is informational until the program sets one.
  if (news.failoverEnabled !== undefined && (olds.failoverEnabled ?? false) !== news.failoverEnabled) changed.push("failoverEnabled");
  return changed;
}

/**
 * Names the definition fields in which Atlas's copy does not carry what the user declared:
 * the pipeline (Atlas may add fields), the DLQ (Atlas may add fields; a DLQ Atlas has but a
 * declared pipeline lacks differs), the tier and failoverEnabled when the user set them.
 * Used by create/update (apply or refuse) and by refresh (bring Atlas's copy back).
 */
export function definitionMismatch(atlas: Definition, desired: Definition): string[] {
  const out: string[] = [];
  if (desired.pipeline !== undefined && !covers(atlas.pipeline, desired.pipeline)) out.push("pipeline");
  const wantDlq = desired.options?.dlq;
  if (wantDlq ? !covers(atlas.options?.dlq, wantDlq) : atlas.options?.dlq !== undefined && desired.pipeline !== undefined)
    out.push("options.dlq");
  if (desired.tier !== undefined && atlas.tier !== undefined && atlas.tier !== desired.tier) out.push("tier");
  if (desired.failoverEnabled !== undefined && (atlas.failoverEnabled ?? false) !== desired.failoverEnabled) out.push("failoverEnabled");
  return out;
}

/** Whether the processor Atlas holds matches the definition the user declared (see definitionMismatch). */
export function matchesDefinition(atlas: Definition, desired: Definition): boolean {
  return definitionMismatch(atlas, desired).length === 0;
}

/** The PATCH body that removes a dead-letter queue (mongosh documents an empty `dlq`; for the Admin API this is an educated guess). */
export const REMOVE_DLQ: Record<string, never> = {};

export interface ModifyBody {
  pipeline: PipelineStage[];
  options?: { dlq?: DlqOptions | Record<string, never>; resumeFromCheckpoint?: boolean };
  tier?: string;
  failoverEnabled?: boolean;
}

/**
 * The PATCH body that turns `current` (Atlas's copy) into `desired`: the whole declared
 * definition; `options.dlq: {}` when Atlas has a DLQ the program no longer declares; and
 * `options.resumeFromCheckpoint` when it is set and the pipeline changes (sent with an
 * unchanged pipeline it could drop the processor's checkpoint for nothing).
 */
export function modifyBody(desired: Definition, current: Definition | undefined): ModifyBody {
  const body: ModifyBody = { pipeline: desired.pipeline ?? [] };
  const options: NonNullable<ModifyBody["options"]> = {};
  if (desired.options?.dlq) options.dlq = desired.options.dlq;
  else if (current?.options?.dlq !== undefined) options.dlq = REMOVE_DLQ;
  const resume = desired.options?.resumeFromCheckpoint;
  if (resume !== undefined && !covers(current?.pipeline, desired.pipeline)) options.resumeFromCheckpoint = resume;
  if (Object.keys(options).length > 0) body.options = options;
  if (desired.tier !== undefined) body.tier = desired.tier;
  if (desired.failoverEnabled !== undefined) body.failoverEnabled = desired.failoverEnabled;
  return body;
}
