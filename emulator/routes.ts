// The route table: every path the emulator answers, and the one home of the path grammar. Which
// part of the server a path goes to (`pathKind`: admin, OAuth, the Atlas API), every route of each
// (`ROUTES`: the admin API's, the two OAuth endpoints, and every Atlas operation with whether it
// writes and whether it reads a body, `/rateLimits` included), the parser (`matchRoute`), the
// builder of `links` (`pathOf`) and the pieces other modules parse with (`streamsGroupOf`,
// `ACTION_SUFFIX_RE`). Atlas paths are matched raw (still percent-encoded) so that a processor
// named `a%3Astart` is not mistaken for `a:start`; admin paths are decoded segment by segment
// first, as the admin API has always read them.
import type { EndpointKey } from "./versioning";

export interface RouteParams {
  /** Absent only on `/api/atlas/v2/rateLimits` and the routes that name no project. */
  groupId?: string;
  tenantName?: string;
  processorName?: string;
  connectionName?: string;
}

/** How a route treats the request body: none is read, or the JSON body is required or optional. */
export type BodyRule = "none" | "required" | "optional";

export interface AtlasRoute {
  surface: "atlas";
  method: string;
  /** As the OpenAPI spec writes it: `{param}` segments, `{processorName}:start` for actions. */
  path: string;
  key: EndpointKey;
  write: boolean;
  body: BodyRule;
  /**
   * Listed in `GET /rateLimits`' streams endpoint set: the eleven endpoints it has listed since it
   * was added. deleteWorkspace and the connection operations, served later, draw on the same
   * bucket but are not listed (kept as it was).
   */
  listedInRateLimits: boolean;
}

/** The admin API's operations (handlers/admin.ts). It reads a JSON body on every request, before routing. */
export type AdminKey =
  | "listFaults"
  | "injectFault"
  | "clearFaults"
  | "listRequests"
  | "clearRequests"
  | "listApplied"
  | "clearApplied"
  | "seed"
  | "changeSettings"
  | "state"
  | "reset"
  | "addConnection"
  | "getProcessor"
  | "failProcessor"
  | "failAfterStart"
  | "setEffectiveTier"
  | "setProcessorState";

export interface AdminRoute {
  surface: "admin";
  method: string;
  path: string;
  key: AdminKey;
}

/** The OAuth endpoints (oauth.ts); their body is a form, read by the endpoint. */
export type OAuthKey = "issueToken" | "revokeToken";

export interface OAuthRoute {
  surface: "oauth";
  method: string;
  path: string;
  key: OAuthKey;
}

export type Route = AtlasRoute | AdminRoute | OAuthRoute;

export const ADMIN_PREFIX = "/admin";
export const OAUTH_TOKEN_PATH = "/api/oauth/token";
export const OAUTH_REVOKE_PATH = "/api/oauth/revoke";
const ATLAS_PREFIX = "/api/atlas/";
export const RATE_LIMITS_PATH = `${ATLAS_PREFIX}v2/rateLimits`;
const GROUPS_PREFIX = `${ATLAS_PREFIX}v2/groups/`;
/** Where every streams operation lives, as the spec writes it (rate limits name their endpoint set after it). */
export const STREAMS_PATH = `${GROUPS_PREFIX}{groupId}/streams`;
const S = STREAMS_PATH;

/** The actions a processor path may end with, e.g. `orders:start`. */
export const PROCESSOR_ACTIONS = ["start", "startWith", "stop"] as const;
export const ACTION_SUFFIX_RE = new RegExp(`:(${PROCESSOR_ACTIONS.join("|")})$`);

function route(
  method: string,
  path: string,
  key: EndpointKey,
  o: Partial<Omit<AtlasRoute, "surface" | "method" | "path" | "key">> = {},
): AtlasRoute {
  return { surface: "atlas", method, path, key, write: method !== "GET", body: "none", listedInRateLimits: false, ...o };
}
const listed = { listedInRateLimits: true } as const;
const required = { body: "required" } as const;

