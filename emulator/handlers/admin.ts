// The admin API (`/admin/...`, no auth: a loopback test tool) and the equivalent in-process
// helpers. Both share one implementation so tests and scripts see identical behaviour: each HTTP
// route (routes.ts `ADMIN_ROUTES`) has a handler here that calls the in-process helper.
import { mergeActionSettings, type ActionSettings } from "../actions";
import { addConnection } from "../connections";
import { ApiException, apiError } from "../errors";
import type { EmulatorCore } from "../core";
import { durationProblem, isDuration, isPlainObject } from "../documents";
import { validateFaultSpec } from "../faults";
import { RATE_LIMIT_PROBLEM, validateRateLimit } from "../ratelimit";
import { validateSeed } from "../seed";
import { applySeed, publicState } from "../snapshots";
import type { ProcessorRecord } from "../records";
import type { AdminKey, RouteParams } from "../routes";
import type { AppliedOperation, FaultSpec, RateLimitConfig, RequestLogEntry, SeedDocument } from "../types";

export type ProcessorSnapshot = ProcessorRecord & { observedState: string };

export interface EmulatorAdmin {
  injectFault(spec: FaultSpec): string;
  clearFaults(): void;
  faults(): Array<FaultSpec & { id: string; remaining: number }>;
  requests(): RequestLogEntry[];
  clearRequests(): void;
  /** Every processor operation carried out (create, modify, delete, start, stop), oldest first. */
  appliedOperations(): AppliedOperation[];
  clearAppliedOperations(): void;
  seed(doc: SeedDocument): void;
  failProcessor(groupId: string, workspaceName: string, processorName: string): void;
  setProcessorState(groupId: string, workspaceName: string, processorName: string, state: string): void;
  /** Once the processor reads STARTED (now, or after its next start) it reads FAILED `ms` later (once). */
  failAfterStart(groupId: string, workspaceName: string, processorName: string, ms: number): void;
  getProcessor(groupId: string, workspaceName: string, processorName: string): ProcessorSnapshot | undefined;
  /**
   * The tier an autoscaling processor runs on now (GET's `effectiveTier`), as if Atlas had scaled
   * it. Refused (400) without enabled autoscaling or outside [minTier, maxTier]. It holds until the
   * next start, stop or autoscaling change.
   */
  setEffectiveTier(groupId: string, workspaceName: string, processorName: string, tier: string): void;
  setTransitionMs(ms: number): void;
  /** Same shapes as the `rateLimit` option, `"atlas"` included; buckets start full. */
  setRateLimit(cfg: RateLimitConfig | "atlas" | false): void;
  /**
   * Action mode (see `EmulatorOptions.actionMode`); omitted keys keep their value,
   * `actionTimeoutMs: null` turns the timeout off. Returns the settings now in force.
   */
  setActionMode(settings: {
    mode?: "async" | "sync" | undefined;
    actionMs?: number | undefined;
    actionTimeoutMs?: number | null | undefined;
    modifyTimeoutMs?: number | null | undefined;
    transitionalStates?: boolean | undefined;
  }): ActionSettings;
  /**
   * Adds (or replaces) a connection of a workspace. Until `propagationMs` (default: the
   * emulator's `connectionPropagationMs`) has passed, create/modify naming it answer the same
   * 400 as a missing connection.
   */
  addConnection(
    groupId: string,
    workspaceName: string,
    connection: { name: string; type: string },
    opts?: { propagationMs?: number | undefined },
  ): void;
  reset(): void;
  /** Resolves once every state change so far is on disk (no-op in memory). */
  flush(): Promise<void>;
}

function badRequest(detail: string): never {
  throw new ApiException(apiError(400, "VALIDATION_ERROR", detail));
}

