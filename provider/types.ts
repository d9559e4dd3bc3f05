/**
 * The plain shapes the provider receives and returns. The public, `pulumi.Input`-typed
 * arguments live in `resource.ts`; by the time the engine calls the provider every value
 * is resolved (or is Pulumi's preview placeholder for an unknown value).
 */

/** The states a user may ask for. */
export type DesiredState = "STARTED" | "STOPPED";
export const DESIRED_STATES: readonly DesiredState[] = ["STARTED", "STOPPED"];

/** Stream processing tiers accepted by `:startWith` (StreamsStartStreamProcessorWith.tier). */
export type Tier = "SP2" | "SP5" | "SP10" | "SP30" | "SP50";
export const TIERS: readonly Tier[] = ["SP2", "SP5", "SP10", "SP30", "SP50"];

/** Dead-letter queue settings (StreamsDLQ). */
export interface DlqOptions {
  connectionName: string;
  db: string;
  coll: string;
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
  /** Optional processor definition (issue 4). Absent: the processor must already exist. */
  pipeline?: PipelineStage[];
  options?: { dlq?: DlqOptions };
  tier?: Tier;
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
  state: string;
  pipeline: PipelineStage[];
  options?: { dlq?: DlqOptions };
  tier?: string;
}
