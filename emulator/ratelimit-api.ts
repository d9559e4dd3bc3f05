// `GET /api/atlas/v2/rateLimits`: the endpoint sets the emulator limits, in the shape of the Atlas
// Admin API's listRateLimits (PaginatedRateLimitEndpointSets of RateLimitEndpointSetResponse, version
// 2025-03-12; https://www.mongodb.com/docs/api/doc/atlas-admin-api-v2/operation/operation-listratelimits).
import { paginate } from "./api";
import { authorize } from "./auth";
import { EMULATOR_DEFAULTS } from "./defaults";
import { ApiException, apiError, invalidField } from "./errors";
import { refillTerms, STREAMS_ENDPOINT_SET } from "./ratelimit";
import { OBJECT_ID_RE } from "./records";
import type { RateLimitConfig, RoleAssignment } from "./types";
import { parseBooleanParam } from "./validation";
import { invalidVersionError, negotiateVersion, successMediaType, type ResponseStyle } from "./versioning";

export const RATE_LIMITS_PATH = "/api/atlas/v2/rateLimits";
const RATE_LIMITS_VERSIONS: readonly string[] = ["2025-03-12"];

const P = "/api/atlas/v2/groups/{groupId}/streams";
/** The endpoints of the streams set that the emulator serves (paths as the OpenAPI spec writes them). */
const STREAMS_ENDPOINTS: ReadonlyArray<{ method: string; path: string }> = [
  { method: "GET", path: P },
  { method: "POST", path: P },
  { method: "GET", path: `${P}/{tenantName}` },
  { method: "GET", path: `${P}/{tenantName}/processors` },
  { method: "POST", path: `${P}/{tenantName}/processor` },
  { method: "GET", path: `${P}/{tenantName}/processor/{processorName}` },
  { method: "PATCH", path: `${P}/{tenantName}/processor/{processorName}` },
  { method: "DELETE", path: `${P}/{tenantName}/processor/{processorName}` },
  { method: "POST", path: `${P}/{tenantName}/processor/{processorName}:start` },
  { method: "POST", path: `${P}/{tenantName}/processor/{processorName}:startWith` },
  { method: "POST", path: `${P}/{tenantName}/processor/{processorName}:stop` },
];

/** Atlas' scope names: a project is a GROUP; one credential's bucket is the USER scope. */
function atlasScope(cfg: RateLimitConfig): "GROUP" | "USER" {
  return (cfg.scope ?? EMULATOR_DEFAULTS.rateLimitScope) === "project" ? "GROUP" : "USER";
}

function endpointSetViews(cfg: RateLimitConfig | false): Array<Record<string, unknown>> {
  if (!cfg) return []; // nothing is limited
  const { rate, durationSeconds } = refillTerms(cfg.refillPerSecond);
  const scope = atlasScope(cfg);
  return [
    {
      capacity: { value: cfg.capacity },
      endpointSetId: `streams_${scope.toLowerCase()}`,
      endpointSetName: STREAMS_ENDPOINT_SET,
      endpoints: STREAMS_ENDPOINTS.map((e) => ({ ...e })),
      refillDurationSeconds: { value: durationSeconds },
      refillRate: { value: rate },
      scope,
    },
  ];
}

export interface RateLimitsRequest {
  query: URLSearchParams;
  baseUrl: string;
  rawPath: string;
  roles: RoleAssignment[];
  principalId: string;
}

/**
 * The list, filtered as Atlas documents it: `groupId` keeps the project-scoped sets (and needs a
 * read role on that project), `userId` the user-scoped ones (and must be the caller), `orgId` and
 * `ipAddress` their own scopes, of which the emulator has none.
 */
export function listRateLimits(cfg: RateLimitConfig | false, req: RateLimitsRequest): Record<string, unknown> {
  const q = req.query;
  parseBooleanParam(q, "includeCount", true);
  let sets = endpointSetViews(cfg);
  const groupId = q.get("groupId");
  if (groupId !== null) {
    if (!OBJECT_ID_RE.test(groupId)) invalidField("groupId", "must be a 24-hexadecimal-digit project id", "INVALID_QUERY_PARAMETER");
    const denied = authorize(req.roles, groupId, false);
    if (denied) throw new ApiException(denied);
    sets = sets.filter((s) => s.scope === "GROUP");
  }
  const userId = q.get("userId");
  if (userId !== null) {
    if (userId !== req.principalId) throw new ApiException(apiError(403, "USER_UNAUTHORIZED", "The userId must be the requesting user."));
    sets = sets.filter((s) => s.scope === "USER");
  }
  if (q.get("orgId") !== null || q.get("ipAddress") !== null) sets = [];
  return paginate(req, sets, (s) => s, true);
}

/** The whole endpoint: method, version, then the list. Throws ApiException for refusals. */
export function handleRateLimits(
  method: string,
  accept: string | undefined,
  cfg: RateLimitConfig | false,
  req: RateLimitsRequest,
  responses: ResponseStyle = "atlas",
): { status: number; body: unknown; contentType: string } {
  if (method !== "GET")
    throw new ApiException(apiError(405, "METHOD_NOT_ALLOWED", `Method ${method} is not allowed for ${req.rawPath}.`), { Allow: "GET" });
  const version = negotiateVersion(accept, RATE_LIMITS_VERSIONS);
  if (!version) throw new ApiException(invalidVersionError());
  return { status: 200, body: listRateLimits(cfg, req), contentType: successMediaType(version, responses) };
}
