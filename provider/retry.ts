/**
 * The retry policy, as pure functions axios-retry is configured with.
 *
 * axios-retry's defaults are wrong for this API in both directions: a POST that got 500 is not
 * retried, yet a POST whose socket reset is re-sent blindly, and a timeout is never retried
 * (shared/reference/http-client-notes.md). We retry 500/502/503/504/429, network errors and
 * timeouts — only for operations marked retryable — with exponential backoff and jitter,
 * Retry-After honoured up to a cap, within a total time budget. 4xx other than 429 never.
 */

// Arrays, not Sets: closure serialization (a program using this repository's copy) turns a
// module-level Set into an empty object, so `.has` would throw and nothing would be retried.
export const RETRYABLE_STATUSES: readonly number[] = [429, 500, 502, 503, 504];
/** Node/axios codes for "no answer": the request may or may not have reached Atlas. */
export const RETRYABLE_CODES: readonly string[] = [
  "ECONNRESET", "ECONNREFUSED", "ECONNABORTED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ENOTFOUND",
  "ERR_SOCKET_CONNECTION_TIMEOUT", "ECANCELED", "ERR_BAD_RESPONSE", "UND_ERR_SOCKET",
];

export interface FailureFacts {
  /** HTTP status, or undefined when no response came. */
  status?: number;
  /** Error code when no response came (ECONNRESET, ECONNABORTED for a timeout, …). */
  code?: string;
}

/** Whether a failure is transient (worth another attempt at all). */
export function isTransient(f: FailureFacts): boolean {
  if (f.status !== undefined) return RETRYABLE_STATUSES.includes(f.status);
  return f.code === undefined || RETRYABLE_CODES.includes(f.code);
}

/** Parses Retry-After: delta-seconds or an HTTP date. Returns milliseconds, or undefined. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== "string" && typeof value !== "number") return undefined;
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // Only an IMF-fixdate (RFC 9110 §5.6.7); Date.parse would read "-1" or "wait 12" as dates.
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export interface BackoffPolicy {
  backoffBaseMs: number;
  maxDelayMs: number;
}

/**
 * Delay before retry number `retry` (1-based): base·2^(retry-1) plus 0–20 % jitter, at least
 * Retry-After, never more than maxDelayMs (a server asking for an hour must not stall `pulumi up`).
 */
export function retryDelayMs(retry: number, retryAfterMs: number | undefined, p: BackoffPolicy, random = Math.random): number {
  const exp = p.backoffBaseMs * Math.pow(2, Math.max(0, retry - 1));
  const jittered = exp + exp * 0.2 * random();
  return Math.round(Math.min(p.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0)));
}

/** Whether another attempt fits: under maxRetries, and its delay ends within the budget. */
export function withinBudget(retriesSoFar: number, maxRetries: number, elapsedMs: number, nextDelayMs: number, budgetMs: number): boolean {
  return retriesSoFar < maxRetries && elapsedMs + nextDelayMs <= budgetMs;
}
