/**
 * The public resource: `new StreamProcessor("orders", { projectId, workspaceName, processorName })`
 * keeps that Atlas stream processor running (or stopped, or defined from a pipeline).
 */
import * as pulumi from "@pulumi/pulumi";
import { streamProcessorProvider } from "./dynamic-provider";
import { pipelineText } from "../model/pipeline";
import type {
  AutoscalingOptions,
  DesiredState,
  DesiredStateInput,
  DlqOptions,
  PipelineStage,
  StreamProcessorInputs,
  TierInput,
} from "../types";
import type { INPUTS, RequiredInputs, SameKeys, Table } from "../inputs/registry";

/** `options.autoscaling` as the program may give it (tiers typed as any string, like `tier`). */
export interface AutoscalingInput {
  /** true: Atlas scales the processor between minTier and maxTier; false: autoscaling off (give no tiers). */
  enabled: pulumi.Input<boolean>;
  /** The smallest tier (SP2, SP5, SP10, SP30, SP50); required when enabled. @default unset */
  minTier?: pulumi.Input<TierInput> | undefined;
  /** The largest tier, at most the workspace's maxTierSize; required when enabled. @default unset */
  maxTier?: pulumi.Input<TierInput> | undefined;
}

/** `options`: the dead-letter queue, autoscaling, and whether a pipeline change resumes from the checkpoint. */
export interface ProcessorOptionsInput {
  /** Dead-letter queue `{connectionName, db, coll}`; removing it removes the DLQ in Atlas. @default unset */
  dlq?: pulumi.Input<DlqOptions> | undefined;
  /** Vertical autoscaling `{enabled, minTier, maxTier}`; removing it sends `autoscaling: null`. @default unset */
  autoscaling?: pulumi.Input<AutoscalingInput> | undefined;
  /** Sent with every change of the pipeline; Atlas refuses a `$source` or window change unless it is `false`. @default unset (not sent) */
  resumeFromCheckpoint?: pulumi.Input<boolean> | undefined;
}

export interface StreamProcessorArgs {
  /** The Atlas project id (the API's `groupId`): 24 lowercase hexadecimal characters. Required. */
  projectId: pulumi.Input<string>;
  /** The stream workspace (formerly "stream instance") name: the API's `tenantName`. */
  workspaceName: pulumi.Input<string>;
  /** The stream processor name. */
  processorName: pulumi.Input<string>;
  /**
   * The desired state: `"STARTED"` or `"STOPPED"`. Typed as any string so a value read from
   * `pulumi.Config` compiles; anything else is refused by `check` at preview.
   * @default "STARTED"
   */
  state?: pulumi.Input<DesiredStateInput> | undefined;
  /**
   * How long create, update and delete wait for the processor to reach the desired state, in
   * seconds. (Pulumi's `customTimeouts` have no effect on dynamic providers.)
   * @default 600
   */
  timeoutSeconds?: pulumi.Input<number> | undefined;
  /**
   * The aggregation pipeline: an array of stages, or a JSON string of one (the official
   * `mongodbatlas.StreamProcessor`'s form). When set, this resource owns the processor's
   * definition: it creates the processor if missing and applies changes (stop → modify → restart).
   * Key order is kept exactly as written, at every depth: the array is turned into JSON text here,
   * in the program, before the engine could sort its keys. Integer-like keys ("1", "10") cannot
   * keep another order in a JavaScript object: write such stages in the string form.
   * @default unset (the processor must already exist; only its state is managed)
   */
  pipeline?: pulumi.Input<pulumi.Input<PipelineStage>[]> | pulumi.Input<string> | undefined;
  /**
   * Processor options (with `pipeline` only): `dlq`, `autoscaling`, `resumeFromCheckpoint`.
   * @default unset
   */
  options?: pulumi.Input<ProcessorOptionsInput> | undefined;
  /**
   * Stream processing tier (SP2, SP5, SP10, SP30, SP50); starts use `:startWith`. Typed as any
   * string so a config value compiles; `check` refuses others.
   * @default unset (Atlas's: the workspace's tier)
   */
  tier?: pulumi.Input<TierInput> | undefined;
  /**
   * With `pipeline`: whether the processor fails over to the workspace's failover regions
   * (part of the definition; Atlas refuses `true` on a workspace without any).
   * @default unset (Atlas's)
   */
  failoverEnabled?: pulumi.Input<boolean> | undefined;
  /**
   * Health gate: after the processor reads STARTED, keep watching it this many seconds; if it
   * falls to FAILED meanwhile, create/update fail instead of reporting success.
   * @default 0 (no watch)
   */
  verifySeconds?: pulumi.Input<number> | undefined;
  /** Start from this ISO 8601 operation time (`:startWith`). @default unset */
  startAtOperationTime?: pulumi.Input<string> | undefined;
  /** Resume from the last checkpoint when starting (`:startWith`). @default unset (Atlas's default) */
  resumeFromCheckpoint?: pulumi.Input<boolean> | undefined;
  /**
   * With `pipeline`: take over an existing processor whose definition differs, modifying it.
   * When false, such a processor is an error, so nobody's processor is overwritten by accident.
   * @default false
   */
  adoptExisting?: pulumi.Input<boolean> | undefined;
}

