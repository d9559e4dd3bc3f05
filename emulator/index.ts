// Programmatic entry point: `startEmulator(options)` for tests, scripts and the CLI.
import type { AddressInfo } from "node:net";
import type { EmulatorAdmin } from "./handlers/admin";
import { EmulatorCore } from "./core";
import { EMULATOR_DEFAULTS as D } from "./defaults";
import { loadDataFile } from "./persistence";
import { RATE_LIMIT_PROBLEM, validateRateLimit } from "./ratelimit";
import { defaultSeedPath, loadSeedFile, validateSeed } from "./seed";
import { EmulatorServer } from "./server";
import { applySeed } from "./snapshots";
import type { RateLimitConfig, SeedDocument } from "./types";

export type { EmulatorAdmin, ProcessorSnapshot } from "./handlers/admin";
export type {
  FaultKind,
  FaultSpec,
  RateLimitConfig,
  RateLimitScope,
  RequestLogEntry,
  AuthScheme,
  RoleAssignment,
  SeedApiKey,
  SeedConnection,
  SeedDocument,
  SeedProcessor,
  SeedProject,
  SeedServiceAccount,
  SeedWorkspace,
} from "./types";
export type { ApiErrorBody } from "./errors";
export { defaultSeedPath } from "./seed";

export interface EmulatorOptions {
  host?: string | undefined;
  port?: number | undefined;
  /** Path or document; default: the shipped `emulator/seeds/default.json`; `{}` for empty. */
  seed?: string | SeedDocument | undefined;
  /** Persistence file; absent = in memory. When it exists it wins over the seed. */
  dataFile?: string | undefined;
  /** How long start/stop/create stay transitional. Default 0 (the CLI defaults to 500). */
  transitionMs?: number | undefined;
  /**
   * Token buckets per endpoint set: `{capacity, refillPerSecond, scope?}`, scope "project" (default:
   * every credential of a project shares one bucket) or "credential"; or `"atlas"`, the recorded
   * numbers (capacity 1200; refill 1 per 60 s, a guess; project scope). Default false (off).
   */
  rateLimit?: RateLimitConfig | "atlas" | false | undefined;
  /** Digest nonce lifetime (default 300000 ms); an expired nonce answers 401 with stale=true. */
  nonceTtlMs?: number | undefined;
  /** OAuth access-token lifetime (default 3600 s). */
  tokenTtlSeconds?: number | undefined;
  /**
   * How long a connection added with `admin.addConnection` (or `POST /admin/connections/...`)
   * answers "does not exist" to create/modify, as a new Atlas connection does while it
   * propagates. Default 0 (usable at once).
   */
  connectionPropagationMs?: number | undefined;
  /**
   * "async" (default): `:start`/`:startWith`/`:stop` answer at once and GET shows the previous
   * state for `transitionMs` (STARTING/STOPPING with `transitionalStates`). "sync": they answer after `actionMs`, GET showing the
   * previous state until then.
   */
  actionMode?: "async" | "sync" | undefined;
  /**
   * Async mode: GET shows STARTING/STOPPING while an action takes effect (the emulator's earlier
   * default). Default false: the previous state stays visible until the action lands, as with
   * Atlas (no record shows STARTING or STOPPING).
   */
  transitionalStates?: boolean | undefined;
  /** How long a sync-mode action takes. Default 0. */
  actionMs?: number | undefined;
  /**
   * Sync mode: when set and shorter than `actionMs`, the action answers 504
   * STREAM_PROCESSOR_TIMEOUT after this long while the change completes at `actionMs`. Default off.
   */
  actionTimeoutMs?: number | undefined;
  /**
   * Sync mode: when set, a processor PATCH that succeeds answers 504 STREAM_PROCESSOR_TIMEOUT
   * (detail naming the workspace, `parameters: [workspace, processor]`) after this long, while the
   * change is made all the same. Default off.
   */
  modifyTimeoutMs?: number | undefined;
  /**
   * The emulator's clock (epoch ms) for transitions, nonces, tokens, rate limits and connection
   * propagation. Default `Date.now`; a test shares a virtual clock with the client it drives.
   */
  now?: (() => number) | undefined;
  /**
   * "atlas" (default): headers and bodies as recorded from Atlas — success
   * `Content-Type: application/vnd.atlas.<asked date>+json;charset=utf-8`, errors with an
   * `X-Error-Code` header, no `RateLimit-*` headers on a 404 `GROUP_NOT_FOUND`, workspaces with
   * `failoverRegions` always and without `links`/`connections`, connections with `id`, `region` and
   * default `networking` and without `links`, processors without `links`. "classic": the emulator's
   * earlier spec-derived shapes (the served version's media type, `links` everywhere, no
   * `X-Error-Code`, `failoverRegions` only when there are some).
   */
  responses?: "atlas" | "classic" | undefined;
  /**
   * "atlas" (default): one challenge as recorded, `Digest realm="MMS Public API", domain="",
   * nonce="…", algorithm=MD5, qop="auth", stale=false` (no `opaque`, no SHA-256), and Atlas' 401 body
   * byte for byte. "rfc7616": two challenges (MD5, then SHA-256) with `opaque`, the `-sess`
   * variants accepted, and a compact `UNAUTHORIZED` body.
   */
  digest?: "atlas" | "rfc7616" | undefined;
  /**
   * How long a connection created through the connections API reads `PENDING` before `READY`;
   * while PENDING, a processor create/modify naming it answers "connection named … does not
   * exist". Default 0 (READY at once).
   */
  connectionPendingMs?: number | undefined;
  /**
   * How long a connection deleted through the connections API reads `DELETING` before it is gone
   * (404); while DELETING, a processor create/modify naming it answers "connection named … does
   * not exist". Default 0 (gone at once).
   */
  connectionDeletingMs?: number | undefined;
  quiet?: boolean | undefined;
}

