// Request validation for the Atlas operations (bodies and boolean query parameters). Each failure
// names the offending field in `badRequestDetail`, as Atlas does, so clients can surface precise
// messages.
import { isPlainObject, type JsonObject } from "./documents";
import { invalidField } from "./errors";

export const TIERS = ["SP2", "SP5", "SP10", "SP30", "SP50"] as const;
const CLOUD_PROVIDERS = ["AWS", "GCP", "AZURE", "TENANT", "SERVERLESS"] as const;

type Obj = JsonObject;

/** A boolean query parameter: `true` or `false`, `dflt` when absent; anything else is a 400 naming it. */
export function parseBooleanParam(q: URLSearchParams, name: string, dflt: boolean): boolean {
  const v = q.get(name);
  if (v === null) return dflt;
  if (v === "true") return true;
  if (v === "false") return false;
  return invalidField(name, "must be true or false", "INVALID_QUERY_PARAMETER");
}

function requireObject(body: unknown, what = "body"): Obj {
  if (!isPlainObject(body)) invalidField(what, "must be a JSON object", "VALIDATION_ERROR");
  return body;
}

/** Atlas rejects attributes it does not know; read-only ones (`_id`, `links`) are ignored. */
function rejectUnknown(body: Obj, allowed: readonly string[], ignored: readonly string[] = ["_id", "links"]): void {
  for (const k of Object.keys(body)) {
    if (!allowed.includes(k) && !ignored.includes(k)) invalidField(k, "is not a recognised attribute");
  }
}

function optString(body: Obj, key: string, prefix = ""): string | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string") invalidField(prefix + key, "must be a string");
  return v;
}

function optBoolean(body: Obj, key: string, prefix = ""): boolean | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== "boolean") invalidField(prefix + key, "must be a boolean");
  return v;
}

function optEnum<T extends string>(body: Obj, key: string, values: readonly T[], prefix = ""): T | undefined {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string" || !values.includes(v as T)) invalidField(prefix + key, `must be one of ${values.join(", ")}`);
  return v as T;
}

function pipeline(v: unknown, field = "pipeline"): unknown[] {
  if (!Array.isArray(v)) invalidField(field, "must be an array of pipeline stages");
  if (v.length === 0) invalidField(field, "must contain at least one stage");
  v.forEach((stage, i) => {
    if (!isPlainObject(stage) || Object.keys(stage).length === 0) invalidField(`${field}[${i}]`, "must be a non-empty object");
  });
  // The pipeline is stored as parsed: JSON.parse keeps key insertion order, and we never sort.
  return v;
}

function dlq(v: unknown, field: string): Obj {
  const d = requireObject(v, field);
  rejectUnknownIn(d, ["connectionName", "db", "coll"], field);
  for (const k of ["connectionName", "db", "coll"]) optString(d, k, `${field}.`);
  return d;
}

function rejectUnknownIn(body: Obj, allowed: readonly string[], prefix: string): void {
  for (const k of Object.keys(body))
    if (!allowed.includes(k) && k !== "links") invalidField(`${prefix}.${k}`, "is not a recognised attribute");
}

export interface ProcessorInput {
  name: string;
  pipeline: unknown[];
  options?: Obj;
  tier?: string;
  failoverEnabled?: boolean;
}

function name(v: unknown, field = "name"): string {
  if (typeof v !== "string") invalidField(field, "must be a string");
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(v)) invalidField(field, "must be 1-64 characters of letters, digits, '_' or '-'");
  return v;
}

export type Tier = (typeof TIERS)[number];

/** `{enabled, minTier, maxTier}`, in that order (how GET shows it). */
export interface Autoscaling {
  enabled: boolean;
  minTier: Tier;
  maxTier: Tier;
}

/**
 * Vertical autoscaling (`options.autoscaling` on create/PATCH, `autoscaling` on `:startWith`): all
 * three fields required, tiers from the enum, `minTier` not above `maxTier`. Each refusal is a 400
 * INVALID_ATTRIBUTE naming the field.
 */
