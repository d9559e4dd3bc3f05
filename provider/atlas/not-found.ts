/** Wording of a 404: which of project, workspace or processor is missing. */
import type { ProcessorRef } from "../types";

/**
 * The 404 hint from the 404's own errorCode, when it says which level is missing (Atlas sends
 * GROUP_NOT_FOUND and STREAM_TENANT_NOT_FOUND_FOR_NAME); undefined when it does not say.
 */
export function notFoundFromCode(ref: ProcessorRef, errorCode: string | undefined): string | undefined {
  switch (errorCode) {
    case "GROUP_NOT_FOUND":
      return `Project ${ref.projectId} was not found: check projectId (the Atlas project id, also called groupId).`;
    case "STREAM_TENANT_NOT_FOUND_FOR_NAME":
      return `Stream workspace "${ref.workspaceName}" was not found in project ${ref.projectId}: check workspaceName (the stream workspace, formerly stream instance, name).`;
    case "STREAM_PROCESSOR_NOT_FOUND":
      return processorMissing(ref);
    default:
      return undefined;
  }
}

export function processorMissing(ref: ProcessorRef): string {
  return `The stream processor "${ref.processorName}" does not exist in workspace "${ref.workspaceName}": create it in Atlas first, or set pipeline so this resource creates it.`;
}