export interface RunningEmulator {
  /** e.g. "http://127.0.0.1:PORT" */
  url: string;
  close(): Promise<void>;
  admin: EmulatorAdmin;
}

function rateLimitOption(v: RateLimitConfig | "atlas" | false | undefined): RateLimitConfig | false {
  const cfg = validateRateLimit(v ?? D.rateLimit);
  if (cfg === undefined) throw new Error(RATE_LIMIT_PROBLEM);
  return cfg;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const core = new EmulatorCore({
    transitionMs: options.transitionMs ?? D.transitionMs,
    rateLimit: rateLimitOption(options.rateLimit),
    nonceTtlMs: options.nonceTtlMs ?? D.nonceTtlMs,
    tokenTtlSeconds: options.tokenTtlSeconds ?? D.tokenTtlSeconds,
    connectionPropagationMs: options.connectionPropagationMs ?? D.connectionPropagationMs,
    connectionPendingMs: options.connectionPendingMs ?? D.connectionPendingMs,
    connectionDeletingMs: options.connectionDeletingMs ?? D.connectionDeletingMs,
    responses: options.responses ?? D.responses,
    digest: options.digest ?? D.digest,
    actions: {
      mode: options.actionMode ?? D.actionMode,
      actionMs: options.actionMs ?? D.actionMs,
      ...(options.actionTimeoutMs !== undefined ? { actionTimeoutMs: options.actionTimeoutMs } : {}),
      ...(options.modifyTimeoutMs !== undefined ? { modifyTimeoutMs: options.modifyTimeoutMs } : {}),
      ...((options.transitionalStates ?? D.transitionalStates) ? { transitionalStates: true } : {}),
    },
    ...(options.dataFile ? { dataFile: options.dataFile } : {}),
    ...(options.now ? { now: options.now } : {}),
  });

  // The data file, when present, is the truth; the seed only initialises a fresh one.
  const persisted = options.dataFile ? loadDataFile(options.dataFile) : undefined;
  if (persisted) applySeed(core.store, persisted);
  else {
    const seed = options.seed ?? defaultSeedPath();
    applySeed(core.store, typeof seed === "string" ? loadSeedFile(seed) : validateSeed(seed));
    if (options.dataFile) await core.persist();
  }

  const server = new EmulatorServer(core);
  const host = options.host ?? D.host;
  await new Promise<void>((resolve, reject) => {
    server.http.once("error", reject);
    server.http.listen(options.port ?? D.port, host, () => {
      server.http.off("error", reject);
      resolve();
    });
  });
  const addr = server.http.address() as AddressInfo;
  const shownHost = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  const url = `http://${shownHost}:${addr.port}`;
  let closed: Promise<void> | undefined;
  return {
    url,
    admin: server.admin,
    close() {
      closed ??= (async () => {
        await server.close();
        await core.writer?.flush();
      })();
      return closed;
    },
  };
}
