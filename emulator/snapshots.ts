// The Store's state in and out as documents: merging a seed, the data-file snapshot (secrets
// included, so loading it back reproduces the state) and the admin view (no secrets). Callers use
// these functions directly: the Store has no seed or snapshot methods, so this file depends on
// store.ts and nothing points back.
import { deletionBegun, sweepDeleted } from "./connection-lifecycle";
import { WORKSPACE_DEFAULTS } from "./defaults";
import { newObjectId, newProcessorRecord, type ProjectRecord, type WorkspaceRecord } from "./records";
import type { Store } from "./store";
import type { SeedDocument, SeedProcessor, SeedWorkspace } from "./types";

/** Merges a (validated) seed: projects by id, workspaces and processors by name, keys by id. */
export function applySeed(store: Store, doc: SeedDocument): void {
  for (const p of doc.projects ?? []) {
    let project = store.projects.get(p.id);
    if (!project) {
      project = { id: p.id, name: p.name ?? p.id, workspaces: new Map() };
      store.projects.set(p.id, project);
    } else if (p.name) project.name = p.name;
    for (const w of p.workspaces ?? []) seedWorkspace(store, project, w);
  }
  for (const k of doc.apiKeys ?? []) store.apiKeys.set(k.publicKey, { ...k, roles: [...(k.roles ?? [])] });
  for (const s of doc.serviceAccounts ?? []) store.serviceAccounts.set(s.clientId, { ...s, roles: [...(s.roles ?? [])] });
}

function seedWorkspace(store: Store, project: ProjectRecord, w: SeedWorkspace): void {
  let ws = project.workspaces.get(w.name);
  if (!ws) {
    ws = {
      _id: w._id ?? newObjectId(),
      name: w.name,
      cloudProvider: w.cloudProvider ?? WORKSPACE_DEFAULTS.cloudProvider,
      region: w.region ?? WORKSPACE_DEFAULTS.region,
      tier: w.tier ?? WORKSPACE_DEFAULTS.tier,
      failoverRegions: [...(w.failoverRegions ?? [])],
      connections: [],
      processors: new Map(),
    };
    if (w.maxTierSize) ws.maxTierSize = w.maxTierSize;
    project.workspaces.set(w.name, ws);
  } else {
    if (w.cloudProvider) ws.cloudProvider = w.cloudProvider;
    if (w.region) ws.region = w.region;
    if (w.tier) ws.tier = w.tier;
    if (w.maxTierSize) ws.maxTierSize = w.maxTierSize;
    if (w.failoverRegions) ws.failoverRegions = [...w.failoverRegions];
  }
  for (const c of w.connections ?? []) {
    const i = ws.connections.findIndex((x) => x.name === c.name);
    // Every connection has an `id` (24 hex) as in Atlas; a seed may give it, a re-seed keeps it.
    const id = typeof c.id === "string" ? c.id : ((i >= 0 ? ws.connections[i]!.id : undefined) ?? newObjectId());
    if (i >= 0) ws.connections[i] = { ...c, id };
    else ws.connections.push({ ...c, id });
  }
  for (const sp of w.processors ?? []) {
    const existing = ws.processors.get(sp.name);
    const rec = newProcessorRecord(ws, { ...sp, _id: sp._id ?? existing?._id, pipeline: structuredClone(sp.pipeline) });
    if (sp.options) rec.options = structuredClone(sp.options);
    if (sp.effectiveTier) rec.effectiveTier = sp.effectiveTier;
    if (sp.transition) rec.transition = { ...sp.transition };
    if (sp.run) rec.run = { ...sp.run };
    else if (rec.state === "STARTED") rec.run = { from: store.now() };
    ws.processors.set(sp.name, rec);
  }
}

/** Every project as `{id, name, workspaces}`, each workspace (finished connection deletions swept out) as `view` shows it. */
function projectsOf<W>(store: Store, view: (w: WorkspaceRecord) => W): Array<{ id: string; name: string; workspaces: W[] }> {
  const shown = (w: WorkspaceRecord) => {
    sweepDeleted(w, store.now());
    return view(w);
  };
  return [...store.projects.values()].map((p) => ({ id: p.id, name: p.name, workspaces: [...p.workspaces.values()].map(shown) }));
}

/** Full document (secrets included) for the data file. */
export function snapshot(store: Store): SeedDocument {
  return {
    projects: projectsOf(store, (w) => ({
      _id: w._id,
      name: w.name,
      cloudProvider: w.cloudProvider,
      region: w.region,
      tier: w.tier,
      ...(w.maxTierSize ? { maxTierSize: w.maxTierSize } : {}),
      failoverRegions: [...w.failoverRegions],
      // Connection times are not kept: a restart finds every connection settled (a PENDING one
      // READY, a DELETING one gone).
      connections: w.connections.filter((c) => !deletionBegun(c)).map((c) => ({ ...c })),
      processors: [...w.processors.values()].map((sp) => {
        store.settle(sp);
        const out: SeedProcessor = {
          _id: sp._id,
          name: sp.name,
          pipeline: sp.pipeline,
          state: sp.state,
          tier: sp.tier,
          failoverEnabled: sp.failoverEnabled,
        };
        if (sp.options) out.options = sp.options;
        if (sp.effectiveTier) out.effectiveTier = sp.effectiveTier;
        if (sp.transition) out.transition = sp.transition;
        if (sp.run) out.run = sp.run;
        return out;
      }),
    })),
    apiKeys: [...store.apiKeys.values()],
    serviceAccounts: [...store.serviceAccounts.values()],
  };
}

/** State for the admin API: no secrets. */
export function publicState(store: Store): unknown {
  return {
    projects: projectsOf(store, (w) => ({
      name: w.name,
      cloudProvider: w.cloudProvider,
      region: w.region,
      failoverRegions: [...w.failoverRegions],
      connections: w.connections.map((c) => ({ name: c.name, type: c.type })), // attributes may hold credentials
      processors: [...w.processors.values()].map((sp) => store.copy(sp)),
    })),
    apiKeys: [...store.apiKeys.values()].map((k) => ({ publicKey: k.publicKey, roles: k.roles ?? [] })),
    serviceAccounts: [...store.serviceAccounts.values()].map((s) => ({ clientId: s.clientId, roles: s.roles ?? [] })),
  };
}
