// The connection operations of a workspace: list, create, get, modify, delete. The rules they
// apply (references, readiness, the view) are in ../connections.ts.
import {
  connectionView,
  createConnection as create,
  deleteConnection as remove,
  findConnection,
  modifyConnection as modify,
} from "../connections";
import type { WorkspaceRecord } from "../records";
import { pathOf } from "../routes";
import type { Store } from "../store";
import type { SeedConnection } from "../types";
import { parseConnection } from "../validation";
import { paginate } from "./paginate";
import { names, type ApiRequest, type Handler } from "./request";

function connectionViewOf(
  req: ApiRequest,
  store: Store,
  ws: WorkspaceRecord,
  c: SeedConnection,
  withState = true,
): Record<string, unknown> {
  return connectionView(c, {
    selfHref: `${req.baseUrl}${pathOf("getConnection", { ...req.params, connectionName: c.name })}`,
    workspaceRegion: ws.region,
    now: store.now(),
    style: req.responses,
    withState,
  });
}

export const listConnections: Handler = ({ store }, req) => {
  const { groupId, tenantName } = names(req);
  const ws = store.workspace(groupId, tenantName);
  return { status: 200, body: paginate(req, ws.connections, (c) => connectionViewOf(req, store, ws, c), false) };
};

export const createConnection: Handler = ({ store }, req) => {
  const { groupId, tenantName } = names(req);
  const ws = store.workspace(groupId, tenantName);
  const c = create(store, groupId, ws, parseConnection(req.body, "create"), req.connectionPropagationMs, req.connectionPendingMs);
  return { status: 200, body: connectionViewOf(req, store, ws, c), mutated: true };
};

export const getConnection: Handler = ({ store }, req) => {
  const { groupId, tenantName, connectionName } = names(req);
  const ws = store.workspace(groupId, tenantName);
  return { status: 200, body: connectionViewOf(req, store, ws, findConnection(ws, connectionName)) };
};

export const modifyConnection: Handler = ({ store }, req) => {
  const { groupId, tenantName, connectionName } = names(req);
  const ws = store.workspace(groupId, tenantName);
  const current = findConnection(ws, connectionName);
  const c = modify(ws, current, parseConnection(req.body, "modify", current.type));
  // Atlas' answer to an update carries no `state` (recorded); the classic one did.
  return { status: 200, body: connectionViewOf(req, store, ws, c, req.responses === "classic"), mutated: true };
};

export const deleteConnection: Handler = ({ store }, req) => {
  const { groupId, tenantName, connectionName } = names(req);
  const ws = store.workspace(groupId, tenantName);
  remove(ws, findConnection(ws, connectionName), store.now(), req.connectionDeletingMs);
  return { status: 202, body: {}, mutated: true };
};