export function parseAutoscaling(v: unknown, field: string): Autoscaling {
  if (!isPlainObject(v)) return invalidField(field, "must be an object {enabled, minTier, maxTier}");
  rejectUnknownIn(v, ["enabled", "minTier", "maxTier"], field);
  for (const k of ["enabled", "minTier", "maxTier"]) if (v[k] === undefined) invalidField(`${field}.${k}`, "is required");
  const enabled = optBoolean(v, "enabled", `${field}.`)!;
  const minTier = optEnum(v, "minTier", TIERS, `${field}.`)!;
  const maxTier = optEnum(v, "maxTier", TIERS, `${field}.`)!;
  if (TIERS.indexOf(minTier) > TIERS.indexOf(maxTier)) invalidField(`${field}.minTier`, `must not exceed maxTier (${maxTier})`);
  return { enabled, minTier, maxTier };
}

/**
 * `options`: known keys only. With `nullable` (PATCH), `dlq: null` and `autoscaling: null` are
 * kept as null, meaning "remove"; on create a null is the same as leaving the key out.
 */
function processorOptions(v: unknown, allowed: readonly string[], nullable = false): Obj {
  const o = requireObject(v, "options");
  rejectUnknownIn(o, allowed, "options");
  const out: Obj = {};
  for (const [k, x] of Object.entries(o)) {
    if (k === "links") continue;
    if (x === null && (k === "dlq" || k === "autoscaling")) {
      if (nullable) out[k] = null;
      continue;
    }
    if (k === "dlq") out.dlq = dlq(x, "options.dlq");
    else if (k === "autoscaling") out.autoscaling = parseAutoscaling(x, "options.autoscaling");
    else out[k] = x;
  }
  if (out.resumeFromCheckpoint !== undefined) optBoolean(out, "resumeFromCheckpoint", "options.");
  return out;
}

/** `StreamsProcessor` (create). */
export function parseCreateProcessor(body: unknown): ProcessorInput {
  const b = requireObject(body);
  rejectUnknown(b, ["name", "pipeline", "options", "tier", "failoverEnabled"]);
  if (b.name === undefined) invalidField("name", "is required", "MISSING_ATTRIBUTE");
  if (b.pipeline === undefined) invalidField("pipeline", "is required", "MISSING_ATTRIBUTE");
  const input: ProcessorInput = { name: name(b.name), pipeline: pipeline(b.pipeline) };
  if (b.options !== undefined && b.options !== null) {
    const options = processorOptions(b.options, ["dlq", "autoscaling"]);
    if (Object.keys(options).length) input.options = options;
  }
  const tier = optEnum(b, "tier", TIERS);
  if (tier) input.tier = tier;
  const fo = optBoolean(b, "failoverEnabled");
  if (fo !== undefined) input.failoverEnabled = fo;
  return input;
}

/** `StreamsModifyStreamProcessor` (modify): every field optional. */
export function parseModifyProcessor(body: unknown): Partial<ProcessorInput> & { resumeFromCheckpoint?: boolean } {
  const b = requireObject(body);
  rejectUnknown(b, ["name", "pipeline", "options", "tier", "failoverEnabled"]);
  const out: Partial<ProcessorInput> & { resumeFromCheckpoint?: boolean } = {};
  if (b.name !== undefined) out.name = name(b.name);
  if (b.pipeline !== undefined) out.pipeline = pipeline(b.pipeline);
  // A field left out is kept; an explicit null resets it (`options: null` resets every option).
  if (b.options === null) out.options = { dlq: null, autoscaling: null };
  else if (b.options !== undefined) {
    const o = processorOptions(b.options, ["dlq", "autoscaling", "resumeFromCheckpoint"], true);
    const { resumeFromCheckpoint, ...rest } = o;
    if (Object.keys(rest).length) out.options = rest;
    if (typeof resumeFromCheckpoint === "boolean") out.resumeFromCheckpoint = resumeFromCheckpoint;
  }
  const tier = optEnum(b, "tier", TIERS);
  if (tier) out.tier = tier;
  const fo = optBoolean(b, "failoverEnabled");
  if (fo !== undefined) out.failoverEnabled = fo;
  return out;
}

export interface StartWithInput {
  resumeFromCheckpoint?: boolean;
  startAtOperationTime?: string;
  tier?: string;
  failover?: Obj;
  /** Replaces the stored `options.autoscaling` from this start on. */
  autoscaling?: Autoscaling;
}

