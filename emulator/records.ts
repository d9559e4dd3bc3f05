// The records the Store holds, and the ids they carry.
import { randomBytes } from "node:crypto";
import { PROCESSOR_DEFAULTS } from "./defaults";
import type { FailAfterStart } from "./fail-after-start";
import type { Transition } from "./state-machine";
import type { SeedConnection } from "./types";

/** 24 lower-case hex characters: an Atlas project (group) id, or a BSON ObjectId. */
export const OBJECT_ID_RE = /^[a-f0-9]{24}$/;

export function newObjectId(): string {
  // 4-byte time prefix like a BSON ObjectId, then random bytes: 24 lower-case hex characters.
  const t = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, "0")
    .slice(-8);
  return t + randomBytes(8).toString("hex");
}

export interface ProcessorRecord {
  _id: string;
  name: string;
  pipeline: unknown[];
  options?: Record<string, unknown>;
  tier: string;
  failoverEnabled: boolean;
  /** Settled state (what GET shows once any transition is over). */
  state: string;
  /**
   * The latest run: `from` is when it began (or begins) to read STARTED, `to` when it stopped or
   * failed (epoch ms). Counts `stats` and times a failure armed with `failAfterStart`.
   */
  run?: { from: number; to?: number };
  /** In-flight transition shown until `until`. */
  transition?: Transition;
  /** With autoscaling enabled: the tier it runs on since its start (`minTier`) or the admin API set. */
  effectiveTier?: string;
  /** Admin: a failure armed to happen `ms` after the processor reads STARTED. */
  failAfterStart?: FailAfterStart;
}

/** What a new processor is given: a name and a pipeline, and whatever else its create or seed says. */
export interface NewProcessor {
  name: string;
  pipeline: unknown[];
  _id?: string | undefined;
  tier?: string | undefined;
  failoverEnabled?: boolean | undefined;
  state?: string | undefined;
}

/**
 * A new processor's record, the defaults filled in for what was not said: its workspace's tier, no
 * failover, CREATED (defaults.ts `PROCESSOR_DEFAULTS`). For a create through the API and a seed alike.
 */
export function newProcessorRecord(ws: Pick<WorkspaceRecord, "tier">, p: NewProcessor): ProcessorRecord {
  return {
    _id: p._id ?? newObjectId(),
    name: p.name,
    pipeline: p.pipeline,
    tier: p.tier ?? ws.tier,
    failoverEnabled: p.failoverEnabled ?? PROCESSOR_DEFAULTS.failoverEnabled,
    state: p.state ?? PROCESSOR_DEFAULTS.state,
  };
}

export interface WorkspaceRecord {
  _id: string;
  name: string;
  cloudProvider: string;
  region: string;
  tier: string;
  /** `streamConfig.maxTierSize` as created; unset when not given. */
  maxTierSize?: string;
  /** Regions a processor with `failoverEnabled` may fail over to; none by default. */
  failoverRegions: string[];
  connections: SeedConnection[];
  processors: Map<string, ProcessorRecord>;
}

export interface ProjectRecord {
  id: string;
  name: string;
  workspaces: Map<string, WorkspaceRecord>;
}
