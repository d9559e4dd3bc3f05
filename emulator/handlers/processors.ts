// The stream processor operations: list, create, get, modify, delete, :start, :startWith, :stop.
import { assertConnectionsAvailable } from "../connections";
import { effectiveTierOf } from "../definition-rules";
import type { ProcessorRecord, WorkspaceRecord } from "../records";
import { pathOf } from "../routes";
import { processorStats } from "../stats";
import type { Store } from "../store";
import { parseCreateProcessor, parseModifyProcessor, parseStartWith } from "../validation";
import type { ResponseStyle } from "../versioning";
import { paginate } from "./paginate";
import { names, type ApiRequest, type Handler } from "./request";

function processorView(
  store: Store,
  ws: WorkspaceRecord,
  sp: ProcessorRecord,
  selfHref: string,
  style: ResponseStyle,
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
  return `${req.baseUrl}${pathOf("getProcessor", { ...req.params, processorName: name })}`;
}

// "404 before judging the body": create, modify and :startWith look the workspace or processor up
// before parsing the body, and the Store's method then looks it up again. Deliberately twice: the
// Store's methods stand alone (the pure model tests drive them directly), and only the handler
// knows that a body comes next.

export const listProcessors: Handler = ({ store }, req) => {
  const { groupId, tenantName } = names(req);
  const ws = store.workspace(groupId, tenantName);
  const view = (sp: ProcessorRecord) => processorView(store, ws, sp, processorHref(req, sp.name), req.responses);
  return { status: 200, body: paginate(req, store.listProcessors(groupId, tenantName), view, true) };
};

export const createProcessor: Handler = ({ store }, req) => {
  const { groupId, tenantName } = names(req);
  const ws = store.workspace(groupId, tenantName); // 404 before judging the body (above)
  const input = parseCreateProcessor(req.body);
  assertConnectionsAvailable(ws, input.name, input.pipeline, input.options, store.now());
  const sp = store.createProcessor(groupId, tenantName, input);
  const v = processorView(store, ws, sp, processorHref(req, sp.name), req.responses);
  // `StreamsProcessor` has no stats; keep the fields it declares plus the state.
  delete v.stats;
  delete v.eligibleForFailover;
  return { status: 200, body: v, mutated: true };
};

export const getProcessor: Handler = ({ store }, req) => {
  const { groupId, tenantName: t, processorName: n } = names(req);
  return {
    status: 200,
    body: processorView(store, store.workspace(groupId, t), store.processor(groupId, t, n), processorHref(req, n), req.responses),
  };
};

export const modifyProcessor: Handler = ({ store }, req) => {
  const { groupId, tenantName: t, processorName: n } = names(req);
  store.processor(groupId, t, n); // 404 before judging the body (above)
  const patch = parseModifyProcessor(req.body);
  assertConnectionsAvailable(store.workspace(groupId, t), n, patch.pipeline, patch.options, store.now());
  const sp = store.modifyProcessor(groupId, t, n, patch);
  return {
    status: 200,
    body: processorView(store, store.workspace(groupId, t), sp, processorHref(req, sp.name), req.responses),
    mutated: true,
  };
};

export const deleteProcessor: Handler = ({ store }, req) => {
  const { groupId, tenantName, processorName } = names(req);
  store.deleteProcessor(groupId, tenantName, processorName);
  return { status: 204, mutated: true };
};

export const startProcessor: Handler = ({ store }, req) => {
  const { groupId, tenantName, processorName } = names(req);
  store.startProcessor(groupId, tenantName, processorName);
  return { status: 200, body: {}, mutated: true };
};

export const startProcessorWith: Handler = ({ store }, req) => {
  const { groupId, tenantName: t, processorName: n } = names(req);
  store.processor(groupId, t, n); // 404 before judging the body (above)
  store.startProcessor(groupId, t, n, parseStartWith(req.body));
  return { status: 200, body: {}, mutated: true };
};

export const stopProcessor: Handler = ({ store }, req) => {
  const { groupId, tenantName, processorName } = names(req);
  store.stopProcessor(groupId, tenantName, processorName);
  return { status: 200, body: {}, mutated: true };
};
