// The stream workspace operations: list, create, get, delete.
import { connectionState } from "../connection-lifecycle";
import type { WorkspaceRecord } from "../records";
import { pathOf } from "../routes";
import type { Store } from "../store";
import { parseBooleanParam, parseCreateWorkspace } from "../validation";
import { paginate } from "./paginate";
import { names, type ApiRequest, type Handler } from "./request";

function workspaceView(
  req: ApiRequest,
  store: Store,
  groupId: string,
  ws: WorkspaceRecord,
  includeConnections: boolean,
): Record<string, unknown> {
  const failoverRegions = ws.failoverRegions.map((region) => ({ cloudProvider: ws.cloudProvider, region }));
  const atlas = req.responses === "atlas";
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
  if (!atlas) out.links = [{ href: `${req.baseUrl}${pathOf("getWorkspace", { groupId, tenantName: ws.name })}`, rel: "self" }];
  return out;
}

export const listWorkspaces: Handler = ({ store }, req) => {
  const { groupId } = names(req);
  return { status: 200, body: paginate(req, store.listWorkspaces(groupId), (w) => workspaceView(req, store, groupId, w, false), false) };
};

export const createWorkspace: Handler = ({ store }, req) => {
  const { groupId } = names(req);
  const ws = store.createWorkspace(groupId, parseCreateWorkspace(req.body));
  // The recorded answer to a create has no `connections`; the classic one listed them.
  return { status: 200, body: workspaceView(req, store, groupId, ws, req.responses === "classic"), mutated: true };
};

export const getWorkspace: Handler = ({ store }, req) => {
  const { groupId, tenantName } = names(req);
  const include = parseBooleanParam(req.query, "includeConnections", false);
  return { status: 200, body: workspaceView(req, store, groupId, store.workspace(groupId, tenantName), include) };
};

export const deleteWorkspace: Handler = ({ store }, req) => {
  const { groupId, tenantName } = names(req);
  store.deleteWorkspace(groupId, tenantName);
  return { status: 202, body: {}, mutated: true };
};