/** Every Atlas operation served; for one path, in the order its `Allow` header lists them. */
export const ATLAS_ROUTES: readonly AtlasRoute[] = [
  route("GET", S, "listWorkspaces", listed),
  route("POST", S, "createWorkspace", { ...listed, ...required }),
  // Workspace update exists in Atlas but is outside what the emulator needs.
  route("GET", `${S}/{tenantName}`, "getWorkspace", listed),
  route("DELETE", `${S}/{tenantName}`, "deleteWorkspace"),
  route("GET", `${S}/{tenantName}/processors`, "listProcessors", listed),
  route("GET", `${S}/{tenantName}/connections`, "listConnections"),
  route("POST", `${S}/{tenantName}/connections`, "createConnection", required),
  route("GET", `${S}/{tenantName}/connections/{connectionName}`, "getConnection"),
  route("PATCH", `${S}/{tenantName}/connections/{connectionName}`, "modifyConnection", required),
  route("DELETE", `${S}/{tenantName}/connections/{connectionName}`, "deleteConnection"),
  route("POST", `${S}/{tenantName}/processor`, "createProcessor", { ...listed, ...required }),
  route("GET", `${S}/{tenantName}/processor/{processorName}`, "getProcessor", listed),
  route("PATCH", `${S}/{tenantName}/processor/{processorName}`, "modifyProcessor", { ...listed, ...required }),
  route("DELETE", `${S}/{tenantName}/processor/{processorName}`, "deleteProcessor", listed),
  route("POST", `${S}/{tenantName}/processor/{processorName}:start`, "startProcessor", listed),
  route("POST", `${S}/{tenantName}/processor/{processorName}:startWith`, "startProcessorWith", { ...listed, body: "optional" }),
  route("POST", `${S}/{tenantName}/processor/{processorName}:stop`, "stopProcessor", listed),
  // Not a project's: it authorizes by its `groupId` query parameter (handlers/rate-limits.ts).
  route("GET", RATE_LIMITS_PATH, "listRateLimits"),
];

/** The Atlas operations that are processor actions (`…/{processorName}:start`), by key. */
export const ACTION_KEYS: readonly EndpointKey[] = ATLAS_ROUTES.filter((r) => ACTION_SUFFIX_RE.test(r.path)).map((r) => r.key);

const A = ADMIN_PREFIX;
const PROCESSOR = `${A}/processors/{groupId}/{tenantName}/{processorName}`;
const admin = (method: string, path: string, key: AdminKey): AdminRoute => ({ surface: "admin", method, path, key });

/** The admin API (no authentication, no log, no faults: a loopback tool); for one path, in `Allow` order. */
export const ADMIN_ROUTES: readonly AdminRoute[] = [
  admin("GET", `${A}/faults`, "listFaults"),
  admin("POST", `${A}/faults`, "injectFault"),
  admin("DELETE", `${A}/faults`, "clearFaults"),
  admin("GET", `${A}/requests`, "listRequests"),
  admin("DELETE", `${A}/requests`, "clearRequests"),
  admin("GET", `${A}/applied`, "listApplied"),
  admin("DELETE", `${A}/applied`, "clearApplied"),
  admin("POST", `${A}/seed`, "seed"),
  admin("PUT", `${A}/settings`, "changeSettings"),
  admin("POST", `${A}/settings`, "changeSettings"),
  admin("GET", `${A}/state`, "state"),
  admin("POST", `${A}/reset`, "reset"),
  admin("POST", `${A}/connections/{groupId}/{tenantName}`, "addConnection"),
  admin("GET", PROCESSOR, "getProcessor"),
  admin("POST", `${PROCESSOR}/fail`, "failProcessor"),
  admin("POST", `${PROCESSOR}/fail-after-start`, "failAfterStart"),
  admin("POST", `${PROCESSOR}/effectiveTier`, "setEffectiveTier"),
  admin("PUT", `${PROCESSOR}/effectiveTier`, "setEffectiveTier"),
  admin("PUT", `${PROCESSOR}/state`, "setProcessorState"),
];

/** The OAuth endpoints: POST only. */
export const OAUTH_ROUTES: readonly OAuthRoute[] = [
  { surface: "oauth", method: "POST", path: OAUTH_TOKEN_PATH, key: "issueToken" },
  { surface: "oauth", method: "POST", path: OAUTH_REVOKE_PATH, key: "revokeToken" },
];

/** Every route the emulator serves. */
export const ROUTES: readonly Route[] = [...ADMIN_ROUTES, ...OAUTH_ROUTES, ...ATLAS_ROUTES];

/** Where the server sends a path: the admin API, the OAuth endpoints, the Atlas API, or a 404. */
export type PathKind = "admin" | "oauth" | "atlas" | "none";

export function pathKind(rawPath: string): PathKind {
  if (rawPath === ADMIN_PREFIX || rawPath.startsWith(`${ADMIN_PREFIX}/`)) return "admin";
  if (rawPath === OAUTH_TOKEN_PATH || rawPath === OAUTH_REVOKE_PATH) return "oauth";
  if (rawPath.startsWith(ATLAS_PREFIX)) return "atlas";
  return "none";
}

