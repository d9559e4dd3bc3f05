/**
 * pulumi-atlas-stream-processor: a Pulumi dynamic resource that keeps a MongoDB Atlas stream
 * processor running.
 */
export { StreamProcessor, type StreamProcessorArgs } from "./resource";
export { streamProcessorProvider } from "./dynamic-provider";
export { resourceId, parseResourceId } from "./resource-id";
export { AtlasApiError, AtlasConfigError, AtlasNetworkError, ProcessorStateError, StreamProcessorError, isAtlasApiError } from "./errors";
export type { DesiredState, DlqOptions, PipelineStage, Tier, StreamProcessorInputs, StreamProcessorOutputs } from "./types";
export { DEFAULT_BASE_URL } from "./settings";
export { DEFAULT_CLIENT_OPTIONS, type ClientOptions } from "./options";
export {
  getStreamProcessor,
  getStreamProcessorOutput,
  getStreamProcessors,
  getStreamProcessorsOutput,
  type GetStreamProcessorArgs,
  type GetStreamProcessorOutputArgs,
  type GetStreamProcessorResult,
  type GetStreamProcessorsArgs,
  type GetStreamProcessorsOutputArgs,
  type GetStreamProcessorsResult,
} from "./functions";
export type { DesiredStateInput, TierInput, ProcessorOptions, ProcessorStats, OperatorStats } from "./types";
