// health gate: the unit tests of its module.
import { expect } from "chai";
import { healthVerdict, verifyPollMs } from "../../../provider/converge/health";

describe("health gate", () => {
  const cases: [string, string | undefined, number, number, string][] = [
    ["STARTED inside the window", "STARTED", 100, 1000, "watch"],
    ["STARTED at the window's end", "STARTED", 1000, 1000, "healthy"],
    ["FAILED inside the window", "FAILED", 100, 1000, "failed"],
    ["FAILED at the window's end", "FAILED", 1000, 1000, "failed"],
    ["gone (404)", undefined, 10, 1000, "gone"],
    ["a transitional state", "STOPPING", 10, 1000, "watch"],
  ];
  for (const [what, state, elapsed, window, expected] of cases) {
    it(`${what} → ${expected}`, () => expect(healthVerdict(state, elapsed, window)).to.equal(expected));
  }
  const polls: [number, number][] = [
    [100, 25],
    [1000, 100],
    [10_000, 1000],
    [600_000, 3000],
  ];
  for (const [window, every] of polls) {
    it(`looks every ${every} ms during a ${window} ms watch`, () => expect(verifyPollMs(window)).to.equal(every));
  }
});
