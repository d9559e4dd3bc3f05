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
}

declare module "axios" {
  interface AxiosRequestConfig {
    atlasCall?: CallContext;
  }
}
