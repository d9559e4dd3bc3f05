/**
 * One description of StreamProcessor's inputs and outputs, of the nested types, of the two data
 * functions and of the provider's configuration: kind, required, secret, description, default.
 * scripts/schema.ts writes the Pulumi package schema (provider/plugin/schema.json) from it, and
 * test/provider/unit/registry.test.ts holds the README's tables to it.
 *
 * The compiler keeps it complete: every table `satisfies` a record over the keys of the type it
 * describes (so a key missing or extra is an error), each entry's `kind` must fit that key's
 * TypeScript type, and `required` must match the type's optional marks (for the inputs: the
 * identity fields only, which resource/stream-processor.ts holds to StreamProcessorArgs; the result
 * interfaces for the outputs). Both doors and `check` use it: it sits in the core and imports only
 * types from below.
 */
import type { ClientOptions, OPTION_KEYS } from "../config/options";
import type { CONFIG_KEYS } from "../config/settings";
import type {
  GetStreamProcessorArgs,
  GetStreamProcessorResult,
  GetStreamProcessorsArgs,
  GetStreamProcessorsResult,
  AutoscalingOptions,
  DlqOptions,
  ProcessorOptions,
  ProcessorStats,
  StreamProcessorInputs,
  StreamProcessorOutputs,
} from "../types";

/** The object types of the schema (`#/types/atlasstreams:index:<name>`). */
export type TypeName = "ProcessorOptions" | "DlqOptions" | "AutoscalingOptions" | "ProcessorInfo" | "ProcessorStats";

export type Scalar = "string" | "integer" | "number" | "boolean";
/** `any`: a free-form JSON value (the schema's `pulumi.json#/Any`). */
export type Kind = Scalar | "any" | { ref: TypeName } | { array: Kind };

/** The kinds that fit a TypeScript type: strings are strings, numbers integers or numbers, objects a ref or free-form. */
export type KindOf<T> = [NonNullable<T>] extends [string]
  ? "string"
  : [NonNullable<T>] extends [number]
    ? "integer" | "number"
    : [NonNullable<T>] extends [boolean]
      ? "boolean"
      : [NonNullable<T>] extends [ReadonlyArray<infer E>]
        ? { array: KindOf<E> }
        : { ref: TypeName } | "any";

/** The keys of T that are not optional. */
export type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/** One property: what the schema, the README and the SDKs say about it. */
export interface PropertySpec<K extends Kind = Kind, R extends boolean = boolean> {
  kind: K;
  required: R;
  description: string;
  /** Stored encrypted in the state (and in config). */
  secret?: boolean;
  /** The value `check` fills in when the property is unset. */
  default?: string | number | boolean;
  /** When there is no default: what unset means (the README's default column). */
  unset?: string;
  /** A change replaces the resource (diff says so; listed for the docs). */
  replaces?: boolean;
}

/** A record over T's keys whose kinds fit T's types and whose `required` marks match `Req`'s. */
export type Table<T, Req = T> = {
  [K in keyof T]-?: PropertySpec<KindOf<T[K]>, K extends RequiredKeys<Req> ? true : false>;
};

/** True when A and B have the same keys. */
export type SameKeys<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never] ? true : never;

/** What a program must give: the fields that name the processor (StreamProcessorArgs's required ones). */
export type RequiredInputs = Pick<StreamProcessorInputs, "projectId" | "workspaceName" | "processorName">;

const TIERS_TEXT = "SP2, SP5, SP10, SP30, SP50";

