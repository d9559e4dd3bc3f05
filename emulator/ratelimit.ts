// Per-credential token bucket. Refill is computed lazily from timestamps (no timers).
import type { RateLimitConfig } from "./types";

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

export class RateLimiter {
  private buckets = new Map<string, Bucket>();
  constructor(
    private config: RateLimitConfig | false,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.config !== false;
  }

  configure(config: RateLimitConfig | false): void {
    this.config = config;
    this.buckets.clear();
  }

  reset(): void {
    this.buckets.clear();
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

export function parseRateLimit(text: string): RateLimitConfig | undefined {
  const m = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(text.trim());
  if (!m) return undefined;
  const capacity = Number(m[1]);
  const refillPerSecond = Number(m[2]);
  if (!(capacity >= 1) || !(refillPerSecond >= 0)) return undefined;
  return { capacity, refillPerSecond };
}

export function validateRateLimit(v: unknown): RateLimitConfig | false | undefined {
  if (v === false) return false;
  if (v && typeof v === "object") {
    const { capacity, refillPerSecond } = v as Record<string, unknown>;
    if (typeof capacity === "number" && capacity >= 1 && typeof refillPerSecond === "number" && refillPerSecond >= 0) {
      return { capacity, refillPerSecond };
    }
  }
  return undefined;
}
