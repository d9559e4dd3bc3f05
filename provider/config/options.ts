/**
 * The client's options: their defaults (one complete object), the stack config keys and
 * environment variables that set them, and the one rule per option, normalized once (as ky's
 * normalize.ts does), so an error names the key the user set and says what it must be.
 */
import { AtlasConfigError } from "../errors";
import { stripUndefined } from "../util/objects";

/** Media-type versions per operation; a later date than an endpoint's newest resolves to its newest. */
export interface ApiVersions {
  processor: string;
  startWith: string;
}

export interface ClientOptions {
  /** Per-attempt request timeout of reads. Default 30 000 ms. */
  requestTimeoutMs: number;
  /**
   * Per-attempt request timeout of create, PATCH, DELETE, `:start`, `:startWith` and `:stop`:
   * Atlas was seen to answer these after 30–60 s. Default 90 000 ms.
   */
  actionTimeoutMs: number;
  /**
   * After `:start`/`:startWith`/`:stop` timed out (504 or no answer), how long its effect may
   * still appear: reads wait this long before a fresh read that shows no effect lets the action
   * be sent again. Default 120 000 ms.
   */
  actionSettleMs: number;
  /**
   * After an action (create, PATCH, DELETE, `:start`, `:stop`) got an error answer (5xx, reset,
   * transient 400), how long reads that still show the old state are not taken as "not applied":
   * Atlas may have applied it and show the change a moment later. Only then is it sent again.
   * Default 3 000 ms.
   */
  unclearSettleMs: number;
  /**
   * How long create and modify keep retrying "connection named X does not exist" (a connection
   * created moments ago propagates for a few seconds). Default 60 000 ms.
   */
  connectionWaitMs: number;
  /** Retries after the first attempt. Default 6. */
  maxRetries: number;
  /** Total time one call may spend retrying. Default 120 000 ms. */
  retryBudgetMs: number;
  /** First backoff delay; doubles per retry, plus up to 20 % jitter. Default 500 ms. */
  backoffBaseMs: number;
  /** Longest single delay, `Retry-After` included. Default 30 000 ms. */
  maxDelayMs: number;
  /** Send `envelope=true` and unwrap enveloped responses. Default false. */
  envelope: boolean;
  versions: ApiVersions;
}

export const DEFAULT_CLIENT_OPTIONS: ClientOptions = {
  requestTimeoutMs: 30_000,
  actionTimeoutMs: 90_000,
  actionSettleMs: 120_000,
  unclearSettleMs: 3_000,
  connectionWaitMs: 60_000,
  maxRetries: 6,
  retryBudgetMs: 120_000,
  backoffBaseMs: 500,
  maxDelayMs: 30_000,
  envelope: false,
  // The official Go SDK sends 2024-05-30 for processor calls and 2025-03-12 for :startWith.
  versions: { processor: "2024-05-30", startWith: "2025-03-12" },
};

/** Reads one key; `undefined` for absent or blank. */
export type Lookup = (key: string) => string | undefined;

export function lookup(source: Record<string, string | undefined>): Lookup {
  return (key) => {
    const v = source[key];
    return v === undefined || v.trim() === "" ? undefined : v.trim();
  };
}

/**
 * Tuning keys of our own (namespace `atlas-stream-processor`), also read from the environment
 * as ATLAS_STREAM_PROCESSOR_<NAME>. All optional; the defaults are DEFAULT_CLIENT_OPTIONS.
 */
export const OPTION_KEYS = {
  requestTimeoutMs: { config: "atlas-stream-processor:requestTimeoutMs", env: "ATLAS_STREAM_PROCESSOR_REQUEST_TIMEOUT_MS" },
  actionTimeoutMs: { config: "atlas-stream-processor:actionTimeoutMs", env: "ATLAS_STREAM_PROCESSOR_ACTION_TIMEOUT_MS" },
  actionSettleMs: { config: "atlas-stream-processor:actionSettleMs", env: "ATLAS_STREAM_PROCESSOR_ACTION_SETTLE_MS" },
  unclearSettleMs: { config: "atlas-stream-processor:unclearSettleMs", env: "ATLAS_STREAM_PROCESSOR_UNCLEAR_SETTLE_MS" },
  connectionWaitMs: { config: "atlas-stream-processor:connectionWaitMs", env: "ATLAS_STREAM_PROCESSOR_CONNECTION_WAIT_MS" },
  maxRetries: { config: "atlas-stream-processor:maxRetries", env: "ATLAS_STREAM_PROCESSOR_MAX_RETRIES" },
  retryBudgetMs: { config: "atlas-stream-processor:retryBudgetMs", env: "ATLAS_STREAM_PROCESSOR_RETRY_BUDGET_MS" },
  backoffBaseMs: { config: "atlas-stream-processor:backoffBaseMs", env: "ATLAS_STREAM_PROCESSOR_BACKOFF_BASE_MS" },
  maxDelayMs: { config: "atlas-stream-processor:maxDelayMs", env: "ATLAS_STREAM_PROCESSOR_MAX_DELAY_MS" },
  envelope: { config: "atlas-stream-processor:envelope", env: "ATLAS_STREAM_PROCESSOR_ENVELOPE" },
  processorApiVersion: { config: "atlas-stream-processor:processorApiVersion", env: "ATLAS_STREAM_PROCESSOR_PROCESSOR_API_VERSION" },
  startWithApiVersion: { config: "atlas-stream-processor:startWithApiVersion", env: "ATLAS_STREAM_PROCESSOR_START_WITH_API_VERSION" },
} as const;

