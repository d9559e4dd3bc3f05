import { expect } from "chai";
import { answerServes, planRead, type AnswerFacts, type ReadPlan, type ReadPlanInput } from "../../../provider/atlas/read-batching";

describe("batching", () => {
  describe("planRead (gather 30 ms, overdue 30 ms)", () => {
    const policy = { gatherMs: 30, overdueMs: 30, maxAgeMs: 2000, freshAfterChangeMs: 60_000, freshMaxAgeMs: 60 };
    const at = (x: Partial<ReadPlanInput>): ReadPlanInput => ({
      now: 1000,
      pending: 1,
      oldestPendingAt: 1000,
      companionsDue: [],
      listInFlight: false,
      ...x,
    });
    const cases: [string, Partial<ReadPlanInput>, ReadPlan][] = [
      ["nobody waits", { pending: 0 }, { kind: "idle" }],
      ["a lone read in a quiet workspace: its own GET at once", {}, { kind: "get" }],
      ["a lone read, but a list is in flight: wait for it to end", { listInFlight: true }, { kind: "idle" }],
      ["three reads, a list in flight: they go together after it", { pending: 3, listInFlight: true }, { kind: "idle" }],
      ["two reads, nobody else due: a list at once", { pending: 2 }, { kind: "list" }],
      ["a refresh burst of 100: a list at once", { pending: 100 }, { kind: "list" }],
      ["one read, a companion due in 10 ms: wait for it", { companionsDue: [1010] }, { kind: "wait", ms: 30 }],
      ["one read asked 10 ms ago, a companion due now: wait the rest", { now: 1010, companionsDue: [1010] }, { kind: "wait", ms: 20 }],
      ["one read, the companion's look is 500 ms away: its own GET at once", { companionsDue: [1500] }, { kind: "get" }],
      ["one read, a companion due just after the window: its own GET", { companionsDue: [1031] }, { kind: "get" }],
      ["one read, a companion 20 ms overdue (a slower action): wait", { companionsDue: [980] }, { kind: "wait", ms: 30 }],
      ["one read, a companion 200 ms overdue: it is not coming soon, GET", { companionsDue: [800] }, { kind: "get" }],
      ["one read, waited 30 ms with a companion still due: its own GET", { now: 1030, companionsDue: [1030] }, { kind: "get" }],
      ["two reads, waited 30 ms: a list", { pending: 2, now: 1030, companionsDue: [1030] }, { kind: "list" }],
      [
        "five reads, 5 ms in, one more due: keep gathering",
        { pending: 5, now: 1005, companionsDue: [1020, 4000] },
        { kind: "wait", ms: 25 },
      ],
    ];
    for (const [what, x, expected] of cases) {
      it(`${what} → ${expected.kind}`, () => {
        expect(planRead(at(x), policy)).to.deep.equal(expected);
      });
    }
  });

  describe("answerServes (max age 2 s; 60 ms for 60 s after a change)", () => {
    const policy = { gatherMs: 30, overdueMs: 30, maxAgeMs: 2000, freshAfterChangeMs: 60_000, freshMaxAgeMs: 60 };
    const cases: [string, AnswerFacts, boolean][] = [
      ["a first look or refresh, list sent 1.5 s before it asked", { askedAt: 10_000, listSentAt: 8_500 }, true],
      ["a first look or refresh, list sent 3 s before it asked", { askedAt: 10_000, listSentAt: 7_000 }, false],
      ["a list sent after the read asked", { askedAt: 10_000, listSentAt: 10_020 }, true],
      ["a poll after :start, list sent 100 ms before the poll asked", { askedAt: 10_000, listSentAt: 9_900, changedAt: 9_500 }, false],
      [
        "a poll after :start, list in flight sent 40 ms before the poll asked",
        { askedAt: 10_000, listSentAt: 9_960, changedAt: 9_500 },
        true,
      ],
      ["a poll after :start, list sent after the poll asked", { askedAt: 10_000, listSentAt: 10_010, changedAt: 9_500 }, true],
      [
        "the read deciding whether a failed action took effect, list sent before the failure",
        { askedAt: 10_001, listSentAt: 9_990, changedAt: 10_000 },
        false,
      ],
      ["the same read, list sent after the failure, just before the ask", { askedAt: 10_030, listSentAt: 10_010, changedAt: 10_000 }, true],
      ["the same read, list sent after the failure and the ask", { askedAt: 10_001, listSentAt: 10_005, changedAt: 10_000 }, true],
      ["a processor changed long ago: the max age applies again", { askedAt: 100_000, listSentAt: 99_000, changedAt: 10_000 }, true],
      [
        "a poll after :start, the list in flight is the one its previous look got",
        { askedAt: 10_000, listSentAt: 9_960, changedAt: 9_500, seenSentAt: 9_960 },
        false,
      ],
      [
        "a poll after :start, a list sent after the one its previous look got",
        { askedAt: 10_000, listSentAt: 9_980, changedAt: 9_500, seenSentAt: 9_900 },
        true,
      ],
      [
        "an unchanged processor read again from the list that answered it (refresh, then up)",
        { askedAt: 10_000, listSentAt: 9_000, seenSentAt: 9_000 },
        true,
      ],
    ];
    for (const [what, facts, expected] of cases) {
      it(`${what} → ${expected}`, () => {
        expect(answerServes(facts, policy)).to.equal(expected);
      });
    }
  });
});
