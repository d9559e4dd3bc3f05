/**
 * How the `:start` requests of a `pulumi up` were spread over time: the engine hands a create to
 * each free slot, so at P < N the starts arrive in bursts ("rounds"), one per time the slots free
 * up. A new round begins where the gap to the previous start exceeds `gapMs`.
 */
export interface StartRounds {
  rounds: number;
  /** Median time from one round's first start to the next round's first start, ms (0 for one round). */
  medianPeriodMs: number;
}

/** `gapMs` defaults to 200 ms: starts of one round arrive within tens of ms, rounds ≥ the transition apart. */
export function startRounds(startTimesMs: readonly number[], gapMs = 200): StartRounds {
  const times = [...startTimesMs].sort((a, b) => a - b);
  const firsts: number[] = [];
  let previous: number | undefined;
  for (const t of times) {
    if (previous === undefined || t - previous > gapMs) firsts.push(t);
    previous = t;
  }
  const periods = firsts.slice(1).map((t, i) => t - firsts[i]!);
  periods.sort((a, b) => a - b);
  return { rounds: firsts.length, medianPeriodMs: periods.length ? periods[Math.floor(periods.length / 2)]! : 0 };
}
