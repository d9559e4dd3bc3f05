/**
 * Pure comparison of processor definitions (pipeline, DLQ, tier).
 *
 * Pipeline stages keep their key order end to end, because `$sort` precedence depends on it
 * (shared/reference/atlas-streams-api.md). Comparison is therefore order-sensitive inside
 * `$sort` documents and order-insensitive elsewhere (`{$match: {a, b}}` equals `{$match: {b, a}}`).
 */
import type { DlqOptions, PipelineStage } from "./types";

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep equality; `ordered` makes object key order significant (used under `$sort`). */
export function sameValue(a: unknown, b: unknown, ordered = false): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameValue(x, b[i], ordered));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    if (ordered && ka.some((k, i) => kb[i] !== k)) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameValue(a[k], b[k], ordered || k === "$sort"));
  }
  return a === b;
}

/**
 * Whether `atlas` (Atlas's copy) carries everything in `applied` (what we sent), allowing
 * fields Atlas adds to its copy. Used by `read` to tell "Atlas decorated our pipeline" from
 * "someone edited it" (the latter must show as a diff).
 */
export function covers(atlas: unknown, applied: unknown, ordered = false): boolean {
  if (Array.isArray(applied) || Array.isArray(atlas)) {
    if (!Array.isArray(applied) || !Array.isArray(atlas) || applied.length !== atlas.length) return false;
    return applied.every((x, i) => covers(atlas[i], x, ordered));
  }
  if (isObject(applied) && isObject(atlas)) {
    const keys = Object.keys(applied);
    if (ordered) {
      // Under $sort the applied keys must appear in the same relative order.
      const atlasKeys = Object.keys(atlas).filter((k) => keys.includes(k));
      if (atlasKeys.length !== keys.length || atlasKeys.some((k, i) => keys[i] !== k)) return false;
    }
    return keys.every((k) => Object.prototype.hasOwnProperty.call(atlas, k) && covers(atlas[k], applied[k], ordered || k === "$sort"));
  }
  return atlas === applied;
}

export interface Definition {
  pipeline?: PipelineStage[];
  options?: { dlq?: DlqOptions };
  tier?: string;
}

/** Names of the definition fields that differ between two definitions (for diff and errors). */
export function definitionChanges(olds: Definition, news: Definition): string[] {
  const changed: string[] = [];
  if (!sameValue(olds.pipeline ?? null, news.pipeline ?? null)) changed.push("pipeline");
  if (!sameValue(olds.options?.dlq ?? null, news.options?.dlq ?? null)) changed.push("options");
  // Atlas reports a tier even when the user set none: only a declared tier is compared.
  if (news.tier !== undefined && olds.tier !== news.tier) changed.push("tier");
  return changed;
}

/**
 * Whether the processor Atlas holds matches the definition the user declared: the pipeline
 * (Atlas may add fields), the DLQ (Atlas may add fields), and the tier when the user set one.
 */
export function matchesDefinition(atlas: Definition, desired: Definition): boolean {
  if (desired.pipeline && !covers(atlas.pipeline, desired.pipeline)) return false;
  const wantDlq = desired.options?.dlq;
  if (wantDlq ? !covers(atlas.options?.dlq, wantDlq) : atlas.options?.dlq !== undefined && desired.pipeline !== undefined) return false;
  if (desired.tier !== undefined && atlas.tier !== undefined && atlas.tier !== desired.tier) return false;
  return true;
}