/** `StreamsStartStreamProcessorWith`; the body is optional (an empty body means no options). */
export function parseStartWith(body: unknown): StartWithInput {
  if (body === undefined) return {};
  const b = requireObject(body);
  rejectUnknown(b, ["resumeFromCheckpoint", "startAtOperationTime", "tier", "failover", "autoscaling"]);
  const out: StartWithInput = {};
  if (b.autoscaling !== undefined) out.autoscaling = parseAutoscaling(b.autoscaling, "autoscaling");
  const r = optBoolean(b, "resumeFromCheckpoint");
  if (r !== undefined) out.resumeFromCheckpoint = r;
  const t = optString(b, "startAtOperationTime");
  if (t !== undefined) {
    // ISO 8601 date-time (RFC 3339 profile, as `format: date-time` means).
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(t) || Number.isNaN(Date.parse(t))) {
      invalidField("startAtOperationTime", "must be an ISO 8601 date-time");
    }
    out.startAtOperationTime = t;
  }
  const tier = optEnum(b, "tier", TIERS);
  if (tier) out.tier = tier;
  if (b.failover !== undefined) {
    const f = requireObject(b.failover, "failover");
    rejectUnknownIn(f, ["region", "mode", "dryRun", "clearCheckpoint"], "failover");
    if (typeof f.region !== "string" || !f.region) invalidField("failover.region", "is required and must be a string");
    optEnum(f, "mode", ["GRACEFUL", "FORCED"], "failover.");
    optBoolean(f, "dryRun", "failover.");
    optBoolean(f, "clearCheckpoint", "failover.");
    out.failover = f;
  }
  return out;
}

export interface WorkspaceInput {
  name: string;
  cloudProvider: string;
  region: string;
  tier?: string;
  maxTierSize?: string;
  sampleSolar: boolean;
  /** Region names of `failoverRegions` (the spec allows at most 2). */
  failoverRegions?: string[];
}

/** `StreamsTenant` (create workspace). */
export function parseCreateWorkspace(body: unknown): WorkspaceInput {
  const b = requireObject(body);
  rejectUnknown(
    b,
    ["name", "dataProcessRegion", "streamConfig", "sampleConnections", "failoverRegions"],
    ["_id", "links", "groupId", "hostnames", "connections"],
  );
  if (b.name === undefined) invalidField("name", "is required", "MISSING_ATTRIBUTE");
  const n = name(b.name);
  if (b.dataProcessRegion === undefined) invalidField("dataProcessRegion", "is required", "MISSING_ATTRIBUTE");
  const r = requireObject(b.dataProcessRegion, "dataProcessRegion");
  const cloudProvider = optEnum(r, "cloudProvider", CLOUD_PROVIDERS, "dataProcessRegion.");
  if (!cloudProvider) invalidField("dataProcessRegion.cloudProvider", "is required", "MISSING_ATTRIBUTE");
  if (typeof r.region !== "string" || !r.region) invalidField("dataProcessRegion.region", "is required and must be a string");
  const out: WorkspaceInput = { name: n, cloudProvider, region: r.region, sampleSolar: false };
  if (b.streamConfig !== undefined && b.streamConfig !== null) {
    const sc = requireObject(b.streamConfig, "streamConfig");
    const tier = optEnum(sc, "tier", TIERS, "streamConfig.");
    const maxTierSize = optEnum(sc, "maxTierSize", TIERS, "streamConfig.");
    if (tier) out.tier = tier;
    if (maxTierSize) out.maxTierSize = maxTierSize;
  }
  if (b.sampleConnections !== undefined) {
    const s = requireObject(b.sampleConnections, "sampleConnections");
    out.sampleSolar = optBoolean(s, "solar", "sampleConnections.") ?? false;
  }
  if (b.failoverRegions !== undefined) {
    if (!Array.isArray(b.failoverRegions) || b.failoverRegions.length > 2)
      invalidField("failoverRegions", "must be an array of at most 2 regions");
    out.failoverRegions = b.failoverRegions.map((x, i) => {
      const f = requireObject(x, `failoverRegions[${i}]`);
      optEnum(f, "cloudProvider", CLOUD_PROVIDERS, `failoverRegions[${i}].`);
      if (typeof f.region !== "string" || !f.region) invalidField(`failoverRegions[${i}].region`, "is required and must be a string");
      return f.region;
    });
  }
  return out;
}

