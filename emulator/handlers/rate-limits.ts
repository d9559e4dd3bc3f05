// `GET /api/atlas/v2/rateLimits`: the endpoint sets the emulator limits, in the shape of the Atlas
// Admin API's listRateLimits (PaginatedRateLimitEndpointSets of RateLimitEndpointSetResponse, version
// 2025-03-12; https://www.mongodb.com/docs/api/doc/atlas-admin-api-v2/operation/operation-listratelimits).
import { authorize } from "../auth";
import { ApiException, apiError, invalidField } from "../errors";
import { refillTerms, STREAMS_ENDPOINT_SET, type RateLimitSettings } from "../ratelimit";
import { OBJECT_ID_RE } from "../records";
import { ATLAS_ROUTES } from "../routes";
import { parseBooleanParam } from "../validation";
import { paginate } from "./paginate";
import type { Handler } from "./request";

/** The endpoints of the streams set that the emulator lists (paths as the OpenAPI spec writes them). */
const STREAMS_ENDPOINTS: ReadonlyArray<{ method: string; path: string }> = ATLAS_ROUTES.filter((r) => r.listedInRateLimits).map((r) => ({
  method: r.method,
  path: r.path,
}));

/** Atlas' scope names: a project is a GROUP; one credential's bucket is the USER scope. */
function atlasScope(cfg: RateLimitSettings): "GROUP" | "USER" {
  return cfg.scope === "project" ? "GROUP" : "USER";
}

function endpointSetViews(cfg: RateLimitSettings | false): Array<Record<string, unknown>> {
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

/**
 * The list, filtered as Atlas documents it: `groupId` keeps the project-scoped sets (and needs a
 * read role on that project), `userId` the user-scoped ones (and must be the caller), `orgId` and
 * `ipAddress` their own scopes, of which the emulator has none.
 */
export const listRateLimits: Handler = ({ rateLimit: cfg }, req) => {
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
  return { status: 200, body: paginate(req, sets, (s) => s, true) };
};
