import { expect } from "chai";
import { covers, definitionChanges, definitionMismatch, modifyBody, sameValue, type Definition } from "../../../provider/model/definition";
import { bodyText } from "../../../provider/http/client";
import { diffProcessor } from "../../../provider/inputs/diff";
import { PROJECT } from "../../support/seed";

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
