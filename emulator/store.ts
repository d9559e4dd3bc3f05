// The emulated Atlas state and the stream-processor state machine. Pure: no I/O, an injectable
// clock, and transitions computed lazily from timestamps (a processor is "STARTING" until its
// `transition.until` passes, then it reads as the settled state) so no timers are needed.
import { randomBytes } from "node:crypto";
import { DEFAULT_ACTION_SETTINGS, type ActionSettings } from "./actions";
import { fail, processorProblem } from "./errors";
import type { ProcessorInput, StartWithInput, WorkspaceInput } from "./validation";
import type {
  RoleAssignment,
  SeedApiKey,
  SeedConnection,
  SeedDocument,
  SeedProcessor,
  SeedServiceAccount,
  SeedWorkspace,
} from "./types";

export const GROUP_ID_RE = /^[a-f0-9]{24}$/;

export interface ProcessorRecord {
  _id: string;
  name: string;
  pipeline: unknown[];
  options?: Record<string, unknown>;
  tier: string;
  failoverEnabled: boolean;
  /** Settled state (what GET shows once any transition is over). */
  state: string;
  /** The latest run, for `stats`: from when it reads STARTED until it was stopped (epoch ms). */
  run?: { from: number; to?: number };
  /** In-flight transition shown until `until` (epoch ms); `first` is an earlier phase shown before it. */
  transition?: { state: string; until: number; first?: { state: string; until: number } };
}

export interface WorkspaceRecord {
  _id: string;
  name: string;
  cloudProvider: string;
  region: string;
  tier: string;
  connections: SeedConnection[];
  processors: Map<string, ProcessorRecord>;
}

export interface ProjectRecord {
  id: string;
  name: string;
  workspaces: Map<string, WorkspaceRecord>;
}

export function newObjectId(): string {
  // 4-byte time prefix like a BSON ObjectId, then random bytes: 24 lower-case hex characters.
  const t = Math.floor(Date.now() / 1000).toString(16).padStart(8, "0").slice(-8);
  return t + randomBytes(8).toString("hex");
}

const RUNNING = new Set(["STARTED", "STARTING"]);
/** What Atlas reports after a create, before CREATED (the Terraform provider waits on both). */
const BEING_CREATED = new Set(["INIT", "CREATING"]);

export class Store {
  readonly projects = new Map<string, ProjectRecord>();
  readonly apiKeys = new Map<string, SeedApiKey>();
  readonly serviceAccounts = new Map<string, SeedServiceAccount>();
  /** How :start/:startWith/:stop take effect (see actions.ts). */
  actions: ActionSettings = { ...DEFAULT_ACTION_SETTINGS };

  constructor(
    public transitionMs = 0,
    readonly now: () => number = Date.now,
  ) {}

  // ---------- seeding / snapshot ----------

  /** Merges a (validated) seed: projects by id, workspaces and processors by name, keys by id. */
  applySeed(doc: SeedDocument): void {
    for (const p of doc.projects ?? []) {
      let project = this.projects.get(p.id);
      if (!project) {
        project = { id: p.id, name: p.name ?? p.id, workspaces: new Map() };
        this.projects.set(p.id, project);
      } else if (p.name) project.name = p.name;
      for (const w of p.workspaces ?? []) this.seedWorkspace(project, w);
    }
    for (const k of doc.apiKeys ?? []) this.apiKeys.set(k.publicKey, { ...k, roles: [...(k.roles ?? [])] });
    for (const s of doc.serviceAccounts ?? []) this.serviceAccounts.set(s.clientId, { ...s, roles: [...(s.roles ?? [])] });
  }

