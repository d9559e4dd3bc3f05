import { expect } from "chai";
import {
  covers,
  definitionChanges,
  matchesDefinition,
  sameValue,
  type Definition,
  definitionMismatch,
  modifyBody,
} from "../../../provider/model/definition";
import { bodyText } from "../../../provider/http/client";
import { diffProcessor } from "../../../provider/inputs/diff";
import { PROJECT } from "../../support/seed";

/** `def` with `key` left unset. */
function without(def: Definition, key: keyof Definition): Definition {
  const copy = { ...def };
  delete copy[key];
  return copy;
}

describe("definition", () => {
  describe("sameValue", () => {
    const cases: [string, unknown, unknown, boolean][] = [
      ["equal scalars", 1, 1, true],
      ["different scalars", 1, "1", false],
      ["null and undefined", null, undefined, false],
      ["objects with keys reordered (key order is data)", { a: 1, b: 2 }, { b: 2, a: 1 }, false],
      ["objects with an extra key", { a: 1 }, { a: 1, b: 2 }, false],
      ["objects with the same count but other keys", { a: 1 }, { b: 1 }, false],
      ["arrays in order", [1, 2], [1, 2], true],
      ["arrays reordered", [1, 2], [2, 1], false],
      ["arrays of different length", [1], [1, 1], false],
      ["array and object", [], {}, false],
      ["$match with keys reordered", [{ $match: { a: 1, b: 2 } }], [{ $match: { b: 2, a: 1 } }], false],
      ["$sort with keys reordered", [{ $sort: { a: 1, b: -1 } }], [{ $sort: { b: -1, a: 1 } }], false],
      ["$sort in the same order", [{ $sort: { a: 1, b: -1 } }], [{ $sort: { a: 1, b: -1 } }], true],
      ["nested objects under $sort reordered", { $sort: { x: { p: 1, q: 2 } } }, { $sort: { x: { q: 2, p: 1 } } }, false],
      ["deep values differ", { a: { b: [1, { c: 2 }] } }, { a: { b: [1, { c: 3 }] } }, false],
    ];
    for (const [what, a, b, expected] of cases) {
      it(`${what} → ${expected}`, () => {
        expect(sameValue(a, b)).to.equal(expected);
        expect(sameValue(b, a)).to.equal(expected);
      });
    }
  });

  describe("covers", () => {
    const applied = [{ $source: { connectionName: "c", db: "d" } }, { $sort: { a: 1, b: -1 } }];
    const cases: [string, unknown, unknown, boolean][] = [
      ["the same value", applied, applied, true],
      [
        "Atlas adds fields to a stage",
        [{ $source: { connectionName: "c", db: "d", timeField: { $dateFromString: "x" } } }, { $sort: { a: 1, b: -1 } }],
        applied,
        true,
      ],
      ["Atlas adds a key inside $sort, keeping ours in order", [applied[0], { $sort: { a: 1, z: 1, b: -1 } }], applied, true],
      ["a field was removed", [{ $source: { connectionName: "c" } }, applied[1]], applied, false],
      ["a value was changed", [{ $source: { connectionName: "c", db: "other" } }, applied[1]], applied, false],
      ["$sort keys were reordered", [applied[0], { $sort: { b: -1, a: 1 } }], applied, false],
      ["a stage was added", [...applied, { $project: { _id: 0 } }], applied, false],
      ["a stage was removed", [applied[0]], applied, false],
      ["Atlas has nothing", undefined, applied, false],
      ["$match keys reordered", [{ $match: { b: 2, a: 1 } }], [{ $match: { a: 1, b: 2 } }], false],
    ];
    for (const [what, atlas, ours, expected] of cases) {
      it(`${what} → ${expected}`, () => {
        expect(covers(atlas, ours)).to.equal(expected);
      });
    }
  });

  describe("matchesDefinition", () => {
    const source = { $source: { connectionName: "c" } };
    const pipeline = [source, { $match: { a: 1 } }];
    const dlq = { connectionName: "c", db: "d", coll: "dlq" };
    const decoratedDlq = { ...dlq, extra: 1 }; // a key Atlas adds that DlqOptions does not name
    const cases: [string, Definition, Definition, boolean][] = [
      ["identical", { pipeline, options: { dlq }, tier: "SP10" }, { pipeline, options: { dlq }, tier: "SP10" }, true],
      [
        "Atlas decorated the pipeline and dlq",
        {
          pipeline: [{ $source: { connectionName: "c", extra: 1 } }, { $match: { a: 1 } }],
          options: { dlq: decoratedDlq },
        },
        { pipeline, options: { dlq } },
        true,
      ],
      ["a different pipeline", { pipeline: [source] }, { pipeline }, false],
      ["a dlq was wanted but Atlas has none", { pipeline }, { pipeline, options: { dlq } }, false],
      ["a different dlq", { pipeline, options: { dlq: { ...dlq, coll: "x" } } }, { pipeline, options: { dlq } }, false],
      ["Atlas has a dlq the declared pipeline lacks", { pipeline, options: { dlq } }, { pipeline }, false],
      ["a different tier the user set", { pipeline, tier: "SP2" }, { pipeline, tier: "SP10" }, false],
      ["a tier the user did not set", { pipeline, tier: "SP2" }, { pipeline }, true],
      ["a tier Atlas does not report", { pipeline }, { pipeline, tier: "SP10" }, true],
      ["no pipeline declared: Atlas's dlq does not matter", { pipeline, options: { dlq } }, {}, true],
    ];
    for (const [what, atlas, desired, expected] of cases) {
      it(`${what} → ${expected}`, () => {
        expect(matchesDefinition(atlas, desired)).to.equal(expected);
      });
    }
  });

  describe("definitionChanges", () => {
    const source = { $source: { connectionName: "c" } };
    const pipeline = [source, { $sort: { a: 1, b: 1 } }];
    const dlq = { connectionName: "c", db: "d", coll: "dlq" };
    const base: Definition = { pipeline, options: { dlq }, tier: "SP10" };
    const cases: [string, Definition, string[]][] = [
      ["nothing", base, []],
      ["$sort reordered", { ...base, pipeline: [source, { $sort: { b: 1, a: 1 } }] }, ["pipeline"]],
      ["the dlq", { ...base, options: { dlq: { ...dlq, db: "x" } } }, ["options"]],
      ["the dlq removed", without(base, "options"), ["options"]],
      ["the tier", { ...base, tier: "SP5" }, ["tier"]],
      ["everything", { pipeline: [source], options: {}, tier: "SP50" }, ["pipeline", "options", "tier"]],
      ["nothing when the tier is left unset (Atlas reports its own)", without(base, "tier"), []],
    ];
    for (const [what, news, expected] of cases) {
      it(`names ${expected.length ? expected.join(", ") : "nothing"} when ${what} changed`, () => {
        expect(definitionChanges(base, news)).to.deep.equal(expected);
      });
    }
    it("treats absent and empty options alike", () => {
      expect(definitionChanges({ pipeline }, { pipeline, options: {} })).to.deep.equal([]);
    });
  });
});

