/**
 * The pipeline as text: the one form that crosses the Pulumi engine with its key order intact.
 *
 * The engine carries inputs as protobuf Structs and hands every provider objects with their keys
 * sorted (pulumi/pulumi#16582), so a `$sort: {zeta: 1, alpha: -1}` written as an object would arrive
 * as `{alpha: -1, zeta: 1}`. The resource's constructor therefore turns the pipeline into JSON text
 * in the program's process, where the order is still the one written, and the provider only ever
 * reads that text. A pipeline given as a JSON string (the official resource's form) is taken as
 * written, integer-like keys included.
 *
 * Pure: no I/O.
 */
import {
  fromValue,
  isJsonObject,
  JsonSyntaxError,
  JsonValueError,
  parseJson,
  stringifyJson,
  type Json,
  type JsonObject,
} from "../util/ordered-json";

/**
 * What the constructor sends through the engine for `pipeline`: a string unchanged (check parses
 * it), an array as compact JSON text in the order its objects were written.
 */
export function pipelineText(value: unknown): unknown {
  if (typeof value === "string" || value === undefined || value === null) return value;
  return stringifyJson(fromValue(value, "pipeline"));
}

/** A stage's operator (`$source` for `{"$source": {...}}`), or undefined for anything but a one-key object. */
export function operatorOf(stage: Json | undefined): string | undefined {
  if (!isJsonObject(stage) || stage.size !== 1) return undefined;
  return [...stage.keys()][0];
}

/** The pipeline as Json stages: from its text (after check), or from an array (a stored state of an older version, or Atlas's answer). */
export function pipelineStages(p: unknown): Json[] | undefined {
  if (p === undefined || p === null) return undefined;
  const json = typeof p === "string" ? parseJson(p) : fromValue(p, "pipeline");
  return Array.isArray(json) ? json : undefined;
}

/** The canonical text of a pipeline given as text or as an array (Atlas's copy, an older state): compact, in its own order. */
export function pipelineTextOf(p: unknown): string {
  return stringifyJson(pipelineStages(p) ?? []);
}

export interface PipelineProblem {
  property: string;
  reason: string;
}

function describe(v: Json): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === "boolean") return String(v);
  return isJsonObject(v) ? "an object" : `the number ${v.text}`;
}

/** The problems of a pipeline's stages (each exactly one `$operator` key), naming `pipeline[i]`. */
function stageProblems(stages: Json[]): PipelineProblem[] {
  if (stages.length === 0) return [{ property: "pipeline", reason: "pipeline must not be empty: give at least a $source stage." }];
  const out: PipelineProblem[] = [];
  stages.forEach((stage, i) => {
    const property = `pipeline[${i}]`;
    if (!isJsonObject(stage)) {
      out.push({ property, reason: `${property} must be an object such as {"$match": {...}}, got ${describe(stage)}.` });
      return;
    }
    const keys = [...(stage as JsonObject).keys()];
    if (keys.length !== 1) {
      out.push({
        property,
        reason: `${property} must have exactly one top-level key (the stage operator), got ${keys.length}${keys.length ? ` (${keys.join(", ")})` : ""}: split it into one stage per operator.`,
      });
    } else if (!keys[0]?.startsWith("$")) {
      out.push({ property, reason: `${property} key "${keys[0]}" is not a stage operator: stage keys start with "$" (e.g. "$source").` });
    }
  });
  return out;
}

/**
 * Checks a pipeline given as JSON text or as an array (already resolved; not Pulumi's unknown
 * placeholder) and returns its canonical text, or the problems. A malformed string names the
 * line and column of the error.
 */
export function checkPipeline(v: unknown): { text?: string; problems: PipelineProblem[] } {
  let json: Json;
  if (typeof v === "string") {
    try {
      json = parseJson(v);
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      const near = v.slice(Math.max(0, e.offset - 20), e.offset + 20).replace(/\s+/g, " ");
      return {
        problems: [
          {
            property: "pipeline",
            reason: `pipeline is not valid JSON: ${e.message}, near ${JSON.stringify(near)}. Give a JSON array of stages such as '[{"$source": {"connectionName": "src"}}]', or an array of objects.`,
          },
        ],
      };
    }
  } else if (Array.isArray(v)) {
    try {
      json = fromValue(v, "pipeline");
    } catch (e) {
      if (!(e instanceof JsonValueError)) throw e;
      return { problems: [{ property: e.path, reason: e.message }] };
    }
  } else {
    const got = v === null ? "null" : typeof v === "object" ? "an object" : `${typeof v} ${String(v)}`;
    return {
      problems: [{ property: "pipeline", reason: `pipeline must be an array of aggregation stages or a JSON string of one, got ${got}.` }],
    };
  }
  if (!Array.isArray(json)) {
    return {
      problems: [
        { property: "pipeline", reason: `pipeline must be a JSON array of stages, got ${describe(json)}: wrap the stages in [ ].` },
      ],
    };
  }
  const problems = stageProblems(json);
  return problems.length > 0 ? { problems } : { text: stringifyJson(json), problems };
}
