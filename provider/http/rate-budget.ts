/**
 * The process-wide view of one project's Atlas rate-limit budget, as pure functions.
 *
 * Atlas limits the Admin API with token buckets per endpoint set and project: every resource
 * of a deployment (and every other tool of that project) draws on one bucket. Responses carry
 * `RateLimit-Limit` / `RateLimit-Remaining`; a 429 carries `Retry-After` and a
 * `RATE_LIMITED_TOKEN_BUCKET` body whose parameters give the capacity and refill rate
 * (https://www.mongodb.com/docs/atlas/api/api-rate-limit/). From those, each request is
 * admitted now or after a delay: after a 429 nobody sends until the wait is over; when the
 * bucket runs low, reads (polls) wait while actions still go, so polling slows down before an
 * action is ever refused.
 */

export interface BudgetView {
  /** Bucket capacity (`RateLimit-Limit`, or the 429's parameters); undefined until seen. */
  limit?: number;
  /** Tokens left at `updatedAt` (`RateLimit-Remaining`); undefined until seen. */
  remaining?: number;
  updatedAt: number;
  /** Tokens per second, from a 429's parameters; undefined until one was seen. */
  refillPerSecond?: number;
  /**
   * Tokens per second measured from successive `RateLimit-Remaining` values (see answered);
   * used until a 429 states the refill.
   */
  measuredRefillPerSecond?: number;
  /** Where the measurement started: a `RateLimit-Remaining`, when it came, and the answers since. */
  since?: { at: number; remaining: number; answers: number };
  /** Requests admitted and not yet answered (they will draw on the bucket). */
  outstanding: number;
  /** No request to the project before this epoch ms (after a 429). */
  pausedUntil: number;
}

export type RequestKind = "action" | "read";

export interface BudgetPolicy {
  /** Share of the capacity kept for actions: reads wait while fewer tokens are left. Default 0.2. */
  actionReserve: number;
  /**
   * Refill rate assumed until one is measured from RateLimit-Remaining or stated by a 429, as a
   * share of the capacity per second, at most `assumedRefillMaxPerSecond`. Default 0.1.
   */
  assumedRefillShare: number;
  /**
   * The fastest refill ever assumed, in tokens per second. Atlas's large buckets refill slowly
   * (the streams set was seen with capacity 1200 and no visible refill within a minute), so a
   * share of a large capacity would be far too fast. Default 1.
   */
  assumedRefillMaxPerSecond: number;
  /** Reads wait this much longer than actions after a 429's pause. Default 100 ms. */
  readLagMs: number;
}

export const DEFAULT_BUDGET_POLICY: BudgetPolicy = {
  actionReserve: 0.2,
  assumedRefillShare: 0.1,
  assumedRefillMaxPerSecond: 1,
  readLagMs: 100,
};

export function emptyBudget(now: number): BudgetView {
  return { updatedAt: now, outstanding: 0, pausedUntil: 0 };
}

/** GET is a read; POST, PATCH and DELETE are actions (they change something and go first). */
export function requestKind(method: string): RequestKind {
  return method.toUpperCase() === "GET" ? "read" : "action";
}

function refillPerSecond(v: BudgetView, p: BudgetPolicy): number {
  return (
    v.refillPerSecond ??
    v.measuredRefillPerSecond ??
    Math.min(p.assumedRefillMaxPerSecond, Math.max(0.1, (v.limit ?? 0) * p.assumedRefillShare))
  );
}

/** A refill measurement needs this long and this many answers (RateLimit-Remaining moves by whole tokens). */
const MEASURE_MIN_MS = 2000;
const MEASURE_MIN_ANSWERS = 5;

/**
 * The refill between two `RateLimit-Remaining` readings: every answer in between drew one token,
 * so remaining(now) = remaining(then) − answers + refill · elapsed. Undefined until the span is
 * long enough to say.
 */
export function measuredRefill(
  since: { at: number; remaining: number; answers: number },
  remaining: number,
  now: number,
): number | undefined {
  const elapsed = now - since.at;
  if (elapsed < MEASURE_MIN_MS || since.answers < MEASURE_MIN_ANSWERS) return undefined;
  return Math.max(0, (remaining - since.remaining + since.answers) / (elapsed / 1000));
}

/** Tokens expected to be left at `now`, with the refill since the last answer and what is still unanswered. */
export function estimatedTokens(v: BudgetView, now: number, p: BudgetPolicy = DEFAULT_BUDGET_POLICY): number | undefined {
  if (v.remaining === undefined) return undefined;
  const refilled = v.remaining + (refillPerSecond(v, p) * Math.max(0, now - v.updatedAt)) / 1000;
  return Math.min(v.limit ?? Infinity, refilled) - v.outstanding;
}

/** How long the pause after a 429 still holds a request of this kind (reads a little longer than actions). */
export function pauseDelayMs(v: BudgetView, kind: RequestKind, now: number, p: BudgetPolicy = DEFAULT_BUDGET_POLICY): number {
  return v.pausedUntil > now ? v.pausedUntil - now + (kind === "read" ? p.readLagMs : 0) : 0;
}

