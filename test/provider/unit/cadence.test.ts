/**
 * The look cadence after a create or an action (cadence.ts): tables for the pure decisions, and
 * pollUntil with a cadence on a virtual clock against a processor that takes a fixed time.
 */
import { expect } from "chai";
import { DEFAULT_CADENCE_POLICY, cadenceFor, lookAtMs, planLooks, remember, type SettleSample } from "../../../provider/atlas/cadence";
import { pollUntil, type ConvergeContext } from "../../../provider/converge/converge";
import type { ProcessorApi } from "../../../provider/atlas/processors";
import type { ObservedProcessor, ProcessorRef } from "../../../provider/types";
import { FakeClock } from "../../support/fake-clock";

const REF: ProcessorRef = { projectId: "p1", workspaceName: "ws", processorName: "orders" };

describe("the look cadence after a create or an action", () => {
  describe("planLooks", () => {
    const cases: [name: string, samples: SettleSample[], firstMs: number, hiMs: number | undefined][] = [
      ["no history: look at once", [], 0, undefined],
      ["a synchronous action, seen done at once: look at once again", [{ hi: 0 }], 0, 0],
      ["done at first looks only: probe a little before the earliest", [{ hi: 500 }, { hi: 450 }], 390, 450],
      ["a wide bracket: its middle", [{ lo: 800, hi: 1300 }], 1050, 1300],
      ["brackets intersect: the middle of the intersection", [{ lo: 800, hi: 1300 }, { lo: 1050, hi: 1100 }, { hi: 1200 }], 1075, 1100],
      ["a bracket narrower than the tolerance: its top", [{ lo: 1000, hi: 1030 }], 1030, 1030],
      ["waits disagree (a slower one missed late): the earliest seen done", [{ lo: 1400, hi: 1500 }, { hi: 900 }], 900, 900],
    ];
    for (const [name, samples, firstMs, hiMs] of cases)
      it(`${name}: first look at ${firstMs} ms`, () => {
        expect(planLooks(samples)).to.deep.equal(hiMs === undefined ? { firstMs } : { firstMs, hiMs });
      });
  });

  describe("lookAtMs", () => {
    it("goes first at the plan, then at the bracket's top, then up a brisk ladder", () => {
      const plan = { firstMs: 1050, hiMs: 1300 };
      const at: number[] = [];
      for (let a = 0, prev = 0; a < 6; a++) at.push((prev = lookAtMs(a, prev, plan)));
      expect(at).to.deep.equal([1050, 1300, 1400, 1550, 1775, 2113]);
    });

    it("skips the bracket's top when the first look was already past it", () => {
      expect(lookAtMs(1, 500, { firstMs: 500, hiMs: 500 })).to.equal(600);
    });

    it("without history: at once, then every 100 ms for 2 s, then backing off to 3 s", () => {
      const at: number[] = [];
      for (let a = 0, prev = 0; a < 40; a++) at.push((prev = lookAtMs(a, prev, { firstMs: 0 })));
      expect(at.slice(0, 6)).to.deep.equal([0, 100, 200, 300, 400, 500]);
      expect(at[20]).to.equal(2000);
      expect(at[21]! - at[20]!).to.be.greaterThan(100);
      expect(at[39]! - at[38]!).to.equal(3000);
    });
  });

  it("remembers the most recent samples only", () => {
    let s: SettleSample[] = [];
    for (let i = 0; i < DEFAULT_CADENCE_POLICY.window + 5; i++) s = remember(s, { hi: i });
    expect(s).to.have.length(DEFAULT_CADENCE_POLICY.window);
    expect(s[0]!.hi).to.equal(5);
  });

  describe("pollUntil with a cadence, on a virtual clock", () => {
    /** A processor that shows the goal `settleMs` after each wait begins; records the looks (ms after the wait began). */
    function waitOnce(clock: FakeClock, owner: object, settleMs: number, goal = "CREATED"): Promise<number[]> {
      const t0 = clock.now();
      const looks: number[] = [];
      const api = {
        get: async (): Promise<ObservedProcessor> => {
          looks.push(clock.now() - t0);
          clock.advance(50); // the read's latency
          return { id: "id", name: "orders", state: clock.now() - t0 >= settleMs ? goal : "CREATING", pipeline: [] };
        },
        expectLook: () => undefined,
      } as unknown as ProcessorApi;
      const ctx: ConvergeContext = {
        api,
        clock,
        startedAt: t0,
        deadline: t0 + 600_000,
        log: () => undefined,
        cadence: cadenceFor(owner),
      };
      return pollUntil(REF, ctx, goal, (s) => s === goal).then(() => looks);
    }

    it("after a create that settles in 1 s: a few waits find the moment, later ones take one look landing after it", async () => {
      const clock = new FakeClock();
      const owner = {};
      const all: number[][] = [];
      for (let i = 0; i < 8; i++) all.push(await waitOnce(clock, owner, 1000));
      expect(all[0]!.length, "the first wait climbs the ladder").to.be.greaterThan(4);
      for (const looks of all.slice(-3)) {
        expect(looks, "one look").to.have.length(1);
        expect(looks[0]! + 50, "answered within the tolerance after the change").to.be.within(
          1000,
          1000 + DEFAULT_CADENCE_POLICY.toleranceMs + 10,
        );
      }
      const total = all.reduce((n, l) => n + l.length, 0);
      expect(total, "looks in 8 waits").to.be.at.most(8 + 12);
    });

    it("after a synchronous action (the goal shows when the answer comes): every later wait looks at once, once", async () => {
      const clock = new FakeClock();
      const owner = {};
      const all: number[][] = [];
      for (let i = 0; i < 4; i++) all.push(await waitOnce(clock, owner, 0, "STARTED"));
      expect(all).to.deep.equal([[0], [0], [0], [0]]);
    });

    it("kinds learn apart: a slow create does not delay the look after a :start", async () => {
      const clock = new FakeClock();
      const owner = {};
      for (let i = 0; i < 4; i++) await waitOnce(clock, owner, 1000, "CREATED");
      expect(await waitOnce(clock, owner, 0, "STARTED")).to.deep.equal([0]);
    });
  });
});
