import { expect } from "chai";
import { nth } from "../../support/present";
import { checkpointedStagesChanged, checkpointRefusal, checkpointRefusalMessage } from "../../../provider/converge/checkpoint";
import { diffProcessor } from "../../../provider/inputs/diff";
import { AtlasApiError } from "../../../provider/errors";
import { healthVerdict, verifyPollMs } from "../../../provider/converge/health";
import { parseStats } from "../../../provider/atlas/stats";
import { checkInputs, DEFINITION_ONLY_INPUTS, UNKNOWN } from "../../../provider/inputs/check";
import type { PipelineStage } from "../../../provider/types";
import { PROJECT } from "../../support/seed";

const BASE = { projectId: PROJECT, workspaceName: "ws", processorName: "proc" };
const SOURCE = { $source: { connectionName: "c" } };
const PIPELINE = [SOURCE, { $match: { a: 1 } }];

describe("checkpoint on change", () => {
  describe("checkpointedStagesChanged", () => {
    const win = (size: number) => ({
      $tumblingWindow: { interval: { size, unit: "second" }, pipeline: [{ $group: { _id: null, n: { $sum: 1 } } }] },
    });
    const cases: [string, PipelineStage[], PipelineStage[], string[]][] = [
      ["a $match change", [SOURCE, { $match: { a: 1 } }], [SOURCE, { $match: { a: 2 } }], []],
      ["the $source connection", [SOURCE], [{ $source: { connectionName: "d" } }], ["$source"]],
      [
        "a $source key reorder",
        [{ $source: { connectionName: "c", db: "x" } }],
        [{ $source: { db: "x", connectionName: "c" } }],
        ["$source"],
      ],
      ["a window's size", [SOURCE, win(10)], [SOURCE, win(20)], ["$tumblingWindow"]],
      ["a window added", [SOURCE], [SOURCE, { $hoppingWindow: { interval: { size: 1, unit: "second" } } }], ["$hoppingWindow"]],
      ["a session window removed", [SOURCE, { $sessionWindow: { gap: { size: 1, unit: "minute" } } }], [SOURCE], ["$sessionWindow"]],
      ["source and window", [SOURCE, win(10)], [{ $source: { connectionName: "d" } }, win(20)], ["$source", "$tumblingWindow"]],
    ];
    for (const [what, before, after, expected] of cases) {
      it(`${what} → [${expected.join(", ")}]`, () => expect(checkpointedStagesChanged(before, after)).to.deep.equal(expected));
    }
  });

  describe("checkpointRefusal", () => {
    const e400 = new AtlasApiError({ method: "PATCH", path: "/p", status: 400, errorCode: "STREAM_PROCESSOR_GENERIC_ERROR" });
    const e500 = new AtlasApiError({ method: "PATCH", path: "/p", status: 500 });
    const changed = [{ $source: { connectionName: "d" } }];
    const cases: [string, unknown, PipelineStage[], boolean | undefined, string[] | undefined][] = [
      ["a 400 for a $source change, input unset", e400, changed, undefined, ["$source"]],
      ["a 400 for a $source change, input true", e400, changed, true, ["$source"]],
      ["a 400 although the input is false (something else)", e400, changed, false, undefined],
      ["a 400 for a change of other stages", e400, [SOURCE, { $match: { a: 2 } }], undefined, undefined],
      ["a 500", e500, changed, undefined, undefined],
      ["not an Atlas error", new Error("x"), changed, undefined, undefined],
    ];
    for (const [what, err, after, resume, expected] of cases) {
      it(`${what} → ${expected ? expected.join(", ") : "not a checkpoint refusal"}`, () => {
        expect(checkpointRefusal(err, [SOURCE], after, resume)).to.deep.equal(expected);
      });
    }
    it("the message names the input to set, its value, why, and where the processor stands", () => {
      const m = checkpointRefusalMessage(
        { projectId: PROJECT, workspaceName: "ws", processorName: "orders" },
        ["$source"],
        "had a problem occur: x.",
        "the processor is running on its previous definition (STARTED)",
      );
      expect(m)
        .to.include('"orders"')
        .and.include("$source")
        .and.include("options: { resumeFromCheckpoint: false }")
        .and.include("checkpoint")
        .and.include("running on its previous definition (STARTED)")
        .and.include("Atlas: had a problem occur: x)");
    });
  });
});

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

describe("stats", () => {
  it("keeps the real keys, with integer counts from numbers or Extended JSON", () => {
    const s = parseStats({
      name: "orders",
      processorId: "66a",
      status: "running",
      scaleFactor: 1,
      inputMessageCount: 12,
      inputMessageSize: 3456.0,
      outputMessageCount: { $numberLong: "10" },
      outputMessageSize: "789",
      dlqMessageCount: 2,
      dlqMessageSize: 40,
      stateSize: 0,
      memoryTrackerBytes: 1024,
      ok: 1,
      changeStreamState: { _data: "x" },
      operatorStats: [{ name: "SampleDataSourceOperator", inputMessageCount: 12 }],
    })!;
    expect(s).to.deep.equal({
      name: "orders",
      processorId: "66a",
      status: "running",
      scaleFactor: 1,
      inputMessageCount: 12,
      inputMessageSize: 3456,
      outputMessageCount: 10,
      outputMessageSize: 789,
      dlqMessageCount: 2,
      dlqMessageSize: 40,
      stateSize: 0,
      memoryTrackerBytes: 1024,
      ok: true,
      changeStreamState: { _data: "x" },
      operatorStats: [{ name: "SampleDataSourceOperator", inputMessageCount: 12 }],
    });
    for (const k of ["inputMessageCount", "outputMessageCount", "dlqMessageCount", "memoryTrackerBytes"] as const)
      expect(Number.isInteger(s[k]), k).to.equal(true);
  });
  it("is undefined when the GET carries no stats", () => {
    expect(parseStats(undefined)).to.equal(undefined);
    expect(parseStats([])).to.equal(undefined);
  });
});