  private seedWorkspace(project: ProjectRecord, w: SeedWorkspace): void {
    let ws = project.workspaces.get(w.name);
    if (!ws) {
      ws = {
        _id: w._id ?? newObjectId(),
        name: w.name,
        cloudProvider: w.cloudProvider ?? "AWS",
        region: w.region ?? "VIRGINIA_USA",
        tier: w.tier ?? "SP30",
        connections: [],
        processors: new Map(),
      };
      project.workspaces.set(w.name, ws);
    } else {
      if (w.cloudProvider) ws.cloudProvider = w.cloudProvider;
      if (w.region) ws.region = w.region;
      if (w.tier) ws.tier = w.tier;
    }
    for (const c of w.connections ?? []) {
      const i = ws.connections.findIndex((x) => x.name === c.name);
      if (i >= 0) ws.connections[i] = { ...c };
      else ws.connections.push({ ...c });
    }
    for (const sp of w.processors ?? []) {
      const existing = ws.processors.get(sp.name);
      const rec: ProcessorRecord = {
        _id: sp._id ?? existing?._id ?? newObjectId(),
        name: sp.name,
        pipeline: structuredClone(sp.pipeline),
        // Atlas runs a processor without a tier on its workspace's tier.
        tier: sp.tier ?? ws.tier,
        failoverEnabled: sp.failoverEnabled ?? false,
        state: sp.state ?? "CREATED",
      };
      if (sp.options) rec.options = structuredClone(sp.options);
      if (sp.transition) rec.transition = { ...sp.transition };
      if (sp.run) rec.run = { ...sp.run };
      else if (rec.state === "STARTED") rec.run = { from: this.now() };
      ws.processors.set(sp.name, rec);
    }
  }

  /** Full document (secrets included) for the data file. Loading it back reproduces the state. */
  snapshot(): SeedDocument {
    return {
      projects: [...this.projects.values()].map((p) => ({
        id: p.id,
        name: p.name,
        workspaces: [...p.workspaces.values()].map((w) => ({
          _id: w._id,
          name: w.name,
          cloudProvider: w.cloudProvider,
          region: w.region,
          tier: w.tier,
          connections: w.connections.map((c) => ({ ...c })),
          processors: [...w.processors.values()].map((sp) => {
            this.settle(sp);
            const out: SeedProcessor = {
              _id: sp._id,
              name: sp.name,
              pipeline: sp.pipeline,
              state: sp.state,
              tier: sp.tier,
              failoverEnabled: sp.failoverEnabled,
            };
            if (sp.options) out.options = sp.options;
            if (sp.transition) out.transition = sp.transition;
            if (sp.run) out.run = sp.run;
            return out;
          }),
        })),
      })),
      apiKeys: [...this.apiKeys.values()],
      serviceAccounts: [...this.serviceAccounts.values()],
    };
  }

  /** State for the admin API: no secrets. */
  publicState(): unknown {
    return {
      projects: [...this.projects.values()].map((p) => ({
        id: p.id,
        name: p.name,
        workspaces: [...p.workspaces.values()].map((w) => ({
          name: w.name,
          cloudProvider: w.cloudProvider,
          region: w.region,
          connections: w.connections.map((c) => ({ name: c.name, type: c.type })),
          processors: [...w.processors.values()].map((sp) => this.copy(sp)),
        })),
      })),
      apiKeys: [...this.apiKeys.values()].map((k) => ({ publicKey: k.publicKey, roles: k.roles ?? [] })),
      serviceAccounts: [...this.serviceAccounts.values()].map((s) => ({ clientId: s.clientId, roles: s.roles ?? [] })),
    };
  }

  // ---------- lookups ----------

  rolesOf(kind: "apiKey" | "serviceAccount", id: string): RoleAssignment[] {
    const rec = kind === "apiKey" ? this.apiKeys.get(id) : this.serviceAccounts.get(id);
    return rec?.roles ?? [];
  }

  project(groupId: string): ProjectRecord {
    const p = this.projects.get(groupId);
    // Unverified: Atlas' exact code for a well-formed but unknown project id.
    if (!p) fail(404, "GROUP_NOT_FOUND", `No group with ID ${groupId} exists.`, { parameters: [groupId] });
    return p;
  }

  workspace(groupId: string, tenantName: string): WorkspaceRecord {
    const ws = this.project(groupId).workspaces.get(tenantName);
    if (!ws) {
      fail(404, "STREAM_TENANT_NOT_FOUND_FOR_NAME", `Stream instance for project ${groupId} and name ${tenantName} not found.`, {
        parameters: [groupId, tenantName],
      });
    }
    return ws;
  }

  processor(groupId: string, tenantName: string, name: string): ProcessorRecord {
    const sp = this.workspace(groupId, tenantName).processors.get(name);
    // Unverified: the errorCode Atlas uses for an unknown processor (clients should rely on 404).
    if (!sp) fail(404, "STREAM_PROCESSOR_NOT_FOUND", `Stream processor ${name} not found in stream instance ${tenantName}.`, { parameters: [name] });
    return this.settle(sp);
  }

