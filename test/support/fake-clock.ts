/**
 * A virtual clock for the provider's waits (provider/util/clock.ts `Clock`), and for the emulator
 * when it is started with `now: clock.now`. Time moves only when a wait sleeps: `sleep(ms)`
 * advances it by `ms` at once, then yields to real I/O (setImmediate) so the emulator on
 * 127.0.0.1 still answers. A wait of minutes runs in milliseconds, with the same polls.
 * Parallel sleepers each advance the one clock: use it with one waiting loop at a time.
 */
import type { Clock } from "../../provider/util/clock";

export class FakeClock implements Clock {
  private t: number;
  /** Every sleep asked for, in order (ms). */
  readonly sleeps: number[] = [];

  constructor(start = Date.now()) {
    this.t = start;
  }

  /** Virtual epoch ms. Bound, so it can be handed on as a function (`now: clock.now`). */
  readonly now = (): number => this.t;

  readonly sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.t += Math.max(0, ms);
    await new Promise<void>((resolve) => setImmediate(resolve));
  };

  /** Moves virtual time on without a sleep (e.g. time that passes between two calls). */
  advance(ms: number): void {
    this.t += ms;
  }
}
