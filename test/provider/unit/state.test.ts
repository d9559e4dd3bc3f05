import { expect } from "chai";
import {
  actionTookEffect,
  isTransitional,
  nextStep,
  pollDelayMs,
  satisfies,
  SETTLED_STATES,
  waitVerdict,
  type Observed,
} from "../../../provider/state";
import type { DesiredState } from "../../../provider/types";

const show = (o: Observed) => (o === undefined ? "missing (404)" : o);

describe("state", () => {
  describe("isTransitional", () => {
    const cases: [Observed, boolean][] = [
      ["INIT", true],
      ["CREATING", true],
      ["STARTING", true],
      ["STOPPING", true],
      ["SOMETHING_NEW", true],
      ["", true],
      ["CREATED", false],
      ["STARTED", false],
      ["STOPPED", false],
      ["FAILED", false],
      [undefined, false],
    ];
    for (const [observed, expected] of cases) {
      it(`${JSON.stringify(observed)} → ${expected}`, () => {
        expect(isTransitional(observed)).to.equal(expected);
      });
    }
    it("settled states are exactly the documented ones", () => {
      expect([...SETTLED_STATES]).to.have.members(["CREATED", "STARTED", "STOPPED", "FAILED"]);
    });
  });

  describe("satisfies", () => {
    const cases: [DesiredState, Observed, boolean][] = [
      ["STARTED", "STARTED", true],
      ["STARTED", "STOPPED", false],
      ["STARTED", "CREATED", false],
      ["STARTED", "FAILED", false],
      ["STARTED", "STARTING", false],
      ["STARTED", undefined, false],
      ["STOPPED", "STOPPED", true],
      ["STOPPED", "CREATED", true],
      ["STOPPED", "FAILED", true],
      ["STOPPED", "STARTED", false],
      ["STOPPED", "STOPPING", false],
      ["STOPPED", undefined, false],
    ];
    for (const [desired, observed, expected] of cases) {
      it(`desired ${desired}, observed ${show(observed)} → ${expected}`, () => {
        expect(satisfies(desired, observed)).to.equal(expected);
      });
    }
  });

  describe("nextStep", () => {
    const cases: [DesiredState, Observed, string][] = [
      ["STARTED", undefined, "missing"],
      ["STOPPED", undefined, "missing"],
      ["STARTED", "STARTED", "done"],
      ["STARTED", "CREATED", "start"],
      ["STARTED", "STOPPED", "start"],
      ["STARTED", "FAILED", "start"],
      ["STARTED", "INIT", "wait"],
      ["STARTED", "CREATING", "wait"],
      ["STARTED", "STARTING", "wait"],
      ["STARTED", "STOPPING", "wait"],
      ["STOPPED", "STARTED", "stop"],
      ["STOPPED", "STOPPED", "done"],
      ["STOPPED", "CREATED", "done"],
      ["STOPPED", "FAILED", "done"],
      ["STOPPED", "STOPPING", "wait"],
      ["STOPPED", "STARTING", "wait"],
    ];
    for (const [desired, observed, kind] of cases) {
      it(`desired ${desired}, observed ${show(observed)} → ${kind}`, () => {
        expect(nextStep(desired, observed)).to.deep.equal({ kind });
      });
    }
  });

  describe("waitVerdict", () => {
    const cases: [DesiredState, Observed, string][] = [
      ["STARTED", "STARTED", "done"],
      ["STARTED", "FAILED", "failed"],
      ["STARTED", undefined, "gone"],
      ["STARTED", "CREATED", "pending"],
      ["STARTED", "STOPPED", "pending"],
      ["STARTED", "STARTING", "pending"],
      ["STOPPED", "STOPPED", "done"],
      ["STOPPED", "FAILED", "done"],
      ["STOPPED", "CREATED", "done"],
      ["STOPPED", "STARTED", "pending"],
      ["STOPPED", "STOPPING", "pending"],
      ["STOPPED", undefined, "gone"],
    ];
    for (const [desired, observed, verdict] of cases) {
      it(`desired ${desired}, observed ${show(observed)} → ${verdict}`, () => {
        expect(waitVerdict(desired, observed)).to.equal(verdict);
      });
    }
  });

  describe("actionTookEffect", () => {
    const cases: ["start" | "stop", Observed, boolean][] = [
      ["start", "STARTED", true],
      ["start", "STARTING", true],
      ["start", "CREATED", false],
      ["start", "STOPPED", false],
      ["start", "FAILED", false],
      ["start", undefined, false],
      ["stop", "STOPPED", true],
      ["stop", "STOPPING", true],
      ["stop", "STARTED", false],
      ["stop", undefined, false],
    ];
    for (const [action, observed, expected] of cases) {
      it(`${action}, then observed ${show(observed)} → ${expected}`, () => {
        expect(actionTookEffect(action, observed)).to.equal(expected);
      });
    }
  });

  describe("pollDelayMs", () => {
    it("looks first after 250 ms", () => {
      expect(pollDelayMs(0)).to.equal(250);
    });
    it("looks a second time 250 ms later, then grows by half each attempt", () => {
      expect([1, 2, 3, 4].map((a) => pollDelayMs(a))).to.deep.equal([250, 375, 563, 844]);
    });
    it("never shrinks and is capped at 3000 ms", () => {
      let prev = 0;
      for (let a = 0; a < 30; a++) {
        const d = pollDelayMs(a);
        expect(d).to.be.at.least(prev).and.at.most(3000);
        prev = d;
      }
      expect(pollDelayMs(30)).to.equal(3000);
    });
    it("treats a negative attempt as the first", () => {
      expect(pollDelayMs(-3)).to.equal(250);
    });
    it("honours a custom first delay and cap", () => {
      expect(pollDelayMs(0, 10, 100)).to.equal(10);
      expect(pollDelayMs(20, 10, 100)).to.equal(100);
    });
  });
});
