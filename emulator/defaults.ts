// Every default of the emulator, stated once: `startEmulator` (index.ts), the CLI (cli.ts) and its
// usage text, the core and the store all read them from here (axios-retry's single
// `DEFAULT_OPTIONS` habit). Not exported from index.ts: the module surface is `startEmulator` and
// its option types, and each option's JSDoc there names its default.

/** The defaults of `EmulatorOptions` (timeouts that are off by default are absent). */
export const EMULATOR_DEFAULTS = {
  host: "127.0.0.1",
  /** An ephemeral port: a program or test starting several emulators never collides. */
  port: 0,
  /**
   * 0 for `startEmulator`: a test or script gets settled states at once unless it asks for a
   * transition. The CLI, a stand-in run by hand or by the demo, shows one (see `cli` below).
   */
  transitionMs: 0,
  rateLimit: false,
  nonceTtlMs: 300_000,
  tokenTtlSeconds: 3600,
  connectionPropagationMs: 0,
  connectionPendingMs: 0,
  /**
   * 0: a deleted connection is gone at once. How long Atlas shows DELETING is not recorded (the
   * Terraform provider waits through it for "some connections (e.g., Kafka VPC)"); realism that
   * costs time is opt-in.
   */
  connectionDeletingMs: 0,
  actionMode: "async",
  transitionalStates: false,
  actionMs: 0,
  responses: "atlas",
  digest: "atlas",
  /** Rate-limit scope when a limit names none. */
  rateLimitScope: "project",
  /**
   * Where the CLI differs, deliberately: a fixed port a user can point a client at, and a visible
   * 500 ms transition (create shows INIT then CREATING, an action takes that long to land), as a
   * client meets against Atlas. Both are the CLI's defaults since before `startEmulator` had its own.
   */
  cli: { port: 8080, transitionMs: 500 },
} as const;

/** A workspace's settings when a seed leaves them out; `tier` also when an API create does (the API requires the region). */
export const WORKSPACE_DEFAULTS = { cloudProvider: "AWS", region: "VIRGINIA_USA", tier: "SP30" } as const;

/**
 * A processor's settings when a create or a seed leaves them out (records.ts `newProcessorRecord`).
 * Its tier is its workspace's, not a constant: MongoDB's docs say a processor without a tier runs
 * on the workspace's tier.
 */
export const PROCESSOR_DEFAULTS = { failoverEnabled: false, state: "CREATED" } as const;
