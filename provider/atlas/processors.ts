/**
 * The stream processor operations of the Atlas Admin API v2, on top of the HTTP transport.
 * Each action is safe to repeat: when an answer is lost or Atlas refuses because the work is
 * already done, a fresh GET decides — never an exact errorCode string, most of which are
 * undocumented (https://www.mongodb.com/docs/api/doc/atlas-admin-api-v2/).
 */
import type { AtlasHttpClient } from "../http/client";
import { asError, AtlasApiError, isAtlasApiError, UnverifiedActionError } from "../errors";
import { classifyApiError, missingConnectionName, retryDelayMs } from "../http/retry";
import { actionBegun, expectRead, sharedRead, type ReadAnswer } from "./shared-reads";
import { actionTookEffect, pollDelayMs, settleVerdict, type UnclearAnswer } from "../model/state";
import { patchApplied, type DefinitionBody, type ModifyBody } from "../model/definition";
import { processorPath, workspacePath, workspacesPath } from "./paths";
import { logLine } from "../util/log";
import { notFoundFromCode, processorMissing } from "./not-found";
import { toObserved } from "./observed";
import type { AutoscalingOptions, ObservedProcessor, ProcessorRef } from "../types";
import { systemClock, type Clock } from "../util/clock";
import { cadenceFor, type Cadence } from "./cadence";

/** The roles a change needs, for a 401/403 on one. */
const ROLES_HINT = (projectId: string) =>
  `Check that the API key or service account has the Project Owner (GROUP_OWNER) or Project Stream Processing Owner (GROUP_STREAM_PROCESSING_OWNER) role on project ${projectId}.`;

/** The role a read needs, for a 401/403 on one. */
export const READ_ROLES_HINT = (projectId: string) =>
  `Reading needs at least Project Read Only; check that the API key or service account has a role on project ${projectId}.`;

/** Body of `:startWith` (StreamsStartStreamProcessorWith). */
export interface StartWithBody {
  tier?: string;
  startAtOperationTime?: string;
  resumeFromCheckpoint?: boolean;
  autoscaling?: AutoscalingOptions;
}

/** Body of a create (StreamsProcessor), the same shape as a PATCH's. */
export type ProcessorDefinitionBody = DefinitionBody;

/**
 * Which action reached Atlas: sent and acknowledged, found already done by a fresh read, or
 * timed out (504 or no answer in time) — Atlas may still apply it, so the caller reads until
 * the processor settles and never sends it again.
 */
export type ActionOutcome = "sent" | "already" | "timed-out";

const WORKSPACE_VERSION = "2023-02-01";

export class ProcessorApi {
  constructor(
    private readonly http: AtlasHttpClient,
    private readonly log: (line: string) => void = logLine,
    /** The time source of the connection wait (default systemClock). */
    private readonly clock: Clock = systemClock,
  ) {}

  /** The errorCode of the last 404 each processor path got from a read (the body says what is missing). */
  private readonly notFoundCodes: Record<string, string | undefined> = {};

  /** How long a timed-out action's effect may still appear (client option actionSettleMs). */
  get actionSettleMs(): number {
    return this.http.settings.options.actionSettleMs;
  }

  /** The waits' learnt cadence, shared by every resource on this endpoint and credential (cadence.ts). */
  get cadence(): Cadence {
    return cadenceFor(this.http);
  }

  /** How long the old state after an error answer is no verdict (client option unclearSettleMs). */
  get unclearSettleMs(): number {
    return this.http.settings.options.unclearSettleMs;
  }

  private get v() {
    return this.http.settings.options.versions;
  }

  /**
   * GET the processor; undefined when Atlas answers 404. Concurrent reads of one workspace
   * share one list request (shared-reads.ts); a lone read is a plain GET.
   */
  async get(ref: ProcessorRef): Promise<ObservedProcessor | undefined> {
    const answer = await sharedRead(this.http, ref, this.v.processor, () => this.getOne(ref));
    if (answer.found) return toObserved(answer.data, ref);
    // A 404's errorCode says whether the project or the workspace (not the processor) is missing.
    this.notFoundCodes[processorPath(ref)] = answer.errorCode;
    return undefined;
  }

  /**
   * Announces when this processor's wait will read it next (`at`, ms on the real clock), or that
   * it will not read soon (undefined): concurrent reads of the workspace gather only for reads
   * that are due. No request.
   */
  expectLook(ref: ProcessorRef, at: number | undefined): void {
    expectRead(this.http, ref, this.v.processor, at);
  }

  private async getOne(ref: ProcessorRef): Promise<ReadAnswer> {
    try {
      const res = await this.http.call({
        method: "GET",
        path: processorPath(ref),
        version: this.v.processor,
        authHint: READ_ROLES_HINT(ref.projectId),
      });
      return { found: true, data: res.data };
    } catch (e) {
      if (isAtlasApiError(e) && e.status === 404) return { found: false, errorCode: e.errorCode };
      throw e;
    }
  }