/** The resource's inputs, in the README's order. `required` follows StreamProcessorArgs (checked there). */
export const INPUTS = {
  projectId: {
    kind: "string",
    required: true,
    replaces: true,
    description: "The Atlas project id (the API's `groupId`): 24 lowercase hexadecimal characters. Changing it replaces the resource.",
  },
  workspaceName: {
    kind: "string",
    required: true,
    replaces: true,
    description: 'The stream workspace (formerly "stream instance") name: the API\'s `tenantName`. Changing it replaces the resource.',
  },
  processorName: {
    kind: "string",
    required: true,
    replaces: true,
    description: "The stream processor name. Changing it replaces the resource.",
  },
  state: {
    kind: "string",
    required: false,
    default: "STARTED",
    description: 'The desired state: `"STARTED"` or `"STOPPED"`. Any other value is refused at preview.',
  },
  timeoutSeconds: {
    kind: "integer",
    required: false,
    default: 600,
    description:
      "How long create, update and delete wait for the processor to settle, in seconds. Pulumi's `customTimeouts` do not reach the provider's waits: this is the deadline.",
  },
  pipeline: {
    kind: "string",
    required: false,
    unset: "unset",
    description:
      'The aggregation pipeline as JSON text: an array of stages, each with exactly one `$operator` key, e.g. `[{"$source":{"connectionName":"sample_stream_solar"}},{"$emit":{"connectionName":"__testLog"}}]` (the official `mongodbatlas.StreamProcessor`\'s form). Text, because the engine sorts the keys of objects and MongoDB documents are ordered: the stages are sent to Atlas key for key in the order written, and compared that way. When set, this resource owns the processor\'s definition: it creates the processor if missing and applies changes (stop, modify, restart); a malformed text is refused at preview with the line and column. Unset: the processor must already exist; only its state is managed.',
  },
  options: {
    kind: { ref: "ProcessorOptions" },
    required: false,
    unset: "unset",
    description: "Processor options (with `pipeline` only): `dlq`, `autoscaling`, `resumeFromCheckpoint`.",
  },
  tier: {
    kind: "string",
    required: false,
    unset: "Atlas's",
    description: `Stream processing tier (${TIERS_TEXT}); when set, starts use \`:startWith\`. With \`pipeline\` it is part of the definition (a change is applied stop, modify, restart); without, it applies at the next start. Unset: Atlas's (the workspace's tier). Other values are refused at preview.`,
  },
  failoverEnabled: {
    kind: "boolean",
    required: false,
    unset: "unset (Atlas's)",
    description:
      "With `pipeline`: whether the processor fails over to the workspace's failover regions (part of the definition; compared only when set). Atlas refuses `true` on a workspace without failover regions.",
  },
  verifySeconds: {
    kind: "integer",
    required: false,
    default: 0,
    description:
      "Health gate: after the processor reads STARTED, create and update keep watching it this many seconds; if it falls to FAILED meanwhile they fail, naming the processor, its state and where to read the reason. 0: no watch.",
  },
  startAtOperationTime: {
    kind: "string",
    required: false,
    unset: "unset",
    description: 'Start from this ISO 8601 operation time, e.g. "2026-01-31T12:00:00Z" (`:startWith`).',
  },
  resumeFromCheckpoint: {
    kind: "boolean",
    required: false,
    unset: "unset",
    description: "Resume from the last checkpoint when starting (`:startWith`). Unset: Atlas's default.",
  },
  adoptExisting: {
    kind: "boolean",
    required: false,
    default: false,
    description:
      "With `pipeline`: take over an existing processor whose definition differs, modifying it. `false`: such a processor is an error, so nobody's processor is overwritten by accident.",
  },
} as const satisfies Table<StreamProcessorInputs, RequiredInputs>;

