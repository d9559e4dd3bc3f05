/**
 * Reading the `stats` of a processor GET into a typed object. The spec leaves `stats` free-form;
 * the keys are those a real answer carries. Counts may arrive as JSON numbers or as Extended JSON
 * (`{"$numberLong": "12"}`): both become integers.
 */
import type { OperatorStats, ProcessorStats } from "../types";
import { fromValue, numberOf } from "../util/ordered-json";

function int(v: unknown): number {
  let n: number = NaN;
  if (typeof v === "number") n = v;
  else if (typeof v === "string") n = Number(v);
  // Extended JSON numbers ({"$numberLong": "12"}) read by the one rule the definition compare uses.
  else if (v && typeof v === "object") n = numberOf(fromValue(v)) ?? NaN;
  return Number.isFinite(n) ? Math.trunc(n) : 0;
}

function num(v: unknown): number {
  const n = typeof v === "number" ? v : Number(v);
  return Number.isFinite(n) ? n : 0;
}

const COUNT_KEYS = [
  "inputMessageCount",
  "inputMessageSize",
  "outputMessageCount",
  "outputMessageSize",
  "dlqMessageCount",
  "dlqMessageSize",
  "stateSize",
  "memoryTrackerBytes",
] as const;

/** The typed stats, or undefined when the GET carried none (e.g. a processor never started). */
export function parseStats(raw: unknown): ProcessorStats | undefined {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return undefined;
  const s = raw as Record<string, unknown>;
  const out: ProcessorStats = {
    name: typeof s.name === "string" ? s.name : "",
    processorId: typeof s.processorId === "string" ? s.processorId : "",
    status: typeof s.status === "string" ? s.status : "",
    scaleFactor: num(s.scaleFactor ?? 0),
    inputMessageCount: 0,
    inputMessageSize: 0,
    outputMessageCount: 0,
    outputMessageSize: 0,
    dlqMessageCount: 0,
    dlqMessageSize: 0,
    stateSize: 0,
    memoryTrackerBytes: 0,
    ok: s.ok === true || s.ok === 1,
    operatorStats: Array.isArray(s.operatorStats)
      ? s.operatorStats
          .filter((o): o is Record<string, unknown> => !!o && typeof o === "object")
          .map((o) => ({ ...o, name: typeof o.name === "string" ? o.name : "" }) as OperatorStats)
      : [],
  };
  for (const k of COUNT_KEYS) out[k] = int(s[k]);
  if (s.changeStreamState && typeof s.changeStreamState === "object")
    out.changeStreamState = s.changeStreamState as Record<string, unknown>;
  return out;
}
