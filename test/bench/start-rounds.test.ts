import { expect } from "chai";
import { startRounds } from "../../bench/start-rounds";

describe("startRounds (the benchmark's view of how :start requests were spread)", () => {
  const cases: { name: string; times: number[]; rounds: number; medianPeriodMs: number }[] = [
    { name: "no starts", times: [], rounds: 0, medianPeriodMs: 0 },
    { name: "one burst", times: [120, 133, 137, 140], rounds: 1, medianPeriodMs: 0 },
    { name: "bursts of a slot-limited up", times: [120, 133, 816, 825, 1516, 1530, 2250], rounds: 4, medianPeriodMs: 700 },
    { name: "unsorted input", times: [816, 120, 1516, 133], rounds: 3, medianPeriodMs: 700 },
    { name: "a gap of exactly gapMs stays in the round", times: [0, 200, 400], rounds: 1, medianPeriodMs: 0 },
    { name: "starts spread evenly further apart than gapMs", times: [0, 300, 600, 900], rounds: 4, medianPeriodMs: 300 },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.rounds} round(s), median period ${c.medianPeriodMs} ms`, () => {
      expect(startRounds(c.times)).to.deep.equal({ rounds: c.rounds, medianPeriodMs: c.medianPeriodMs });
    });
  }
});
