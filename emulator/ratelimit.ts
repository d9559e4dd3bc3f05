// Token buckets as Atlas describes them (https://www.mongodb.com/docs/atlas/api/api-rate-limit/):
// one bucket per endpoint set × scope, each request takes a token, tokens refill at a fixed rate
// up to the capacity. Refill is computed lazily from timestamps (no timers), with an injectable clock.
import { EMULATOR_DEFAULTS } from "./defaults";
import { isPlainObject } from "./documents";
import { apiError, type ApiErrorBody } from "./errors";
import { STREAMS_PATH, streamsGroupOf } from "./routes";
import type { RateLimitConfig, RateLimitScope } from "./types";

/**
 * The endpoint set of every `/api/atlas/v2/groups/{groupId}/streams…` path: that path without its
 * leading `/`. Atlas does not publish the streams endpoints' set name or limits; this name follows
 * the `api/atlas/v2/orgs` form of the documented 429 detail.
 */
export const STREAMS_ENDPOINT_SET = STREAMS_PATH.slice(1);

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

/** The endpoint set a path belongs to and the project it names, or undefined (not rate limited). */
function endpointSetOf(rawPath: string): { set: string; groupId: string } | undefined {
  const group = streamsGroupOf(rawPath);
  // Undecodable escapes: the raw text still names one bucket.
  return group && { set: STREAMS_ENDPOINT_SET, groupId: group.groupId ?? group.raw };
}

/** Which bucket a request draws on. */
function bucketKey(scope: RateLimitScope, set: string, groupId: string, principal: { kind: string; id: string }): string {
  return scope === "project" ? `${set}\u0000project:${groupId}` : `${set}\u0000${principal.kind}:${principal.id}`;
}

/**
 * `refillPerSecond` as Atlas states a refill: an integer `rate` per an integer `durationSeconds`
 * (10/s → 10 per 1; 0.5/s → 1 per 2; 0.001/s → 1 per 1000). Rates no whole duration up to a day
 * expresses exactly are rounded per 3600 seconds.
 */
export function refillTerms(refillPerSecond: number): { rate: number; durationSeconds: number } {
  if (!(refillPerSecond > 0)) return { rate: 0, durationSeconds: 60 };
  for (let d = 1; d <= 86_400; d++) {
    const r = refillPerSecond * d;
    if (Math.abs(r - Math.round(r)) < 1e-9 && Math.round(r) >= 1) return { rate: Math.round(r), durationSeconds: d };
  }
  return { rate: Math.max(1, Math.round(refillPerSecond * 3600)), durationSeconds: 3600 };
}

/** Atlas' documented 429 body: the set, the wait, the capacity and the refill, integers as integers. */
function rateLimitedBody(set: string, retryAfterSeconds: number, cfg: RateLimitConfig): ApiErrorBody {
  const { rate, durationSeconds } = refillTerms(cfg.refillPerSecond);
  return apiError(
    429,
    "RATE_LIMITED_TOKEN_BUCKET",
    `Rate limit exceeded for ${set}. Please retry after ${retryAfterSeconds} seconds. Request capacity: ${cfg.capacity}. Refill rate: ${rate} per ${durationSeconds} seconds.`,
    { parameters: [set, retryAfterSeconds, cfg.capacity, rate, durationSeconds] },
  );
}

/** The headers every rate-limited answer carries; a refusal adds Retry-After. */
export function rateHeaders(d: RateDecision): Record<string, string> {
  const h: Record<string, string> = { "RateLimit-Limit": String(d.limit), "RateLimit-Remaining": String(d.remaining) };
  if (!d.allowed) h["Retry-After"] = String(d.retryAfterSeconds);
  return h;
}

/** A limit in force: its scope filled in (the one place the default scope is applied). */
export type RateLimitSettings = RateLimitConfig & { scope: RateLimitScope };

function withScope(config: RateLimitConfig | false): RateLimitSettings | false {
  return config && { ...config, scope: config.scope ?? EMULATOR_DEFAULTS.rateLimitScope };
}

export class RateLimiter {
  private buckets = new Map<string, Bucket>();
  private config: RateLimitSettings | false;
  constructor(
    config: RateLimitConfig | false,
    private readonly now: () => number = Date.now,
  ) {
    this.config = withScope(config);
  }

