// Handlers for the Atlas operations: turn a matched route, query and parsed body into a status
// and a body shaped like the spec's schemas. State changes go through the Store.
import {
  assertConnectionsAvailable,
  connectionState,
  connectionView,
  createConnection,
  deleteConnection,
  findConnection,
  modifyConnection,
} from "./connections";
import { effectiveTierOf } from "./definition-rules";
import { fail, invalidField } from "./errors";
import { processorStats } from "./stats";
import type { RouteParams } from "./routes";
import type { ProcessorRecord, WorkspaceRecord } from "./records";
import type { SeedConnection } from "./types";
import type { Store } from "./store";
import {
  parseBooleanParam,
  parseConnection,
  parseCreateProcessor,
  parseCreateWorkspace,
  parseModifyProcessor,
  parseStartWith,
} from "./validation";
import type { EndpointKey, ResponseStyle } from "./versioning";

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
  /** How long a connection created through the API reads PENDING. Default 0. */
  connectionPendingMs?: number;
  /** Body shapes: as recorded from Atlas (default) or the earlier spec-derived ones. */
  responses?: ResponseStyle;
}

export interface ApiResult {
  status: number;
  body?: unknown;
  /** True when the state changed (so persistence must run). */
  mutated?: boolean;
}

function intParam(q: URLSearchParams, name: string, dflt: number, min: number, max: number): number {
  const v = q.get(name);
  if (v === null) return dflt;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    return invalidField(name, `must be an integer between ${min} and ${max}`, "INVALID_QUERY_PARAMETER");
  }
  return Number(v);
}

export function paginate<T>(
  req: Pick<ApiRequest, "query" | "baseUrl" | "rawPath">,
  items: T[],
  view: (t: T) => unknown,
  withCount: boolean,
): Record<string, unknown> {
  const itemsPerPage = intParam(req.query, "itemsPerPage", 100, 1, 500);
  const pageNum = intParam(req.query, "pageNum", 1, 1, Number.MAX_SAFE_INTEGER);
  const includeCount = withCount ? parseBooleanParam(req.query, "includeCount", true) : true;
  const start = (pageNum - 1) * itemsPerPage;
  const page = items.slice(start, start + itemsPerPage);
  const href = (n: number) => `${req.baseUrl}${req.rawPath}?pageNum=${n}&itemsPerPage=${itemsPerPage}`;
  const links = [];
  if (pageNum > 1) links.push({ href: href(pageNum - 1), rel: "previous" });
  links.push({ href: href(pageNum), rel: "self" });
  if (start + itemsPerPage < items.length) links.push({ href: href(pageNum + 1), rel: "next" });
  const out: Record<string, unknown> = { links, results: page.map(view) };
  if (includeCount) out.totalCount = items.length;
  return out;
}

function processorView(
  store: Store,
  ws: WorkspaceRecord,
  sp: ProcessorRecord,
  selfHref: string,
  style: ResponseStyle = "atlas",
): Record<string, unknown> {
  // Field order follows the spec's StreamsProcessorWithStats; the pipeline is returned as stored.
  const state = store.observedState(sp);
  const out: Record<string, unknown> = {
    _id: sp._id,
    name: sp.name,
    pipeline: structuredClone(sp.pipeline),
    state,
  };
  if (sp.options) out.options = structuredClone(sp.options);
  out.stats = processorStats(sp, state, store.now());
  out.tier = sp.tier;
  out.effectiveTier = effectiveTierOf(sp, ws.tier);
  out.failoverEnabled = sp.failoverEnabled;
  out.eligibleForFailover = sp.failoverEnabled && ws.failoverRegions.length > 0;
  if (style === "classic") out.links = [{ href: selfHref, rel: "self" }];
  return out;
}

function processorHref(req: ApiRequest, name: string): string {
  const p = req.params;
  return `${req.baseUrl}/api/atlas/v2/groups/${p.groupId}/streams/${encodeURIComponent(p.tenantName!)}/processor/${encodeURIComponent(name)}`;
}

function connectionHref(req: ApiRequest, name: string): string {
  const p = req.params;
  return `${req.baseUrl}/api/atlas/v2/groups/${p.groupId}/streams/${encodeURIComponent(p.tenantName!)}/connections/${encodeURIComponent(name)}`;
}

function workspaceView(
  req: ApiRequest,
  store: Store,
  groupId: string,
  ws: WorkspaceRecord,
  includeConnections: boolean,
): Record<string, unknown> {
  const failoverRegions = ws.failoverRegions.map((region) => ({ cloudProvider: ws.cloudProvider, region }));
  const atlas = (req.responses ?? "atlas") === "atlas";
  // Atlas (recorded): keys in this order, `failoverRegions` always (empty when none), no `links`.
  const out: Record<string, unknown> = {
    _id: ws._id,
    dataProcessRegion: { cloudProvider: ws.cloudProvider, region: ws.region },
    ...(atlas ? { failoverRegions } : {}),
    groupId,
    hostnames: [`atlas-stream-${ws._id}-emulator.${ws.region.toLowerCase().replace(/_/g, "-")}.a.query.mongodb.net`],
    name: ws.name,
    streamConfig: ws.maxTierSize ? { tier: ws.tier, maxTierSize: ws.maxTierSize } : { tier: ws.tier },
  };
  if (!atlas && failoverRegions.length) out.failoverRegions = failoverRegions;
  if (includeConnections) {
    out.connections = ws.connections.map((c) => ({ name: c.name, type: c.type, state: connectionState(c, store.now()) }));
  }
  if (!atlas) out.links = [{ href: `${req.baseUrl}/api/atlas/v2/groups/${groupId}/streams/${encodeURIComponent(ws.name)}`, rel: "self" }];
  return out;
}

