/**
 * The native provider `atlasstreams`: resource atlasstreams:index:StreamProcessor and the two data
 * functions, served by `@pulumi/pulumi/provider`'s `main` (main.ts). Every method forwards to the
 * core the dynamic door uses — lifecycle.ts for configure/check/diff/create/read/update/delete,
 * functions.ts for the reads of the data functions — so there is one check, one diff and one HTTP
 * client. What is added here is only the door: the URN of each call for the progress lines, the
 * plugin's config key names in messages, and the detailed diff's shape.
 */
import type * as pulumiProvider from "@pulumi/pulumi/provider";
import {
  readStreamProcessor,
  readStreamProcessors,
  type GetStreamProcessorArgs,
  type GetStreamProcessorsArgs,
} from "../resource/functions";
import * as lifecycle from "../lifecycle";
import { withLogSink } from "../util/log";
import { compact } from "../util/objects";
import type { StreamProcessorInputs, StreamProcessorOutputs } from "../types";
import { configSource, pluginWording } from "./config";
import { detailedDiff, type DetailedChange } from "./detailed-diff";
import { FUNCTION_TOKENS, RESOURCE_TOKEN } from "./schema";

/** The type token in a URN (`urn:pulumi:stack::project::atlasstreams:index:StreamProcessor::name`). */
function typeOf(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").pop() ?? qualified;
}

function requireResource(urn: string): void {
  const type = typeOf(urn);
  if (type !== RESOURCE_TOKEN) throw new Error(`unknown resource type ${type}: the atlasstreams provider serves ${RESOURCE_TOKEN} only.`);
}

/**
 * The error as the engine should show it: the plugin's key names in its message. An error that
 * carries a created processor's id and outputs (ProcessorInitError) keeps them, so the engine
 * still records the resource instead of orphaning it.
 */
function reworded(e: unknown): Error {
  const source = (typeof e === "object" && e !== null ? e : { message: String(e) }) as {
    message?: unknown;
    id?: unknown;
    properties?: unknown;
    reasons?: unknown;
  };
  const out = new Error(pluginWording(typeof source.message === "string" ? source.message : String(e))) as Error & Record<string, unknown>;
  if (typeof source.id === "string") {
    out.id = source.id;
    out.properties = source.properties;
    out.reasons = Array.isArray(source.reasons) ? source.reasons.map((r) => pluginWording(String(r))) : [out.message];
  }
  return out;
}

/** Where a call's progress lines go (engine-log.ts's EngineLog; a test passes its own). */
export interface ProgressLog {
  info(message: string, urn: string): void;
  /** Resolves once every line so far has been delivered. */
  flush(): Promise<void>;
}

export interface PluginDiff {
  changes: boolean;
  replaces: string[];
  changed: string[];
  detailed: Record<string, DetailedChange>;
}

export class AtlasStreamsProvider implements pulumiProvider.Provider {
  readonly version: string;

  /** `schema`: the package schema's text (schema.json); the plugin's version is the schema's. */
  constructor(
    readonly schema: string,
    private readonly log: ProgressLog,
  ) {
    this.version = (JSON.parse(schema) as { version: string }).version;
  }

  /** Runs one engine call: its progress lines go to the engine under `urn`, its error in the plugin's words. */
  private async run<T>(urn: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await withLogSink((line) => this.log.info(pluginWording(line), urn), fn);
    } catch (e) {
      throw reworded(e);
    } finally {
      await this.log.flush();
    }
  }

  /** Configure's variables (`atlasstreams:config:<name>`), handed to lifecycle under the core's keys. */
  async configure(variables: Iterable<[string, string]>): Promise<void> {
    await lifecycle.configure(configSource(variables));
  }

  async check(urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumiProvider.CheckResult> {
    requireResource(urn);
    return this.run(urn, () => lifecycle.check(olds as unknown as StreamProcessorInputs, news as unknown as StreamProcessorInputs));
  }

  /** lifecycle's diff, and which properties it found changed, for the detailed diff main.ts sends. */
  async detailedDiff(id: string, urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<PluginDiff> {
    requireResource(urn);
    const d = await this.run(urn, () =>
      lifecycle.diff(id, olds as unknown as StreamProcessorOutputs, news as unknown as StreamProcessorInputs),
    );
    return { changes: d.changes, replaces: d.replaces, changed: d.changed, detailed: detailedDiff(d.changed, d.replaces, olds, news) };
  }

  async diff(id: string, urn: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<pulumiProvider.DiffResult> {
    const d = await this.detailedDiff(id, urn, olds, news);
    return { changes: d.changes, replaces: d.replaces, deleteBeforeReplace: false };
  }

  async create(urn: string, inputs: Record<string, unknown>): Promise<pulumiProvider.CreateResult> {
    requireResource(urn);
    return this.run(urn, () => lifecycle.create(inputs as unknown as StreamProcessorInputs));
  }

  /** refresh (props: the last outputs) and `pulumi import` (props empty: the id alone names the processor). */
  async read(id: string, urn: string, props?: Record<string, unknown>): Promise<pulumiProvider.ReadResult> {
    requireResource(urn);
    const known = props && Object.keys(props).length > 0 ? (props as unknown as StreamProcessorOutputs) : undefined;
    return this.run(urn, () => lifecycle.read(id, known));
  }

  async update(
    id: string,
    urn: string,
    olds: Record<string, unknown>,
    news: Record<string, unknown>,
  ): Promise<pulumiProvider.UpdateResult> {
    requireResource(urn);
    return this.run(urn, () => lifecycle.update(id, olds as unknown as StreamProcessorOutputs, news as unknown as StreamProcessorInputs));
  }

  async delete(id: string, urn: string, props: Record<string, unknown>): Promise<void> {
    requireResource(urn);
    await this.run(urn, () => lifecycle.remove(id, props as unknown as StreamProcessorOutputs));
  }

  async invoke(token: string, inputs: Record<string, unknown>): Promise<pulumiProvider.InvokeResult> {
    // Lines of a data function belong to no resource: the CLI prints them with the stack's.
    if (token === FUNCTION_TOKENS.getStreamProcessor)
      return this.run("", async () => ({
        outputs: compact(await readStreamProcessor(inputs as unknown as GetStreamProcessorArgs, lifecycle.configuredClient())),
      }));
    if (token === FUNCTION_TOKENS.getStreamProcessors)
      return this.run("", async () => ({
        outputs: compact(await readStreamProcessors(inputs as unknown as GetStreamProcessorsArgs, lifecycle.configuredClient())),
      }));
    throw new Error(`unknown function ${token}: the atlasstreams provider serves ${Object.values(FUNCTION_TOKENS).join(" and ")}.`);
  }
}