/**
 * How long a request must wait before it is sent. Actions need one token; reads need the
 * action reserve on top, so the last tokens of a low bucket go to starts and stops.
 */
export function admissionDelayMs(v: BudgetView, kind: RequestKind, now: number, p: BudgetPolicy = DEFAULT_BUDGET_POLICY): number {
  const pause = pauseDelayMs(v, kind, now, p);
  const at = now + pause;
  const tokens = estimatedTokens(v, at, p);
  if (tokens === undefined) return pause;
  const needed = kind === "action" ? 1 : 1 + Math.ceil((v.limit ?? 0) * p.actionReserve);
  if (tokens >= needed) return pause;
  return pause + Math.ceil(((needed - tokens) / refillPerSecond(v, p)) * 1000);
}

/** The view once a request is admitted (it will draw a token when it arrives). */
export function admitted(v: BudgetView): BudgetView {
  return { ...v, outstanding: v.outstanding + 1 };
}

export interface ResponseFacts {
  /** HTTP status, undefined when no answer came. */
  status?: number | undefined;
  /** `RateLimit-Limit`, `RateLimit-Remaining`, `Retry-After` as received. */
  limit?: unknown;
  remaining?: unknown;
  retryAfterMs?: number | undefined;
  /** The 429 body's parameters, if any. */
  bucket?: BucketParameters | undefined;
}

/**
 * The view once an admitted request got its answer (or none). A 429's pause is capped at
 * `maxPauseMs` (the client's maxDelayMs): a server asking for an hour must not stall `pulumi up`.
 */
export function answered(v: BudgetView, r: ResponseFacts, now: number, maxPauseMs = Infinity): BudgetView {
  const out: BudgetView = { ...v, outstanding: Math.max(0, v.outstanding - 1) };
  const limit = toCount(r.limit) ?? r.bucket?.capacity;
  if (limit !== undefined) out.limit = limit;
  if (r.bucket?.refillPerSecond !== undefined) out.refillPerSecond = r.bucket.refillPerSecond;
  // A 429 empties the bucket; without any limit known there is no bucket to model, only the pause.
  const remaining = r.status === 429 && out.limit !== undefined ? 0 : toCount(r.remaining);
  if (remaining !== undefined) {
    out.remaining = remaining;
    out.updatedAt = now;
    if (r.status !== 429) {
      // Measure the refill from what Atlas reports, instead of counting on an assumed one.
      const since = v.since ? { ...v.since, answers: v.since.answers + 1 } : undefined;
      const measured = since ? measuredRefill(since, remaining, now) : undefined;
      if (measured !== undefined) out.measuredRefillPerSecond = measured;
      out.since = since && measured === undefined ? since : { at: now, remaining, answers: 0 };
    }
  }
  if (r.status === 429) {
    // Atlas states the wait; without one, wait for a token's refill (at least a second).
    const waitMs = r.retryAfterMs ?? r.bucket?.retryAfterMs ?? Math.max(1000, 1000 / refillPerSecond(out, DEFAULT_BUDGET_POLICY));
    out.pausedUntil = Math.max(v.pausedUntil, now + Math.min(waitMs, maxPauseMs));
  }
  return out;
}

function toCount(x: unknown): number | undefined {
  const n = typeof x === "number" ? x : typeof x === "string" && /^\d+$/.test(x.trim()) ? Number(x) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export interface BucketParameters {
  capacity?: number;
  refillPerSecond?: number;
  retryAfterMs?: number;
}

/**
 * The parameters of a `RATE_LIMITED_TOKEN_BUCKET` body: `[endpointSet, retryAfterSeconds,
 * capacity, refill, perSeconds]` (Atlas mixes strings and integers; both are accepted).
 */
export function parseBucketParameters(body: unknown): BucketParameters | undefined {
  if (!body || typeof body !== "object") return undefined;
  const b = body as { errorCode?: unknown; parameters?: unknown };
  if (b.errorCode !== "RATE_LIMITED_TOKEN_BUCKET" || !Array.isArray(b.parameters)) return undefined;
  const [, after, capacity, refill, per] = b.parameters.map(toCount);
  const out: BucketParameters = {};
  if (after !== undefined) out.retryAfterMs = after * 1000;
  if (capacity !== undefined && capacity > 0) out.capacity = capacity;
  if (refill !== undefined && per !== undefined && per > 0) out.refillPerSecond = refill / per;
  return out;
}

/**
 * The project a request draws on: the `{groupId}` of `/api/atlas/v2/groups/{groupId}/…`. The
 * transport's own reading of a path, on purpose: http/ sits below atlas/ (which builds the paths,
 * atlas/paths.ts) and needs only the project, for any endpoint of the API.
 */
export function projectOf(path: string): string | undefined {
  const m = /\/api\/atlas\/v2\/groups\/([^/?#]+)/.exec(path);
  return m ? m[1] : undefined;
}
