/**
 * The provider's lifecycle (configure, check, diff, create, read, update, delete) mapped onto
 * Atlas calls; dynamic-provider.ts exposes it to Pulumi as one small object. Decisions come from the pure modules (validate, diff, state, definition);
 * this file does the I/O in order.
 *
 * Nothing here captures a credential or a client at module scope: `configure` keeps the stack
 * config in a process slot (util/process-slot.ts), and every method resolves the endpoint
 * and credentials at call time: whatever the provider closure captures is written into the
 * state in plain text inside `__provider`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { sharedClient, type AtlasHttpClient } from "./http/client";
import { systemClock, type Clock } from "./util/clock";
import { converge, describeRef, ensureStopped, pollUntil, type ConvergeContext } from "./converge/converge";
import { checkpointRefusal, checkpointRefusalMessage } from "./converge/checkpoint";
import { definitionChanges, definitionMismatch, describeMismatch, modifyBody, type Definition } from "./model/definition";
import { diffProcessor } from "./inputs/diff";
import { asError, errorMessage, isAtlasApiError, ProcessorInitError, ProcessorStateError } from "./errors";
import { verifyRunning } from "./converge/health";
import { ProcessorApi } from "./atlas/processors";
import { definitionBody, refreshedOutputs, startWithBody, toOutputs } from "./inputs/outputs";
import { parseResourceId, refOf, resourceId } from "./inputs/resource-id";
import { allConfigKeys, resolveSettings } from "./config/settings";
import { isRunning, isTransitional, satisfies } from "./model/state";
import { logLine } from "./util/log";
import { processSlot } from "./util/process-slot";
import type { ObservedProcessor, ProcessorRef, StreamProcessorInputs, StreamProcessorOutputs } from "./types";
import { checkInputs, hasDefinition } from "./inputs/check";

/** The stack config `configure` received, kept in this process's memory only (a process slot). */
function stackConfig(): { config: Record<string, string | undefined> } {
  return processSlot("configured-stack", () => ({ config: {} }));
}

/** The process's shared HTTP client for the configured endpoint and credential (resolved now, at call time). */
export function configuredClient(): AtlasHttpClient {
  return sharedClient(resolveSettings(stackConfig().config, process.env));
}

function processorApi(clock: Clock = systemClock): ProcessorApi {
  return new ProcessorApi(configuredClient(), undefined, clock);
}

function contextFor(api: ProcessorApi, timeoutSeconds: number, clock: Clock): ConvergeContext {
  const startedAt = clock.now();
  return {
    api,
    startedAt,
    deadline: startedAt + timeoutSeconds * 1000,
    log: logLine,
    clock,
    pendingMs: api.actionSettleMs,
    unclearSettleMs: api.unclearSettleMs,
    // The waits of every resource using this endpoint and credential learn together.
    cadence: api.cadence,
  };
}

/**
 * Stops the processor if it runs, PATCHes the definition, and leaves the restart to converge.
 * When the PATCH fails, nothing changed in Atlas: a processor that was running is started again
 * on its previous definition, and the error says so (or that the restart failed too).
 */
async function replaceDefinition(
  ref: ProcessorRef,
  inputs: StreamProcessorInputs,
  ctx: ConvergeContext,
  observed: ObservedProcessor,
): Promise<ObservedProcessor> {
  const wasRunning = isRunning(observed.state) || isTransitional(observed.state);
  const stopped = await ensureStopped(ref, ctx, observed);
  if (!stopped)
    throw new ProcessorStateError(
      `The ${describeRef(ref)} disappeared (404) while it was being stopped to change its definition.`,
      "NOT_FOUND",
    );
  try {
    await ctx.api.modify(ref, modifyBody(inputs, observed));
  } catch (e) {
    // Nothing changed in Atlas. A $source or window change refused for lack of
    // resumeFromCheckpoint: false gets its own explanation (which input to set, and why).
    const stages = checkpointRefusal(e, observed.pipeline, inputs.pipeline, inputs.options?.resumeFromCheckpoint);
    const detail = isAtlasApiError(e) ? e.detail : undefined;
    if (!wasRunning) {
      if (stages)
        throw new ProcessorStateError(
          checkpointRefusalMessage(ref, stages, detail, "the processor keeps its previous definition and was not running"),
          stopped.state,
        );
      throw e;
    }
    const msg = errorMessage(e).trimEnd();
    ctx.log(`[atlas] ${ref.processorName}: the definition change failed; restarting it on its previous definition`);
    let restarted: ObservedProcessor | undefined;
    let restartError: unknown;
    try {
      restarted = await converge(ref, "STARTED", ctx, undefined, stopped);
    } catch (again) {
      restartError = again;
    }
    if (stages) {
      const now = restarted
        ? `the processor is running on its previous definition (${restarted.state})`
        : `the processor keeps its previous definition, but restarting it after the refusal failed (${errorMessage(restartError)})`;
      throw new ProcessorStateError(checkpointRefusalMessage(ref, stages, detail, now), restarted?.state ?? stopped.state);
    }
    throw new ProcessorStateError(
      restarted
        ? `The change of the ${describeRef(ref)}'s definition failed, so it was restarted on its previous definition and is ${restarted.state} again: ${msg} Fix the cause and run pulumi up again to apply the new definition.`
        : `The ${describeRef(ref)} was stopped to change its definition, but the change failed, and restarting it on its previous definition failed too, so it is not running: ${msg} The restart failed with: ${errorMessage(restartError)} Fix the cause and run pulumi up again.`,
      restarted?.state ?? (restartError instanceof ProcessorStateError ? restartError.lastState : stopped.state),
    );
  }
  ctx.log(`[atlas] ${ref.processorName}: definition updated`);
  return (await ctx.api.get(ref)) ?? stopped;
}

