// stats: the unit tests of its module.
import { expect } from "chai";
import { parseStats } from "../../../provider/atlas/stats";

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