/** Outputs whose meaning differs from the input of the same name, and the output-only ones. */
const OUTPUT_ONLY = {
  state: {
    kind: "string",
    required: true,
    description:
      "The **observed** state at the last create, update or refresh: `STARTED`, `STOPPED`, `CREATED`, `FAILED`, or a transitional value.",
  },
  desiredState: { kind: "string", required: true, description: "The state the program asked for: `STARTED` or `STOPPED`." },
  processorId: { kind: "string", required: true, description: "The processor's `_id` in Atlas." },
  createdByResource: {
    kind: "boolean",
    required: true,
    description:
      "`true` when this resource created the processor (destroy deletes it); `false` when it adopted or imported an existing one (destroy only stops it).",
  },
  pipeline: {
    kind: "string",
    required: false,
    description:
      "The pipeline as compact JSON text in the order written (after a refresh that found it edited in Atlas: Atlas's copy, in Atlas's order).",
  },
  tier: { kind: "string", required: false, description: "The tier as set, or as Atlas reported it when unset." },
  failoverEnabled: { kind: "boolean", required: false, description: "As set, or as Atlas reported it when unset." },
  effectiveTier: {
    kind: "string",
    required: false,
    description:
      "The tier Atlas runs the processor on now (with autoscaling, between `minTier` and `maxTier`); absent when Atlas reports none.",
  },
  eligibleForFailover: {
    kind: "boolean",
    required: false,
    description: "Whether Atlas reports the processor eligible for failover (read-only); absent when Atlas reports none.",
  },
} as const;

const { state: _state, ...inputsAsOutputs } = INPUTS;

/** The resource's outputs: every input as given after defaults (they are always present once defaulted), then OUTPUT_ONLY. */
export const OUTPUTS = {
  ...inputsAsOutputs,
  timeoutSeconds: { ...INPUTS.timeoutSeconds, required: true },
  ...OUTPUT_ONLY,
} as const satisfies Table<StreamProcessorOutputs>;

/** The nested object types. */
export const DLQ_OPTIONS = {
  connectionName: {
    kind: "string",
    required: true,
    description: "The connection (in the workspace's connection registry) of the cluster holding the dead-letter queue.",
  },
  db: { kind: "string", required: true, description: "The database of the dead-letter queue." },
  coll: { kind: "string", required: true, description: "The collection of the dead-letter queue." },
} as const satisfies Table<DlqOptions>;

export const AUTOSCALING_OPTIONS = {
  enabled: {
    kind: "boolean",
    required: true,
    description:
      "`true`: Atlas scales the processor between `minTier` and `maxTier` (both then required); `false`: autoscaling off (give no tiers).",
  },
  minTier: { kind: "string", required: false, description: `The smallest tier (${TIERS_TEXT}); required when \`enabled\`.` },
  maxTier: {
    kind: "string",
    required: false,
    description: "The largest tier, at most the workspace's `maxTierSize`, not below `minTier`; required when `enabled`.",
  },
} as const satisfies Table<AutoscalingOptions>;

export const PROCESSOR_OPTIONS = {
  dlq: {
    kind: { ref: "DlqOptions" },
    required: false,
    unset: "unset",
    description:
      "Dead-letter queue (part of the definition; needs `pipeline`). Removing it from the program removes it in Atlas (the PATCH carries `options: {dlq: null}`).",
  },
  autoscaling: {
    kind: { ref: "AutoscalingOptions" },
    required: false,
    unset: "unset",
    description:
      "Vertical autoscaling (needs `pipeline`). Sent on create and PATCH, and with every `:startWith`; removing it sends `options: {autoscaling: null}`. A change is applied stop, modify, restart.",
  },
  resumeFromCheckpoint: {
    kind: "boolean",
    required: false,
    unset: "unset (not sent)",
    description:
      "Needs `pipeline`. Sent in the PATCH whenever the pipeline changes (never stored by Atlas). Atlas refuses to change the `$source` or a window stage unless it is `false`: the processor then restarts on the new pipeline without its checkpoint.",
  },
} as const satisfies Table<ProcessorOptions>;