describe("check: the new inputs", () => {
  const check = (extra: Record<string, unknown>) => checkInputs({ ...BASE, ...extra });

  describe("definition-only inputs without pipeline are refused, naming the field", () => {
    const cases: [string, Record<string, unknown>][] = [
      ["options.dlq", { options: { dlq: { connectionName: "c", db: "d", coll: "x" } } }],
      ["options.autoscaling", { options: { autoscaling: { enabled: true, minTier: "SP5", maxTier: "SP10" } } }],
      ["options.resumeFromCheckpoint", { options: { resumeFromCheckpoint: false } }],
      ["failoverEnabled", { failoverEnabled: false }],
      ["adoptExisting", { adoptExisting: true }],
    ];
    for (const [field, extra] of cases) {
      it(`${field} without pipeline is a failure naming it and the fix`, () => {
        const { failures } = check(extra);
        expect(failures).to.have.length(1);
        expect(nth(failures, 0).property).to.equal(field);
        expect(nth(failures, 0).reason).to.include(field).and.include("set pipeline").and.include("ignored");
      });
      it(`${field} with pipeline passes`, () => expect(check({ ...extra, pipeline: PIPELINE }).failures).to.deep.equal([]));
      it(`${field} with a pipeline not known yet (preview) passes`, () =>
        expect(check({ ...extra, pipeline: UNKNOWN }).failures).to.deep.equal([]));
    }
    it("covers every definition-only input", () => expect([...DEFINITION_ONLY_INPUTS]).to.deep.equal(cases.map((c) => c[0])));
    it("a misspelt key is still refused too", () =>
      expect(check({ failoverEnabeld: true }).failures.map((f) => f.property)).to.deep.equal(["failoverEnabeld"]));
  });

  describe("value rules", () => {
    const bad: [string, Record<string, unknown>][] = [
      ["failoverEnabled", { pipeline: PIPELINE, failoverEnabled: "yes" }],
      ["options.resumeFromCheckpoint", { pipeline: PIPELINE, options: { resumeFromCheckpoint: "false" } }],
      ["verifySeconds", { verifySeconds: -1 }],
      ["verifySeconds", { verifySeconds: "10" }],
      ["verifySeconds", { verifySeconds: Infinity }],
      ["state", { state: "RUNNING" }],
      ["tier", { tier: "SP3" }],
    ];
    for (const [field, extra] of bad) {
      it(`refuses ${field} = ${JSON.stringify(Object.values(extra).pop())}, naming it`, () => {
        const { failures } = check(extra);
        expect(failures.map((f) => f.property)).to.deep.equal([field]);
        expect(nth(failures, 0).reason).to.include(field);
      });
    }
    it("accepts verifySeconds 0 and fractions, and leaves it unset by default (no diff on existing stacks)", () => {
      expect(check({ verifySeconds: 0 }).failures).to.deep.equal([]);
      expect(check({ verifySeconds: 0.5 }).failures).to.deep.equal([]);
      expect(Object.keys(check({}).inputs)).to.not.include("verifySeconds");
    });
    it("passes unknown values", () => {
      expect(
        check({ pipeline: PIPELINE, failoverEnabled: UNKNOWN, verifySeconds: UNKNOWN, options: { resumeFromCheckpoint: UNKNOWN } })
          .failures,
      ).to.deep.equal([]);
    });
  });
});

describe("diff: the new inputs", () => {
  const names = { ...BASE, timeoutSeconds: 600 };
  const olds = (o: Record<string, unknown> = {}) => ({ ...names, state: "STARTED", desiredState: "STARTED", pipeline: PIPELINE, ...o });
  const news = (o: Record<string, unknown> = {}) => ({ ...names, state: "STARTED", pipeline: PIPELINE, ...o });
  const cases: [string, Record<string, unknown>, Record<string, unknown>, string[]][] = [
    ["failoverEnabled set", {}, { failoverEnabled: true }, ["failoverEnabled"]],
    ["failoverEnabled unchanged", { failoverEnabled: true }, { failoverEnabled: true }, []],
    ["failoverEnabled left unset (Atlas's value kept)", { failoverEnabled: true }, {}, []],
    ["failoverEnabled unknown", {}, { failoverEnabled: UNKNOWN }, ["pipeline"]],
    ["verifySeconds set", {}, { verifySeconds: 5 }, ["verifySeconds"]],
    ["options.resumeFromCheckpoint set", {}, { options: { resumeFromCheckpoint: false } }, ["options.resumeFromCheckpoint"]],
    [
      "options.resumeFromCheckpoint unchanged",
      { options: { resumeFromCheckpoint: false } },
      { options: { resumeFromCheckpoint: false } },
      [],
    ],
    ["the DLQ removed", { options: { dlq: { connectionName: "c", db: "d", coll: "x" } } }, {}, ["options"]],
  ];
  for (const [what, o, n, expected] of cases) {
    it(`${what} → [${expected.join(", ")}]`, () => {
      const d = diffProcessor(olds(o), news(n));
      expect(d.changed).to.deep.equal(expected);
      expect(d.replaces).to.deep.equal([]);
    });
  }
});