/** Connection types and the attributes each may carry (the spec's `StreamsConnection` discriminator). */
export const CONNECTION_FIELDS_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  AWSKinesisDataStreams: ["aws", "networking"],
  AWSLambda: ["aws", "publicPrivateNetworking"],
  AzureBlobStorage: ["azure", "publicPrivateNetworking"],
  Cluster: ["clusterGroupId", "clusterName", "dbRoleToExecute"],
  GCPPubSub: ["gcp", "publicPrivateNetworking"],
  Https: ["headers", "url"],
  Kafka: ["authentication", "bootstrapServers", "config", "networking", "security"],
  S3: ["aws", "networking"],
  Sample: [],
  SchemaRegistry: ["provider", "schemaRegistryAuthentication", "schemaRegistryUrls"],
};
const CONNECTION_TYPES = Object.keys(CONNECTION_FIELDS_BY_TYPE);
/** Required beyond `name` and `type` (the spec marks only SchemaRegistry's). */
const CONNECTION_REQUIRED: Readonly<Record<string, readonly string[]>> = {
  SchemaRegistry: ["provider", "schemaRegistryAuthentication", "schemaRegistryUrls"],
};
const CONNECTION_OBJECTS = [
  "aws",
  "azure",
  "gcp",
  "authentication",
  "security",
  "networking",
  "publicPrivateNetworking",
  "dbRoleToExecute",
  "schemaRegistryAuthentication",
];
const CONNECTION_STRINGS = ["region", "clusterGroupId", "clusterName", "bootstrapServers", "url", "provider"];

export interface ConnectionInput {
  name?: string;
  type?: string;
  /** Every other attribute, as sent. */
  attributes: Obj;
}

/**
 * `StreamsConnection` for create (`name` and `type` required) and update (both optional; the
 * caller checks them against the stored connection). Attributes must belong to the type.
 */
export function parseConnection(body: unknown, mode: "create" | "modify", storedType?: string): ConnectionInput {
  const b = requireObject(body);
  const readOnly = ["_id", "id", "links", "state"];
  if (mode === "create" && b.name === undefined) invalidField("name", "is required", "MISSING_ATTRIBUTE");
  if (mode === "create" && b.type === undefined) invalidField("type", "is required", "MISSING_ATTRIBUTE");
  const out: ConnectionInput = { attributes: {} };
  if (b.name !== undefined) out.name = name(b.name);
  const type = optEnum(b, "type", CONNECTION_TYPES);
  if (type !== undefined) out.type = type;
  const effective = type ?? storedType ?? "";
  const allowed = ["name", "type", "region", ...(CONNECTION_FIELDS_BY_TYPE[effective] ?? [])];
  for (const k of Object.keys(b)) {
    if (readOnly.includes(k) || allowed.includes(k)) continue;
    const owner = CONNECTION_TYPES.find((t) => CONNECTION_FIELDS_BY_TYPE[t]!.includes(k));
    invalidField(k, owner ? `is not an attribute of a ${effective} connection (it belongs to ${owner})` : "is not a recognised attribute");
  }
  if (mode === "create") {
    for (const k of CONNECTION_REQUIRED[effective] ?? [])
      if (b[k] === undefined) invalidField(k, `is required for a ${effective} connection`, "MISSING_ATTRIBUTE");
  }
  for (const k of CONNECTION_STRINGS) optString(b, k);
  for (const k of CONNECTION_OBJECTS) if (b[k] !== undefined) requireObject(b[k], k);
  for (const k of ["config", "headers"]) {
    if (b[k] === undefined) continue;
    const m = requireObject(b[k], k);
    for (const key of Object.keys(m)) optString(m, key, `${k}.`);
  }
  if (b.schemaRegistryUrls !== undefined) {
    const urls = b.schemaRegistryUrls;
    if (
      !Array.isArray(urls) ||
      urls.length === 0 ||
      urls.length > 10 ||
      urls.some((u) => typeof u !== "string" || !/^https?:\/\/[^\s/]+/.test(u))
    ) {
      invalidField("schemaRegistryUrls", "must be an array of 1 to 10 http or https URLs");
    }
  }
  for (const k of Object.keys(b)) if (!readOnly.includes(k) && k !== "name" && k !== "type") out.attributes[k] = b[k];
  return out;
}