  /**
   * When the last read of this processor got a 404 whose errorCode says the project or the
   * workspace is missing (not the processor), the hint saying so; otherwise undefined. No request.
   */
  missingParent(ref: ProcessorRef): string | undefined {
    const code = this.notFoundCodes[processorPath(ref)];
    return code === "GROUP_NOT_FOUND" || code === "STREAM_TENANT_NOT_FOUND_FOR_NAME" ? notFoundFromCode(ref, code) : undefined;
  }

  /**
   * After an unclear answer, reads until `effect` shows or the answer's settle window has passed
   * (state.ts, settleVerdict): true when the action is applied (never send it again), false when
   * it is not (send it again). Reads are shared per workspace, so a settling processor costs no
   * requests of its own while others are read too.
   */
  private async settle(
    ref: ProcessorRef,
    answer: UnclearAnswer,
    effect: (observed: ObservedProcessor | undefined) => boolean,
  ): Promise<boolean> {
    const { unclearSettleMs, actionSettleMs } = this.http.settings.options;
    const from = this.clock.now();
    for (let attempt = 0; ; attempt++) {
      const verdict = settleVerdict(effect(await this.get(ref)), answer, this.clock.now() - from, { unclearSettleMs, actionSettleMs });
      if (verdict !== "read-again") return verdict === "applied";
      await this.clock.sleep(pollDelayMs(attempt));
    }
  }

  /**
   * `:start`, or `:startWith` when a body is given (tier or start options). `before` is the state
   * it is sent from (it tells a FAILED start from an old FAILED still showing).
   */
  start(ref: ProcessorRef, startWith?: StartWithBody, before?: string): Promise<ActionOutcome> {
    return startWith
      ? this.act(ref, "start", "startWith", this.v.startWith, startWith, before)
      : this.act(ref, "start", "start", this.v.processor, undefined, before);
  }

  stop(ref: ProcessorRef, before?: string): Promise<ActionOutcome> {
    return this.act(ref, "stop", "stop", this.v.processor, undefined, before);
  }

  private async act(
    ref: ProcessorRef,
    action: "start" | "stop",
    suffix: "start" | "startWith" | "stop",
    version: string,
    body: unknown,
    before?: string,
  ): Promise<ActionOutcome> {
    const tookEffect = (answer: UnclearAnswer) => this.settle(ref, answer, (o) => actionTookEffect(action, o?.state, before));
    // The wait after it reads when the answer comes: reads of the workspace asked just before then wait for it.
    const ended = actionBegun(this.http, ref, this.v.processor, action);
    let answered = false;
    try {
      const res = await this.http.call({
        method: "POST",
        path: processorPath(ref, suffix),
        label: `${ref.processorName}: :${suffix}`,
        version,
        body,
        slow: true,
        action: true,
        tookEffect,
        explainNotFound: (code) => this.explainNotFound(ref, code),
        authHint: ROLES_HINT(ref.projectId),
      });
      if (res.timedOut) {
        this.log(
          `[atlas] ${ref.processorName}: :${suffix} got ${res.timedOut}; Atlas may still apply it, so it is not sent again: reading until the processor settles`,
        );
        return "timed-out";
      }
      answered = !res.appliedAfterFailure;
      return res.appliedAfterFailure ? "already" : "sent";
    } catch (e) {
      // Atlas refuses to start a running processor (or stop a stopped one) with a 4xx whose
      // errorCode is undocumented: a fresh read tells whether the goal is already met.
      if (isAtlasApiError(e) && (e.status === 400 || e.status === 409)) {
        let applied: boolean;
        try {
          applied = await tookEffect("refused");
        } catch (readError) {
          throw new UnverifiedActionError(
            `Atlas API POST ${processorPath(ref, suffix)}`,
            `HTTP ${e.status}${e.errorCode ? ` ${e.errorCode}` : ""}`,
            asError(readError),
          );
        }
        if (applied) return "already";
      }
      throw e;
    } finally {
      ended(answered);
    }
  }