export function createAdmin(core: EmulatorCore): EmulatorAdmin {
  const persist = () => {
    // In-process helpers are synchronous; persistence failures are reported, not thrown later.
    core.persist().catch((e: unknown) => process.emitWarning(`atlas-streams-emulator: persisting failed: ${String(e)}`));
  };
  return {
    injectFault(spec) {
      const errs = validateFaultSpec(spec);
      if (errs.length) badRequest(`Invalid fault: ${errs.join("; ")}`);
      return core.faults.add(spec);
    },
    clearFaults: () => core.faults.clear(),
    faults: () => core.faults.list(),
    requests: () => core.log.entries(),
    clearRequests: () => core.log.clear(),
    appliedOperations: () => core.store.applied.map((a) => ({ ...a })),
    clearAppliedOperations: () => {
      core.store.applied.length = 0;
    },
    seed(doc) {
      try {
        applySeed(core.store, validateSeed(doc));
      } catch (e) {
        badRequest((e as Error).message);
      }
      persist();
    },
    failProcessor(g, w, p) {
      core.store.failProcessor(g, w, p);
      persist();
    },
    setProcessorState(g, w, p, state) {
      if (typeof state !== "string" || !state) badRequest("state must be a non-empty string");
      core.store.setProcessorState(g, w, p, state);
      persist();
    },
    failAfterStart(g, w, p, ms) {
      if (!isDuration(ms)) badRequest(durationProblem("ms"));
      core.store.failAfterStart(g, w, p, ms);
    },
    getProcessor(g, w, p) {
      const sp = core.store.projects.get(g)?.workspaces.get(w)?.processors.get(p);
      return sp ? core.store.copy(sp) : undefined;
    },
    setEffectiveTier(g, w, p, tier) {
      if (typeof tier !== "string" || !tier) badRequest("tier must be a non-empty string");
      core.store.setEffectiveTier(g, w, p, tier);
      persist();
    },
    setTransitionMs(ms) {
      // Not isDuration: Infinity (a transition that never ends) has always been accepted here.
      if (!(typeof ms === "number" && ms >= 0)) badRequest(durationProblem("transitionMs"));
      core.store.transitionMs = ms;
    },
    setRateLimit(cfg) {
      const v = validateRateLimit(cfg);
      if (v === undefined) badRequest(RATE_LIMIT_PROBLEM);
      core.limiter.configure(v);
    },
    setActionMode(settings) {
      const next = mergeActionSettings(core.store.actions, settings);
      if (typeof next === "string") badRequest(next);
      core.store.actions = next;
      return { ...next };
    },
    addConnection(g, w, connection, opts = {}) {
      const c = connection as unknown;
      if (!isPlainObject(c) || typeof c.name !== "string" || !c.name || typeof c.type !== "string" || !c.type) {
        badRequest("connection must be {name, type} with non-empty strings");
      }
      const ms = opts.propagationMs ?? core.connectionPropagationMs;
      if (!isDuration(ms)) badRequest(durationProblem("propagationMs"));
      // Never PENDING: the admin API's connections only propagate (connectionPendingMs is the connections API's).
      addConnection(core.store, g, w, { name: c.name, type: c.type }, ms, 0);
      persist();
    },
    reset() {
      core.faults.clear();
      core.log.clear();
      core.store.applied.length = 0;
      core.limiter.reset();
    },
    flush: () => (core.writer ? core.persist() : Promise.resolve()),
  };
}

export interface AdminResponse {
  status: number;
  body?: unknown;
}

/** An admin request: its route's parameters (decoded) and its JSON body (undefined when empty). */
export interface AdminRequest {
  params: RouteParams;
  body: unknown;
}

export type AdminHandler = (core: EmulatorCore, admin: EmulatorAdmin, req: AdminRequest) => AdminResponse | Promise<AdminResponse>;

// The admin API's own wording, deliberately not the Atlas API's (validation.ts names the field in
// `badRequestDetail`): it is the emulator's tool, and has always answered so.
function objectBody(body: unknown): Record<string, unknown> {
  if (!isPlainObject(body)) badRequest("The request body must be a JSON object.");
  return body;
}

/** The processor an admin processor route names. */
function processorOf(req: AdminRequest): [string, string, string] {
  const p = req.params;
  return [p.groupId!, p.tenantName!, p.processorName!];
}

