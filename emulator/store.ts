// The emulated Atlas state. Pure: no I/O, an injectable clock, and transitions computed lazily
// from timestamps (a processor is "STARTING" until its `transition.until` passes, then it reads as
// the settled state) so no timers are needed. Which action each state allows, and what it leads
// to, is decided in state-machine.ts; seeding and snapshots are in snapshots.ts
// (which depends on this file; nothing here points back).
import {
  autoscalingRefusal,
  enabledAutoscaling,
  failoverRefusal,
  failoverStartRefusal,
  patchedOptions,
  pipelineChangeRefusal,
  tierWithin,
} from "./definition-rules";
import { DEFAULT_ACTION_SETTINGS, type ActionSettings } from "./actions";
import { sweepDeleted } from "./connection-lifecycle";
import { EMULATOR_DEFAULTS, WORKSPACE_DEFAULTS } from "./defaults";
import { fail, processorProblem } from "./errors";
import { failureDue } from "./fail-after-start";
import { newObjectId, newProcessorRecord, type ProcessorRecord, type ProjectRecord, type WorkspaceRecord } from "./records";
import {
  actionTransition,
  createTransition,
  observedState,
  refusal,
  settledAfterStart,
  transitionOver,
  type ProcessorAction,
  type Timing,
  type Transition,
} from "./state-machine";
import type { ProcessorInput, StartWithInput, WorkspaceInput } from "./validation";
import type { AppliedOperation, RoleAssignment, SeedApiKey, SeedServiceAccount } from "./types";

export class Store {
  readonly projects = new Map<string, ProjectRecord>();
  readonly apiKeys = new Map<string, SeedApiKey>();
  readonly serviceAccounts = new Map<string, SeedServiceAccount>();
  /** How :start/:startWith/:stop take effect (see actions.ts). */
  actions: ActionSettings = { ...DEFAULT_ACTION_SETTINGS };
  /** Every processor operation carried out, oldest first (bounded): what a test counts as "applied". */
  readonly applied: AppliedOperation[] = [];

  private noteApplied(operation: AppliedOperation["operation"], groupId: string, workspaceName: string, processorName: string): void {
    if (this.applied.length >= 10_000) this.applied.shift();
    this.applied.push({ time: new Date(this.now()).toISOString(), operation, groupId, workspaceName, processorName });
  }

  constructor(
    public transitionMs: number = EMULATOR_DEFAULTS.transitionMs,
    readonly now: () => number = Date.now,
  ) {}

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

  /** The workspace, its finished connection deletions swept out (so every reader sees the same connections). */
  workspace(groupId: string, tenantName: string): WorkspaceRecord {
    const ws = this.project(groupId).workspaces.get(tenantName);
    if (!ws) {
      fail(404, "STREAM_TENANT_NOT_FOUND_FOR_NAME", `Stream instance for project ${groupId} and name ${tenantName} not found.`, {
        parameters: [groupId, tenantName],
      });
    }
    sweepDeleted(ws, this.now());
    return ws;
  }

  processor(groupId: string, tenantName: string, name: string): ProcessorRecord {
    const sp = this.workspace(groupId, tenantName).processors.get(name);
    // Unverified: the errorCode Atlas uses for an unknown processor (clients should rely on 404).
    if (!sp)
      fail(404, "STREAM_PROCESSOR_NOT_FOUND", `Stream processor ${name} not found in stream instance ${tenantName}.`, {
        parameters: [name],
      });
    return this.settle(sp);
  }

  /** Drops a finished transition so `state` is the observed state. */
  settle(sp: ProcessorRecord): ProcessorRecord {
    if (failureDue({ state: sp.state, startedAt: sp.run?.from, transition: sp.transition }, sp.failAfterStart, this.now())) {
      sp.state = "FAILED";
      delete sp.failAfterStart;
      this.endRun(sp);
    }
    if (sp.transition && transitionOver(sp.transition, this.now())) delete sp.transition;
    return sp;
  }

