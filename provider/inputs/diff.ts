/**
 * `diff`: pure, no network. `olds` are the last outputs (their `state` is the *observed* one,
 * refreshed by `read`), `news` the checked inputs (their `state` is the *desired* one).
 */
import { definitionChanges } from "../model/definition";
import { satisfies } from "../model/state";
import type { DesiredState } from "../types";
import { UNKNOWN } from "./check";

export interface ProcessorDiff {
  changes: boolean;
  replaces: string[];
  /** Every property that differs, replacements included (for messages and tests). */
  changed: string[];
}

/** Changing any of these points the resource at another processor: replace. */
export const IDENTITY_KEYS = ["projectId", "workspaceName", "processorName"] as const;

/** Inputs whose change needs an update but no call beyond a fresh read (they matter at start only). */
const SETTINGS_KEYS = ["timeoutSeconds", "startAtOperationTime", "resumeFromCheckpoint", "adoptExisting", "verifySeconds"] as const;

/** options.resumeFromCheckpoint, or UNKNOWN when options itself is not known yet. */
function resumeOption(options: unknown): unknown {
  if (options === UNKNOWN) return UNKNOWN;
  return options && typeof options === "object" ? (options as Record<string, unknown>).resumeFromCheckpoint : undefined;
}

export function diffProcessor(olds: Record<string, unknown>, news: Record<string, unknown>): ProcessorDiff {
  const replaces: string[] = [];
  const changed: string[] = [];
  for (const key of IDENTITY_KEYS) {
    if (news[key] === UNKNOWN || olds[key] !== news[key]) replaces.push(key);
  }
  changed.push(...replaces);

  const desired = (news.state ?? "STARTED") as DesiredState | typeof UNKNOWN;
  // olds.state is what Atlas showed last; older states may lack desiredState.
  if (
    desired === UNKNOWN ||
    !satisfies(desired, olds.state as string | undefined) ||
    (olds.desiredState !== undefined && olds.desiredState !== desired)
  ) {
    changed.push("state");
  }
  for (const key of SETTINGS_KEYS) {
    if (news[key] === UNKNOWN || (olds[key] ?? null) !== (news[key] ?? null)) changed.push(key);
  }
  // Sent with the next pipeline change, never stored by Atlas: an update with no call.
  const resume = resumeOption(news.options);
  if (resume === UNKNOWN || (resumeOption(olds.options) ?? null) !== (resume ?? null)) changed.push("options.resumeFromCheckpoint");
  // A definition is compared only when the user declares one: without `pipeline` the resource
  // does not own the definition, and Atlas's copy in the outputs is informational.
  if (news.pipeline !== undefined) {
    const unknownDef = news.pipeline === UNKNOWN || news.options === UNKNOWN || news.tier === UNKNOWN || news.failoverEnabled === UNKNOWN;
    if (unknownDef) changed.push("pipeline");
    else changed.push(...definitionChanges(olds as never, news as never));
  } else if (news.tier !== undefined && (news.tier === UNKNOWN || olds.tier !== news.tier)) {
    changed.push("tier");
  }
  return { changes: changed.length > 0, replaces, changed };
}
