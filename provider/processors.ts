/**
 * The stream processor operations of the Atlas Admin API v2, on top of the HTTP transport.
 * Each action is safe to repeat: when an answer is lost or Atlas refuses because the work is
 * already done, a fresh GET decides — never an exact errorCode string, most of which are
 * undocumented (shared/reference/atlas-streams-api.md, "Errors").
 */
import type { AtlasHttpClient } from "./client";
import { isAtlasApiError } from "./errors";
import { sharedRead, type ReadAnswer } from "./reads";
import { actionTookEffect } from "./state";
import type { DlqOptions, ObservedProcessor, PipelineStage, ProcessorRef } from "./types";

const ROLES_HINT = (projectId: string) =>
  `Check that the API key or service account has the Project Owner (GROUP_OWNER) or Project Stream Processing Owner (GROUP_STREAM_PROCESSING_OWNER) role on project ${projectId}.`;

const enc = encodeURIComponent;

export function workspacesPath(projectId: string): string {
  return `/api/atlas/v2/groups/${enc(projectId)}/streams`;
}
export function workspacePath(ref: Pick<ProcessorRef, "projectId" | "workspaceName">): string {
  return `${workspacesPath(ref.projectId)}/${enc(ref.workspaceName)}`;
}
/** `…/processor/{name}` with every segment percent-encoded (a name holding ":stop" stays a name). */
export function processorPath(ref: ProcessorRef, action?: "start" | "startWith" | "stop"): string {
  return `${workspacePath(ref)}/processor/${enc(ref.processorName)}${action ? `:${action}` : ""}`;
}

/** Body of `:startWith` (StreamsStartStreamProcessorWith). */
export interface StartWithBody {
  tier?: string;
  startAtOperationTime?: string;
  resumeFromCheckpoint?: boolean;
}

export interface ProcessorDefinitionBody {
  pipeline: PipelineStage[];
  options?: { dlq?: DlqOptions };
  tier?: string;
}

/** Which action reached Atlas: sent and acknowledged, or found already done by a fresh read. */
export type ActionOutcome = "sent" | "already";

const WORKSPACE_VERSION = "2023-02-01";

export class ProcessorApi {
  constructor(private readonly http: AtlasHttpClient) {}

  private get v() {
    return this.http.settings.options.versions;
  }

  /**
   * GET the processor; undefined when Atlas answers 404. Concurrent reads of one workspace
   * share one list request (reads.ts); a lone read is a plain GET.
   */
  async get(ref: ProcessorRef): Promise<ObservedProcessor | undefined> {
    const answer = await sharedRead(this.http, ref, this.v.processor, () => this.getOne(ref));
    return answer.found ? toObserved(answer.data, ref) : undefined;
  }

  private async getOne(ref: ProcessorRef): Promise<ReadAnswer> {
    try {
      const res = await this.http.call({
        method: "GET",
        path: processorPath(ref),
        version: this.v.processor,
        retryable: true,
        authHint: ROLES_HINT(ref.projectId).replace("Check that", "Reading needs at least Project Read Only; check that"),
      });
      return { found: true, data: res.data };
    } catch (e) {
      if (isAtlasApiError(e) && e.status === 404) return { found: false };
      throw e;
    }
  }

  /** `:start`, or `:startWith` when a body is given (tier or start options). */
  start(ref: ProcessorRef, startWith?: StartWithBody): Promise<ActionOutcome> {
    return startWith
      ? this.act(ref, "start", "startWith", this.v.startWith, startWith)
      : this.act(ref, "start", "start", this.v.processor, undefined);
  }

  stop(ref: ProcessorRef): Promise<ActionOutcome> {
    return this.act(ref, "stop", "stop", this.v.processor, undefined);
  }

  private async act(ref: ProcessorRef, action: "start" | "stop", suffix: "start" | "startWith" | "stop", version: string, body: unknown): Promise<ActionOutcome> {
    const tookEffect = async () => actionTookEffect(action, (await this.get(ref))?.state);
    try {
      const res = await this.http.call({
        method: "POST",
        path: processorPath(ref, suffix),
        version,
        body,
        retryable: true,
        tookEffect,
        explainNotFound: () => this.explainNotFound(ref),
        authHint: ROLES_HINT(ref.projectId),
      });
      return res.appliedAfterFailure ? "already" : "sent";
    } catch (e) {
      // Atlas refuses to start a running processor (or stop a stopped one) with a 4xx whose
      // errorCode is undocumented: a fresh read tells whether the goal is already met.
      if (isAtlasApiError(e) && (e.status === 400 || e.status === 409) && (await tookEffect())) return "already";
      throw e;
    }
  }