function connectionViewOf(
  req: ApiRequest,
  store: Store,
  ws: WorkspaceRecord,
  c: SeedConnection,
  withState = true,
): Record<string, unknown> {
  return connectionView(c, {
    selfHref: connectionHref(req, c.name),
    workspaceRegion: ws.region,
    now: store.now(),
    style: req.responses ?? "atlas",
    withState,
  });
}

export function handleApi(store: Store, req: ApiRequest): ApiResult {
  const { groupId, tenantName, processorName, connectionName } = req.params;
  const t = tenantName!;
  const n = processorName!;
  switch (req.key) {
    case "listWorkspaces":
      return {
        status: 200,
        body: paginate(req, store.listWorkspaces(groupId), (w) => workspaceView(req, store, groupId, w, false), false),
      };
    case "createWorkspace": {
      const ws = store.createWorkspace(groupId, parseCreateWorkspace(req.body));
      // The recorded answer to a create has no `connections`; the classic one listed them.
      return { status: 200, body: workspaceView(req, store, groupId, ws, req.responses === "classic"), mutated: true };
    }
    case "getWorkspace": {
      const include = parseBooleanParam(req.query, "includeConnections", false);
      return { status: 200, body: workspaceView(req, store, groupId, store.workspace(groupId, t), include) };
    }
    case "deleteWorkspace":
      store.deleteWorkspace(groupId, t);
      return { status: 202, body: {}, mutated: true };
    case "listProcessors": {
      const ws = store.workspace(groupId, t);
      const view = (sp: ProcessorRecord) => processorView(store, ws, sp, processorHref(req, sp.name), req.responses);
      return { status: 200, body: paginate(req, store.listProcessors(groupId, t), view, true) };
    }
    case "createProcessor": {
      const ws = store.workspace(groupId, t); // 404 for an unknown workspace before judging the body
      const input = parseCreateProcessor(req.body);
      assertConnectionsAvailable(ws, input.name, input.pipeline, input.options, store.now());
      const sp = store.createProcessor(groupId, t, input);
      const v = processorView(store, ws, sp, processorHref(req, sp.name), req.responses);
      // `StreamsProcessor` has no stats; keep the fields it declares plus the state.
      delete v.stats;
      delete v.eligibleForFailover;
      return { status: 200, body: v, mutated: true };
    }
    case "getProcessor":
      return {
        status: 200,
        body: processorView(store, store.workspace(groupId, t), store.processor(groupId, t, n), processorHref(req, n), req.responses),
      };
    case "modifyProcessor": {
      store.processor(groupId, t, n);
      const patch = parseModifyProcessor(req.body);
      assertConnectionsAvailable(store.workspace(groupId, t), n, patch.pipeline, patch.options, store.now());
      const sp = store.modifyProcessor(groupId, t, n, patch);
      return {
        status: 200,
        body: processorView(store, store.workspace(groupId, t), sp, processorHref(req, sp.name), req.responses),
        mutated: true,
      };
    }
    case "deleteProcessor":
      store.deleteProcessor(groupId, t, n);
      return { status: 204, mutated: true };
    case "startProcessor":
      store.startProcessor(groupId, t, n);
      return { status: 200, body: {}, mutated: true };
    case "startProcessorWith": {
      store.processor(groupId, t, n);
      store.startProcessor(groupId, t, n, parseStartWith(req.body));
      return { status: 200, body: {}, mutated: true };
    }
    case "stopProcessor":
      store.stopProcessor(groupId, t, n);
      return { status: 200, body: {}, mutated: true };
    case "listConnections": {
      const ws = store.workspace(groupId, t);
      return { status: 200, body: paginate(req, ws.connections, (c) => connectionViewOf(req, store, ws, c), false) };
    }
    case "createConnection": {
      const ws = store.workspace(groupId, t);
      const c = createConnection(
        store,
        groupId,
        ws,
        parseConnection(req.body, "create"),
        req.connectionPropagationMs,
        req.connectionPendingMs ?? 0,
      );
      return { status: 200, body: connectionViewOf(req, store, ws, c), mutated: true };
    }
    case "getConnection": {
      const ws = store.workspace(groupId, t);
      const c = findConnection(ws, connectionName!);
      return { status: 200, body: connectionViewOf(req, store, ws, c) };
    }
    case "modifyConnection": {
      const ws = store.workspace(groupId, t);
      const current = findConnection(ws, connectionName!);
      const c = modifyConnection(ws, current, parseConnection(req.body, "modify", current.type));
      // Atlas' answer to an update carries no `state` (recorded); the classic one did.
      return { status: 200, body: connectionViewOf(req, store, ws, c, req.responses === "classic"), mutated: true };
    }
    case "deleteConnection": {
      const ws = store.workspace(groupId, t);
      deleteConnection(ws, findConnection(ws, connectionName!));
      return { status: 202, body: {}, mutated: true };
    }
    default:
      return fail(500, "UNEXPECTED_ERROR", "Unhandled route.");
  }
}
