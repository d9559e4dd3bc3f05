// How `:start`, `:startWith` and `:stop` answer. "async" (the default): at once, and GET shows
// the previous state for `transitionMs` (STARTING/STOPPING with `transitionalStates`). "sync": the answer is held for `actionMs` while GET still
// shows the previous state (the store records that with timestamps; only the HTTP answer waits
// real time), and with `actionTimeoutMs` shorter than `actionMs` the caller gets Atlas' 504
// STREAM_PROCESSOR_TIMEOUT while the change still completes at `actionMs`. Recorded Atlas calls
// blocked 30–60 s and then answered that 504 after applying (Terraform provider acceptance logs).
import { EMULATOR_DEFAULTS } from "./defaults";
import { durationProblem, isDuration, isPlainObject } from "./documents";
import { apiError, type ApiErrorBody } from "./errors";
import { ACTION_KEYS, matchAtlasRoute, type RouteParams } from "./routes";
import type { EndpointKey } from "./versioning";

export type ActionMode = "async" | "sync";

export interface ActionSettings {
  /** Default "async". */
  mode: ActionMode;
  /** How long a sync-mode action takes. Default 0. */
  actionMs: number;
  /** When set and shorter than `actionMs`, a sync-mode action answers 504 after this long. Default off. */
  actionTimeoutMs?: number;
  /**
   * Sync mode: when set, a successful PATCH of a processor answers 504 STREAM_PROCESSOR_TIMEOUT
   * after this long; the change is made all the same (recorded: PATCH timed out after 39–59 s and
   * the change could complete). Default off.
   */
  modifyTimeoutMs?: number;
  /**
   * Async mode: GET shows STARTING/STOPPING while an action takes effect (the emulator's earlier
   * default). Default false: the previous state stays visible until the action lands, as no
   * record of Atlas shows STARTING or STOPPING.
   */
  transitionalStates?: boolean;
}

export const DEFAULT_ACTION_SETTINGS: Readonly<ActionSettings> = {
  mode: EMULATOR_DEFAULTS.actionMode,
  actionMs: EMULATOR_DEFAULTS.actionMs,
};

function isProcessorAction(key: EndpointKey): boolean {
  return ACTION_KEYS.includes(key);
}

/** How long the answer to a successful request is held, and whether it then times out. */
function actionHold(s: ActionSettings, key: EndpointKey): { ms: number; timedOut: boolean } | undefined {
  if (s.mode === "sync" && key === "modifyProcessor" && s.modifyTimeoutMs !== undefined) return { ms: s.modifyTimeoutMs, timedOut: true };
  if (s.mode !== "sync" || !isProcessorAction(key)) return undefined;
  if (s.actionTimeoutMs !== undefined && s.actionTimeoutMs < s.actionMs) return { ms: s.actionTimeoutMs, timedOut: true };
  return s.actionMs > 0 ? { ms: s.actionMs, timedOut: false } : undefined;
}

/** Atlas' body for a processor call that timed out (as recorded: the workspace in the detail). */
function processorTimeout(tenantName: string, processorName: string): ApiErrorBody {
  return apiError(504, "STREAM_PROCESSOR_TIMEOUT", `Streams Processor with this name (${tenantName}) timed out while processing.`, {
    parameters: [tenantName, processorName],
  });
}

/** Default body of a `status-after-apply` fault: a 504 on a processor action or PATCH is Atlas' timeout. */
export function afterApplyDefaultBody(method: string, rawPath: string, status: number): ApiErrorBody | undefined {
  if (status !== 504) return undefined;
  const m = matchAtlasRoute(method, rawPath);
  if (m.kind !== "ok" || !(isProcessorAction(m.route.key) || m.route.key === "modifyProcessor")) return undefined;
  return processorTimeout(m.params.tenantName!, m.params.processorName!);
}

/** Waits `ms` of real time (an answer held back: a sync action, a fault's latency); never keeps the process alive. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/** Holds a processor action's answer per the settings; resolves to the 504 body when it timed out. */
export async function holdAction(s: ActionSettings, key: EndpointKey, params: RouteParams): Promise<ApiErrorBody | undefined> {
  const hold = actionHold(s, key);
  if (!hold) return undefined;
  await sleep(hold.ms);
  return hold.timedOut ? processorTimeout(params.tenantName!, params.processorName!) : undefined;
}

/**
 * Merges `{mode?, actionMs?, actionTimeoutMs?, modifyTimeoutMs?}` over `current`: an omitted key
 * keeps its value, a timeout of `null` or `false` turns it off. Returns a problem text when invalid.
 */
export function mergeActionSettings(current: ActionSettings, v: unknown): ActionSettings | string {
  if (!isPlainObject(v)) return "action settings must be an object";
  const b = v;
  const next: ActionSettings = { ...current };
  if (b.mode !== undefined) {
    if (b.mode !== "async" && b.mode !== "sync") return 'mode must be "async" or "sync"';
    next.mode = b.mode;
  }
  if (b.actionMs !== undefined) {
    if (!isDuration(b.actionMs)) return durationProblem("actionMs");
    next.actionMs = b.actionMs;
  }
  if (b.transitionalStates !== undefined) {
    if (typeof b.transitionalStates !== "boolean") return "transitionalStates must be true or false";
    next.transitionalStates = b.transitionalStates;
  }
  if (b.actionTimeoutMs === null || b.actionTimeoutMs === false) delete next.actionTimeoutMs;
  else if (b.actionTimeoutMs !== undefined) {
    if (!isDuration(b.actionTimeoutMs)) {
      return `${durationProblem("actionTimeoutMs")}, or null to turn it off`;
    }
    next.actionTimeoutMs = b.actionTimeoutMs;
  }
  if (b.modifyTimeoutMs === null || b.modifyTimeoutMs === false) delete next.modifyTimeoutMs;
  else if (b.modifyTimeoutMs !== undefined) {
    if (!isDuration(b.modifyTimeoutMs)) {
      return `${durationProblem("modifyTimeoutMs")}, or null to turn it off`;
    }
    next.modifyTimeoutMs = b.modifyTimeoutMs;
  }
  return next;
}
