/** Paths of the Atlas Admin API v2 stream endpoints, every segment percent-encoded. */
import type { ProcessorRef } from "../types";

const enc = encodeURIComponent;

export function workspacesPath(projectId: string): string {
  return `/api/atlas/v2/groups/${enc(projectId)}/streams`;
}
/** `…/streams/{workspace}/processors`: the list of a workspace's processors. */
export function processorsPath(ref: Pick<ProcessorRef, "projectId" | "workspaceName">): string {
  return `${workspacePath(ref)}/processors`;
}

export function workspacePath(ref: Pick<ProcessorRef, "projectId" | "workspaceName">): string {
  return `${workspacesPath(ref.projectId)}/${enc(ref.workspaceName)}`;
}
/** `…/processor/{name}` with every segment percent-encoded (a name holding ":stop" stays a name). */
export function processorPath(ref: ProcessorRef, action?: "start" | "startWith" | "stop"): string {
  return `${workspacePath(ref)}/processor/${enc(ref.processorName)}${action ? `:${action}` : ""}`;
}
