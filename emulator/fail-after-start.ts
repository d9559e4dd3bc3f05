// Scheduled failure of a running processor ("it reads FAILED N ms after it reads STARTED"),
// decided from timestamps when the processor is read, so the Store needs no timers.

/** An armed failure: `ms` after the processor reads STARTED (counted from `armedAt` at the earliest). */
export interface FailAfterStart {
  ms: number;
  armedAt: number;
}

export interface RunningView {
  /** Settled state. */
  state: string;
  /** When the current run began (or begins) to read STARTED; undefined when unknown. */
  startedAt?: number | undefined;
  /** An in-flight transition, shown until `until`. */
  transition?: { until: number } | undefined;
}

/**
 * True when the armed failure is due at `now`: the processor's settled state is STARTED and
 * `ms` have passed since it began reading STARTED, or since the failure was armed if it
 * already read STARTED then. A processor stopped before that keeps the failure for its next run.
 */
export function failureDue(sp: RunningView, arm: FailAfterStart | undefined, now: number): boolean {
  if (!arm || sp.state !== "STARTED") return false;
  const readsStartedFrom = Math.max(sp.startedAt ?? 0, sp.transition?.until ?? 0, arm.armedAt);
  return now >= readsStartedFrom + arm.ms;
}
