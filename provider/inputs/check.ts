/**
 * `check`: pure validation and defaulting of the resource's inputs. No network.
 *
 * Every failure names the property and says how to fix it. Pulumi's preview placeholder for a
 * value that is not known yet passes untouched.
 */
import { isPlainObject } from "../util/objects";
import { checkPipeline } from "../model/pipeline";
import { INPUTS, OUTPUTS } from "./registry";
import { DESIRED_STATES, TIERS, type StreamProcessorInputs } from "../types";

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

/** Checks the pipeline (JSON text or an array) and returns its canonical text, or undefined after a failure. */
function checkPipelineInput(v: unknown, failures: CheckFailure[]): string | undefined {
  const { text, problems } = checkPipeline(v);
  failures.push(...problems);
  return text;
}

/**
 * `options.autoscaling`: `enabled` is required; with `enabled: true` both tiers are required and
 * minTier may not exceed maxTier; `enabled: false` with tiers set is a contradiction Atlas would
 * resolve one way or another, so it is refused.
 */
function checkAutoscaling(v: unknown, failures: CheckFailure[]): void {
  if (isUnknown(v)) return;
  const at = "options.autoscaling";
  if (!isPlainObject(v)) {
    failures.push({ property: at, reason: `${at} must be an object {enabled, minTier, maxTier}, got ${describe(v)}.` });
    return;
  }
  for (const f of Object.keys(v)) {
    if (!["enabled", "minTier", "maxTier"].includes(f))
      failures.push({ property: `${at}.${f}`, reason: `${at}.${f} is not an autoscaling field: use enabled, minTier and maxTier.` });
  }
  const { enabled, minTier, maxTier } = v;
  if (enabled === undefined || enabled === null) {
    failures.push({
      property: `${at}.enabled`,
      reason: `${at}.enabled is required: true to let Atlas scale between minTier and maxTier, false to turn autoscaling off.`,
    });
  } else if (!isUnknown(enabled) && typeof enabled !== "boolean") {
    failures.push({ property: `${at}.enabled`, reason: `${at}.enabled must be true or false, got ${describe(enabled)}.` });
  }
  const tiers: Record<string, unknown> = { minTier, maxTier };
  for (const [f, t] of Object.entries(tiers)) {
    if (t === undefined || t === null) {
      if (enabled === true)
        failures.push({
          property: `${at}.${f}`,
          reason: `${at}.${f} is required when ${at}.enabled is true (one of ${TIERS.join(", ")}).`,
        });
    } else if (enabled === false) {
      failures.push({
        property: `${at}.${f}`,
        reason: `${at}.${f} is set while ${at}.enabled is false: remove minTier and maxTier to turn autoscaling off, or set enabled: true.`,
      });
    } else if (!isUnknown(t) && !TIERS.includes(t as never)) {
      failures.push({ property: `${at}.${f}`, reason: `${at}.${f} must be one of ${TIERS.join(", ")}; got ${describe(t)}.` });
    }
  }
  const lo = TIERS.indexOf(minTier as never);
  const hi = TIERS.indexOf(maxTier as never);
  if (lo >= 0 && hi >= 0 && lo > hi) {
    failures.push({
      property: `${at}.minTier`,
      reason: `${at}.minTier (${String(minTier)}) is larger than maxTier (${String(maxTier)}): swap them, or raise maxTier.`,
    });
  }
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

/** The fields that name a processor, or its workspace. */
export type RefField = "projectId" | "workspaceName" | "processorName";

/**
 * The rules of the fields that name a processor (required, the project id's form, names Atlas
 * accepts in a path), for the given fields only: the resource checks all three, a data function
 * those it takes.
 */
export function checkProcessorRef(news: Record<string, unknown>, fields: readonly RefField[]): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const key of fields) {
    if (news[key] === undefined || news[key] === null) {
      failures.push({ property: key, reason: `${key} is required.` });
    }
  }
  const projectId = news.projectId;
  if (fields.includes("projectId") && projectId !== undefined && projectId !== null && !isUnknown(projectId)) {
    if (typeof projectId !== "string" || !PROJECT_ID.test(projectId)) {
      failures.push({
        property: "projectId",
        reason: `projectId must be the 24-character lowercase hexadecimal Atlas project (group) id, e.g. "6650f1a2b3c4d5e6f7a8b9c0"; got ${describe(projectId)}.`,
      });
    }
  }
  if (fields.includes("workspaceName") && news.workspaceName != null) checkName("workspaceName", news.workspaceName, failures);
  if (fields.includes("processorName") && news.processorName != null) checkName("processorName", news.processorName, failures);
  for (const key of (["workspaceName", "processorName"] as const).filter((k) => fields.includes(k)))
    checkPathSegment(key, news[key], failures);

  return failures;
}

