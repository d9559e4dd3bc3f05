import { expect } from "chai";
import { covers, definitionChanges, matchesDefinition, sameValue, type Definition } from "../../../provider/model/definition";

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