type Segment = { literal: string } | { param: keyof RouteParams; suffix: string };

function compile(path: string): Segment[] {
  return path
    .slice(1)
    .split("/")
    .map((s) => {
      const m = /^\{(\w+)\}(.*)$/.exec(s);
      return m ? { param: m[1] as keyof RouteParams, suffix: m[2]! } : { literal: s };
    });
}

const COMPILED = ROUTES.map((r) => ({ route: r, segments: compile(r.path) }));

/** Whether segments fit a pattern (`actions`: the Atlas rule that `orders:start` is an action, not a name). */
function fits(segments: Segment[], raw: string[], actions: boolean): boolean {
  if (segments.length !== raw.length) return false;
  for (let i = 0; i < raw.length; i++) {
    const seg = segments[i]!;
    const r = raw[i]!;
    if ("literal" in seg) {
      if (seg.literal !== r) return false;
    } else if (seg.suffix) {
      if (!(r.length > seg.suffix.length && r.endsWith(seg.suffix))) return false;
    } else if (actions && seg.param === "processorName" && ACTION_SUFFIX_RE.test(r) && r.replace(ACTION_SUFFIX_RE, "") !== "") {
      return false; // `orders:start` is the action on `orders`, never a processor named so
    }
  }
  return true;
}

export type RouteMatch<R extends Route = Route> =
  { kind: "ok"; route: R; params: RouteParams } | { kind: "method"; allow: string[] } | { kind: "none" };

/**
 * The route serving `method` on `rawPath` (only routes of the path's kind), the methods its path
 * serves (a 405), or none (a 404; also for undecodable escapes such as `%zz`).
 */
export function matchRoute(method: string, rawPath: string): RouteMatch {
  try {
    return matchOrThrow(method, rawPath);
  } catch (e) {
    if (e instanceof URIError) return { kind: "none" };
    throw e;
  }
}

function matchOrThrow(method: string, rawPath: string): RouteMatch {
  const kind = pathKind(rawPath);
  if (kind === "none") return { kind: "none" };
  let raw = rawPath.slice(1).split("/");
  if (raw.some((s) => s === "")) return { kind: "none" };
  const decodedFirst = kind === "admin";
  if (decodedFirst) raw = raw.map((s) => decodeURIComponent(s));
  // At most one path fits (the table has no two patterns for one path); its methods are the candidates.
  const same = COMPILED.filter((c) => c.route.surface === kind && fits(c.segments, raw, kind === "atlas"));
  if (same.length === 0) return { kind: "none" };
  const hit = same.find((c) => c.route.method === method);
  if (!hit) return { kind: "method", allow: same.map((c) => c.route.method) };
  const params: RouteParams = {};
  hit.segments.forEach((seg, i) => {
    if (!("param" in seg)) return;
    const text = raw[i]!.slice(0, raw[i]!.length - seg.suffix.length);
    params[seg.param] = decodedFirst ? text : decodeURIComponent(text);
  });
  return { kind: "ok", route: hit.route, params };
}

/** `matchRoute` for an Atlas API path: an Atlas route, or none. */
export function matchAtlasRoute(method: string, rawPath: string): RouteMatch<AtlasRoute> {
  if (pathKind(rawPath) !== "atlas") return { kind: "none" };
  return matchRoute(method, rawPath) as RouteMatch<AtlasRoute>;
}

/** The path of a route with its parameters filled in (percent-encoded), for `links`. */
export function pathOf(key: EndpointKey, params: RouteParams): string {
  const r = ATLAS_ROUTES.find((x) => x.key === key)!;
  return r.path.replace(/\{(\w+)\}/g, (_, name: keyof RouteParams) => encodeURIComponent(params[name]!));
}

/**
 * The project a `/api/atlas/v2/groups/{groupId}/streams…` path names, whether or not a route
 * serves it: `raw` as written, `groupId` decoded (absent for undecodable escapes). Undefined for
 * other paths. What the rate limiter charges, and what the unknown-project check reads.
 */
export function streamsGroupOf(rawPath: string): { raw: string; groupId?: string } | undefined {
  if (!rawPath.startsWith(GROUPS_PREFIX)) return undefined;
  const segs = rawPath.slice(GROUPS_PREFIX.length).split("/");
  if (!segs[0] || segs[1] !== "streams") return undefined;
  try {
    return { raw: segs[0], groupId: decodeURIComponent(segs[0]) };
  } catch {
    return { raw: segs[0] };
  }
}