  /** Creates the processor; a repeat that finds it already there (4xx) is checked by the caller. */
  async create(ref: ProcessorRef, def: ProcessorDefinitionBody): Promise<ObservedProcessor> {
    const res = await this.http.call({
      method: "POST",
      path: `${workspacePath(ref)}/processor`,
      version: this.v.processor,
      body: { name: ref.processorName, ...def },
      // Not retried blindly: a lost answer to a create is settled by the caller's fresh read.
      retryable: true,
      tookEffect: async () => (await this.get(ref)) !== undefined,
      explainNotFound: () => this.explainNotFound(ref),
      authHint: ROLES_HINT(ref.projectId),
    });
    if (res.appliedAfterFailure) {
      const seen = await this.get(ref);
      if (seen) return seen;
    }
    return toObserved(res.data, ref);
  }

  /** PATCH the definition (the processor must not be running). */
  async modify(ref: ProcessorRef, def: Partial<ProcessorDefinitionBody>): Promise<void> {
    await this.http.call({
      method: "PATCH",
      path: processorPath(ref),
      version: this.v.processor,
      body: def,
      // Sending the same definition twice is harmless.
      retryable: true,
      explainNotFound: () => this.explainNotFound(ref),
      authHint: ROLES_HINT(ref.projectId),
    });
  }

  /** DELETE the processor; gone already counts as deleted. */
  async remove(ref: ProcessorRef): Promise<void> {
    try {
      await this.http.call({
        method: "DELETE",
        path: processorPath(ref),
        version: this.v.processor,
        retryable: true,
        tookEffect: async () => (await this.get(ref)) === undefined,
        authHint: ROLES_HINT(ref.projectId),
      });
    } catch (e) {
      if (isAtlasApiError(e) && e.status === 404) return;
      throw e;
    }
  }

  /**
   * Which of project, workspace or processor is missing, by fresh reads of the levels above
   * (used only to word the error of a 404).
   */
  async explainNotFound(ref: ProcessorRef): Promise<string> {
    const exists = async (path: string): Promise<boolean | undefined> => {
      try {
        await this.http.call({ method: "GET", path, version: WORKSPACE_VERSION, retryable: true });
        return true;
      } catch (e) {
        return isAtlasApiError(e) && e.status === 404 ? false : undefined;
      }
    };
    const workspace = await exists(workspacePath(ref));
    if (workspace === true) {
      return `The stream processor "${ref.processorName}" does not exist in workspace "${ref.workspaceName}": create it in Atlas first, or set pipeline so this resource creates it.`;
    }
    if (workspace === false) {
      const project = await exists(workspacesPath(ref.projectId));
      if (project === false) return `Project ${ref.projectId} was not found: check projectId (the Atlas project id, also called groupId).`;
      return `Stream workspace "${ref.workspaceName}" was not found in project ${ref.projectId}: check workspaceName (the stream workspace, formerly stream instance, name).`;
    }
    return `Check projectId ${ref.projectId}, workspaceName "${ref.workspaceName}" and processorName "${ref.processorName}".`;
  }
}

function toObserved(data: unknown, ref: ProcessorRef): ObservedProcessor {
  const body = (data ?? {}) as Record<string, unknown>;
  const out: ObservedProcessor = {
    id: typeof body._id === "string" ? body._id : "",
    name: typeof body.name === "string" ? body.name : ref.processorName,
    state: typeof body.state === "string" ? body.state : "UNKNOWN",
    pipeline: Array.isArray(body.pipeline) ? (body.pipeline as PipelineStage[]) : [],
  };
  const options = body.options as { dlq?: DlqOptions } | undefined;
  if (options && typeof options === "object" && options.dlq && typeof options.dlq === "object") {
    const { connectionName, db, coll } = options.dlq;
    out.options = { dlq: { connectionName, db, coll } };
  }
  if (typeof body.tier === "string") out.tier = body.tier;
  return out;
}
