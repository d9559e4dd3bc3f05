// Shapes of the JSON documents the emulator reads: the one object guard, and a pipeline stage's name.

export type JsonObject = Record<string, unknown>;

/** A JSON object: not null, not an array. */
export function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A duration in milliseconds as the options, the admin API and faults accept it: a finite number
 * >= 0. Refused with `durationProblem(name)`. (`transitionMs` and a fault's `latencyMs` have
 * accepted any number >= 0, Infinity included, since they were added; their checks say so.)
 */
export function isDuration(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0;
}

/** The refusal of a value that is not a duration, for every duration the emulator takes. */
export function durationProblem(name: string): string {
  return `${name} must be a number >= 0`;
}

/** The operator of a pipeline stage (`$source` for `{ $source: {...} }`), or undefined for a non-object. */
export function stageName(stage: unknown): string | undefined {
  return isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
}
