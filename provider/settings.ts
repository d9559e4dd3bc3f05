/**
 * Endpoint, credentials and client options, resolved once per call from stack config and the
 * environment and normalized against a complete defaults object (as ky's normalize.ts does).
 *
 * Credentials are read here at call time, never captured at module scope: anything a closure
 * captures is serialized into `__provider` in the Pulumi state in plain text
 * (https://www.pulumi.com/docs/iac/concepts/resources/dynamic-providers/).
 */
import { AtlasConfigError } from "./errors";

export const DEFAULT_BASE_URL = "https://cloud.mongodb.com";

export type Credentials =
  | { kind: "serviceAccount"; clientId: string; clientSecret: string; source: string }
  | { kind: "apiKey"; publicKey: string; privateKey: string; source: string }
  | { kind: "accessToken"; token: string; source: string };

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
  connectionWaitMs: 60_000,
  maxRetries: 6,
  retryBudgetMs: 120_000,
  backoffBaseMs: 500,
  maxDelayMs: 30_000,
  envelope: false,
  // The official Go SDK sends 2024-05-30 for processor calls and 2025-03-12 for :startWith.
  versions: { processor: "2024-05-30", startWith: "2025-03-12" },
};

export interface ConnectionSettings {
  baseUrl: string;
  credentials: Credentials | undefined;
  options: ClientOptions;
}

/** Reads one key; `undefined` for absent or blank. */
type Lookup = (key: string) => string | undefined;

function lookup(source: Record<string, string | undefined>): Lookup {
  return (key) => {
    const v = source[key];
    return v === undefined || v.trim() === "" ? undefined : v.trim();
  };
}

/** The stack config keys the official Atlas provider uses, and our extra options. */
export const CONFIG_KEYS = {
  baseUrl: "mongodbatlas:baseUrl",
  clientId: "mongodbatlas:clientId",
  clientSecret: "mongodbatlas:clientSecret",
  publicKey: "mongodbatlas:publicKey",
  privateKey: "mongodbatlas:privateKey",
  accessToken: "mongodbatlas:accessToken",
} as const;

export const ENV_KEYS = {
  baseUrl: ["MONGODB_ATLAS_BASE_URL"],
  clientId: ["MONGODB_ATLAS_CLIENT_ID"],
  clientSecret: ["MONGODB_ATLAS_CLIENT_SECRET"],
  publicKey: ["MONGODB_ATLAS_PUBLIC_KEY", "MONGODB_ATLAS_PUBLIC_API_KEY"],
  privateKey: ["MONGODB_ATLAS_PRIVATE_KEY", "MONGODB_ATLAS_PRIVATE_API_KEY"],
  accessToken: ["MONGODB_ATLAS_ACCESS_TOKEN"],
} as const;

type Field = keyof typeof CONFIG_KEYS;

/**
 * Tuning keys of our own (namespace `atlas-stream-processor`), also read from the environment
 * as ATLAS_STREAM_PROCESSOR_<NAME>. All optional; the defaults are DEFAULT_CLIENT_OPTIONS.
 */
export const OPTION_KEYS = {
  requestTimeoutMs: { config: "atlas-stream-processor:requestTimeoutMs", env: "ATLAS_STREAM_PROCESSOR_REQUEST_TIMEOUT_MS" },
  actionTimeoutMs: { config: "atlas-stream-processor:actionTimeoutMs", env: "ATLAS_STREAM_PROCESSOR_ACTION_TIMEOUT_MS" },
  actionSettleMs: { config: "atlas-stream-processor:actionSettleMs", env: "ATLAS_STREAM_PROCESSOR_ACTION_SETTLE_MS" },
  connectionWaitMs: { config: "atlas-stream-processor:connectionWaitMs", env: "ATLAS_STREAM_PROCESSOR_CONNECTION_WAIT_MS" },
  maxRetries: { config: "atlas-stream-processor:maxRetries", env: "ATLAS_STREAM_PROCESSOR_MAX_RETRIES" },
  retryBudgetMs: { config: "atlas-stream-processor:retryBudgetMs", env: "ATLAS_STREAM_PROCESSOR_RETRY_BUDGET_MS" },
  backoffBaseMs: { config: "atlas-stream-processor:backoffBaseMs", env: "ATLAS_STREAM_PROCESSOR_BACKOFF_BASE_MS" },
  maxDelayMs: { config: "atlas-stream-processor:maxDelayMs", env: "ATLAS_STREAM_PROCESSOR_MAX_DELAY_MS" },
  envelope: { config: "atlas-stream-processor:envelope", env: "ATLAS_STREAM_PROCESSOR_ENVELOPE" },
  processorApiVersion: { config: "atlas-stream-processor:processorApiVersion", env: "ATLAS_STREAM_PROCESSOR_PROCESSOR_API_VERSION" },
  startWithApiVersion: { config: "atlas-stream-processor:startWithApiVersion", env: "ATLAS_STREAM_PROCESSOR_START_WITH_API_VERSION" },
} as const;

