// Fault injection registry: each fault matches a method and a path (exact or `*` glob) and fires
// for the next N matching requests. Pure bookkeeping; the server performs the fault.
import { randomBytes } from "node:crypto";
import { durationProblem, isDuration, isPlainObject } from "./documents";
import type { Outgoing } from "./envelope";
import { defaultErrorForStatus, processorProblemBody, type ApiErrorBody } from "./errors";
import { ACTION_SUFFIX_RE } from "./routes";
import type { FaultKind, FaultSpec } from "./types";

const KINDS: readonly FaultKind[] = ["status", "status-after-apply", "latency", "reset", "reset-after-apply", "hang", "processor-error"];

/** The first message Atlas was recorded answering for transient trouble. */
const DEFAULT_PROCESSOR_ERROR_MESSAGE = "no healthy upstream";

export interface ActiveFault {
  id: string;
  spec: FaultSpec;
  remaining: number;
  matcher: RegExp;
}

export function globToRegExp(glob: string): RegExp {
  const escaped = glob.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`);
}

/** Returns a list of problems; empty means valid. */
export function validateFaultSpec(v: unknown): string[] {
  if (!isPlainObject(v)) return ["body must be a JSON object"];
  const s = v;
  const errs: string[] = [];
  if (typeof s.method !== "string" || !s.method) errs.push("method must be a non-empty string");
  if (typeof s.path !== "string" || !s.path) errs.push("path must be a non-empty string");
  if (!KINDS.includes(s.kind as FaultKind)) errs.push(`kind must be one of ${KINDS.join(", ")}`);
  if (s.times !== undefined && !(Number.isInteger(s.times) && (s.times as number) >= 1)) errs.push("times must be an integer >= 1");
  if (
    (s.kind === "status" || s.kind === "status-after-apply") &&
    !(Number.isInteger(s.status) && (s.status as number) >= 100 && (s.status as number) <= 599)
  ) {
    errs.push("status must be an HTTP status code (100-599)");
  }
  // `latencyMs` is required for `latency`; on the answering kinds it delays the answer. Not
  // isDuration: any number >= 0 has been accepted since it was added.
  if ((s.kind === "latency" || s.latencyMs !== undefined) && !(typeof s.latencyMs === "number" && s.latencyMs >= 0)) {
    errs.push(durationProblem("latencyMs"));
  }
  if (s.message !== undefined && !(typeof s.message === "string" && s.message)) errs.push("message must be a non-empty string");
  if (s.applied !== undefined && typeof s.applied !== "boolean") errs.push("applied must be true or false");
  if (s.landsAfterMs !== undefined && !isDuration(s.landsAfterMs)) errs.push(durationProblem("landsAfterMs"));
  if (s.body !== undefined && (typeof s.body !== "object" || s.body === null)) errs.push("body must be an object");
  if (s.text !== undefined && typeof s.text !== "string") errs.push("text must be a string");
  if (s.headers !== undefined) {
    if (!isPlainObject(s.headers)) errs.push("headers must be an object of strings");
    else for (const [k, hv] of Object.entries(s.headers)) if (typeof hv !== "string") errs.push(`headers.${k} must be a string`);
  }
  return errs;
}

/** True when the fault lets the request be carried out and replaces only its answer. */
export function answersAfterApply(spec: FaultSpec): boolean {
  return (
    spec.kind === "status-after-apply" || spec.kind === "reset-after-apply" || (spec.kind === "processor-error" && spec.applied === true)
  );
}

/**
 * The processor a request is about: the `{processorName}` segment (without `:start`-style actions),
 * the `name` of a create body, or else the last path segment. Looser than `matchRoute` on purpose:
 * a fault may match any path (an OAuth one, a path no route serves) and still names something.
 */
function processorNameOf(rawPath: string, body: Buffer): string {
  const segs = rawPath.split("/");
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const i = segs.lastIndexOf("processor");
  if (i >= 0 && segs[i + 1]) return dec(segs[i + 1]!.replace(ACTION_SUFFIX_RE, ""));
  if (i >= 0) {
    try {
      const parsed: unknown = JSON.parse(body.toString("utf8"));
      const name = (parsed as { name?: unknown } | null)?.name;
      if (typeof name === "string") return name;
    } catch {
      // not JSON: fall through
    }
  }
  return dec(segs[segs.length - 1] ?? "");
}

/** Atlas' generic processor error, as recorded for transient infrastructure trouble. */
function processorErrorBody(spec: FaultSpec, rawPath: string, body: Buffer): ApiErrorBody {
  const name = processorNameOf(rawPath, body);
  return processorProblemBody(name, spec.message ?? DEFAULT_PROCESSOR_ERROR_MESSAGE);
}

/** The request a fault answers for (a processor-error names its processor). */
export interface FaultTarget {
  rawPath: string;
  body: Buffer;
}

/** The status a `status` or `status-after-apply` fault answers (an OAuth `reset-after-apply` too): its own, else 500. */
export function faultStatus(spec: FaultSpec): number {
  return spec.status ?? 500;
}

/**
 * The answer a fault gives: its own `body` when it has one, else Atlas' processor error for a
 * processor-error, else `defaultBody`, else the generic ApiError of its status.
 */
export function faultAnswer(spec: FaultSpec, target?: FaultTarget, defaultBody?: object): Outgoing {
  const headers = { ...(spec.headers ?? {}) };
  if (spec.kind === "processor-error") {
    return { status: 400, body: spec.body ?? processorErrorBody(spec, target?.rawPath ?? "", target?.body ?? Buffer.alloc(0)), headers };
  }
  const status = faultStatus(spec);
  if (spec.text !== undefined) return { status, rawText: spec.text, headers };
  return { status, body: spec.body ?? defaultBody ?? defaultErrorForStatus(status), headers };
}

export class FaultRegistry {
  private faults: ActiveFault[] = [];

  add(spec: FaultSpec): string {
    const id = `fault-${randomBytes(6).toString("hex")}`;
    this.faults.push({ id, spec: { ...spec }, remaining: spec.times ?? 1, matcher: globToRegExp(spec.path) });
    return id;
  }

  list(): Array<FaultSpec & { id: string; remaining: number }> {
    return this.faults.map((f) => ({ ...f.spec, id: f.id, remaining: f.remaining }));
  }

  clear(): void {
    this.faults = [];
  }

  /** Consumes one use of the first matching fault (oldest first). */
  take(method: string, path: string): ActiveFault | undefined {
    if (this.faults.length === 0) return undefined; // hot path: nothing to do
    const m = method.toUpperCase();
    const idx = this.faults.findIndex((f) => (f.spec.method === "*" || f.spec.method.toUpperCase() === m) && f.matcher.test(path));
    if (idx < 0) return undefined;
    const f = this.faults[idx]!;
    f.remaining -= 1;
    if (f.remaining <= 0) this.faults.splice(idx, 1);
    return f;
  }
}
