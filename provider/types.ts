/**
 * The plain shapes the provider receives and returns. The public, `pulumi.Input`-typed
 * arguments live in `stream-processor.ts`; by the time the engine calls the provider every value
 * is resolved (or is Pulumi's preview placeholder for an unknown value).
 */

/** The states a user may ask for. */
export type DesiredState = "STARTED" | "STOPPED";
export const DESIRED_STATES: readonly DesiredState[] = ["STARTED", "STOPPED"];

/**
 * What the `state` input accepts at compile time: any string (a value read from `pulumi.Config`
 * compiles), while editors still offer "STARTED" and "STOPPED". `check` refuses anything else
 * at preview.
 */
export type DesiredStateInput = DesiredState | (string & {});

/** Stream processing tiers accepted by `:startWith` (StreamsStartStreamProcessorWith.tier). */
export type Tier = "SP2" | "SP5" | "SP10" | "SP30" | "SP50";
export const TIERS: readonly Tier[] = ["SP2", "SP5", "SP10", "SP30", "SP50"];

/** What the `tier` input accepts at compile time (see DesiredStateInput); `check` refuses other values. */
export type TierInput = Tier | (string & {});

/** Dead-letter queue settings (StreamsDLQ). */
export interface DlqOptions {
  connectionName: string;
  db: string;
  coll: string;
}

/**
 * Vertical autoscaling (StreamsOptions.autoscaling): Atlas moves the processor between `minTier`
 * and `maxTier` as its load changes; the output `effectiveTier` says where it runs now.
 */
export interface AutoscalingOptions {
  enabled: boolean;
  /** The smallest tier Atlas may run the processor on (required when `enabled`). */
  minTier?: Tier;
  /** The largest tier; at most the workspace's `streamConfig.maxTierSize` (required when `enabled`). */
  maxTier?: Tier;
}

/**
 * Processor options. `dlq` and `autoscaling` are part of the definition; `resumeFromCheckpoint`
 * is sent with a PATCH that changes the pipeline and never stored by Atlas.
 */
export interface ProcessorOptions {
  dlq?: DlqOptions;
  autoscaling?: AutoscalingOptions;
  /**
   * Sent as `options.resumeFromCheckpoint` in the PATCH whenever the pipeline changes. Atlas
   * refuses a change of the `$source` or a window stage unless it is `false` (the processor
   * then starts without its checkpoint). Default: unset (not sent).
   */
  resumeFromCheckpoint?: boolean;
}

/** One aggregation stage: exactly one top-level key, key order preserved as given. */
export type PipelineStage = Record<string, unknown>;

/** Inputs after `check`: defaults applied, every field validated. */
export interface StreamProcessorInputs {
  projectId: string;
  workspaceName: string;
  processorName: string;
  /** Desired state. Default `"STARTED"`. */
  state: DesiredState;
  /** How long create/update/delete wait for the processor to settle. Default 600. */
  timeoutSeconds: number;
  /**
   * Optional processor definition, as compact JSON text in the order written (see pipeline.ts).
   * Absent: the processor must already exist.
   */
  pipeline?: string;
  options?: ProcessorOptions;
  tier?: Tier;
  /** Whether the processor fails over to the workspace's failover regions (definition). Default: unset (Atlas's). */
  failoverEnabled?: boolean;
  /** Seconds to keep watching a STARTED processor for FAILED before create/update succeeds. Default 0 (unset). */
  verifySeconds?: number;
  startAtOperationTime?: string;
  resumeFromCheckpoint?: boolean;
  /** Take over an existing processor whose definition differs (modifies it). Default false. */
  adoptExisting?: boolean;
}

/** Outputs: the inputs, with `state` holding the *observed* state. No `undefined` values. */
export interface StreamProcessorOutputs extends Omit<StreamProcessorInputs, "state"> {
  /** The state Atlas reported last (STARTED, STOPPED, CREATED, FAILED, or a transitional value). */
  state: string;
  /** The state the program asked for. */
  desiredState: DesiredState;
  /** The processor's `_id` in Atlas. */
  processorId: string;
  /** true when this resource created the processor (so delete removes it); false when it adopted one. */
  createdByResource: boolean;
  /** The tier Atlas runs the processor on now (with autoscaling, somewhere between minTier and maxTier). Absent when Atlas reports none. */
  effectiveTier?: string;
  /** Whether Atlas reports the processor eligible for failover (read-only). Absent when Atlas reports none. */
  eligibleForFailover?: boolean;
}

/** Identifies one processor in Atlas. */
export interface ProcessorRef {
  projectId: string;
  workspaceName: string;
  processorName: string;
}

/** What a GET of the processor showed (StreamsProcessorWithStats, trimmed to what we use). */
export interface ObservedProcessor {
  id: string;
  name: string;
  /** CREATED, STARTED, STOPPED, FAILED, or a transitional value. */
  state: string;
  /** As Atlas returned it; objects keep the key order of the answer (see ordered-json.ts, toPlain). */
  pipeline: PipelineStage[];
  options?: { dlq?: DlqOptions; autoscaling?: AutoscalingOptions };
  /** The tier it runs on (Atlas fills in the workspace's when none was chosen). */
  tier?: string;
  /** The tier it runs on now (read-only; with autoscaling it moves between minTier and maxTier). */
  effectiveTier?: string;
  failoverEnabled?: boolean;
  /** Read-only. */
  eligibleForFailover?: boolean;
  /** Message counts and sizes (integers, see stats.ts); absent when Atlas reports none (e.g. never started). */
  stats?: ProcessorStats;
}

/** One operator's statistics inside `stats.operatorStats` (free-form in the spec; `name` is always there). */
export interface OperatorStats {
  name: string;
  [key: string]: unknown;
}

/**
 * The `stats` Atlas returns on a processor GET (free-form in the spec; these are the keys a real
 * answer carries). Counts are integers, sizes are bytes; a key Atlas leaves out reads as 0 / "" / false.
 */
export interface ProcessorStats {
  name: string;
  processorId: string;
  status: string;
  scaleFactor: number;
  inputMessageCount: number;
  inputMessageSize: number;
  outputMessageCount: number;
  outputMessageSize: number;
  dlqMessageCount: number;
  dlqMessageSize: number;
  stateSize: number;
  memoryTrackerBytes: number;
  ok: boolean;
  changeStreamState?: Record<string, unknown>;
  operatorStats: OperatorStats[];
}

// The data functions' arguments and results (getStreamProcessor, getStreamProcessors).

export interface GetStreamProcessorArgs {
  /** The Atlas project id (the API's `groupId`). */
  projectId: string;
  /** The stream workspace name (the API's `tenantName`). */
  workspaceName: string;
  processorName: string;
}

export interface GetStreamProcessorsArgs {
  projectId: string;
  workspaceName: string;
}

/** One processor as Atlas reports it. */
export interface GetStreamProcessorResult extends ProcessorRef, Omit<ObservedProcessor, "id" | "name"> {
  /** The processor's `_id`. */
  processorId: string;
  /**
   * The pipeline as compact JSON text in Atlas's key order: the form StreamProcessor's `pipeline`
   * takes and outputs (the array `pipeline` loses the order of integer-like keys such as "10").
   */
  pipelineJson: string;
}

export interface GetStreamProcessorsResult {
  projectId: string;
  workspaceName: string;
  /** Every processor of the workspace (all pages), in Atlas's order. */
  results: GetStreamProcessorResult[];
}