  /**
   * Sends a create or a modify, retrying "connection named X does not exist" for up to
   * `connectionWaitMs` (a connection created moments ago — e.g. by @pulumi/mongodbatlas in the
   * same `pulumi up` — propagates for a few seconds), with a progress line per attempt.
   */
  private async withConnectionWait<T>(ref: ProcessorRef, send: () => Promise<T>): Promise<T> {
    const options = this.http.settings.options;
    const started = this.clock.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await send();
      } catch (e) {
        if (!isAtlasApiError(e) || classifyApiError(e) !== "connection-pending") throw e;
        const connection = missingConnectionName(e.detail) ?? "?";
        const elapsed = this.clock.now() - started;
        const delay = retryDelayMs(attempt, undefined, options);
        if (elapsed + delay > options.connectionWaitMs) {
          throw new AtlasApiError({
            method: e.method,
            path: e.path,
            status: e.status,
            errorCode: e.errorCode,
            detail: e.detail,
            attempts: attempt,
            hint:
              `The connection "${connection}" does not exist in stream workspace "${ref.workspaceName}" (project ${ref.projectId}), still after ${Math.round(elapsed / 1000)}s: ` +
              `create it in the workspace (Atlas UI → Stream Processing → ${ref.workspaceName} → Connections, or mongodbatlas.StreamConnection with dependsOn), or fix the name in the pipeline or options.dlq. ` +
              `If it was just created and needs longer to propagate, raise atlas-stream-processor:connectionWaitMs (now ${options.connectionWaitMs} ms).`,
          });
        }
        this.log(
          `[atlas] ${ref.processorName}: waiting for connection ${connection} in workspace "${ref.workspaceName}" (Atlas does not know it yet; it may still be propagating), ${(elapsed / 1000).toFixed(1)}s of ${Math.round(options.connectionWaitMs / 1000)}s`,
        );
        await this.clock.sleep(delay);
      }
    }
  }

  /** Creates the processor; a repeat that finds it already there (4xx) is checked by the caller. */
  async create(ref: ProcessorRef, def: ProcessorDefinitionBody): Promise<ObservedProcessor> {
    const res = await this.withConnectionWait(ref, () =>
      this.http.call({
        method: "POST",
        path: `${workspacePath(ref)}/processor`,
        version: this.v.processor,
        label: `${ref.processorName}: create`,
        body: { name: ref.processorName, ...def },
        // Not retried blindly: an unclear answer is settled by reading (does it exist now?).
        slow: true,
        tookEffect: (answer) => this.settle(ref, answer, (o) => o !== undefined),
        explainNotFound: (code) => this.explainNotFound(ref, code),
        authHint: ROLES_HINT(ref.projectId),
      }),
    );
    if (res.appliedAfterFailure) {
      const seen = await this.get(ref);
      if (seen) return seen;
    }
    return toObserved(res.data, ref);
  }

  /** PATCH the definition (the processor must not be running). */
  async modify(ref: ProcessorRef, def: ModifyBody): Promise<void> {
    await this.withConnectionWait(ref, () =>
      this.http.call({
        method: "PATCH",
        path: processorPath(ref),
        label: `${ref.processorName}: PATCH`,
        version: this.v.processor,
        body: def,
        // Harmless twice, but still a second action: after an unclear answer, Atlas's definition
        // decides whether it was applied.
        tookEffect: (answer) => this.settle(ref, answer, (o) => o !== undefined && patchApplied(o, def)),
        slow: true,
        explainNotFound: (code) => this.explainNotFound(ref, code),
        authHint: ROLES_HINT(ref.projectId),
      }),
    );
  }

  /** DELETE the processor; gone already counts as deleted. */
  async remove(ref: ProcessorRef): Promise<void> {
    try {
      await this.http.call({
        method: "DELETE",
        path: processorPath(ref),
        label: `${ref.processorName}: DELETE`,
        version: this.v.processor,
        slow: true,
        tookEffect: (answer) => this.settle(ref, answer, (o) => o === undefined),
        authHint: ROLES_HINT(ref.projectId),
      });
    } catch (e) {
      if (isAtlasApiError(e) && e.status === 404) return;
      throw e;
    }
  }

  /**
   * Which of project, workspace or processor is missing: from the 404's errorCode when it says,
   * else by fresh reads of the levels above (used only to word the error of a 404).
   */
  async explainNotFound(ref: ProcessorRef, errorCode?: string): Promise<string> {
    const said = notFoundFromCode(ref, errorCode);
    if (said !== undefined) return said;
    const exists = async (path: string): Promise<boolean | undefined> => {
      try {
        await this.http.call({ method: "GET", path, version: WORKSPACE_VERSION });
        return true;
      } catch (e) {
        return isAtlasApiError(e) && e.status === 404 ? false : undefined;
      }
    };
    const workspace = await exists(workspacePath(ref));
    if (workspace === true) return processorMissing(ref);
    if (workspace === false) {
      const project = await exists(workspacesPath(ref.projectId));
      return notFoundFromCode(ref, project === false ? "GROUP_NOT_FOUND" : "STREAM_TENANT_NOT_FOUND_FOR_NAME") as string;
    }
    return `Check projectId ${ref.projectId}, workspaceName "${ref.workspaceName}" and processorName "${ref.processorName}".`;
  }
}
