/**
 * One call to the Atlas Admin API as the layers above describe it (ApiCall), its answer
 * (ApiResult), and the bookkeeping one call carries across its retries (CallContext).
 */
import type { AxiosError, AxiosInstance } from "axios";
import axiosRetry from "axios-retry";
import type { UnclearAnswer } from "../model/state";
import { systemClock, type Clock } from "../util/clock";
import { parseRetryAfter, type RetryProgress } from "./retry";

export interface ApiCall {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Path with every segment already percent-encoded. */
  path: string;
  /** The media-type date for Accept (and Content-Type when there is a body). */
  version: string;
  /** Plain values and Json (ordered) values; serialized with bodyText. */
  body?: unknown;
  /**
   * For actions that are not naturally idempotent: called after a 5xx, reset or timeout, before
   * sending again. Resolves true when a fresh read shows the action already took effect; then
   * the call ends as applied instead of sending it a second time.
   */
  tookEffect?: (answer: UnclearAnswer) => Promise<boolean>;
  /** How progress lines name the call (`orders: :start`); default `METHOD path`. */
  label?: string;
  /**
   * A call that may take Atlas up to a minute (create, PATCH, DELETE, :start, :startWith,
   * :stop): its per-attempt timeout is `actionTimeoutMs` instead of `requestTimeoutMs`.
   */
  slow?: boolean;
  /**
   * A processor action (:start, :startWith, :stop): after a 504 or a client timeout it is never
   * re-sent (Atlas may still apply it); the call returns `timedOut` and the caller reads.
   */
  action?: boolean;
  /**
   * Builds the 404 hint (which of project, workspace or processor is missing) from the 404's
   * errorCode when it says, else by reads.
   */
  explainNotFound?: (errorCode?: string) => Promise<string>;
  /** Extra hint for 401/403 (the roles the operation needs). */
  authHint?: string;
}

export interface ApiResult {
  status: number;
  data: unknown;
  /** True when the call got no clear answer but a fresh read showed that it took effect. */
  appliedAfterFailure: boolean;
  attempts: number;
  /** Set when an action timed out (e.g. "HTTP 504 STREAM_PROCESSOR_TIMEOUT"): it may still take effect. */
  timedOut?: string;
}

/**
 * Per-call bookkeeping carried on the axios config across retries. It is a class instance on
 * purpose: axios deep-copies plain objects when it merges a retried request's config, but
 * keeps class instances by reference, so every attempt of one call sees the same context.
 * (tsconfig sets useDefineForClassFields: false so these initializers compile into the
 * constructor: closure serialization of a program using this repository's copy keeps
 * constructor bodies but drops ES2022 class-field initializers.)
 */
export class CallContext {
  /** When the first attempt began, on the client's clock. */
  readonly startedAt: number;
  /** Attempts sent so far (the first one included). */
  attempts = 0;
  /** Set when a fresh read showed that an action which got no clear answer took effect. */
  applied = false;
  /** The delay chosen for the next retry (retryCondition computes it, retryDelay uses it). */
  nextDelayMs = 0;
  /** Set when an action timed out (504 or no answer in time): it is not re-sent; the caller reads. */
  timedOut: string | undefined = undefined;
  /** Set when the fresh read after a failed attempt failed itself: the call reports that read. */
  readFailure: { outcome: string; error: Error } | undefined = undefined;

  constructor(readonly clock: Clock = systemClock) {
    this.startedAt = clock.now();
  }
}

declare module "axios" {
  interface AxiosRequestConfig {
    atlasCall?: CallContext;
  }
}

/**
 * The retry plumbing every axios instance of ours shares (the API client and the token
 * endpoint): each attempt counted on the call's context, the timeout per attempt, and the delay
 * that `decide` chose. `decide` says whether to send again; it sets `call.nextDelayMs` when it
 * does. Register it after the instance's own response interceptors: axios runs those in the
 * order registered, and the decision must see the attempt after they have noted it.
 */
export function wireRetries(
  http: AxiosInstance,
  retries: number,
  decide: (error: AxiosError, call: CallContext) => boolean | Promise<boolean>,
): void {
  http.interceptors.request.use((config) => {
    if (config.atlasCall) config.atlasCall.attempts += 1;
    return config;
  });
  axiosRetry(http, {
    retries,
    shouldResetTimeout: true, // the timeout is per attempt; the retry budget bounds the whole call
    retryCondition: async (error) => {
      const call = error.config?.atlasCall;
      return call ? decide(error, call) : false;
    },
    retryDelay: (_count, error) => error.config?.atlasCall?.nextDelayMs ?? 0,
  });
}

/** How far a call has got, as decideRetry takes it. */
export function progressOf(call: CallContext, error: AxiosError): RetryProgress {
  return {
    retriesSoFar: call.attempts - 1,
    elapsedMs: call.clock.now() - call.startedAt,
    retryAfterMs: parseRetryAfter(error.response?.headers?.["retry-after"], call.clock.now()),
  };
}
