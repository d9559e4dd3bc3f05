/**
 * The time source of every wait in the provider (converge's polling, the verifySeconds watch, the
 * connection wait): one object, so a test can hand the loops a virtual clock instead of real time.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** The default clock: `Date.now()` and a `setTimeout` sleep. It holds no state, so a closure may capture it. */
export const systemClock: Readonly<Clock> = {
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};
