// Shapes of the JSON documents the emulator reads: the one object guard, and a pipeline stage's name.

export type JsonObject = Record<string, unknown>;

/** A JSON object: not null, not an array. */
export function isPlainObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The operator of a pipeline stage (`$source` for `{ $source: {...} }`), or undefined for a non-object. */
export function stageName(stage: unknown): string | undefined {
  return isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
}
