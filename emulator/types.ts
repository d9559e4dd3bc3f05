// Shared shapes: the seed/data-file format, fault specs and request-log entries.
// Kept free of behaviour so every other module can import it without cycles.

export interface RoleAssignment {
  groupId: string;
  roleName: string;
}

export interface SeedConnection {
  name: string;
  type: string;
  [extra: string]: unknown;
}

export interface SeedProcessor {
  name: string;
  pipeline: unknown[];
  state?: string | undefined;
  options?: Record<string, unknown> | undefined;
  tier?: string | undefined;
  failoverEnabled?: boolean | undefined;
  /**
   * With `options.autoscaling: {enabled: true, minTier, maxTier}`: the tier it runs on now (read
   * back as `effectiveTier`); default its `minTier`.
   */
  effectiveTier?: string | undefined;
  /** Persisted id; generated when absent. */
  _id?: string | undefined;
  /** Persisted in-flight transition (data file only). */
  transition?: { state: string; until: number; first?: { state: string; until: number } } | undefined;
  /** Persisted latest run, for `stats` (data file only). */
  run?: { from: number; to?: number } | undefined;
}

export interface SeedWorkspace {
  name: string;
  region?: string | undefined;
  cloudProvider?: string | undefined;
  tier?: string | undefined;
  /** The largest tier its processors may use (`streamConfig.maxTierSize`); default unset. */
  maxTierSize?: string | undefined;
  /** Failover regions (region names, e.g. "DUBLIN_IRL"); default none. */
  failoverRegions?: string[] | undefined;
  _id?: string | undefined;
  connections?: SeedConnection[] | undefined;
  processors?: SeedProcessor[] | undefined;
}

export interface SeedProject {
  id: string;
  name?: string | undefined;
  workspaces?: SeedWorkspace[] | undefined;
}

export interface SeedApiKey {
  publicKey: string;
  privateKey: string;
  roles?: RoleAssignment[] | undefined;
}

export interface SeedServiceAccount {
  clientId: string;
  clientSecret: string;
  roles?: RoleAssignment[] | undefined;
}

export interface SeedDocument {
  projects?: SeedProject[] | undefined;
  apiKeys?: SeedApiKey[] | undefined;
  serviceAccounts?: SeedServiceAccount[] | undefined;
}

export type FaultKind = "status" | "status-after-apply" | "latency" | "reset" | "reset-after-apply" | "hang" | "processor-error";

export interface FaultSpec {
  method: string;
  path: string;
  kind: FaultKind;
  times?: number | undefined;
  status?: number | undefined;
  body?: object | undefined;
  headers?: Record<string, string> | undefined;
  /** latency: how long to wait before proceeding; status, status-after-apply, processor-error: how long before answering. */
  latencyMs?: number | undefined;
  /**
   * status, status-after-apply: the answer's body verbatim instead of an error document (an HTML
   * page from a gateway, a plain-text 503); give its type in `headers` (default application/json).
   */
  text?: string | undefined;
  /** processor-error: the message in Atlas' generic processor error (default `no healthy upstream`). */
  message?: string | undefined;
  /** processor-error: carry the request out first, then answer the error. Default false. */
  applied?: boolean | undefined;
  /**
   * status-after-apply, reset-after-apply, processor-error with `applied`: the request is carried
   * out this long *after* the answer (or the reset), so a read right after the answer still shows
   * the old state — an action that lands in the background. Default 0 (carried out first).
   */
  landsAfterMs?: number | undefined;
}

/** An operation the emulator carried out (whatever the client was answered): what tests count. */
export interface AppliedOperation {
  /** ISO 8601. */
  time: string;
  /** create, modify, delete, start, stop. */
  operation: "create" | "modify" | "delete" | "start" | "stop";
  groupId: string;
  workspaceName: string;
  processorName: string;
}

export type AuthScheme = "digest" | "bearer" | "basic" | "none";

export interface RequestLogEntry {
  time: string;
  method: string;
  path: string;
  query: string;
  /** The HTTP status that went on the wire (0: reset, hung, or the client left first). */
  status: number;
  /** With `envelope=true`: the status inside the enveloped body (the wire status is then 200). */
  envelopedStatus?: number;
  /** The request's `Accept` header, as sent. */
  accept?: string;
  /** The request's `Content-Type` header, as sent. */
  contentType?: string;
  authScheme: AuthScheme;
  principal?: string;
  fault?: string;
}

/** Whose requests share a bucket: every credential of a project (Atlas), or each credential alone. */
export type RateLimitScope = "project" | "credential";

export interface RateLimitConfig {
  capacity: number;
  refillPerSecond: number;
  /** Default "project". */
  scope?: RateLimitScope | undefined;
}
