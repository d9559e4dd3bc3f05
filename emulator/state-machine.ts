// The stream-processor state machine as data: which actions each state refuses (and with what
// message), what an accepted create/start/stop settles to, and which state GET shows while it
// takes effect. Pure: no store, no clock of its own (every function takes `now`), no I/O. The
// Store asks, then applies.
import { isPlainObject } from "./documents";
import type { SeedConnection } from "./types";

/** A state shown until `until` (epoch ms); `first` is an earlier phase shown before it. */
export interface Transition {
  state: string;
  until: number;
  first?: { state: string; until: number };
}

export type ProcessorAction = "start" | "stop" | "modify";

const BEING_CREATED = "processor is still being created";
const mustStop = (state: string) => `processor must be stopped before it can be modified (state ${state})`;

/**
 * Why an action is refused from a state: the `<msg>` of Atlas' generic processor error. A state
 * not listed allows the action (so FAILED may be started, stopped and modified). Atlas documents
 * that a processor must be stopped before it is modified; the rest is the emulator's choice.
 */
const REFUSALS: Readonly<Record<ProcessorAction, Readonly<Record<string, string>>>> = {
  start: {
    STARTED: "processor is already started",
    STARTING: "processor is already started",
    STOPPING: "processor is stopping",
    INIT: BEING_CREATED,
    CREATING: BEING_CREATED,
  },
  stop: {
    STOPPED: "processor is already stopped",
    CREATED: "processor has not been started",
    INIT: "processor has not been started",
    CREATING: "processor has not been started",
    STOPPING: "processor is already stopping",
  },
  modify: {
    STARTED: mustStop("STARTED"),
    STARTING: mustStop("STARTING"),
    STOPPING: mustStop("STOPPING"),
    INIT: BEING_CREATED,
    CREATING: BEING_CREATED,
  },
};

/** The refusal message for `action` from the observed `state`, or undefined when it is allowed. */
export function refusal(action: ProcessorAction, state: string): string | undefined {
  return REFUSALS[action][state];
}

/**
 * What an accepted operation settles to and what GET shows meanwhile. A create shows INIT, then
 * CREATING (what Atlas reports before CREATED; the Terraform provider waits on both).
 */
const OUTCOMES = {
  create: { settled: "CREATED", phases: ["INIT", "CREATING"] },
  start: { settled: "STARTED", transitional: "STARTING" },
  stop: { settled: "STOPPED", transitional: "STOPPING" },
} as const;

/** How actions take effect (see actions.ts for the modes). */
export interface Timing {
  transitionMs: number;
  mode: "async" | "sync";
  actionMs: number;
  /** Async mode: show STARTING/STOPPING instead of the previous state while the action lands. */
  transitionalStates: boolean;
}

/** A create: the first phase for half of `transitionMs`, the second for the rest; none with 0. */
export function createTransition(transitionMs: number, now: number): Transition | undefined {
  if (!(transitionMs > 0)) return undefined;
  const [first, second] = OUTCOMES.create.phases;
  return { state: second, until: now + transitionMs, first: { state: first, until: now + transitionMs / 2 } };
}

/**
 * A start or stop. Async: the previous state for `transitionMs` (no record of Atlas shows
 * STARTING or STOPPING; with `transitionalStates`, those). Sync: the previous state for
 * `actionMs`, as the answer is held that long.
 */
export function actionTransition(action: "start" | "stop", previous: string, t: Timing, now: number): Transition | undefined {
  if (t.mode === "async") {
    if (!(t.transitionMs > 0)) return undefined;
    return { state: t.transitionalStates ? OUTCOMES[action].transitional : previous, until: now + t.transitionMs };
  }
  return t.actionMs > 0 ? { state: previous, until: now + t.actionMs } : undefined;
}

/** True once the transition has nothing more to show at `now`. */
export function transitionOver(t: Transition, now: number): boolean {
  return now >= t.until;
}

/** What GET shows at `now`: the transition's phase while it lasts, then the settled state. */
export function observedState(settled: string, t: Transition | undefined, now: number): string {
  if (!t || transitionOver(t, now)) return settled;
  return t.first && now < t.first.until ? t.first.state : t.state;
}

/**
 * What a start settles to: STARTED when the first stage's `$source` names a connection of the
 * workspace (or carries inline documents), else FAILED. Atlas accepts such a start and the
 * processor fails asynchronously, as a real deployment does when its source cannot be reached.
 */
export function settledAfterStart(pipeline: readonly unknown[], connections: readonly SeedConnection[]): "STARTED" | "FAILED" {
  const first = pipeline[0];
  const source = isPlainObject(first) ? first.$source : undefined;
  if (!isPlainObject(source)) return "FAILED";
  if (Array.isArray(source.documents) && source.connectionName === undefined) return OUTCOMES.start.settled;
  const named = typeof source.connectionName === "string" && connections.some((c) => c.name === source.connectionName);
  return named ? OUTCOMES.start.settled : "FAILED";
}