/**
 * With `pipeline` set: makes sure the processor exists with the declared definition.
 * Creates it when missing (waiting through INIT/CREATING), adopts an identical one, and refuses
 * a different one unless `adoptExisting` lets it modify it.
 */
async function ensureDefinition(
  ref: ProcessorRef,
  inputs: StreamProcessorInputs,
  ctx: ConvergeContext,
  current: ObservedProcessor | undefined,
  onCreated: (observed: ObservedProcessor) => void = () => undefined,
): Promise<{ observed: ObservedProcessor; created: boolean }> {
  if (current === undefined) {
    let made: ObservedProcessor;
    try {
      made = await ctx.api.create(ref, definitionBody(inputs));
    } catch (e) {
      // Someone (or a lost answer to our own request) created it meanwhile: a fresh read decides.
      if (!(isAtlasApiError(e) && (e.status === 400 || e.status === 409))) throw e;
      const seen = await ctx.api.get(ref);
      if (seen === undefined) throw e;
      return adoptOrReplace(ref, inputs, ctx, seen);
    }
    // From here on the processor exists because of this resource: a failure must not orphan it.
    onCreated(made);
    ctx.log(`[atlas] ${ref.processorName}: created`);
    const settled = await pollUntil(ref, ctx, "CREATED", (s) => s === undefined || !isTransitional(s));
    if (!settled) throw new ProcessorStateError(`The ${describeRef(ref)} disappeared (404) right after it was created.`, "NOT_FOUND");
    return { observed: settled, created: true };
  }
  return adoptOrReplace(ref, inputs, ctx, current);
}

/** An existing processor: adopt it when identical, replace its definition only with adoptExisting. */
async function adoptOrReplace(
  ref: ProcessorRef,
  inputs: StreamProcessorInputs,
  ctx: ConvergeContext,
  observed: ObservedProcessor,
): Promise<{ observed: ObservedProcessor; created: boolean }> {
  const mismatch = definitionMismatch(observed, inputs);
  if (mismatch.length === 0) {
    ctx.log(`[atlas] ${ref.processorName}: exists with the same definition; adopting it`);
    return { observed, created: false };
  }
  if (!inputs.adoptExisting) {
    throw new ProcessorStateError(
      `The ${describeRef(ref)} already exists with a different definition (${mismatch.join(", ")} differ). ` +
        `Set adoptExisting: true to take it over (this stops it if it runs and replaces its definition), use another processorName, or remove pipeline to manage only its state.`,
      observed.state,
    );
  }
  ctx.log(`[atlas] ${ref.processorName}: exists with a different definition (${mismatch.join(", ")}); adoptExisting is set, replacing it`);
  return { observed: await replaceDefinition(ref, inputs, ctx, observed), created: false };
}

