/** The resource id of a StreamProcessor, derived from the three names that identify the processor. */
import type { ProcessorRef, StreamProcessorInputs } from "../types";

/** The resource id: stable, unambiguous, derived from the three names. */
export function resourceId(ref: ProcessorRef): string {
  return [ref.projectId, ref.workspaceName, ref.processorName].map(encodeURIComponent).join("/");
}

/** Parses a resource id back into its names (read after a state import lacks props). */
export function parseResourceId(id: string): ProcessorRef | undefined {
  const [projectId, workspaceName, processorName, ...more] = id.split("/");
  if (projectId === undefined || workspaceName === undefined || processorName === undefined || more.length > 0) return undefined;
  try {
    return {
      projectId: decodeURIComponent(projectId),
      workspaceName: decodeURIComponent(workspaceName),
      processorName: decodeURIComponent(processorName),
    };
  } catch {
    return undefined; // malformed percent-encoding
  }
}

export function refOf(p: Pick<StreamProcessorInputs, "projectId" | "workspaceName" | "processorName">): ProcessorRef {
  return { projectId: p.projectId, workspaceName: p.workspaceName, processorName: p.processorName };
}