type NumericOption =
  | "requestTimeoutMs"
  | "actionTimeoutMs"
  | "actionSettleMs"
  | "unclearSettleMs"
  | "connectionWaitMs"
  | "maxRetries"
  | "retryBudgetMs"
  | "backoffBaseMs"
  | "maxDelayMs";

/** The one rule per numeric option, used for stack config, the environment and code alike. */
const NUMERIC_OPTIONS: Record<NumericOption, { min: "positive" | "zero"; whole: boolean; unit: string }> = {
  requestTimeoutMs: { min: "positive", whole: false, unit: "number of milliseconds" },
  actionTimeoutMs: { min: "positive", whole: false, unit: "number of milliseconds" },
  actionSettleMs: { min: "positive", whole: false, unit: "number of milliseconds" },
  unclearSettleMs: { min: "zero", whole: false, unit: "number of milliseconds" },
  connectionWaitMs: { min: "zero", whole: false, unit: "number of milliseconds" },
  maxRetries: { min: "zero", whole: true, unit: "whole number" },
  retryBudgetMs: { min: "positive", whole: false, unit: "number of milliseconds" },
  backoffBaseMs: { min: "positive", whole: false, unit: "number of milliseconds" },
  maxDelayMs: { min: "positive", whole: false, unit: "number of milliseconds" },
};

/** What is wrong with a numeric option's value ("a positive number of milliseconds"), or undefined. */
export function numericOptionProblem(name: NumericOption, n: number): string | undefined {
  const rule = NUMERIC_OPTIONS[name];
  const ok = Number.isFinite(n) && (rule.min === "positive" ? n > 0 : n >= 0) && (!rule.whole || Number.isInteger(n));
  if (ok) return undefined;
  return rule.min === "positive" ? `a positive ${rule.unit}` : `a ${rule.unit} ≥ 0`;
}

/** An Atlas API version: a date like 2024-05-30. */
const API_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Where each option given came from, for the error message: a config key or an environment variable. */
export type OptionSources = Partial<Record<NumericOption | "versions.processor" | "versions.startWith", { key: string; text: string }>>;

/**
 * The options set in stack config or the environment, parsed from their text, with where each
 * came from. Only the text is judged here (a number? true or false?); the range rules are
 * normalizeOptions's, applied once to every option whatever its source.
 */
export function optionsFrom(cfg: Lookup, env: Lookup): { options: Partial<ClientOptions>; sources: OptionSources } {
  const out: Partial<ClientOptions> = {};
  const sources: OptionSources = {};
  for (const [name, keys] of Object.entries(OPTION_KEYS) as [keyof typeof OPTION_KEYS, (typeof OPTION_KEYS)[keyof typeof OPTION_KEYS]][]) {
    const fromCfg = cfg(keys.config);
    const raw = fromCfg ?? env(keys.env);
    if (raw === undefined) continue;
    const source = fromCfg !== undefined ? keys.config : keys.env;
    if (name === "processorApiVersion" || name === "startWithApiVersion") {
      const op = name === "processorApiVersion" ? "processor" : "startWith";
      out.versions = { ...DEFAULT_CLIENT_OPTIONS.versions, ...out.versions, [op]: raw };
      sources[`versions.${op}`] = { key: source, text: raw };
    } else if (name === "envelope") {
      if (raw !== "true" && raw !== "false") throw new AtlasConfigError(`${source} must be true or false, got ${JSON.stringify(raw)}.`);
      out.envelope = raw === "true";
    } else {
      out[name] = raw.trim() === "" ? NaN : Number(raw);
      sources[name] = { key: source, text: raw };
    }
  }
  return { options: out, sources };
}

/**
 * Fills every option from the defaults and checks each once, naming where a bad one came from
 * (`sources`; "client option X" for one given in code).
 */
export function normalizeOptions(options: Partial<ClientOptions>, sources: OptionSources = {}): ClientOptions {
  const out: ClientOptions = {
    ...DEFAULT_CLIENT_OPTIONS,
    ...stripUndefined(options),
    versions: { ...DEFAULT_CLIENT_OPTIONS.versions, ...stripUndefined(options.versions ?? {}) },
  };
  // Named as the user wrote it: the config key or variable and its text, else the option in code.
  const named = (k: keyof OptionSources, value: unknown) =>
    sources[k]
      ? [sources[k].key, JSON.stringify(sources[k].text)]
      : [`client option ${k}`, typeof value === "string" ? JSON.stringify(value) : String(value)];
  for (const key of Object.keys(NUMERIC_OPTIONS) as NumericOption[]) {
    const problem = numericOptionProblem(key, out[key]);
    if (!problem) continue;
    const [where, got] = named(key, out[key]);
    throw new AtlasConfigError(`${where} must be ${problem}, got ${got}.`);
  }
  for (const [op, v] of Object.entries(out.versions) as ["processor" | "startWith", string][]) {
    if (API_DATE.test(v)) continue;
    const [where, got] = named(`versions.${op}`, v);
    throw new AtlasConfigError(`${where} must be an Atlas API version date like 2024-05-30, got ${got}.`);
  }
  return out;
}