async function createOrConverge(
  inputs: StreamProcessorInputs,
  createdBefore: boolean | undefined,
  olds: Record<string, unknown> | undefined,
  clock: Clock,
): Promise<StreamProcessorOutputs> {
  const api = processorApi(clock);
  const ref = refOf(inputs);
  const ctx = contextFor(api, inputs.timeoutSeconds, clock);
  let created = createdBefore ?? false;
  let observed: ObservedProcessor | undefined;
  if (hasDefinition(inputs)) {
    const current = await api.get(ref);
    if (current && olds?.pipeline !== undefined) {
      // The resource owned the definition already: apply a change (ours, or one made outside Pulumi).
      const changed = definitionChanges(olds as Definition, inputs as Definition);
      if (changed.length > 0 || definitionMismatch(current, inputs).length > 0) {
        // A state of version 0.1 holds the pipeline with its keys sorted, as the engine delivered it.
        const why = Array.isArray(olds.pipeline) && changed.includes("pipeline") ? "; sending the pipeline in the key order declared" : "";
        ctx.log(`[atlas] ${ref.processorName}: definition changed (${changed.join(", ") || "edited outside Pulumi"})${why}`);
        observed = await replaceDefinition(ref, inputs, ctx, current);
      } else {
        observed = current;
      }
    } else {
      // First time this resource owns it (create, or pipeline newly added): create if missing,
      // adopt if identical, refuse a different one unless adoptExisting.
      let madeNow: ObservedProcessor | undefined;
      try {
        const r = await ensureDefinition(ref, inputs, ctx, current, (made) => (madeNow = made));
        observed = r.observed;
        created = created || r.created;
      } catch (e) {
        throw madeNow ? partialFailure(inputs, madeNow, e) : e;
      }
      if (created && !createdBefore) {
        try {
          return toOutputs(inputs, await settleAndVerify(ref, inputs, ctx, observed), true);
        } catch (e) {
          throw partialFailure(inputs, observed, e);
        }
      }
    }
  }
  return toOutputs(inputs, await settleAndVerify(ref, inputs, ctx, observed), created);
}

/** Converges on the desired state, then (with verifySeconds) watches a started processor stay up. */
async function settleAndVerify(
  ref: ProcessorRef,
  inputs: StreamProcessorInputs,
  ctx: ConvergeContext,
  observed: ObservedProcessor | undefined,
): Promise<ObservedProcessor> {
  const settled = await converge(ref, inputs.state, ctx, startWithBody(inputs), observed);
  return inputs.state === "STARTED" && inputs.verifySeconds ? verifyRunning(ref, ctx, inputs.verifySeconds, settled) : settled;
}

/**
 * The error for "created, then a later step failed": it carries the resource id and outputs with
 * `createdByResource: true` (and the serialized provider, which delete needs), so the engine
 * keeps the processor in the stack instead of orphaning it.
 */
function partialFailure(inputs: StreamProcessorInputs, observed: ObservedProcessor, e: unknown): Error {
  const cause = asError(e);
  const lastState = e instanceof ProcessorStateError && e.lastState !== "NOT_FOUND" ? e.lastState : observed.state;
  const outs: Record<string, unknown> = { ...toOutputs(inputs, { ...observed, state: lastState }, true) };
  const provider = (inputs as unknown as Record<string, unknown>).__provider;
  if (provider !== undefined) outs.__provider = provider;
  return new ProcessorInitError(resourceId(refOf(inputs)), outs, cause);
}

/** What configure reads: `pulumi.dynamic.ConfigureRequest`, or the native plugin's config under the same keys. */
export interface ConfigSource {
  config: { get(key: string): string | undefined };
}

/**
 * configure: keep the stack config (with decrypted secrets) in this process's memory only. One
 * slot per process: the engine starts one provider process per provider instance (default or
 * explicit), so two providers with different config never share it.
 */
export async function configure(req: ConfigSource): Promise<void> {
  const cfg: Record<string, string | undefined> = {};
  for (const key of allConfigKeys()) cfg[key] = req.config.get(key);
  stackConfig().config = cfg;
}

export async function check(
  _olds: StreamProcessorInputs,
  news: StreamProcessorInputs,
): Promise<pulumi.dynamic.CheckResult<StreamProcessorInputs>> {
  const { inputs, failures } = checkInputs(news as unknown as Record<string, unknown>);
  return failures.length > 0 ? { inputs: news, failures } : { inputs: inputs as unknown as StreamProcessorInputs };
}

/** diff's answer; `changed` names every property that differs (the native plugin's detailed diff). */
export interface LifecycleDiff extends pulumi.dynamic.DiffResult {
  changes: boolean;
  replaces: string[];
  changed: string[];
}

export async function diff(_id: string, olds: StreamProcessorOutputs, news: StreamProcessorInputs): Promise<LifecycleDiff> {
  const d = diffProcessor(olds as unknown as Record<string, unknown>, news as unknown as Record<string, unknown>);
  return { changes: d.changes, replaces: d.replaces, deleteBeforeReplace: false, changed: d.changed };
}

/**
 * The waits of create, update and delete (polling, verifySeconds, the connection wait) run on
 * `clock`; the engine never passes one, so they use systemClock (a test passes a virtual one).
 */
export async function create(
  inputs: StreamProcessorInputs,
  clock: Clock = systemClock,
): Promise<pulumi.dynamic.CreateResult<StreamProcessorOutputs>> {
  const outs = await createOrConverge(inputs, undefined, undefined, clock);
  return { id: resourceId(refOf(inputs)), outs };
}

