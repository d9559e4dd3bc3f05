/**
 * The detailed diff the plugin sends with diff: for every property lifecycle's diff names as
 * changed, whether it is added, deleted or updated, and whether that replaces the resource. The
 * CLI then shows those properties (and only those) in preview. Pure.
 *
 * Each entry compares the previous *outputs* with the new inputs (`inputDiff: false`): that is
 * what lifecycle's diff compares, and it is the only way a restart shows — the observed `state`
 * FAILED against the `state` STARTED asked for, where the inputs alone are the same.
 */
export type PropertyChange = "add" | "delete" | "update";

export interface DetailedChange {
  kind: PropertyChange;
  replace: boolean;
}

/** The value at a dotted path (`options.resumeFromCheckpoint`), undefined when absent. */
function at(obj: Record<string, unknown>, path: string): unknown {
  let v: unknown = obj;
  for (const part of path.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

export function detailedDiff(
  changed: readonly string[],
  replaces: readonly string[],
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Record<string, DetailedChange> {
  const out: Record<string, DetailedChange> = {};
  for (const path of changed) {
    const before = at(olds, path);
    const after = at(news, path);
    const kind: PropertyChange =
      before === undefined && after !== undefined ? "add" : after === undefined && before !== undefined ? "delete" : "update";
    out[path] = { kind, replace: replaces.includes(path) };
  }
  return out;
}

/** The top-level properties among the changed paths (DiffResponse's `diffs`). */
export function topLevel(changed: readonly string[]): string[] {
  return [...new Set(changed.map((p) => p.split(".")[0] ?? p))];
}
