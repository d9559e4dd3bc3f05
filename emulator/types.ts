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
  state?: string;
  options?: Record<string, unknown>;
  tier?: string;
  failoverEnabled?: boolean;
  /** Persisted id; generated when absent. */
  _id?: string;
  /** Persisted in-flight transition (data file only). */
  transition?: { state: string; until: number };
}

export interface SeedWorkspace {
  name: string;
  region?: string;
  cloudProvider?: string;
  tier?: string;
  _id?: string;
  connections?: SeedConnection[];
  processors?: SeedProcessor[];
}

export interface SeedProject {
  id: string;
  name?: string;
  workspaces?: SeedWorkspace[];
}

export interface SeedApiKey {
  publicKey: string;
  privateKey: string;
  roles?: RoleAssignment[];
}

export interface SeedServiceAccount {
  clientId: string;
  clientSecret: string;
  roles?: RoleAssignment[];
}

export interface SeedDocument {
  projects?: SeedProject[];
  apiKeys?: SeedApiKey[];
  serviceAccounts?: SeedServiceAccount[];
}

export type FaultKind = "status" | "status-after-apply" | "latency" | "reset" | "hang" | "processor-error";

export interface FaultSpec {
  method: string;
  path: string;
  kind: FaultKind;
  times?: number;
  status?: number;
  body?: object;
  headers?: Record<string, string>;
  latencyMs?: number;
  /** processor-error: the message in Atlas' generic processor error (default `no healthy upstream`). */
  message?: string;
  /** processor-error: carry the request out first, then answer the error. Default false. */
  applied?: boolean;
}

export type AuthScheme = "digest" | "bearer" | "basic" | "none";

export interface RequestLogEntry {
  time: string;
  method: string;
  path: string;
  query: string;
  status: number;
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
  scope?: RateLimitScope;
}
