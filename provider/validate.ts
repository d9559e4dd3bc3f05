/**
 * `check`: pure validation and defaulting of the resource's inputs. No network.
 *
 * Every failure names the property and says how to fix it. Pulumi's preview placeholder for a
 * value that is not known yet passes untouched.
 */
import { isPlainObject } from "./objects";
import { DESIRED_STATES, TIERS, type StreamProcessorInputs } from "./types";

/** The string the engine sends for an input that is unknown during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const DEFAULT_STATE = "STARTED";
export const DEFAULT_TIMEOUT_SECONDS = 600;

export interface CheckFailure {
  property: string;
  reason: string;
}

const PROJECT_ID = /^[a-f0-9]{24}$/;
// C0/C1 control characters and DEL: they cannot appear in an Atlas name and break URLs and logs.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// RFC 3339 / ISO 8601 date-time as the spec's `format: date-time` expects.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const isUnknown = (v: unknown): boolean => v === UNKNOWN;

/** DATE_TIME's shape and a real calendar date: Date.parse rolls 2026-02-30 over to March. */
function isRealDateTime(t: string): boolean {
  if (!DATE_TIME.test(t)) return false;
  const [y = NaN, mo = NaN, d = NaN, h = NaN, mi = NaN, s = NaN] = t.slice(0, 19).split(/[-T:]/).map(Number);
  const probe = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
}

function checkName(property: string, v: unknown, failures: CheckFailure[]): void {
  if (isUnknown(v)) return;
  if (typeof v !== "string") {
    failures.push({ property, reason: `${property} must be a string, got ${describe(v)}.` });
  } else if (v.trim() === "") {
    failures.push({ property, reason: `${property} must not be empty or whitespace-only.` });
  } else if (CONTROL.test(v)) {
    failures.push({ property, reason: `${property} must not contain control characters (got ${JSON.stringify(v)}).` });
  } else if (v !== v.trim()) {
    failures.push({ property, reason: `${property} must not start or end with whitespace (got ${JSON.stringify(v)}).` });
  }
}

/**
 * A name that becomes a URL path segment must not be only dots: `.` and `..` are dot-segments
 * that URL normalization removes (RFC 3986 §5.2.4), so the request would reach another resource.
 */