/** Every stack config key the provider reads (configure copies exactly these). */
export function allConfigKeys(): string[] {
  return [...Object.values(CONFIG_KEYS), ...Object.values(OPTION_KEYS).map((k) => k.config)];
}

type NumericOption =
  | "requestTimeoutMs"
  | "actionTimeoutMs"
  | "actionSettleMs"
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

function optionsFrom(cfg: Lookup, env: Lookup): Partial<ClientOptions> {
  const out: Partial<ClientOptions> = {};
  for (const [name, keys] of Object.entries(OPTION_KEYS) as [keyof typeof OPTION_KEYS, (typeof OPTION_KEYS)[keyof typeof OPTION_KEYS]][]) {
    const fromCfg = cfg(keys.config);
    const raw = fromCfg ?? env(keys.env);
    if (raw === undefined) continue;
    const source = fromCfg !== undefined ? keys.config : keys.env;
    if (name === "processorApiVersion" || name === "startWithApiVersion") {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(raw))
        throw new AtlasConfigError(`${source} must be an Atlas API version date like 2024-05-30, got ${JSON.stringify(raw)}.`);
      out.versions = {
        ...DEFAULT_CLIENT_OPTIONS.versions,
        ...out.versions,
        [name === "processorApiVersion" ? "processor" : "startWith"]: raw,
      };
    } else if (name === "envelope") {
      if (raw !== "true" && raw !== "false") throw new AtlasConfigError(`${source} must be true or false, got ${JSON.stringify(raw)}.`);
      out.envelope = raw === "true";
    } else {
      const n = raw.trim() === "" ? NaN : Number(raw);
      const problem = numericOptionProblem(name, n);
      if (problem) throw new AtlasConfigError(`${source} must be ${problem}, got ${JSON.stringify(raw)}.`);
      out[name as "requestTimeoutMs"] = n;
    }
  }
  return out;
}

/**
 * Picks credentials from one source. Priority: service account, then API key, then access
 * token (documented in the README). Half a pair is an error naming the missing key, never a
 * silent fall-through to a weaker scheme.
 */
function credentialsFrom(get: (f: Field) => string | undefined, name: (f: Field) => string, source: string): Credentials | undefined {
  const pair = (a: Field, b: Field): [string, string] | undefined => {
    const va = get(a);
    const vb = get(b);
    if (va && !vb) throw new AtlasConfigError(`${name(a)} is set but ${name(b)} is not: set both, or neither.`);
    if (vb && !va) throw new AtlasConfigError(`${name(b)} is set but ${name(a)} is not: set both, or neither.`);
    return va && vb ? [va, vb] : undefined;
  };
  const sa = pair("clientId", "clientSecret");
  const key = pair("publicKey", "privateKey");
  const token = get("accessToken");
  if (sa) return { kind: "serviceAccount", clientId: sa[0], clientSecret: sa[1], source };
  if (key) return { kind: "apiKey", publicKey: key[0], privateKey: key[1], source };
  if (token) return { kind: "accessToken", token, source };
  return undefined;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** Plain http only to loopback hosts; anything else must be https. Refused before any request. */
export function normalizeBaseUrl(raw: string, source: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AtlasConfigError(`${source} is not a valid URL (${JSON.stringify(raw)}): use e.g. ${DEFAULT_BASE_URL}.`);
  }
  if (url.username || url.password) {
    throw new AtlasConfigError(
      `${source} must not contain credentials: set them in mongodbatlas:publicKey/privateKey or clientId/clientSecret.`,
    );
  }
  if (url.protocol === "http:") {
    if (!LOOPBACK.test(url.hostname)) {
      throw new AtlasConfigError(
        `${source} uses plain http to ${url.hostname}: credentials would cross the network unencrypted. Use https://, or http:// only to localhost/127.0.0.1/[::1] (e.g. the local emulator).`,
      );
    }
  } else if (url.protocol !== "https:") {
    throw new AtlasConfigError(`${source} must be an https:// URL (or http:// to loopback), got ${url.protocol}.`);
  }
  if (url.search || url.hash) throw new AtlasConfigError(`${source} must not have a query or fragment.`);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
}

