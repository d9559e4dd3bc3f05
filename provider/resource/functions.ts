/**
 * Data functions, the equivalent of the official provider's `mongodbatlas.getStreamProcessor` and
 * `getStreamProcessors` data sources: read one processor, or every processor of a workspace, from
 * a Pulumi program. Each has a Promise form and an `…Output` form taking `pulumi.Input`s, like
 * Pulumi's generated functions.
 *
 * They run in the program's own process and use what the resource uses: the stack config keys
 * `mongodbatlas:*` and `atlas-stream-processor:*` (read through `pulumi.Config`), then the
 * environment (settings.ts); the shared HTTP client with its retries (client.ts); and the rules
 * `check` applies to projectId, workspaceName and processorName (check.ts). The Output forms
 * send nothing while an input is unknown (during preview).
 */
import * as pulumi from "@pulumi/pulumi";
import { sharedClient, type AtlasHttpClient } from "../http/client";
import { ProcessorStateError, StreamProcessorError } from "../errors";
import { pagePath, readAllPages } from "../atlas/paging";
import { processorsPath } from "../atlas/paths";
import { toObserved } from "../atlas/observed";
import { pipelineTextOf } from "../model/pipeline";
import { ProcessorApi, READ_ROLES_HINT } from "../atlas/processors";
import { allConfigKeys, resolveSettings } from "../config/settings";
import type {
  GetStreamProcessorArgs,
  GetStreamProcessorResult,
  GetStreamProcessorsArgs,
  GetStreamProcessorsResult,
  ObservedProcessor,
  ProcessorRef,
} from "../types";

export type { GetStreamProcessorArgs, GetStreamProcessorResult, GetStreamProcessorsArgs, GetStreamProcessorsResult };
import { checkProcessorRef, type RefField } from "../inputs/check";

export interface GetStreamProcessorOutputArgs {
  projectId: pulumi.Input<string>;
  workspaceName: pulumi.Input<string>;
  processorName: pulumi.Input<string>;
}

export interface GetStreamProcessorsOutputArgs {
  projectId: pulumi.Input<string>;
  workspaceName: pulumi.Input<string>;
}

/** The stack config the provider reads, from the program's `pulumi.Config` (namespaces mongodbatlas and atlas-stream-processor). */
export function programConfig(): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const byNamespace: Record<string, pulumi.Config> = {};
  for (const key of allConfigKeys()) {
    const at = key.indexOf(":");
    const ns = key.slice(0, at);
    out[key] = (byNamespace[ns] ??= new pulumi.Config(ns)).get(key.slice(at + 1));
  }
  return out;
}

function client(): AtlasHttpClient {
  return sharedClient(resolveSettings(programConfig(), process.env));
}

/** Validates the arguments with `check`'s rules; throws naming every bad field. */
function validate(fn: string, args: Record<string, unknown> | undefined, fields: RefField[]): void {
  if (!args || typeof args !== "object") throw new StreamProcessorError(`${fn}: pass an object { ${fields.join(", ")} }.`);
  const reasons = checkProcessorRef(args, fields).map((f) => f.reason);
  for (const k of Object.keys(args)) {
    if (!(fields as string[]).includes(k)) reasons.push(`${k} is not an argument of ${fn}: the arguments are ${fields.join(", ")}.`);
  }
  if (reasons.length > 0) throw new StreamProcessorError(`${fn}: ${reasons.join(" ")}`);
}

function toResult(ref: ProcessorRef, p: ObservedProcessor): GetStreamProcessorResult {
  const out: GetStreamProcessorResult = {
    ...ref,
    processorName: p.name,
    processorId: p.id,
    state: p.state,
    pipeline: p.pipeline,
    pipelineJson: pipelineTextOf(p.pipeline),
  };
  if (p.options) out.options = p.options;
  if (p.tier !== undefined) out.tier = p.tier;
  if (p.effectiveTier !== undefined) out.effectiveTier = p.effectiveTier;
  if (p.failoverEnabled !== undefined) out.failoverEnabled = p.failoverEnabled;
  if (p.eligibleForFailover !== undefined) out.eligibleForFailover = p.eligibleForFailover;
  if (p.stats) out.stats = p.stats;
  return out;
}

/** Reads one stream processor: state, pipeline, options, tier, failoverEnabled and stats. */
export async function getStreamProcessor(args: GetStreamProcessorArgs): Promise<GetStreamProcessorResult> {
  return readStreamProcessor(args, client());
}

/** Reads every stream processor of a workspace, following every page of `GET …/processors`. */
export async function getStreamProcessors(args: GetStreamProcessorsArgs): Promise<GetStreamProcessorsResult> {
  return readStreamProcessors(args, client());
}

/**
 * getStreamProcessor's core through a given client: the program's (above, from its stack config)
 * or the native plugin's (from its provider config).
 */
export async function readStreamProcessor(args: GetStreamProcessorArgs, http: AtlasHttpClient): Promise<GetStreamProcessorResult> {
  validate("getStreamProcessor", args as unknown as Record<string, unknown>, ["projectId", "workspaceName", "processorName"]);
  const ref: ProcessorRef = { projectId: args.projectId, workspaceName: args.workspaceName, processorName: args.processorName };
  const api = new ProcessorApi(http);
  const p = await api.get(ref);
  if (p === undefined) throw new ProcessorStateError(`getStreamProcessor: ${await api.explainNotFound(ref)}`, "NOT_FOUND");
  return toResult(ref, p);
}

/** getStreamProcessors's core through a given client (see readStreamProcessor). */
export async function readStreamProcessors(args: GetStreamProcessorsArgs, http: AtlasHttpClient): Promise<GetStreamProcessorsResult> {
  validate("getStreamProcessors", args as unknown as Record<string, unknown>, ["projectId", "workspaceName"]);
  const api = new ProcessorApi(http);
  const base = { projectId: args.projectId, workspaceName: args.workspaceName };
  const items = await readAllPages(
    async (pageNum) =>
      (
        await http.call({
          method: "GET",
          path: pagePath(processorsPath(base), pageNum),
          version: http.settings.options.versions.processor,
          explainNotFound: () => api.explainNotFound({ ...base, processorName: "" }),
          authHint: READ_ROLES_HINT(args.projectId),
        })
      ).data,
  );
  const results = items.map((item) => {
    const name = (item as { name?: unknown })?.name;
    const ref = { ...base, processorName: typeof name === "string" ? name : "" };
    return toResult(ref, toObserved(item, ref));
  });
  return { ...base, results };
}

/** `getStreamProcessor` taking Inputs; nothing is sent until every input is known. */
export function getStreamProcessorOutput(args: GetStreamProcessorOutputArgs): pulumi.Output<GetStreamProcessorResult> {
  return pulumi.output(args).apply((a) => getStreamProcessor(a));
}

/** `getStreamProcessors` taking Inputs; nothing is sent until every input is known. */
export function getStreamProcessorsOutput(args: GetStreamProcessorsOutputArgs): pulumi.Output<GetStreamProcessorsResult> {
  return pulumi.output(args).apply((a) => getStreamProcessors(a));
}
