/**
 * The retry policy, as pure functions axios-retry is configured with.
 *
 * axios-retry's defaults are wrong for this API in both directions: a POST that got 500 is not
 * retried, yet a POST whose socket reset is re-sent blindly, and a timeout is never retried
 * (https://github.com/softonic/axios-retry#options). We retry 500/502/503/504/429, network errors and
 * timeouts with exponential backoff and jitter,
 * Retry-After honoured up to a cap, within a total time budget. 4xx other than 429 never.
 */

// Arrays, not Sets: closure serialization (a program using this repository's copy) turns a
// module-level Set into an empty object, so `.has` would throw and nothing would be retried.
export const RETRYABLE_STATUSES: readonly number[] = [429, 500, 502, 503, 504];
/** Node/axios codes for "no answer": the request may or may not have reached Atlas. */
export const RETRYABLE_CODES: readonly string[] = [
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
  "ECANCELED",
  "ERR_BAD_RESPONSE",
  "UND_ERR_SOCKET",
];

export interface FailureFacts {
  /** HTTP status, or undefined when no response came. */
  status?: number | undefined;
  /** Error code when no response came (ECONNRESET, ECONNABORTED for a timeout, …). */
  code?: string | undefined;
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

/**
 * Messages Atlas puts in a 400 `STREAM_PROCESSOR_GENERIC_ERROR` for trouble on its side that
 * passed on a later attempt (the Terraform provider's acceptance logs). Matched as substrings,
 * case-insensitively.
 */
export const TRANSIENT_PROCESSOR_MESSAGES: readonly string[] = [
  "no healthy upstream",
  "failed to acquire resources",
  "error getting cluster info",
  // Answered to creates after 32–38 s, which passed on a later run: the create may or may not
  // have been applied, so the client reads before sending it again.
  "an internal error occurred",
];

/** Messages that look like trouble but are a permission or a typo: never retried. */
export const DEFINITE_PROCESSOR_MESSAGES: readonly string[] = ["rbac: access denied", "access of projectid that does not exist"];

/** Node/axios codes for "the client stopped waiting": the request may still be carried out. */
export const TIMEOUT_CODES: readonly string[] = ["ECONNABORTED", "ETIMEDOUT", "ERR_SOCKET_CONNECTION_TIMEOUT"];

/**
 * What a failed call means for the next step:
 * - `transient`: trouble on the way or on Atlas's side (5xx, 429, no answer); retry with backoff,
 *   after a fresh read for calls that must not be done twice.
 * - `transient-400`: Atlas's generic processor error carrying an infrastructure message; the same.
 * - `connection-pending`: "connection named X does not exist": a connection created moments ago
 *   may still be propagating; the caller retries for a bounded time.
 * - `action-timeout`: a 504 or a client timeout on :start/:startWith/:stop; Atlas may still apply
 *   it (and keeps showing the previous state meanwhile), so it is never re-sent: the caller reads
 *   until the processor settles.
 * - `definite`: anything else (permissions, not found, a bad request); no retry.
 */
export type FailureClass = "transient" | "transient-400" | "connection-pending" | "action-timeout" | "definite";

export interface FailureReport extends FailureFacts {
  /** Atlas's errorCode, when the body has one (explains; never decides alone). */
  errorCode?: string | undefined;
  /** Atlas's detail (or reason) text. */
  detail?: string | undefined;
  /** The call is a processor action (:start, :startWith, :stop). */
  action?: boolean | undefined;
}

/** The connection a "connection named X does not exist" message names, or undefined. */
export function missingConnectionName(detail: string | undefined): string | undefined {
  const m = /connection named (.+?) does not exist/i.exec(detail ?? "");
  return m ? m[1] : undefined;
}

/** Classifies a failed call from its status (or no-answer code), Atlas's message and the call's kind. */
export function classifyFailure(f: FailureReport): FailureClass {
  const text = (f.detail ?? "").toLowerCase();
  if (f.action && (f.status === 504 || (f.status === undefined && f.code !== undefined && TIMEOUT_CODES.includes(f.code))))
    return "action-timeout";
  if (f.status === 400) {
    if (DEFINITE_PROCESSOR_MESSAGES.some((m) => text.includes(m))) return "definite";
    if (missingConnectionName(f.detail) !== undefined) return "connection-pending";
    if (TRANSIENT_PROCESSOR_MESSAGES.some((m) => text.includes(m))) return "transient-400";
    return "definite";
  }
  return isTransient(f) ? "transient" : "definite";
}

/** An Atlas error answer (an AtlasApiError, or anything with its fields) as classifyFailure sees it. */
export function classifyApiError(e: { status: number; errorCode?: string | undefined; detail?: string | undefined }): FailureClass {
  return classifyFailure({ status: e.status, errorCode: e.errorCode, detail: e.detail });
}

export interface RetryPolicy extends BackoffPolicy {
  maxRetries: number;
  retryBudgetMs: number;
}

/** Where a call stands when one of its attempts failed. */
export interface RetryProgress {
  /** Retries already made (0 after the first attempt failed). */
  retriesSoFar: number;
  /** Time since the call's first attempt. */
  elapsedMs: number;
  /** The answer's Retry-After, in milliseconds (parseRetryAfter). */
  retryAfterMs?: number | undefined;
}

export interface RetryDecision {
  failure: FailureClass;
  /** Whether to send the call again (after `delayMs`). */
  retry: boolean;
  delayMs: number;
}

/**
 * The one retry decision every request of the package makes (API calls and the OAuth token
 * request alike): transient failures, and the transient 400s, are retried while the count and
 * the time budget allow; everything else is not. What a caller does before re-sending (a fresh
 * read for actions that must not be done twice) is its own business.
 */
export function decideRetry(report: FailureReport, progress: RetryProgress, policy: RetryPolicy, random = Math.random): RetryDecision {
  const failure = classifyFailure(report);
  const delayMs = retryDelayMs(progress.retriesSoFar + 1, progress.retryAfterMs, policy, random);
  const retryable = failure === "transient" || failure === "transient-400";
  const retry = retryable && withinBudget(progress.retriesSoFar, policy.maxRetries, progress.elapsedMs, delayMs, policy.retryBudgetMs);
  return { failure, retry, delayMs };
}