  /** Drops a finished transition so `state` is the observed state. */
  settle(sp: ProcessorRecord): ProcessorRecord {
    if (sp.transition && this.now() >= sp.transition.until) delete sp.transition;
    return sp;
  }

  observedState(sp: ProcessorRecord): string {
    this.settle(sp);
    const t = sp.transition;
    if (t?.first && this.now() < t.first.until) return t.first.state;
    return t ? t.state : sp.state;
  }

  copy(sp: ProcessorRecord): ProcessorRecord & { observedState: string } {
    return { ...structuredClone(sp), observedState: this.observedState(sp) };
  }

  // ---------- workspaces ----------

  listWorkspaces(groupId: string): WorkspaceRecord[] {
    return [...this.project(groupId).workspaces.values()];
  }

  createWorkspace(groupId: string, input: WorkspaceInput): WorkspaceRecord {
    const project = this.project(groupId);
    if (project.workspaces.has(input.name)) {
      // Unverified code; 400 because the spec declares no 409 for this operation.
      fail(400, "STREAM_TENANT_NAME_ALREADY_EXISTS", `A stream instance named ${input.name} already exists in project ${groupId}.`, {
        parameters: [input.name],
      });
    }
    const ws: WorkspaceRecord = {
      _id: newObjectId(),
      name: input.name,
      cloudProvider: input.cloudProvider,
      region: input.region,
      tier: input.tier ?? "SP30",
      connections: input.sampleSolar ? [{ name: "sample_stream_solar", type: "Sample" }] : [],
      processors: new Map(),
    };
    project.workspaces.set(ws.name, ws);
    return ws;
  }

  // ---------- processors ----------

  listProcessors(groupId: string, tenantName: string): ProcessorRecord[] {
    return [...this.workspace(groupId, tenantName).processors.values()].map((sp) => this.settle(sp));
  }

  createProcessor(groupId: string, tenantName: string, input: ProcessorInput): ProcessorRecord {
    const ws = this.workspace(groupId, tenantName);
    if (ws.processors.has(input.name)) {
      // Unverified: the spec declares a 409 for create; we use it for a duplicate name.
      fail(409, "STREAM_PROCESSOR_ALREADY_EXISTS", `Streams Processor with this name (${input.name}) already exists.`, {
        parameters: [input.name],
      });
    }
    const sp: ProcessorRecord = {
      _id: newObjectId(),
      name: input.name,
      pipeline: input.pipeline,
      tier: input.tier ?? ws.tier,
      failoverEnabled: input.failoverEnabled ?? false,
      state: "CREATED",
    };
    if (input.options) sp.options = input.options;
    // INIT for the first half of the transition, CREATING for the second.
    this.beginTransition(sp, "CREATING");
    if (sp.transition) sp.transition.first = { state: "INIT", until: this.now() + this.transitionMs / 2 };
    ws.processors.set(sp.name, sp);
    return sp;
  }

  modifyProcessor(
    groupId: string,
    tenantName: string,
    name: string,
    patch: Partial<ProcessorInput>,
  ): ProcessorRecord {
    const ws = this.workspace(groupId, tenantName);
    const sp = this.processor(groupId, tenantName, name);
    const state = this.observedState(sp);
    // Atlas documents that a processor must be stopped before it is modified.
    if (RUNNING.has(state) || state === "STOPPING") processorProblem(name, `processor must be stopped before it can be modified (state ${state})`);
    if (BEING_CREATED.has(state)) processorProblem(name, "processor is still being created");
    // The spec declares no 409 for modify, so a rename onto a taken name is a 400 (unverified).
    if (patch.name !== undefined && patch.name !== name && ws.processors.has(patch.name)) {
      processorProblem(name, `a processor named ${patch.name} already exists`);
    }
    if (patch.pipeline) sp.pipeline = patch.pipeline;
    if (patch.options) sp.options = { ...(sp.options ?? {}), ...patch.options };
    if (patch.tier) sp.tier = patch.tier;
    if (patch.failoverEnabled !== undefined) sp.failoverEnabled = patch.failoverEnabled;
    if (patch.name !== undefined && patch.name !== name) {
      // Rebuild the map so the renamed processor keeps its position in list order.
      const entries = [...ws.processors.entries()].map(([k, v]) => (k === name ? ([patch.name!, v] as const) : ([k, v] as const)));
      sp.name = patch.name;
      ws.processors.clear();
      for (const [k, v] of entries) ws.processors.set(k, v);
    }
    return sp;
  }