  get enabled(): boolean {
    return this.config !== false;
  }

  /** The current configuration, scope filled in; false when off. */
  get settings(): RateLimitSettings | false {
    return this.config && { ...this.config };
  }

  configure(config: RateLimitConfig | false): void {
    this.config = withScope(config);
    this.buckets.clear();
  }

  reset(): void {
    this.buckets.clear();
  }

  /**
   * Charges one token for an authenticated request to `rawPath`. Undefined when the path is in no
   * endpoint set or limiting is off; otherwise the headers to send and, when the bucket is empty,
   * the 429 body.
   */
  charge(
    rawPath: string,
    principal: { kind: string; id: string },
  ): { headers: Record<string, string>; refusal?: ApiErrorBody } | undefined {
    const cfg = this.config;
    const target = cfg ? endpointSetOf(rawPath) : undefined;
    if (!cfg || !target) return undefined;
    const d = this.take(bucketKey(cfg.scope, target.set, target.groupId, principal))!;
    return d.allowed
      ? { headers: rateHeaders(d) }
      : { headers: rateHeaders(d), refusal: rateLimitedBody(target.set, d.retryAfterSeconds, cfg) };
  }

  take(key: string): RateDecision | undefined {
    const cfg = this.config;
    if (!cfg) return undefined;
    const t = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: cfg.capacity, updated: t };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(cfg.capacity, b.tokens + ((t - b.updated) / 1000) * cfg.refillPerSecond);
    b.updated = t;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, limit: cfg.capacity, remaining: Math.floor(b.tokens), retryAfterSeconds: 0 };
    }
    const wait = cfg.refillPerSecond > 0 ? Math.ceil((1 - b.tokens) / cfg.refillPerSecond) : 3600;
    return { allowed: false, limit: cfg.capacity, remaining: 0, retryAfterSeconds: Math.max(1, wait) };
  }
}

/**
 * The `"atlas"` profile. Recorded (cloud-dev): every streams call showed `RateLimit-Limit: 1200`,
 * and 15 calls about 3 s apart took `RateLimit-Remaining` down by exactly one each, with no visible
 * refill over ~51 s. The refill is a guess that fits that record: 1 token per 60 s (a continuous
 * 1200 per hour would have shown ~17 tokens back). So 1200 requests fit in one full bucket, then
 * one a minute. Project scope, as Atlas' documentation describes for project endpoints.
 */
export const ATLAS_RATE_LIMIT: Readonly<RateLimitConfig> = { capacity: 1200, refillPerSecond: 1 / 60, scope: "project" };

const SCOPES: readonly RateLimitScope[] = ["project", "credential"];

export function parseRateLimitScope(text: string): RateLimitScope | undefined {
  return SCOPES.find((s) => s === text);
}

export function parseRateLimit(text: string): RateLimitConfig | undefined {
  if (text.trim() === "atlas") return { ...ATLAS_RATE_LIMIT };
  const m = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(text.trim());
  if (!m) return undefined;
  const capacity = Number(m[1]);
  const refillPerSecond = Number(m[2]);
  if (!(capacity >= 1) || !(refillPerSecond >= 0)) return undefined;
  return { capacity, refillPerSecond };
}

/** What the `rateLimit` option and the admin API accept, in the words of their refusal. */
export const RATE_LIMIT_PROBLEM =
  'rateLimit must be false, "atlas" or {capacity: integer >= 1, refillPerSecond >= 0, scope?: "project" | "credential"}';

export function validateRateLimit(v: unknown): RateLimitConfig | false | undefined {
  if (v === false) return false;
  if (v === "atlas") return { ...ATLAS_RATE_LIMIT };
  if (isPlainObject(v)) {
    const { capacity, refillPerSecond, scope } = v;
    if (scope !== undefined && parseRateLimitScope(scope as string) === undefined) return undefined;
    if (Number.isInteger(capacity) && (capacity as number) >= 1 && typeof refillPerSecond === "number" && refillPerSecond >= 0) {
      const cap = capacity as number;
      return scope === undefined ? { capacity: cap, refillPerSecond } : { capacity: cap, refillPerSecond, scope: scope as RateLimitScope };
    }
  }
  return undefined;
}
