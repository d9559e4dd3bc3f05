// Pure rules about changing a processor's definition: which changes Atlas refuses and why, and
// how a PATCH's `options` combine with the stored ones. No I/O and no state: the Store asks,
// then applies (or refuses) the whole change at once.
import { isPlainObject, stageName, type JsonObject } from "./documents";

/** Stages whose state lives in a checkpoint: a change to them cannot resume from the old one. */
const WINDOW_STAGES = ["$tumblingWindow", "$hoppingWindow", "$sessionWindow"] as const;

type Obj = JsonObject;

/**
 * Order-sensitive deep equality: MongoDB documents are ordered, so `{a, b}` and `{b, a}` differ.
 * Numbers compare by value (JSON has no separate integer type).
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => sameValue(v, bb[i]));
  }
  const ka = Object.keys(a as Obj);
  const kb = Object.keys(b as Obj);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameValue((a as Obj)[k], (b as Obj)[k]));
}

/**
 * The checkpointed stages a new pipeline changes, in pipeline order: `$source` when the `$source`
 * stage differs, and each window stage name whose window stages (in order) differ, including a
 * window added or removed. Empty when the change can resume from the existing checkpoint.
 */
export function checkpointedStagesChanged(stored: readonly unknown[], next: readonly unknown[]): string[] {
  const changed: string[] = [];
  const source = (p: readonly unknown[]) => p.find((s) => stageName(s) === "$source") as Obj | undefined;
  const a = source(stored);
  const b = source(next);
  if (!sameValue(a?.$source, b?.$source)) changed.push("$source");
  const windows = (p: readonly unknown[]) => p.filter((s) => (WINDOW_STAGES as readonly string[]).includes(stageName(s) ?? ""));
  const wa = windows(stored);
  const wb = windows(next);
  for (let i = 0; i < Math.max(wa.length, wb.length); i++) {
    if (sameValue(wa[i], wb[i])) continue;
    for (const s of [wa[i], wb[i]]) {
      const n = stageName(s);
      if (n && !changed.includes(n)) changed.push(n);
    }
  }
  return changed;
}

/** The message (the `<msg>` of the generic processor error) Atlas gives for a refused checkpointed change. */
export function checkpointRefusal(stages: readonly string[]): string {
  // Wording unverified: public records show the 400 (the Terraform provider's
  // `options.resume_from_checkpoint`, internal/service/streamprocessor), not its text.
  return `cannot modify the ${stages.join(", ")} stage while resuming from the existing checkpoint; set options.resumeFromCheckpoint to false to discard the checkpoint`;
}

/**
 * The verdict on a PATCH's pipeline: undefined when it may be applied, otherwise the refusal
 * message. `resumeFromCheckpoint` defaults to true in Atlas, so only an explicit `false` allows a
 * checkpointed stage to change.
 */
export function pipelineChangeRefusal(
  stored: readonly unknown[],
  next: readonly unknown[] | undefined,
  resumeFromCheckpoint: boolean | undefined,
): string | undefined {
  if (next === undefined || resumeFromCheckpoint === false) return undefined;
  const stages = checkpointedStagesChanged(stored, next);
  return stages.length ? checkpointRefusal(stages) : undefined;
}

/** The message for `failoverEnabled: true` on a workspace without failover regions (wording unverified). */
export function failoverRefusal(
  enabled: boolean | undefined,
  workspaceName: string,
  failoverRegions: readonly string[],
): string | undefined {
  if (enabled !== true || failoverRegions.length > 0) return undefined;
  return `failover cannot be enabled: stream workspace ${workspaceName} has no failover regions`;
}

/**
 * The message for `:startWith` with `failover` that cannot happen: the processor was not created
 * with `failoverEnabled`, or the region is not one of the workspace's failover regions (wording
 * unverified; the same rule as {@link failoverRefusal}, applied at start).
 */
export function failoverStartRefusal(
  processorFailoverEnabled: boolean,
  region: string,
  workspaceName: string,
  failoverRegions: readonly string[],
): string | undefined {
  if (!processorFailoverEnabled) return "failover is not enabled for this processor; modify it with failoverEnabled: true first";
  if (!failoverRegions.includes(region)) {
    const known = failoverRegions.length ? failoverRegions.join(", ") : "none";
    return `${region} is not a failover region of stream workspace ${workspaceName} (its failover regions: ${known})`;
  }
  return undefined;
}

/**
 * Stored options after a PATCH's `options`: a key left out is kept, a key present replaces the
 * stored one, an explicit `null` removes it (Atlas' PATCH contract as the Terraform provider's
 * autoscaling change describes it), and an empty `dlq` object removes the dead-letter queue too
 * (mongosh documents it). Undefined when nothing is left.
 */
export function patchedOptions(stored: Obj | undefined, patch: Obj): Obj | undefined {
  const out: Obj = { ...(stored ?? {}), ...patch };
  for (const [k, v] of Object.entries(out)) if (v === null) delete out[k];
  const dlq = out.dlq;
  if (isPlainObject(dlq) && Object.keys(dlq).length === 0) delete out.dlq;
  return Object.keys(out).length ? out : undefined;
}

const TIER_ORDER = ["SP2", "SP5", "SP10", "SP30", "SP50"];

/**
 * The message for autoscaling whose `maxTier` is above the workspace's `streamConfig.maxTierSize`
 * (wording unverified); undefined when allowed or the workspace sets no maximum.
 */
export function autoscalingRefusal(autoscaling: unknown, workspaceName: string, maxTierSize: string | undefined): string | undefined {
  if (!isPlainObject(autoscaling) || maxTierSize === undefined) return undefined;
  const max = autoscaling.maxTier;
  if (typeof max !== "string" || TIER_ORDER.indexOf(max) <= TIER_ORDER.indexOf(maxTierSize)) return undefined;
  return `autoscaling maxTier ${max} exceeds the maxTierSize ${maxTierSize} of stream workspace ${workspaceName}`;
}

/** Whether the tier lies within the autoscaling range. */
export function tierWithin(tier: string, minTier: string, maxTier: string): boolean {
  const i = TIER_ORDER.indexOf(tier);
  return i >= 0 && i >= TIER_ORDER.indexOf(minTier) && i <= TIER_ORDER.indexOf(maxTier);
}

/** The enabled autoscaling of stored options, or undefined. */
export function enabledAutoscaling(options: Obj | undefined): { minTier: string; maxTier: string } | undefined {
  const a = options?.autoscaling;
  if (!isPlainObject(a) || a.enabled !== true || typeof a.minTier !== "string" || typeof a.maxTier !== "string") return undefined;
  return { minTier: a.minTier, maxTier: a.maxTier };
}

/**
 * `effectiveTier`, the tier the processor runs on now (read-only): with autoscaling enabled, the
 * tier set at its start (`minTier`) or since through the admin API, and before any start the
 * `minTier` it would start on; without, the processor's tier, else the workspace's.
 */
export function effectiveTierOf(sp: { tier?: string; options?: Obj; effectiveTier?: string }, workspaceTier: string): string {
  const auto = enabledAutoscaling(sp.options);
  if (auto)
    return sp.effectiveTier !== undefined && tierWithin(sp.effectiveTier, auto.minTier, auto.maxTier) ? sp.effectiveTier : auto.minTier;
  return sp.tier ?? workspaceTier;
}