export async function read(id: string, props?: StreamProcessorOutputs): Promise<pulumi.dynamic.ReadResult<StreamProcessorOutputs>> {
  const ref = props?.projectId ? refOf(props) : parseResourceId(id);
  if (!ref)
    throw new Error(`Cannot read stream processor: the resource id ${JSON.stringify(id)} is not projectId/workspaceName/processorName.`);
  const observed = await processorApi().get(ref);
  if (observed === undefined) {
    logLine(`[atlas] ${ref.processorName}: not found; removing it from the stack`);
    return {}; // no id: the engine drops the resource
  }
  if (!props?.projectId) return imported(id, ref, observed);
  noteDrift(ref, props, observed);
  return { id, props: refreshedOutputs(props, ref, observed) };
}

/**
 * `pulumi import` (a read with no previous props): the processor is adopted as it is, state only.
 * The inputs keep the state it is in (STOPPED for any state that does not run, FAILED included),
 * so the import shows no change; the outputs are those of a create that adopted it
 * (`createdByResource: false`: destroy only stops it). Add `pipeline` afterwards to own its definition.
 */
function imported(id: string, ref: ProcessorRef, observed: ObservedProcessor): pulumi.dynamic.ReadResult<StreamProcessorOutputs> {
  const state = satisfies("STOPPED", observed.state) ? "STOPPED" : "STARTED";
  const inputs = { ...ref, state } as const;
  const checked = checkInputs(inputs as unknown as Record<string, unknown>).inputs as unknown as StreamProcessorInputs;
  logLine(`[atlas] ${ref.processorName}: ${observed.state}; imported with state ${state}`);
  // ReadResult types `inputs` as the outputs' type; they are the (fewer) inputs of the resource.
  return { id, props: toOutputs(checked, observed, false), inputs: inputs as unknown as StreamProcessorOutputs };
}

/** After a refresh, says why the next up will act on the processor: its state, or which part of its definition. */
function noteDrift(ref: ProcessorRef, props: StreamProcessorOutputs | undefined, observed: ObservedProcessor): void {
  if (props?.desiredState && !satisfies(props.desiredState, observed.state))
    logLine(
      `[atlas] ${ref.processorName}: Atlas shows ${observed.state}, the program asks for ${props.desiredState}: the next up changes its state`,
    );
  if (props?.pipeline !== undefined) {
    const differs = describeMismatch(observed, props);
    if (differs.length > 0)
      logLine(
        `[atlas] ${ref.processorName}: Atlas's copy differs from the definition written (${differs.join("; ")}): the next up applies the one written`,
      );
  }
}

export async function update(
  _id: string,
  olds: StreamProcessorOutputs,
  news: StreamProcessorInputs,
  clock: Clock = systemClock,
): Promise<pulumi.dynamic.UpdateResult<StreamProcessorOutputs>> {
  const outs = await createOrConverge(news, olds.createdByResource, olds as unknown as Record<string, unknown>, clock);
  return { outs };
}

/**
 * delete: a processor this resource created is deleted with one DELETE, running or not (Atlas
 * stops a running processor as part of its deletion: documented for mongosh's `sp.<name>.drop()`,
 * and what the official resource relies on, sending DELETE without a stop). A 404 counts as
 * deleted; an unclear answer (5xx, reset, timeout) is settled by a fresh read, never by a blind
 * second DELETE. Should Atlas refuse the DELETE (a 400/409, e.g. while the processor is still
 * being created or if it ever insists on a stop first), the processor is stopped and the DELETE
 * sent again. One this resource adopted is only stopped, and left in place.
 */
export async function remove(_id: string, props: StreamProcessorOutputs, clock: Clock = systemClock): Promise<void> {
  const api = processorApi(clock);
  const ref = refOf(props);
  const ctx = contextFor(api, props.timeoutSeconds ?? 600, clock);
  if (props.createdByResource) {
    try {
      await api.remove(ref);
    } catch (e) {
      if (!(isAtlasApiError(e) && (e.status === 400 || e.status === 409))) throw e;
      logLine(`[atlas] ${ref.processorName}: DELETE refused (HTTP ${e.status}); stopping it first`);
      if ((await ensureStopped(ref, ctx)) === undefined) {
        logLine(`[atlas] ${ref.processorName}: already gone`);
        return;
      }
      await api.remove(ref);
    }
    logLine(`[atlas] ${ref.processorName}: deleted`);
    return;
  }
  const stopped = await ensureStopped(ref, ctx);
  if (stopped === undefined) {
    logLine(`[atlas] ${ref.processorName}: already gone`);
    return;
  }
  logLine(`[atlas] ${ref.processorName}: ${stopped.state}; left in place (this resource did not create it)`);
}

// The engine calls a dynamic provider's `delete`; the module itself is the provider object
// (resource/dynamic-provider.ts), so Pulumi writes `__provider` as a require of this file.
export { remove as delete };