/** The keys of one stats object (integers; sizes in bytes). */
export const PROCESSOR_STATS = {
  name: { kind: "string", required: true, description: "The processor's name." },
  processorId: { kind: "string", required: true, description: "The processor's `_id`." },
  status: { kind: "string", required: true, description: "The state the statistics were taken in." },
  scaleFactor: { kind: "integer", required: true, description: "Atlas's scale factor of the byte sizes." },
  inputMessageCount: { kind: "integer", required: true, description: "Messages read." },
  inputMessageSize: { kind: "integer", required: true, description: "Bytes read." },
  outputMessageCount: { kind: "integer", required: true, description: "Messages written." },
  outputMessageSize: { kind: "integer", required: true, description: "Bytes written." },
  dlqMessageCount: { kind: "integer", required: true, description: "Messages sent to the dead-letter queue." },
  dlqMessageSize: { kind: "integer", required: true, description: "Bytes sent to the dead-letter queue." },
  stateSize: { kind: "integer", required: true, description: "Bytes of window and operator state." },
  memoryTrackerBytes: { kind: "integer", required: true, description: "Bytes of memory in use." },
  ok: { kind: "boolean", required: true, description: "Whether Atlas reports the statistics as complete." },
  changeStreamState: { kind: "any", required: false, description: "The change stream's resume position, as Atlas reports it." },
  operatorStats: { kind: { array: "any" }, required: true, description: "One object per operator, each with at least `name`." },
} as const satisfies Table<ProcessorStats>;

const NAME_ARGS = {
  projectId: { kind: "string", required: true, description: "The Atlas project id (the API's `groupId`)." },
  workspaceName: { kind: "string", required: true, description: "The stream workspace name (the API's `tenantName`)." },
  processorName: { kind: "string", required: true, description: "The stream processor name." },
} as const;

export const GET_PROCESSOR_ARGS = NAME_ARGS satisfies Table<GetStreamProcessorArgs>;
const { processorName: _name, ...workspaceArgs } = NAME_ARGS;
export const GET_PROCESSORS_ARGS = workspaceArgs satisfies Table<GetStreamProcessorsArgs>;

/** One processor as a data function returns it (getStreamProcessor's result, an element of getStreamProcessors' `results`). */
export const PROCESSOR_INFO = {
  ...NAME_ARGS,
  processorId: { kind: "string", required: true, description: "The processor's `_id` in Atlas." },
  state: {
    kind: "string",
    required: true,
    description: "The state Atlas reports: `CREATED`, `STARTED`, `STOPPED`, `FAILED`, or a transitional value.",
  },
  pipeline: {
    kind: { array: "any" },
    required: true,
    description:
      "The pipeline as objects. Outside TypeScript the objects' keys arrive sorted (the engine sorts them): read `pipelineJson` where key order matters.",
  },
  pipelineJson: {
    kind: "string",
    required: true,
    description:
      "The pipeline as compact JSON text in Atlas's key order (integer-like keys included): the form StreamProcessor's `pipeline` takes.",
  },
  options: {
    kind: { ref: "ProcessorOptions" },
    required: false,
    description: "`dlq` and `autoscaling` as Atlas reports them; absent when Atlas reports none.",
  },
  tier: { kind: "string", required: false, description: "The tier it runs on (Atlas fills in the workspace's when none was chosen)." },
  effectiveTier: { kind: "string", required: false, description: "The tier Atlas runs it on now; absent when Atlas reports none." },
  failoverEnabled: { kind: "boolean", required: false, description: "Whether it fails over to the workspace's failover regions." },
  eligibleForFailover: { kind: "boolean", required: false, description: "Whether Atlas reports it eligible for failover (read-only)." },
  stats: {
    kind: { ref: "ProcessorStats" },
    required: false,
    description: "Message counts and sizes; absent when Atlas reports none (e.g. never started).",
  },
} as const satisfies Table<GetStreamProcessorResult>;

export const GET_PROCESSORS_RESULT = {
  ...workspaceArgs,
  results: {
    kind: { array: { ref: "ProcessorInfo" } },
    required: true,
    description: "Every processor of the workspace (all pages, 500 a page), in Atlas's order.",
  },
} as const satisfies Table<GetStreamProcessorsResult>;