/** The admin HTTP API, one handler per route of routes.ts `ADMIN_ROUTES`; each does what its `EmulatorAdmin` method does. */
export const ADMIN_HANDLERS: Record<AdminKey, AdminHandler> = {
  listFaults: (_core, admin) => ({ status: 200, body: { faults: admin.faults() } }),
  injectFault: (_core, admin, req) => ({ status: 201, body: { id: admin.injectFault(objectBody(req.body) as unknown as FaultSpec) } }),
  clearFaults(_core, admin) {
    admin.clearFaults();
    return { status: 200, body: { cleared: true } };
  },
  listRequests: (_core, admin) => ({ status: 200, body: { requests: admin.requests() } }),
  clearRequests(_core, admin) {
    admin.clearRequests();
    return { status: 200, body: { cleared: true } };
  },
  listApplied: (_core, admin) => ({ status: 200, body: { applied: admin.appliedOperations() } }),
  clearApplied(_core, admin) {
    admin.clearAppliedOperations();
    return { status: 200, body: { cleared: true } };
  },
  async seed(core, admin, req) {
    admin.seed(objectBody(req.body) as SeedDocument);
    await core.persist();
    return { status: 200, body: { ok: true } };
  },
  changeSettings(core, admin, req) {
    const b = objectBody(req.body);
    if (b.transitionMs !== undefined) admin.setTransitionMs(b.transitionMs as number);
    if (b.rateLimit !== undefined) admin.setRateLimit(b.rateLimit as RateLimitConfig | "atlas" | false);
    // `actionMode` is accepted as a clearer alias of `mode`.
    const mode = b.mode ?? b.actionMode;
    if (
      mode !== undefined ||
      b.actionMs !== undefined ||
      b.actionTimeoutMs !== undefined ||
      b.modifyTimeoutMs !== undefined ||
      b.transitionalStates !== undefined
    ) {
      admin.setActionMode({
        mode,
        actionMs: b.actionMs,
        actionTimeoutMs: b.actionTimeoutMs,
        modifyTimeoutMs: b.modifyTimeoutMs,
        transitionalStates: b.transitionalStates,
      } as Parameters<EmulatorAdmin["setActionMode"]>[0]);
    }
    const a = core.store.actions;
    return {
      status: 200,
      body: {
        transitionMs: core.store.transitionMs,
        rateLimit: core.limiter.enabled,
        actionMode: a.mode,
        actionMs: a.actionMs,
        actionTimeoutMs: a.actionTimeoutMs ?? null,
        modifyTimeoutMs: a.modifyTimeoutMs ?? null,
        transitionalStates: a.transitionalStates === true,
      },
    };
  },
  state: (core) => ({ status: 200, body: publicState(core.store) }),
  reset(_core, admin) {
    admin.reset();
    return { status: 200, body: { ok: true } };
  },
  async addConnection(core, admin, req) {
    const b = objectBody(req.body);
    const opts = b.propagationMs === undefined ? {} : { propagationMs: b.propagationMs as number };
    admin.addConnection(req.params.groupId!, req.params.tenantName!, { name: b.name as string, type: b.type as string }, opts);
    await core.persist();
    return { status: 200, body: { name: b.name, type: b.type, propagationMs: opts.propagationMs ?? core.connectionPropagationMs } };
  },
  getProcessor(_core, admin, req) {
    const [g, w, p] = processorOf(req);
    const sp = admin.getProcessor(g, w, p);
    // Its own 404, not the Store's: the in-process getProcessor answers undefined for a missing processor.
    if (!sp) throw new ApiException(apiError(404, "RESOURCE_NOT_FOUND", `No processor ${p} in ${g}/${w}.`));
    return { status: 200, body: sp };
  },
  async failProcessor(core, admin, req) {
    const [g, w, p] = processorOf(req);
    admin.failProcessor(g, w, p);
    await core.persist();
    return { status: 200, body: admin.getProcessor(g, w, p) };
  },
  failAfterStart(_core, admin, req) {
    const [g, w, p] = processorOf(req);
    admin.failAfterStart(g, w, p, objectBody(req.body).ms as number);
    return { status: 200, body: admin.getProcessor(g, w, p) };
  },
  async setEffectiveTier(core, admin, req) {
    const [g, w, p] = processorOf(req);
    admin.setEffectiveTier(g, w, p, objectBody(req.body).tier as string);
    await core.persist();
    return { status: 200, body: admin.getProcessor(g, w, p) };
  },
  async setProcessorState(core, admin, req) {
    const [g, w, p] = processorOf(req);
    admin.setProcessorState(g, w, p, objectBody(req.body).state as string);
    await core.persist();
    return { status: 200, body: admin.getProcessor(g, w, p) };
  },
};
