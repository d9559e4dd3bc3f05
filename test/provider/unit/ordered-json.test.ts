import { expect } from "chai";
import {
  coversJson,
  fromValue,
  JsonNumber,
  JsonSyntaxError,
  parseJson,
  parseToPlain,
  sameJson,
  stringifyJson,
} from "../../../provider/util/ordered-json";
import { checkPipeline, pipelineText } from "../../../provider/model/pipeline";

describe("ordered JSON (the pipeline's own parser and printer)", () => {
  describe("parse then print gives the text back, compacted", () => {
    const cases: [string, string, string][] = [
      ["keys in the order written", '{"zeta": 1, "alpha": -1}', '{"zeta":1,"alpha":-1}'],
      ["integer-like keys where written", '{"b": 1, "10": 1, "2": 1}', '{"b":1,"10":1,"2":1}'],
      ["number text as written", "[1.0, 1e3, -0, 2.50]", "[1.0,1e3,-0,2.50]"],
      ["strings, escapes and unicode", '["a\\"b", "\\u00e9", "tab\\t"]', '["a\\"b","é","tab\\t"]'],
      ["nesting, empty objects and arrays", '{"a": {"b": [[], {}]}, "c": null, "d": true}', '{"a":{"b":[[],{}]},"c":null,"d":true}'],
    ];
    for (const [what, text, printed] of cases) it(what, () => expect(stringifyJson(parseJson(text))).to.equal(printed));
  });

  describe("malformed text: an error with line and column", () => {
    const cases: [string, string, RegExp, number, number][] = [
      ["an unquoted key", '[{"$match": {a: 1}}]', /where a key in double quotes was expected/, 1, 14],
      ["a trailing comma", "[1, 2,]", /where a value was expected/, 1, 7],
      ["an unclosed array", "[1, 2", /the text ends where "," or "]" was expected/, 1, 6],
      ["a duplicate key", '{"a": 1,\n "a": 2}', /the key "a" appears twice/, 2, 2],
      ["text after the value", "[] x", /after the end of the value/, 1, 4],
      ["a single-quoted string", "['a']", /where a value was expected/, 1, 2],
    ];
    for (const [what, text, reason, line, column] of cases) {
      it(what, () => {
        const err = (() => {
          try {
            parseJson(text);
          } catch (e) {
            return e;
          }
          return undefined;
        })();
        expect(err).to.be.instanceOf(JsonSyntaxError);
        const e = err as JsonSyntaxError;
        expect(e.message).to.match(reason);
        expect([e.line, e.column]).to.deep.equal([line, column]);
      });
    }
  });

  describe("from JavaScript values", () => {
    it("keeps insertion order, drops undefined properties, follows toJSON", () => {
      const at = new Date("2026-01-31T12:00:00Z");
      expect(stringifyJson(fromValue({ z: 1, a: undefined, m: at }))).to.equal('{"z":1,"m":"2026-01-31T12:00:00.000Z"}');
    });
    it("writes a bigint as an exact integer", () =>
      expect(stringifyJson(fromValue({ n: 9007199254740993n }))).to.equal('{"n":9007199254740993}'));
    const refused: [string, unknown, string][] = [
      ["NaN", { $limit: NaN }, "value.$limit is NaN"],
      ["Infinity", [Infinity], "value[0] is Infinity"],
      ["undefined in an array", [1, undefined], "value[1] is undefined"],
      ["a function", { f: () => 1 }, "value.f is a function"],
    ];
    for (const [what, value, message] of refused)
      it(`refuses ${what}, naming the path`, () => expect(() => fromValue(value)).to.throw(message));
  });

  describe("an answer with integer-like keys keeps its order through parseToPlain", () => {
    it("JavaScript's own order differs, the wire order comes back", () => {
      const plain = parseToPlain('{"pipeline":[{"$project":{"b":1,"10":1,"2":1}}]}') as { pipeline: object[] };
      expect(Object.keys(plain.pipeline[0] as object)).to.deep.equal(["$project"]);
      expect(stringifyJson(fromValue(plain.pipeline))).to.equal('[{"$project":{"b":1,"10":1,"2":1}}]');
    });
    it("a text without such keys is JSON.parse's result", () =>
      expect(parseToPlain('{"a":[1,{"b":2}]}')).to.deep.equal({ a: [1, { b: 2 }] }));
  });

  describe("comparison", () => {
    const j = (t: string) => parseJson(t);
    it("key order is significant at every depth", () => {
      expect(sameJson(j('{"a":{"x":1,"y":2}}'), j('{"a":{"y":2,"x":1}}'))).to.equal(false);
      expect(sameJson(j('{"a":{"x":1,"y":2}}'), j('{"a":{"x":1,"y":2}}'))).to.equal(true);
    });
    it("numbers compare by value, Extended JSON included", () => {
      expect(sameJson(j("[1, 1.0, 100]"), j('[1.0, {"$numberInt": "1"}, 1e2]'))).to.equal(true);
      expect(sameJson(new JsonNumber("10"), j('{"$numberLong": "10"}'))).to.equal(true);
    });
    it("covers: Atlas may add keys, ours keep their relative order", () => {
      expect(coversJson(j('{"a":1,"added":0,"b":2}'), j('{"a":1,"b":2}'))).to.equal(true);
      expect(coversJson(j('{"b":2,"a":1}'), j('{"a":1,"b":2}'))).to.equal(false);
    });
  });

  describe("the pipeline's text", () => {
    it("an array becomes compact text in its own order; a string passes unchanged", () => {
      expect(pipelineText([{ $sort: { zeta: 1, alpha: -1 } }])).to.equal('[{"$sort":{"zeta":1,"alpha":-1}}]');
      expect(pipelineText(' [ {"$sort": {"10": 1}} ] ')).to.equal(' [ {"$sort": {"10": 1}} ] ');
    });
    it("check gives a string its canonical text", () =>
      expect(checkPipeline('[ {"$sort": {"10": 1, "2": -1}} ]').text).to.equal('[{"$sort":{"10":1,"2":-1}}]'));
  });
});
