// The route table: every path the emulator answers, and the one home of the path grammar. Which
// part of the server a path goes to (`pathKind`: admin, OAuth, the Atlas API), every Atlas operation
// (`ATLAS_ROUTES`: method, path as the OpenAPI spec writes it, whether it writes, whether it reads
// a body), the parser (`matchRoute`), the builder of `links` (`hrefOf`) and the pieces other modules
// parse with (`streamsGroupOf`, `ACTION_SUFFIX_RE`). Matching works on the raw (still
// percent-encoded) path so that a processor named `a%3Astart` is not mistaken for `a:start`.
import type { EndpointKey } from "./versioning";

export interface RouteParams {
  /** Absent only on `/api/atlas/v2/rateLimits`. */
  groupId?: string;
  tenantName?: string;
  processorName?: string;
  connectionName?: string;
}

/** How a route treats the request body: none is read, or the JSON body is required or optional. */
export type BodyRule = "none" | "required" | "optional";

export interface AtlasRoute {
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

export const ADMIN_PREFIX = "/admin";
export const OAUTH_TOKEN_PATH = "/api/oauth/token";
export const OAUTH_REVOKE_PATH = "/api/oauth/revoke";
export const RATE_LIMITS_PATH = "/api/atlas/v2/rateLimits";
const ATLAS_PREFIX = "/api/atlas/";
const GROUPS_PREFIX = "/api/atlas/v2/groups/";
const S = "/api/atlas/v2/groups/{groupId}/streams";

/** The actions a processor path may end with, e.g. `orders:start`. */
export const PROCESSOR_ACTIONS = ["start", "startWith", "stop"] as const;
export const ACTION_SUFFIX_RE = new RegExp(`:(${PROCESSOR_ACTIONS.join("|")})$`);

function route(method: string, path: string, key: EndpointKey, o: Partial<Omit<AtlasRoute, "method" | "path" | "key">> = {}): AtlasRoute {
  return { method, path, key, write: method !== "GET", body: "none", listedInRateLimits: false, ...o };
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

const COMPILED = ATLAS_ROUTES.map((r) => ({ route: r, segments: compile(r.path) }));

/** Whether raw segments fit a pattern. */
function fits(segments: Segment[], raw: string[]): boolean {
  if (segments.length !== raw.length) return false;
  for (let i = 0; i < raw.length; i++) {
    const seg = segments[i]!;
    const r = raw[i]!;
    if ("literal" in seg) {
      if (seg.literal !== r) return false;
    } else if (seg.suffix) {
      if (!(r.length > seg.suffix.length && r.endsWith(seg.suffix))) return false;
    } else if (seg.param === "processorName" && ACTION_SUFFIX_RE.test(r) && r.replace(ACTION_SUFFIX_RE, "") !== "") {
      return false; // `orders:start` is the action on `orders`, never a processor named so
    }
  }
  return true;
}

export type RouteMatch =
  | { kind: "ok"; route: AtlasRoute; key: EndpointKey; params: RouteParams; write: boolean }
  | { kind: "method"; allow: string[] }
  | { kind: "none" };

/** Throws URIError on bad escapes in a parameter; the caller answers 404 for those. */
export function matchRoute(method: string, rawPath: string): RouteMatch {
  const raw = rawPath.slice(1).split("/");
  if (raw.some((s) => s === "")) return { kind: "none" };
  // At most one path fits (the table has no two patterns for one path); its methods are the candidates.
  const same = COMPILED.filter((c) => fits(c.segments, raw));
  if (same.length === 0) return { kind: "none" };
  const hit = same.find((c) => c.route.method === method);
  if (!hit) return { kind: "method", allow: same.map((c) => c.route.method) };
  const params: RouteParams = {};
  hit.segments.forEach((seg, i) => {
    if ("param" in seg) params[seg.param] = decodeURIComponent(raw[i]!.slice(0, raw[i]!.length - seg.suffix.length));
  });
  return { kind: "ok", route: hit.route, key: hit.route.key, params, write: hit.route.write };
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