/**
 * Validates `news` and returns the inputs with defaults applied, or the failures.
 * Unknown input keys (other than Pulumi's own `__provider`) are refused: a misspelt
 * `processName` silently ignored would leave the user's processor unmanaged.
 */
export function checkInputs(news: Record<string, unknown>): { inputs: Record<string, unknown>; failures: CheckFailure[] } {
  const failures: CheckFailure[] = [];
  const inputs: Record<string, unknown> = { ...news };

  failures.push(...checkProcessorRef(news, ["projectId", "workspaceName", "processorName"]));

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

  if (news.pipeline === undefined || news.pipeline === null) delete inputs.pipeline;
  // A stage not known yet (preview) leaves the whole pipeline unchecked until it is known.
  else if (!isUnknown(news.pipeline) && !(Array.isArray(news.pipeline) && news.pipeline.some(isUnknown))) {
    // From here on the provider holds the pipeline only as its canonical text, in the order written.
    const text = checkPipelineInput(news.pipeline, failures);
    if (text !== undefined) inputs.pipeline = text;
  }

  if (news.options !== undefined && news.options !== null) {
    const o = news.options;
    if (!isUnknown(o)) {
      if (!isPlainObject(o)) {
        failures.push({ property: "options", reason: `options must be an object such as {dlq: {...}}, got ${describe(o)}.` });
      } else {
        for (const k of Object.keys(o)) {
          if (k !== "dlq" && k !== "resumeFromCheckpoint" && k !== "autoscaling")
            failures.push({
              property: `options.${k}`,
              reason: `options.${k} is not supported: the options are dlq, autoscaling and resumeFromCheckpoint.`,
            });
        }
        if (o.dlq !== undefined && o.dlq !== null) checkDlq(o.dlq, failures);
        if (o.autoscaling !== undefined && o.autoscaling !== null) checkAutoscaling(o.autoscaling, failures);
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
  // The inputs registry's keys, and the output-only keys the resource class declares so they
  // exist on `resource.state` (never inputs).
  const known = new Set<string>(["__provider", ...INPUT_KEYS, ...OUTPUT_ONLY_KEYS]);
  for (const key of Object.keys(news)) {
    if (!known.has(key)) {
      failures.push({
        property: key,
        reason: `${key} is not an input of StreamProcessor: check its spelling against the README's inputs table.`,
      });
    }
  }
  for (const key of OUTPUT_ONLY_KEYS) {
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
export const DEFINITION_ONLY_INPUTS = [
  "options.dlq",
  "options.autoscaling",
  "options.resumeFromCheckpoint",
  "failoverEnabled",
  "adoptExisting",
] as const;

// Plain lists of names, taken from the registry once: functions of this module are serialized
// into `__provider` with what they reference, and the registry's objects must not be among it.
/** The resource's inputs (the registry's). */
const INPUT_KEYS: readonly string[] = Object.keys(INPUTS);
/** The outputs that are no input (the registry's outputs less its inputs). */
export const OUTPUT_ONLY_KEYS: readonly string[] = Object.keys(OUTPUTS).filter((k) => !INPUT_KEYS.includes(k));

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
  return typeof inputs.pipeline === "string" || Array.isArray(inputs.pipeline);
}
