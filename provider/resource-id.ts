/** The resource id of a StreamProcessor, derived from the three names that identify the processor. */
import type { ProcessorRef, StreamProcessorInputs } from "./types";

/** The resource id: stable, unambiguous, derived from the three names. */
export function resourceId(ref: ProcessorRef): string {
  return [ref.projectId, ref.workspaceName, ref.processorName].map(encodeURIComponent).join("/");
}

/** Parses a resource id back into its names (read after a state import lacks props). */
export function parseResourceId(id: string): ProcessorRef | undefined {
  const parts = id.split("/");
  if (parts.length !== 3) return undefined;
  try {
    const [projectId, workspaceName, processorName] = parts.map(decodeURIComponent);
    return { projectId, workspaceName, processorName };
  } catch {
    return undefined; // malformed percent-encoding
  }
}

export function refOf(p: Pick<StreamProcessorInputs, "projectId" | "workspaceName" | "processorName">): ProcessorRef {
  return { projectId: p.projectId, workspaceName: p.workspaceName, processorName: p.processorName };
}
