import { expect } from "chai";
import {
  actionTookEffect,
  isTransitional,
  nextStep,
  pollDelayMs,
  satisfies,
  SETTLED_STATES,
  settleVerdict,
  settleWindowMs,
  waitVerdict,
  type Observed,
  type UnclearAnswer,
} from "../../../provider/model/state";
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

  describe("actionTookEffect from the state the action was sent from", () => {
    const cases: ["start" | "stop", Observed, Observed, boolean][] = [
      ["start", "FAILED", "STOPPED", true], // it ran, then crashed
      ["start", "FAILED", "FAILED", false], // the old FAILED, still showing
      ["start", "STOPPED", "STOPPED", false], // the old state: Atlas shows no STARTING
      ["start", "STARTED", "FAILED", true],
      ["stop", "STARTED", "STARTED", false],
    ];
    for (const [action, observed, before, expected] of cases) {
      it(`${action} from ${show(before)}, then observed ${show(observed)} → ${expected}`, () => {
        expect(actionTookEffect(action, observed, before)).to.equal(expected);
      });
    }
  });

  describe("settleVerdict: every unclear answer settled by reading", () => {
    const w = { unclearSettleMs: 3000, actionSettleMs: 120_000 };
    const cases: [string, boolean, UnclearAnswer, number, string][] = [
      ["the effect shows at once", true, "error", 0, "applied"],
      ["the effect shows after the window", true, "error", 9000, "applied"],
      ["the old state right after a 500", false, "error", 0, "read-again"],
      ["the old state 2.9 s after a 500", false, "error", 2999, "read-again"],
      ["the old state once the short window passed", false, "error", 3000, "not-applied"],
      ["the old state 10 s after a 504: it may still land", false, "timeout", 10_000, "read-again"],
      ["the old state once a 504's window passed", false, "timeout", 120_000, "not-applied"],
      ["a refusal while the other start may still land", false, "refused", 1000, "read-again"],
      ["a refusal after the short window", false, "refused", 3000, "not-applied"],
    ];
    for (const [what, effect, answer, ms, expected] of cases) {
      it(`${what} → ${expected}`, () => expect(settleVerdict(effect, answer, ms, w)).to.equal(expected));
    }
    it("the windows: short after an error or a refusal, actionSettleMs after a timeout", () =>
      expect((["error", "refused", "timeout"] as const).map((a) => settleWindowMs(a, w))).to.deep.equal([3000, 3000, 120_000]));
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