export const TYPES = {
  ProcessorOptions: {
    description:
      "Processor options. `dlq` and `autoscaling` are part of the definition; `resumeFromCheckpoint` is sent with a change of the pipeline and never stored by Atlas.",
    properties: PROCESSOR_OPTIONS,
  },
  DlqOptions: { description: "Dead-letter queue settings (the API's StreamsDLQ).", properties: DLQ_OPTIONS },
  AutoscalingOptions: {
    description:
      "Vertical autoscaling (the API's StreamsOptions.autoscaling); the output `effectiveTier` says where the processor runs now.",
    properties: AUTOSCALING_OPTIONS,
  },
  ProcessorInfo: { description: "One stream processor as Atlas reports it.", properties: PROCESSOR_INFO },
  ProcessorStats: {
    description:
      'The statistics Atlas returns with a processor (integers; sizes in bytes). A key Atlas leaves out reads as 0, "" or false.',
    properties: PROCESSOR_STATS,
  },
} as const satisfies Record<TypeName, { description: string; properties: Record<string, PropertySpec> }>;

export const FUNCTIONS = {
  getStreamProcessor: {
    description:
      "Reads one stream processor: state, pipeline, options, tier, failover and statistics (the official `mongodbatlas.getStreamProcessor`'s equivalent). A missing processor or workspace is an error saying which.",
    inputs: GET_PROCESSOR_ARGS,
    outputs: PROCESSOR_INFO,
  },
  getStreamProcessors: {
    description:
      "Reads every stream processor of a workspace, following every page of `GET …/processors` (the official `mongodbatlas.getStreamProcessors`'s equivalent).",
    inputs: GET_PROCESSORS_ARGS,
    outputs: GET_PROCESSORS_RESULT,
  },
} as const;

/** One provider config variable: its spec, the environment variables it falls back on, and the key the core reads it under. */
export interface ConfigSpec extends PropertySpec<Scalar, false> {
  env: readonly string[];
}

type OptionName = keyof typeof OPTION_KEYS;
type CredentialName = keyof typeof CONFIG_KEYS;
/** The config kinds: the credentials are strings, the options as ClientOptions types them (the two API versions are date strings). */
type ConfigKind<K> = K extends keyof ClientOptions ? KindOf<ClientOptions[K]> : "string";
type ConfigTable = { [K in CredentialName | OptionName]-?: ConfigSpec & { kind: ConfigKind<K> } };

const ms = (text: string, dflt: number): { kind: "integer"; required: false; description: string; default: number } => ({
  kind: "integer",
  required: false,
  description: `${text} In milliseconds.`,
  default: dflt,
});

/**
 * The provider's configuration, for the default provider (stack config `atlasstreams:<name>`) and
 * an explicit `atlasstreams.Provider` alike. The same keys as the dynamic door's `mongodbatlas:*`
 * and `atlas-stream-processor:*`, under one namespace; each falls back on the same environment.
 * The defaults are the client's own (options.ts DEFAULT_CLIENT_OPTIONS), checked by the registry test.
 */
