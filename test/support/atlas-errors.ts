/** Atlas's generic processor error body (400 STREAM_PROCESSOR_GENERIC_ERROR) for `name` and `msg`, as Atlas sends it. */
export const atlasGenericError = (name: string, msg: string) => ({
  error: 400,
  errorCode: "STREAM_PROCESSOR_GENERIC_ERROR",
  detail: `Streams Processor with this name (${name}) had a problem occur: ${msg}`,
  reason: "Bad Request",
  parameters: [name, msg],
});