  observedState(sp: ProcessorRecord): string {
    this.settle(sp);
    return observedState(sp.state, sp.transition, this.now());
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
      tier: input.tier ?? WORKSPACE_DEFAULTS.tier,
      ...(input.maxTierSize ? { maxTierSize: input.maxTierSize } : {}),
      failoverRegions: [...(input.failoverRegions ?? [])],
      connections: input.sampleSolar ? [{ id: newObjectId(), name: "sample_stream_solar", type: "Sample" }] : [],
      processors: new Map(),
    };
    project.workspaces.set(ws.name, ws);
    return ws;
  }

  /**
   * Deletes a workspace: refused with 403 STREAM_TENANT_HAS_STREAM_PROCESSORS while it holds
   * processors (code and status from an acceptance log; the detail's wording is a guess).
   */
  deleteWorkspace(groupId: string, tenantName: string): void {
    const ws = this.workspace(groupId, tenantName);
    if (ws.processors.size > 0) {
      fail(
        403,
        "STREAM_TENANT_HAS_STREAM_PROCESSORS",
        `Cannot delete stream instance ${tenantName} because it has stream processors. Delete them first.`,
        { parameters: [tenantName] },
      );
    }
    this.project(groupId).workspaces.delete(tenantName);
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
    const noFailover = failoverRefusal(input.failoverEnabled, ws.name, ws.failoverRegions);
    if (noFailover) processorProblem(input.name, noFailover);
    const tooLarge = autoscalingRefusal(input.options?.autoscaling, ws.name, ws.maxTierSize);
    if (tooLarge) processorProblem(input.name, tooLarge);
    const sp = newProcessorRecord(ws, {
      name: input.name,
      pipeline: input.pipeline,
      tier: input.tier,
      failoverEnabled: input.failoverEnabled,
    });
    if (input.options) sp.options = input.options;
    setTransition(sp, createTransition(this.transitionMs, this.now()));
    ws.processors.set(sp.name, sp);
    this.noteApplied("create", groupId, tenantName, sp.name);
    return sp;
  }

  modifyProcessor(
    groupId: string,
    tenantName: string,
    name: string,
    patch: Partial<ProcessorInput> & { resumeFromCheckpoint?: boolean },
  ): ProcessorRecord {
    const ws = this.workspace(groupId, tenantName);
    const sp = this.processor(groupId, tenantName, name);
    this.refuse(name, "modify", this.observedState(sp));
    // The spec declares no 409 for modify, so a rename onto a taken name is a 400 (unverified).
    if (patch.name !== undefined && patch.name !== name && ws.processors.has(patch.name)) {
      processorProblem(name, `a processor named ${patch.name} already exists`);
    }
    // Every refusal comes before the first change, so a refused PATCH changes nothing.
    const noFailover = failoverRefusal(patch.failoverEnabled, ws.name, ws.failoverRegions);
    if (noFailover) processorProblem(name, noFailover);
    const noResume = pipelineChangeRefusal(sp.pipeline, patch.pipeline, patch.resumeFromCheckpoint);
    if (noResume) processorProblem(name, noResume);
    const tooLarge = autoscalingRefusal(patch.options?.autoscaling, ws.name, ws.maxTierSize);
    if (tooLarge) processorProblem(name, tooLarge);
    if (patch.pipeline) sp.pipeline = patch.pipeline;
    if (patch.options) {
      const options = patchedOptions(sp.options, patch.options);
      if (options) sp.options = options;
      else delete sp.options;
      // A changed (or removed) autoscaling starts again from its minTier.
      if ("autoscaling" in patch.options) delete sp.effectiveTier;
    }
    if (patch.tier) sp.tier = patch.tier;
    if (patch.failoverEnabled !== undefined) sp.failoverEnabled = patch.failoverEnabled;
    if (patch.name !== undefined && patch.name !== name) {
      // Rebuild the map so the renamed processor keeps its position in list order.
      const entries = [...ws.processors.entries()].map(([k, v]) => (k === name ? ([patch.name!, v] as const) : ([k, v] as const)));
      sp.name = patch.name;
      ws.processors.clear();
      for (const [k, v] of entries) ws.processors.set(k, v);
    }
    this.noteApplied("modify", groupId, tenantName, name);
    return sp;
  }

  /** Unverified: Atlas lets a running processor be dropped (the Terraform provider deletes without stopping). */
  deleteProcessor(groupId: string, tenantName: string, name: string): void {
    const ws = this.workspace(groupId, tenantName);
    this.processor(groupId, tenantName, name);
    ws.processors.delete(name);
    this.noteApplied("delete", groupId, tenantName, name);
  }

  startProcessor(groupId: string, tenantName: string, name: string, opts: StartWithInput = {}): ProcessorRecord {
    const ws = this.workspace(groupId, tenantName);
    const sp = this.processor(groupId, tenantName, name);
    const state = this.observedState(sp);
    this.refuse(name, "start", state);
    const region = opts.failover?.region;
    const noFailover =
      typeof region === "string" ? failoverStartRefusal(sp.failoverEnabled, region, ws.name, ws.failoverRegions) : undefined;
    if (noFailover) processorProblem(name, noFailover);
    const tooLarge = autoscalingRefusal(opts.autoscaling, ws.name, ws.maxTierSize);
    if (tooLarge) processorProblem(name, tooLarge);
    if (opts.tier) sp.tier = opts.tier;
    // `:startWith`'s autoscaling replaces the stored one; an enabled one starts on its minTier.
    if (opts.autoscaling) sp.options = { ...(sp.options ?? {}), autoscaling: { ...opts.autoscaling } };
    const auto = enabledAutoscaling(sp.options);
    if (auto) sp.effectiveTier = auto.minTier;
    else delete sp.effectiveTier;
    sp.state = settledAfterStart(sp.pipeline, ws.connections);
    setTransition(sp, actionTransition("start", state, this.timing(), this.now()));
    // The run begins when the processor reads STARTED: after the transition, if there is one.
    if (sp.state === "STARTED") sp.run = { from: sp.transition?.until ?? this.now() };
    else delete sp.run;
    this.noteApplied("start", groupId, tenantName, name);
    return sp;
  }

  stopProcessor(groupId: string, tenantName: string, name: string): ProcessorRecord {
    const sp = this.processor(groupId, tenantName, name);
    const state = this.observedState(sp);
    this.refuse(name, "stop", state);
    sp.state = "STOPPED";
    delete sp.effectiveTier; // no longer running: it reads the tier it would start on
    setTransition(sp, actionTransition("stop", state, this.timing(), this.now()));
    // In sync mode it keeps reading (and counting) as before until the action completes.
    this.endRun(sp, this.actions.mode === "sync" ? sp.transition?.until : undefined);
    this.noteApplied("stop", groupId, tenantName, name);
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

  /**
   * Admin: the tier an autoscaling processor runs on now, as if Atlas had scaled it. Refused
   * (400) without enabled autoscaling or outside [minTier, maxTier].
   */
  setEffectiveTier(groupId: string, tenantName: string, name: string, tier: string): ProcessorRecord {
    const sp = this.processor(groupId, tenantName, name);
    const auto = enabledAutoscaling(sp.options);
    if (!auto) fail(400, "VALIDATION_ERROR", `Processor ${name} has no enabled autoscaling; its effectiveTier is its tier.`);
    if (!tierWithin(tier, auto.minTier, auto.maxTier)) {
      fail(400, "VALIDATION_ERROR", `effectiveTier ${tier} is outside the autoscaling range ${auto.minTier}..${auto.maxTier} of ${name}.`);
    }
    sp.effectiveTier = tier;
    return sp;
  }

  /** Admin: once the processor reads STARTED (now, or after its next start) it reads FAILED `ms` later. */
  failAfterStart(groupId: string, tenantName: string, name: string, ms: number): ProcessorRecord {
    const sp = this.processor(groupId, tenantName, name);
    sp.failAfterStart = { ms, armedAt: this.now() };
    return sp;
  }

  private endRun(sp: ProcessorRecord, at = this.now()): void {
    if (sp.run && sp.run.to === undefined) sp.run.to = Math.max(sp.run.from, at);
  }

  private refuse(name: string, action: ProcessorAction, state: string): void {
    const why = refusal(action, state);
    if (why !== undefined) processorProblem(name, why);
  }

  private timing(): Timing {
    return {
      transitionMs: this.transitionMs,
      mode: this.actions.mode,
      actionMs: this.actions.actionMs,
      transitionalStates: this.actions.transitionalStates === true,
    };
  }
}

function setTransition(sp: ProcessorRecord, t: Transition | undefined): void {
  if (t) sp.transition = t;
  else delete sp.transition;
}