// The inputs registry (inputs/registry.ts) describes exactly these arguments: the same keys, and
// the same required marks. Either failing to compile means the registry needs the change too.
const registryHasTheArgs: SameKeys<StreamProcessorArgs, StreamProcessorInputs> = true;
const registryRequiresWhatArgsRequire: typeof INPUTS extends Table<StreamProcessorInputs, StreamProcessorArgs> ? true : never = true;
const argsRequireTheIdentity: SameKeys<RequiredInputs, Pick<StreamProcessorArgs, "projectId" | "workspaceName" | "processorName">> = true;
void [registryHasTheArgs, registryRequiresWhatArgsRequire, argsRequireTheIdentity];

export class StreamProcessor extends pulumi.dynamic.Resource {
  declare public readonly projectId: pulumi.Output<string>;
  declare public readonly workspaceName: pulumi.Output<string>;
  declare public readonly processorName: pulumi.Output<string>;
  /** The state Atlas reported at the last create, update or refresh. */
  declare public readonly state: pulumi.Output<string>;
  /** The state the program asked for. */
  declare public readonly desiredState: pulumi.Output<DesiredState>;
  /** The processor's `_id` in Atlas. */
  declare public readonly processorId: pulumi.Output<string>;
  declare public readonly timeoutSeconds: pulumi.Output<number>;
  /** The pipeline as compact JSON text, in the order written (after a refresh that found it edited, Atlas's copy). */
  declare public readonly pipeline: pulumi.Output<string | undefined>;
  declare public readonly options: pulumi.Output<
    { dlq?: DlqOptions; autoscaling?: AutoscalingOptions; resumeFromCheckpoint?: boolean } | undefined
  >;
  declare public readonly tier: pulumi.Output<string | undefined>;
  /** The tier Atlas runs the processor on now (with autoscaling, between minTier and maxTier). */
  declare public readonly effectiveTier: pulumi.Output<string | undefined>;
  /** Whether Atlas reports the processor eligible for failover (read-only). */
  declare public readonly eligibleForFailover: pulumi.Output<boolean | undefined>;
  /** As set, or as Atlas reported it when unset. */
  declare public readonly failoverEnabled: pulumi.Output<boolean | undefined>;
  declare public readonly verifySeconds: pulumi.Output<number | undefined>;
  declare public readonly startAtOperationTime: pulumi.Output<string | undefined>;
  declare public readonly resumeFromCheckpoint: pulumi.Output<boolean | undefined>;
  declare public readonly adoptExisting: pulumi.Output<boolean | undefined>;
  /** true when this resource created the processor (destroy deletes it); false when it adopted one (destroy only stops it). */
  declare public readonly createdByResource: pulumi.Output<boolean>;

  constructor(name: string, args: StreamProcessorArgs, opts?: pulumi.CustomResourceOptions) {
    super(streamProcessorProvider, name, resourceProps(args), opts, "atlas", "StreamProcessor");
  }
}

/**
 * The props the constructor registers: the arguments, the pipeline as text, and the output-only
 * keys (they must be present among the props, or the engine leaves them off the resource).
 */
export function resourceProps(args: StreamProcessorArgs): pulumi.Inputs {
  return {
    ...args,
    state: args.state,
    timeoutSeconds: args.timeoutSeconds,
    desiredState: undefined,
    processorId: undefined,
    createdByResource: undefined,
    effectiveTier: undefined,
    eligibleForFailover: undefined,
    // Text from here on: the engine sorts object keys, a string it leaves as it is.
    pipeline: args.pipeline === undefined ? undefined : pulumi.output(args.pipeline).apply(pipelineText),
    options: args.options,
    tier: args.tier,
    failoverEnabled: args.failoverEnabled,
    verifySeconds: args.verifySeconds,
    startAtOperationTime: args.startAtOperationTime,
    resumeFromCheckpoint: args.resumeFromCheckpoint,
    adoptExisting: args.adoptExisting,
  };
}
