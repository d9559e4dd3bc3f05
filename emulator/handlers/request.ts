// What every Atlas handler takes and gives back. A handler turns a matched route, its query and
// its parsed body into a status and a body shaped like the spec's schemas; state changes go
// through the Store. The server (server.ts) has already authenticated, charged the rate limit,
// negotiated the version, checked the project and the role, and read the body the route needs.
import type { RateLimitSettings } from "../ratelimit";
import type { RouteParams } from "../routes";
import type { Store } from "../store";
import type { RoleAssignment } from "../types";
import type { EndpointKey, ResponseStyle } from "../versioning";

export interface ApiRequest {
  key: EndpointKey;
  params: RouteParams;
  query: URLSearchParams;
  body: unknown;
  /** e.g. http://127.0.0.1:8080, used for `links`. */
  baseUrl: string;
  rawPath: string;
  /** How long a connection created through the API answers "does not exist" to processors. */
  connectionPropagationMs: number;
  /** How long a connection created through the API reads PENDING. */
  connectionPendingMs: number;
  /** How long a connection deleted through the API reads DELETING before it is gone. */
  connectionDeletingMs: number;
  /** Body shapes: as recorded from Atlas or the earlier spec-derived ones. */
  responses: ResponseStyle;
  /** Who asked (authenticated) and the roles they hold. */
  principalId: string;
  roles: RoleAssignment[];
}

/** What the handlers read besides the request. */
export interface ApiDeps {
  store: Store;
  /** The rate limits in force (for `GET /rateLimits`). */
  rateLimit: RateLimitSettings | false;
}

export interface ApiResult {
  status: number;
  body?: unknown;
  /** True when the state changed (so persistence must run). */
  mutated?: boolean;
}

export type Handler = (deps: ApiDeps, req: ApiRequest) => ApiResult;

/** The request's project, workspace, processor and connection names (the route guarantees the ones it names). */
export function names(req: ApiRequest): { groupId: string; tenantName: string; processorName: string; connectionName: string } {
  const p = req.params;
  return { groupId: p.groupId!, tenantName: p.tenantName!, processorName: p.processorName!, connectionName: p.connectionName! };
}