export const CONFIG = {
  baseUrl: {
    kind: "string",
    required: false,
    env: ["MONGODB_ATLAS_BASE_URL"],
    default: "https://cloud.mongodb.com",
    description:
      "The Atlas Admin API's base URL. Plain `http://` is accepted only to `localhost`, `127.0.0.1` or `[::1]` (the local emulator); anything else is refused before any request.",
  },
  clientId: {
    kind: "string",
    required: false,
    env: ["MONGODB_ATLAS_CLIENT_ID"],
    unset: "unset",
    description: "A service account's client id (OAuth 2.0 client credentials), paired with `clientSecret`. The preferred credential.",
  },
  clientSecret: {
    kind: "string",
    required: false,
    secret: true,
    env: ["MONGODB_ATLAS_CLIENT_SECRET"],
    unset: "unset",
    description: "The service account's client secret, paired with `clientId`. Set it with `pulumi config set --secret`.",
  },
  publicKey: {
    kind: "string",
    required: false,
    env: ["MONGODB_ATLAS_PUBLIC_KEY", "MONGODB_ATLAS_PUBLIC_API_KEY"],
    unset: "unset",
    description: "An API key's public key (HTTP Digest), paired with `privateKey`.",
  },
  privateKey: {
    kind: "string",
    required: false,
    secret: true,
    env: ["MONGODB_ATLAS_PRIVATE_KEY", "MONGODB_ATLAS_PRIVATE_API_KEY"],
    unset: "unset",
    description: "The API key's private key, paired with `publicKey`. Set it with `pulumi config set --secret`.",
  },
  accessToken: {
    kind: "string",
    required: false,
    secret: true,
    env: ["MONGODB_ATLAS_ACCESS_TOKEN"],
    unset: "unset",
    description: "A Bearer token used as is; used only when neither a service account nor an API key is set.",
  },
  requestTimeoutMs: { ...ms("Per-attempt timeout of a read.", 30_000), env: ["ATLAS_STREAM_PROCESSOR_REQUEST_TIMEOUT_MS"] },
  actionTimeoutMs: {
    ...ms(
      "Per-attempt timeout of a create, PATCH, DELETE, `:start`, `:startWith` or `:stop` (Atlas was seen to answer these after 30-60 s).",
      90_000,
    ),
    env: ["ATLAS_STREAM_PROCESSOR_ACTION_TIMEOUT_MS"],
  },
  actionSettleMs: {
    ...ms(
      "How long after a `:start`/`:stop` timed out its effect may still appear before a read that shows none lets it be sent again.",
      120_000,
    ),
    env: ["ATLAS_STREAM_PROCESSOR_ACTION_SETTLE_MS"],
  },
  unclearSettleMs: {
    ...ms('How long after an error answer to an action the old state Atlas still shows is not taken as "not applied".', 3_000),
    env: ["ATLAS_STREAM_PROCESSOR_UNCLEAR_SETTLE_MS"],
  },
  connectionWaitMs: {
    ...ms(
      'How long create and modify retry "connection named X does not exist" while a new connection propagates; 0 turns it off.',
      60_000,
    ),
    env: ["ATLAS_STREAM_PROCESSOR_CONNECTION_WAIT_MS"],
  },
  maxRetries: {
    kind: "integer",
    required: false,
    default: 6,
    env: ["ATLAS_STREAM_PROCESSOR_MAX_RETRIES"],
    description: "Retries of one call after its first attempt.",
  },
  retryBudgetMs: { ...ms("The time all retries of one call may take.", 120_000), env: ["ATLAS_STREAM_PROCESSOR_RETRY_BUDGET_MS"] },
  backoffBaseMs: {
    ...ms("The first backoff delay, doubled per retry plus up to 20 % jitter.", 500),
    env: ["ATLAS_STREAM_PROCESSOR_BACKOFF_BASE_MS"],
  },
  maxDelayMs: { ...ms("The longest single delay, `Retry-After` included.", 30_000), env: ["ATLAS_STREAM_PROCESSOR_MAX_DELAY_MS"] },
  envelope: {
    kind: "boolean",
    required: false,
    default: false,
    env: ["ATLAS_STREAM_PROCESSOR_ENVELOPE"],
    description: "`true` sends `envelope=true` and unwraps the answers.",
  },
  processorApiVersion: {
    kind: "string",
    required: false,
    default: "2024-05-30",
    env: ["ATLAS_STREAM_PROCESSOR_PROCESSOR_API_VERSION"],
    description: "The `Accept` media-type date of every processor call.",
  },
  startWithApiVersion: {
    kind: "string",
    required: false,
    default: "2025-03-12",
    env: ["ATLAS_STREAM_PROCESSOR_START_WITH_API_VERSION"],
    description: "The `Accept` media-type date of `:startWith`.",
  },
} as const satisfies ConfigTable;

export type ConfigName = keyof typeof CONFIG;