/**
 * Resolves the connection from stack config (wins) and the environment (read at call time).
 * Credentials come whole from one source: the stack config's if it holds any, else the
 * environment's, so a clientId from one place is never paired with a secret from another.
 */
export function resolveSettings(
  stackConfig: Record<string, string | undefined>,
  env: Record<string, string | undefined>,
  options: Partial<ClientOptions> = {},
): ConnectionSettings {
  const cfg = lookup(stackConfig);
  const envGet = lookup(env);
  const fromEnv = (f: Field): string | undefined => {
    for (const k of ENV_KEYS[f]) {
      const v = envGet(k);
      if (v) return v;
    }
    return undefined;
  };
  const envName = (f: Field): string => ENV_KEYS[f].join(" (or ") + (ENV_KEYS[f].length > 1 ? ")" : "");

  let baseUrl = DEFAULT_BASE_URL;
  const cfgBase = cfg(CONFIG_KEYS.baseUrl);
  const envBase = fromEnv("baseUrl");
  if (cfgBase) baseUrl = normalizeBaseUrl(cfgBase, CONFIG_KEYS.baseUrl);
  else if (envBase) baseUrl = normalizeBaseUrl(envBase, "MONGODB_ATLAS_BASE_URL");

  const credentials =
    credentialsFrom(
      (f) => cfg(CONFIG_KEYS[f]),
      (f) => CONFIG_KEYS[f],
      "stack config",
    ) ?? credentialsFrom(fromEnv, envName, "environment");

  return { baseUrl, credentials, options: normalizeOptions({ ...optionsFrom(cfg, envGet), ...stripUndefined(options) }) };
}

/** Fills every option from the defaults and checks the ones given. */
export function normalizeOptions(options: Partial<ClientOptions>): ClientOptions {
  const out: ClientOptions = {
    ...DEFAULT_CLIENT_OPTIONS,
    ...stripUndefined(options),
    versions: { ...DEFAULT_CLIENT_OPTIONS.versions, ...stripUndefined(options.versions ?? {}) },
  };
  for (const key of Object.keys(NUMERIC_OPTIONS) as NumericOption[]) {
    const problem = numericOptionProblem(key, out[key]);
    if (problem) throw new AtlasConfigError(`client option ${key} must be ${problem}, got ${String(out[key])}.`);
  }
  for (const [op, v] of Object.entries(out.versions)) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v))
      throw new AtlasConfigError(`client option versions.${op} must be a date like 2024-05-30, got ${JSON.stringify(v)}.`);
  }
  return out;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The secrets of a credential, for redaction of server-echoed text. */
export function secretsOf(c: Credentials | undefined): string[] {
  if (!c) return [];
  if (c.kind === "serviceAccount") return [c.clientSecret];
  if (c.kind === "apiKey") return [c.privateKey];
  return [c.token];
}

/** A stable cache key for an endpoint-and-credential pair that does not hold the secret itself. */
export function clientKey(s: ConnectionSettings, hash: (text: string) => string): string {
  const c = s.credentials;
  const cred = !c
    ? "none"
    : c.kind === "serviceAccount"
      ? `sa:${c.clientId}:${hash(c.clientSecret)}`
      : c.kind === "apiKey"
        ? `key:${c.publicKey}:${hash(c.privateKey)}`
        : `token:${hash(c.token)}`;
  return `${s.baseUrl}|${cred}|${JSON.stringify(s.options)}`;
}
