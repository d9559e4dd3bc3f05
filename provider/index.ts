/**
 * pulumi-atlas-stream-processor: a Pulumi dynamic resource that keeps a MongoDB Atlas stream
 * processor running. This is the whole public surface, as the README documents it: the resource
 * and its arguments, the data functions and their types, the errors with their guards, and the
 * value types. Everything else is internal and may change in any release.
 */
export { StreamProcessor, type StreamProcessorArgs, type ProcessorOptionsInput, type AutoscalingInput } from "./resource/stream-processor";
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
} from "./resource/functions";
export {
  StreamProcessorError,
  AtlasApiError,
  AtlasConfigError,
  AtlasNetworkError,
  ProcessorStateError,
  UnverifiedActionError,
  ProcessorInitError,
  isStreamProcessorError,
  isAtlasApiError,
  isAtlasConfigError,
  isAtlasNetworkError,
  isProcessorStateError,
  isUnverifiedActionError,
  isProcessorInitError,
} from "./errors";
export type {
  AutoscalingOptions,
  DesiredState,
  DesiredStateInput,
  DlqOptions,
  OperatorStats,
  PipelineStage,
  ProcessorOptions,
  ProcessorStats,
  Tier,
  TierInput,
} from "./types";
