// checkpoint on change: the unit tests of its module.
import { expect } from "chai";
import { checkpointedStagesChanged, checkpointRefusal, checkpointRefusalMessage } from "../../../provider/converge/checkpoint";
import { AtlasApiError } from "../../../provider/errors";
import { type PipelineStage } from "../../../provider/types";
import { PROJECT } from "../../support/seed";

const SOURCE = { $source: { connectionName: "c" } };
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