const SOURCE = { $source: { connectionName: "c" } };

/** Each row: a stage, and the same stage with two keys swapped at some depth. */
const REORDERS: [string, Record<string, unknown>, Record<string, unknown>][] = [
  ["$project", { $project: { _id: 0, a: 1, b: 1 } }, { $project: { _id: 0, b: 1, a: 1 } }],
  ["$addFields", { $addFields: { x: 1, y: "$x" } }, { $addFields: { y: "$x", x: 1 } }],
  ["$set", { $set: { total: { $add: ["$a", "$b"] }, tax: 2 } }, { $set: { tax: 2, total: { $add: ["$a", "$b"] } } }],
  ["$sort", { $sort: { ts: 1, device: -1 } }, { $sort: { device: -1, ts: 1 } }],
  ["$group", { $group: { _id: "$d", n: { $sum: 1 }, m: { $max: "$v" } } }, { $group: { _id: "$d", m: { $max: "$v" }, n: { $sum: 1 } } }],
  ["a literal document in $match", { $match: { loc: { x: 1, y: 2 } } }, { $match: { loc: { y: 2, x: 1 } } }],
  ["$match's top-level keys", { $match: { a: 1, b: 2 } }, { $match: { b: 2, a: 1 } }],
];

describe("pipeline comparison: key order is data, numbers by value", () => {
  describe("a reorder is a difference everywhere", () => {
    for (const [where, before, after] of REORDERS) {
      const p1 = [SOURCE, before];
      const p2 = [SOURCE, after];
      it(`in ${where}: sameValue false, covers false, definitionChanges and definitionMismatch name pipeline, diff is an update`, () => {
        expect(sameValue(p1, p2)).to.equal(false);
        expect(covers(p2, p1)).to.equal(false);
        expect(definitionChanges({ pipeline: p1 }, { pipeline: p2 })).to.deep.equal(["pipeline"]);
        expect(definitionMismatch({ pipeline: p2 }, { pipeline: p1 })).to.deep.equal(["pipeline"]);
        const names = { projectId: PROJECT, workspaceName: "w", processorName: "p", timeoutSeconds: 600 };
        const d = diffProcessor(
          { ...names, state: "STARTED", desiredState: "STARTED", pipeline: p1 },
          { ...names, state: "STARTED", pipeline: p2 },
        );
        expect(d).to.deep.include({ changes: true, replaces: [], changed: ["pipeline"] });
      });
      it(`in ${where}: the same order is no difference`, () => {
        expect(sameValue([SOURCE, before], [SOURCE, structuredClone(before)])).to.equal(true);
        expect(definitionMismatch({ pipeline: [SOURCE, structuredClone(before)] }, { pipeline: [SOURCE, before] })).to.deep.equal([]);
      });
    }
  });

  describe("numbers compare by value", () => {
    const cases: [string, unknown, unknown, boolean][] = [
      ["1 and 1.0", { $limit: 1 }, { $limit: 1.0 }, true],
      ["a number and $numberLong", { $gt: 5 }, { $gt: { $numberLong: "5" } }, true],
      ["$numberDouble and $numberInt", { $gt: { $numberDouble: "5.0" } }, { $gt: { $numberInt: "5" } }, true],
      ["different numbers", { $gt: 5 }, { $gt: { $numberLong: "6" } }, false],
      ["a number and a numeric string", { $gt: 5 }, { $gt: "5" }, false],
      ["0 and false", { a: 0 }, { a: false }, false],
    ];
    for (const [what, a, b, expected] of cases) {
      it(`${what} → ${expected}`, () => {
        expect(sameValue(a, b)).to.equal(expected);
        expect(sameValue(b, a)).to.equal(expected);
        expect(covers(b, a)).to.equal(expected);
      });
    }
  });

  describe("covers (Atlas may add fields, never reorder ours)", () => {
    const ours = [{ $source: { connectionName: "c", db: "d" } }, { $project: { a: 1, b: 1 } }];
    const cases: [string, unknown, boolean][] = [
      ["an added field at the end", [{ $source: { connectionName: "c", db: "d", tsField: "t" } }, ours[1]], true],
      ["an added field between ours, order kept", [ours[0], { $project: { a: 1, z: 1, b: 1 } }], true],
      ["ours reordered around an added field", [ours[0], { $project: { b: 1, z: 1, a: 1 } }], false],
    ];
    for (const [what, atlas, expected] of cases) {
      it(`${what} → ${expected}`, () => expect(covers(atlas, ours)).to.equal(expected));
    }
  });

  describe("definitionMismatch (create/update and refresh use this one function)", () => {
    const pipeline = [SOURCE];
    const dlq = { connectionName: "c", db: "d", coll: "x" };
    const cases: [string, Definition, Definition, string[]][] = [
      [
        "failoverEnabled declared true, Atlas false",
        { pipeline, failoverEnabled: false },
        { pipeline, failoverEnabled: true },
        ["failoverEnabled"],
      ],
      ["failoverEnabled declared false, Atlas reports none", { pipeline }, { pipeline, failoverEnabled: false }, []],
      ["failoverEnabled not declared", { pipeline, failoverEnabled: true }, { pipeline }, []],
      ["DLQ removed from the program", { pipeline, options: { dlq } }, { pipeline }, ["options.dlq"]],
      [
        "resumeFromCheckpoint is not part of what Atlas holds",
        { pipeline, options: { dlq } },
        { pipeline, options: { dlq, resumeFromCheckpoint: false } },
        [],
      ],
    ];
    for (const [what, atlas, desired, expected] of cases) {
      it(`${what} → [${expected.join(", ")}]`, () => expect(definitionMismatch(atlas, desired)).to.deep.equal(expected));
    }
    it("definitionChanges names failoverEnabled only when declared", () => {
      expect(definitionChanges({ pipeline, failoverEnabled: true }, { pipeline, failoverEnabled: false })).to.deep.equal([
        "failoverEnabled",
      ]);
      expect(definitionChanges({ pipeline, failoverEnabled: true }, { pipeline })).to.deep.equal([]);
    });
  });

  describe("modifyBody (the PATCH)", () => {
    const before = [SOURCE, { $match: { a: 1 } }];
    const after = [SOURCE, { $match: { a: 2 } }];
    const dlq = { connectionName: "c", db: "d", coll: "x" };
    const cases: [string, Definition, Definition, unknown][] = [
      [
        "the declared definition",
        { pipeline: after, options: { dlq }, tier: "SP5", failoverEnabled: true },
        { pipeline: before, options: { dlq } },
        { pipeline: after, options: { dlq }, tier: "SP5", failoverEnabled: true },
      ],
      [
        "a DLQ Atlas has but the program dropped: dlq null",
        { pipeline: before },
        { pipeline: before, options: { dlq } },
        { pipeline: before, options: { dlq: null } },
      ],
      ["no DLQ anywhere: no options", { pipeline: after }, { pipeline: before }, { pipeline: after }],
      [
        "resumeFromCheckpoint with a pipeline change",
        { pipeline: after, options: { resumeFromCheckpoint: false } },
        { pipeline: before },
        { pipeline: after, options: { resumeFromCheckpoint: false } },
      ],
      [
        "resumeFromCheckpoint without a pipeline change is not sent",
        { pipeline: before, options: { dlq, resumeFromCheckpoint: false } },
        { pipeline: before },
        { pipeline: before, options: { dlq } },
      ],
      [
        "resumeFromCheckpoint when a reorder is the change",
        { pipeline: [SOURCE, { $project: { b: 1, a: 1 } }], options: { resumeFromCheckpoint: true } },
        { pipeline: [SOURCE, { $project: { a: 1, b: 1 } }] },
        { pipeline: [SOURCE, { $project: { b: 1, a: 1 } }], options: { resumeFromCheckpoint: true } },
      ],
    ];
    for (const [what, desired, current, expected] of cases) {
      it(what, () => expect(bodyText(modifyBody(desired, current))).to.equal(JSON.stringify(expected)));
    }
  });
});
