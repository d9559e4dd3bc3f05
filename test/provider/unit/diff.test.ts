import { expect } from "chai";
import { diffProcessor, IDENTITY_KEYS } from "../../../provider/inputs/diff";
import { UNKNOWN } from "../../../provider/inputs/check";
import { PROJECT } from "../../support/seed";

const NAMES = { projectId: PROJECT, workspaceName: "ws", processorName: "proc" };
const PIPELINE = [
  { $source: { connectionName: "sample_stream_solar" } },
  { $match: { temp: { $gt: 20 }, device: "a" } },
  { $sort: { ts: 1, device: -1 } },
];

/** Last outputs: `state` is what Atlas showed, `desiredState` what the program asked. */
function olds(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...NAMES,
    state: "STARTED",
    desiredState: "STARTED",
    timeoutSeconds: 600,
    processorId: "66a0",
    createdByResource: true,
    ...over,
  };
}
/** Checked inputs: `state` is the desired one. */
function news(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...NAMES, state: "STARTED", timeoutSeconds: 600, ...over };
}

describe("diff", () => {
  it("reports no change when nothing differs", () => {
    expect(diffProcessor(olds(), news())).to.deep.equal({ changes: false, replaces: [], changed: [] });
  });

  describe("identity keys", () => {
    it("are projectId, workspaceName and processorName", () => {
      expect([...IDENTITY_KEYS]).to.deep.equal(["projectId", "workspaceName", "processorName"]);
    });

    const changes: [string, unknown][] = [
      ["projectId", "0123456789abcdef01234567"],
      ["workspaceName", "other-ws"],
      ["processorName", "other-proc"],
    ];
    for (const [key, value] of changes) {
      it(`replaces when ${key} changes`, () => {
        const d = diffProcessor(olds(), news({ [key]: value }));
        expect(d.changes).to.equal(true);
        expect(d.replaces).to.deep.equal([key]);
        expect(d.changed).to.include(key);
      });
      it(`replaces when ${key} is unknown during preview`, () => {
        const d = diffProcessor(olds(), news({ [key]: UNKNOWN }));
        expect(d.changes).to.equal(true);
        expect(d.replaces).to.deep.equal([key]);
      });
    }
  });

  describe("state", () => {
    const cases: { desired: string; observed: string; desiredBefore?: string; change: boolean }[] = [
      { desired: "STARTED", observed: "STARTED", change: false },
      { desired: "STARTED", observed: "FAILED", change: true },
      { desired: "STARTED", observed: "STOPPED", change: true },
      { desired: "STARTED", observed: "CREATED", change: true },
      { desired: "STARTED", observed: "STARTING", change: true },
      { desired: "STOPPED", observed: "STOPPED", desiredBefore: "STOPPED", change: false },
      { desired: "STOPPED", observed: "CREATED", desiredBefore: "STOPPED", change: false },
      { desired: "STOPPED", observed: "FAILED", desiredBefore: "STOPPED", change: false },
      { desired: "STOPPED", observed: "STARTED", desiredBefore: "STOPPED", change: true },
      // The program switched its desired state even though Atlas already shows a satisfying one.
      { desired: "STOPPED", observed: "STOPPED", desiredBefore: "STARTED", change: true },
    ];
    for (const c of cases) {
      const before = c.desiredBefore ?? c.desired;
      it(`desired ${c.desired} (was ${before}) vs observed ${c.observed} → ${c.change ? "change" : "no change"}, never replace`, () => {
        const d = diffProcessor(olds({ state: c.observed, desiredState: before }), news({ state: c.desired }));
        expect(d.changes).to.equal(c.change);
        expect(d.replaces).to.deep.equal([]);
        expect(d.changed.includes("state")).to.equal(c.change);
      });
    }

    it("compares with the observed state only when older outputs lack desiredState", () => {
      expect(diffProcessor(olds({ state: "STOPPED", desiredState: undefined }), news({ state: "STOPPED" })).changes).to.equal(false);
      expect(diffProcessor(olds({ state: "STOPPED", desiredState: undefined }), news({ state: "STARTED" })).changes).to.equal(true);
    });

    it("treats a missing desired state as STARTED", () => {
      expect(diffProcessor(olds(), news({ state: undefined })).changes).to.equal(false);
      expect(diffProcessor(olds({ state: "STOPPED" }), news({ state: undefined })).changed).to.deep.equal(["state"]);
    });

    it("changes when the desired state is unknown during preview", () => {
      expect(diffProcessor(olds(), news({ state: UNKNOWN })).changed).to.deep.equal(["state"]);
    });
  });

  describe("settings", () => {
    const cases: [string, unknown, unknown][] = [
      ["timeoutSeconds", 600, 900],
      ["startAtOperationTime", undefined, "2026-01-31T12:00:00Z"],
      ["resumeFromCheckpoint", undefined, true],
      ["adoptExisting", true, false],
    ];
    for (const [key, before, after] of cases) {
      it(`${key} ${String(before)} → ${String(after)} is a change without replace`, () => {
        const d = diffProcessor(olds({ [key]: before }), news({ [key]: after }));
        expect(d.changes).to.equal(true);
        expect(d.replaces).to.deep.equal([]);
        expect(d.changed).to.deep.equal([key]);
      });
    }

    it("treats an unknown timeoutSeconds as a change", () => {
      expect(diffProcessor(olds(), news({ timeoutSeconds: UNKNOWN })).changed).to.deep.equal(["timeoutSeconds"]);
    });
  });

  describe("definition", () => {
    const dlq = { connectionName: "c", db: "d", coll: "dlq" };
    const defOlds = (over: Record<string, unknown> = {}) => olds({ pipeline: PIPELINE, options: { dlq }, tier: "SP10", ...over });
    const defNews = (over: Record<string, unknown> = {}) => news({ pipeline: PIPELINE, options: { dlq }, tier: "SP10", ...over });

    it("reports no change for the same definition", () => {
      expect(diffProcessor(defOlds(), defNews()).changes).to.equal(false);
    });

    it("reports a pipeline change when keys inside $match are reordered (key order is data)", () => {
      const reordered = [PIPELINE[0], { $match: { device: "a", temp: { $gt: 20 } } }, PIPELINE[2]];
      expect(diffProcessor(defOlds(), defNews({ pipeline: reordered })).changed).to.deep.equal(["pipeline"]);
    });

    it("reports a pipeline change when keys inside $sort are reordered", () => {
      const reordered = [PIPELINE[0], PIPELINE[1], { $sort: { device: -1, ts: 1 } }];
      const d = diffProcessor(defOlds(), defNews({ pipeline: reordered }));
      expect(d.changes).to.equal(true);
      expect(d.replaces).to.deep.equal([]);
      expect(d.changed).to.deep.equal(["pipeline"]);
    });

    it("reports a pipeline change when a stage is added", () => {
      expect(diffProcessor(defOlds(), defNews({ pipeline: [...PIPELINE, { $project: { _id: 0 } }] })).changed).to.deep.equal(["pipeline"]);
    });

    it("reports an options change when the dlq changes", () => {
      const d = diffProcessor(defOlds(), defNews({ options: { dlq: { ...dlq, coll: "other" } } }));
      expect(d.changes).to.equal(true);
      expect(d.replaces).to.deep.equal([]);
      expect(d.changed).to.deep.equal(["options"]);
    });

    it("reports a tier change", () => {
      const d = diffProcessor(defOlds(), defNews({ tier: "SP30" }));
      expect(d.changes).to.equal(true);
      expect(d.replaces).to.deep.equal([]);
      expect(d.changed).to.deep.equal(["tier"]);
    });

    it("reports a tier change without a pipeline too", () => {
      expect(diffProcessor(olds({ tier: "SP10" }), news({ tier: "SP30" })).changed).to.deep.equal(["tier"]);
    });

    it("ignores Atlas's copy of the definition when the program declares no pipeline", () => {
      expect(diffProcessor(defOlds(), news()).changes).to.equal(false);
    });

    // toOutputs and read copy Atlas's tier into the outputs when the user sets none; the user did not
    // declare a tier, so it is not managed (matchesDefinition ignores it) and must not show as a diff.
    it("reports no change when a pipeline is declared without tier and Atlas reported one", () => {
      const d = diffProcessor(defOlds({ tier: "SP10" }), defNews({ tier: undefined }));
      expect(d.changed).to.deep.equal([]);
      expect(d.changes).to.equal(false);
    });

    for (const key of ["pipeline", "options", "tier"]) {
      it(`reports a pipeline change when ${key} is unknown during preview`, () => {
        const d = diffProcessor(defOlds(), defNews({ [key]: UNKNOWN }));
        expect(d.changes).to.equal(true);
        expect(d.changed).to.include("pipeline");
        expect(d.replaces).to.deep.equal([]);
      });
    }
  });
});

const BASE = { projectId: PROJECT, workspaceName: "ws", processorName: "proc" };

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