function checkPathSegment(property: string, v: unknown, failures: CheckFailure[]): void {
  if (typeof v === "string" && v !== UNKNOWN && /^\.+$/.test(v)) {
    failures.push({
      property,
      reason: `${property} must not consist only of dots (got ${JSON.stringify(v)}): "." and ".." would address another URL; use the real name.`,
    });
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return JSON.stringify(v);
  return typeof v === "object" ? "an object" : `${typeof v} ${String(v)}`;
}

function checkPipeline(v: unknown, failures: CheckFailure[]): void {
  if (isUnknown(v)) return;
  if (!Array.isArray(v)) {
    failures.push({ property: "pipeline", reason: `pipeline must be an array of aggregation stages, got ${describe(v)}.` });
    return;
  }
  if (v.length === 0) {
    failures.push({ property: "pipeline", reason: "pipeline must not be empty: give at least a $source stage." });
    return;
  }
  v.forEach((stage, i) => {
    if (isUnknown(stage)) return;
    if (!isPlainObject(stage)) {
      failures.push({
        property: `pipeline[${i}]`,
        reason: `pipeline[${i}] must be an object such as {"$match": {...}}, got ${describe(stage)}.`,
      });
      return;
    }
    const keys = Object.keys(stage);
    if (keys.length !== 1) {
      failures.push({
        property: `pipeline[${i}]`,
        reason: `pipeline[${i}] must have exactly one top-level key (the stage operator), got ${keys.length}${keys.length ? ` (${keys.join(", ")})` : ""}: split it into one stage per operator.`,
      });
    } else if (!keys[0]?.startsWith("$")) {
      failures.push({
        property: `pipeline[${i}]`,
        reason: `pipeline[${i}] key "${keys[0]}" is not a stage operator: stage keys start with "$" (e.g. "$source").`,
      });
    }
  });
}

function checkDlq(v: unknown, failures: CheckFailure[]): void {
  if (isUnknown(v)) return;
  if (!isPlainObject(v)) {
    failures.push({ property: "options.dlq", reason: `options.dlq must be an object {connectionName, db, coll}, got ${describe(v)}.` });
    return;
  }
  for (const f of ["connectionName", "db", "coll"]) {
    const value = v[f];
    if (value === undefined) {
      failures.push({ property: `options.dlq.${f}`, reason: `options.dlq.${f} is required when options.dlq is set.` });
    } else {
      checkName(`options.dlq.${f}`, value, failures);
    }
  }
  for (const f of Object.keys(v)) {
    if (!["connectionName", "db", "coll"].includes(f)) {
      failures.push({ property: `options.dlq.${f}`, reason: `options.dlq.${f} is not a DLQ field: use connectionName, db and coll.` });
    }
  }
}

/**
 * Validates `news` and returns the inputs with defaults applied, or the failures.
 * Unknown input keys (other than Pulumi's own `__provider`) are refused: a misspelt
 * `processName` silently ignored would leave the user's processor unmanaged.
 */
export function checkInputs(news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const failures: CheckFailure[] = [];
  const inputs: Record<string, unknown> = { ...news };

  for (const key of ["projectId", "workspaceName", "processorName"]) {
    if (news[key] === undefined || news[key] === null) {
      failures.push({ property: key, reason: `${key} is required.` });
    }
  }
  const projectId = news.projectId;
  if (projectId !== undefined && projectId !== null && !isUnknown(projectId)) {
    if (typeof projectId !== "string" || !PROJECT_ID.test(projectId)) {
      failures.push({
        property: "projectId",
        reason: `projectId must be the 24-character lowercase hexadecimal Atlas project (group) id, e.g. "6650f1a2b3c4d5e6f7a8b9c0"; got ${describe(projectId)}.`,
      });
    }
  }
  if (news.workspaceName != null) checkName("workspaceName", news.workspaceName, failures);
  if (news.processorName != null) checkName("processorName", news.processorName, failures);
  for (const key of ["workspaceName", "processorName"]) checkPathSegment(key, news[key], failures);

  if (news.state === undefined || news.state === null) {
    inputs.state = DEFAULT_STATE;
  } else if (!isUnknown(news.state) && !DESIRED_STATES.includes(news.state as never)) {
    failures.push({ property: "state", reason: `state must be "STARTED" or "STOPPED", got ${describe(news.state)}.` });
  }

  if (news.timeoutSeconds === undefined || news.timeoutSeconds === null) {
    inputs.timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
  } else if (!isUnknown(news.timeoutSeconds)) {
    const t = news.timeoutSeconds;
    if (typeof t !== "number" || !Number.isFinite(t) || t <= 0) {
      failures.push({ property: "timeoutSeconds", reason: `timeoutSeconds must be a positive number of seconds, got ${describe(t)}.` });
    }
  }

  if (news.pipeline !== undefined && news.pipeline !== null) checkPipeline(news.pipeline, failures);
  else delete inputs.pipeline;

  if (news.options !== undefined && news.options !== null) {
    const o = news.options;
    if (!isUnknown(o)) {
      if (!isPlainObject(o)) {
        failures.push({ property: "options", reason: `options must be an object such as {dlq: {...}}, got ${describe(o)}.` });
      } else {
        for (const k of Object.keys(o)) {
          if (k !== "dlq" && k !== "resumeFromCheckpoint")
            failures.push({
              property: `options.${k}`,
              reason: `options.${k} is not supported: the options are dlq and resumeFromCheckpoint.`,
            });
        }
        if (o.dlq !== undefined && o.dlq !== null) checkDlq(o.dlq, failures);
        const r = o.resumeFromCheckpoint;
        if (r !== undefined && r !== null && !isUnknown(r) && typeof r !== "boolean") {
          failures.push({
            property: "options.resumeFromCheckpoint",
            reason: `options.resumeFromCheckpoint must be true or false, got ${describe(r)}.`,
          });
        }
      }
    }
  } else delete inputs.options;

  if (news.tier !== undefined && news.tier !== null) {
    if (!isUnknown(news.tier) && !TIERS.includes(news.tier as never)) {
      failures.push({ property: "tier", reason: `tier must be one of ${TIERS.join(", ")}; got ${describe(news.tier)}.` });
    }
  } else delete inputs.tier;

  if (news.startAtOperationTime !== undefined && news.startAtOperationTime !== null) {
    const t = news.startAtOperationTime;
    if (!isUnknown(t) && (typeof t !== "string" || !isRealDateTime(t))) {
      failures.push({
        property: "startAtOperationTime",
        reason: `startAtOperationTime must be an ISO 8601 date-time such as "2026-01-31T12:00:00Z", got ${describe(t)}.`,
      });
    }
  } else delete inputs.startAtOperationTime;

  if (news.verifySeconds === undefined || news.verifySeconds === null) delete inputs.verifySeconds;
  else if (!isUnknown(news.verifySeconds)) {
    const v = news.verifySeconds;
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      failures.push({
        property: "verifySeconds",
        reason: `verifySeconds must be a number of seconds ≥ 0 (0 = no watch after STARTED), got ${describe(v)}.`,
      });
    }
  }

  for (const key of ["resumeFromCheckpoint", "adoptExisting", "failoverEnabled"]) {
    const v = news[key];
    if (v === undefined || v === null) delete inputs[key];
    else if (!isUnknown(v) && typeof v !== "boolean") {
      failures.push({ property: key, reason: `${key} must be true or false, got ${describe(v)}.` });
    }
  }
  const known = new Set([
    "__provider",
    "projectId",
    "workspaceName",
    "processorName",
    "state",
    "timeoutSeconds",
    "pipeline",
    "options",
    "tier",
    "startAtOperationTime",
    "resumeFromCheckpoint",
    "adoptExisting",
    "failoverEnabled",
    "verifySeconds",
    // Output-only keys the resource class declares so they exist on `resource.state`; never inputs.
    "processorId",
    "desiredState",
    "createdByResource",
  ]);
  for (const key of Object.keys(news)) {
    if (!known.has(key)) {
      failures.push({
        property: key,
        reason: `${key} is not an input of StreamProcessor: check its spelling against the README's inputs table.`,
      });
    }
  }
  for (const key of ["processorId", "desiredState", "createdByResource"]) {
    if (news[key] === undefined || news[key] === null) delete inputs[key];
    else failures.push({ property: key, reason: `${key} is an output of StreamProcessor and cannot be set.` });
  }
  failures.push(...definitionOnlyFailures(news));
  return { inputs, failures };
}

