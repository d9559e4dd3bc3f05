/**
 * Per-call bookkeeping carried on the axios config across retries. It is a class instance on
 * purpose: axios deep-copies plain objects when it merges a retried request's config, but
 * keeps class instances by reference, so every attempt of one call sees the same context.
 * (tsconfig sets useDefineForClassFields: false so these initializers compile into the
 * constructor: closure serialization of a program using this repository's copy keeps
 * constructor bodies but drops ES2022 class-field initializers.)
 */
export class CallContext {
  readonly startedAt = Date.now();
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
}

declare module "axios" {
  interface AxiosRequestConfig {
    atlasCall?: CallContext;
  }
}