  /** Unverified: Atlas lets a running processor be dropped (the Terraform provider deletes without stopping). */
  deleteProcessor(groupId: string, tenantName: string, name: string): void {
    const ws = this.workspace(groupId, tenantName);
    this.processor(groupId, tenantName, name);
    ws.processors.delete(name);
  }

  startProcessor(groupId: string, tenantName: string, name: string, opts: StartWithInput = {}): ProcessorRecord {
    const ws = this.workspace(groupId, tenantName);
    const sp = this.processor(groupId, tenantName, name);
    const state = this.observedState(sp);
    if (state === "STARTED" || state === "STARTING") processorProblem(name, "processor is already started");
    if (state === "STOPPING") processorProblem(name, "processor is stopping");
    if (BEING_CREATED.has(state)) processorProblem(name, "processor is still being created");
    if (opts.tier) sp.tier = opts.tier;
    // A `$source` naming a connection the workspace does not have is accepted, then fails
    // asynchronously, as a real deployment would when the source cannot be reached.
    sp.state = sourceIsValid(sp.pipeline, ws.connections) ? "STARTED" : "FAILED";
    this.beginAction(sp, "STARTING", state);
    if (sp.state === "STARTED") sp.run = { from: sp.transition?.until ?? this.now() };
    else delete sp.run;
    return sp;
  }

  stopProcessor(groupId: string, tenantName: string, name: string): ProcessorRecord {
    const sp = this.processor(groupId, tenantName, name);
    const state = this.observedState(sp);
    if (state === "STOPPED") processorProblem(name, "processor is already stopped");
    if (state === "CREATED" || BEING_CREATED.has(state)) processorProblem(name, "processor has not been started");
    if (state === "STOPPING") processorProblem(name, "processor is already stopping");
    // STARTED, STARTING and FAILED (unverified) may be stopped.
    sp.state = "STOPPED";
    this.beginAction(sp, "STOPPING", state);
    // In sync mode it keeps reading (and counting) as before until the action completes.
    this.endRun(sp, this.actions.mode === "sync" ? sp.transition?.until : undefined);
    return sp;
  }

  /** Admin: the processor reads FAILED from now on (as if its pipeline crashed). */
  failProcessor(groupId: string, tenantName: string, name: string): ProcessorRecord {
    const sp = this.processor(groupId, tenantName, name);
    delete sp.transition;
    sp.state = "FAILED";
    this.endRun(sp);
    return sp;
  }

  setProcessorState(groupId: string, tenantName: string, name: string, state: string): ProcessorRecord {
    const sp = this.processor(groupId, tenantName, name);
    delete sp.transition;
    sp.state = state;
    if (state !== "STARTED") this.endRun(sp);
    else if (!sp.run || sp.run.to !== undefined) sp.run = { from: this.now() };
    return sp;
  }

  private endRun(sp: ProcessorRecord, at = this.now()): void {
    if (sp.run && sp.run.to === undefined) sp.run.to = Math.max(sp.run.from, at);
  }

  /** Async: `transitional` for transitionMs. Sync: the previous state for actionMs, as the answer is held that long. */
  private beginAction(sp: ProcessorRecord, transitional: string, previous: string): void {
    if (this.actions.mode === "async") return this.beginTransition(sp, transitional);
    if (this.actions.actionMs > 0) sp.transition = { state: previous, until: this.now() + this.actions.actionMs };
    else delete sp.transition;
  }

  private beginTransition(sp: ProcessorRecord, transitional: string): void {
    if (this.transitionMs > 0) sp.transition = { state: transitional, until: this.now() + this.transitionMs };
    else delete sp.transition;
  }
}

/** The first `$source` stage must name a connection of the workspace (or carry inline documents). */
export function sourceIsValid(pipeline: unknown[], connections: SeedConnection[]): boolean {
  const first = pipeline[0] as Record<string, unknown> | undefined;
  const source = first?.["$source"] as Record<string, unknown> | undefined;
  if (!source || typeof source !== "object") return false;
  if (Array.isArray(source.documents) && source.connectionName === undefined) return true;
  return typeof source.connectionName === "string" && connections.some((c) => c.name === source.connectionName);
}
