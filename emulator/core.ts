// Wires the pure components together: one instance per running emulator. Holds no sockets.
import { Authenticator } from "./auth";
import { DigestAuthority } from "./digest";
import { FaultRegistry } from "./faults";
import { TokenStore } from "./oauth";
import type { ActionSettings } from "./actions";
import { AtomicWriter } from "./persistence";
import { RateLimiter } from "./ratelimit";
import { RequestLog } from "./requestlog";
import { snapshot } from "./snapshots";
import { Store } from "./store";
import type { RateLimitConfig } from "./types";
import type { ResponseStyle } from "./versioning";
import type { DigestStyle } from "./digest";

export interface CoreOptions {
  transitionMs: number;
  rateLimit: RateLimitConfig | false;
  nonceTtlMs: number;
  tokenTtlSeconds: number;
  dataFile?: string;
  now?: () => number;
  /** Default time a connection added through the admin API stays unusable. */
  connectionPropagationMs: number;
  actions?: ActionSettings;
  /** Headers and bodies as recorded from Atlas ("atlas", default) or the earlier spec-derived shapes ("classic"). */
  responses: ResponseStyle;
  /** Digest challenge as Atlas sends it ("atlas", default) or the RFC 7616 pair with opaque ("rfc7616"). */
  digest: DigestStyle;
  /** How long a connection created through the API reads PENDING (and is unusable). */
  connectionPendingMs: number;
  /** How long a connection deleted through the API reads DELETING (and is unusable) before it is gone. */
  connectionDeletingMs: number;
}

export class EmulatorCore {
  readonly store: Store;
  readonly digest: DigestAuthority;
  readonly tokens: TokenStore;
  readonly limiter: RateLimiter;
  readonly faults = new FaultRegistry();
  readonly log = new RequestLog(10_000);
  readonly auth: Authenticator;
  readonly writer: AtomicWriter | undefined;
  connectionPropagationMs: number;
  connectionPendingMs: number;
  connectionDeletingMs: number;
  readonly responses: ResponseStyle;

  constructor(options: CoreOptions) {
    const now = options.now ?? Date.now;
    this.store = new Store(options.transitionMs, now);
    if (options.actions) this.store.actions = { ...options.actions };
    this.digest = new DigestAuthority({ nonceTtlMs: options.nonceTtlMs, now, style: options.digest });
    this.responses = options.responses;
    this.tokens = new TokenStore(options.tokenTtlSeconds, now);
    this.limiter = new RateLimiter(options.rateLimit, now);
    this.auth = new Authenticator(this.store, this.digest, this.tokens);
    this.connectionPropagationMs = options.connectionPropagationMs;
    this.connectionPendingMs = options.connectionPendingMs;
    this.connectionDeletingMs = options.connectionDeletingMs;
    this.writer = options.dataFile ? new AtomicWriter(options.dataFile, () => snapshot(this.store)) : undefined;
  }

  /** Persists the state if a data file is configured; resolves when it is on disk. */
  persist(): Promise<void> {
    return this.writer ? this.writer.save() : Promise.resolve();
  }
}