/**
 * Inputs that only mean something with `pipeline` (they are part of the definition, or apply when
 * the resource owns it). Without `pipeline` they would be silently ignored, so `check` refuses them.
 */
export const DEFINITION_ONLY_INPUTS = ["options.dlq", "options.resumeFromCheckpoint", "failoverEnabled", "adoptExisting"] as const;

function definitionOnlyFailures(news: Record<string, unknown>): CheckFailure[] {
  if (news.pipeline !== undefined && news.pipeline !== null) return []; // set, or unknown during preview
  const options = isPlainObject(news.options) ? news.options : {};
  const present = (path: string): boolean => {
    const [head = path, tail] = path.split(".");
    const v = tail === undefined ? news[head] : options[tail];
    return v !== undefined && v !== null;
  };
  return DEFINITION_ONLY_INPUTS.filter(present).map((property) => ({
    property,
    reason: `${property} only applies together with pipeline (this resource manages the processor's definition only when pipeline is set), so without it ${property} would be ignored: set pipeline, or remove ${property}.`,
  }));
}

/** True when `inputs` (after check) hold the definition fields that make this resource own the processor. */
export function hasDefinition(inputs: Pick<StreamProcessorInputs, "pipeline">): boolean {
  return Array.isArray(inputs.pipeline);
}
