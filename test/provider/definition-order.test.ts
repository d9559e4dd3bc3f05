/**
 * The pipeline Atlas runs is the pipeline written: every definition behaviour driven the way the
 * engine drives it (test/support/engine.ts: the resource's own props, @pulumi/pulumi's serialization, a
 * Struct round trip, keys sorted at every depth), with the body text each request carried on the
 * wire (recording proxy) and the requests counted.
 */
import { expect } from "chai";
import { EngineStack, checkThroughEngine, engineInputs } from "../support/engine";
import { atlasCurl, processorApiPath, failureOf, WORKSPACE, PROJECT } from "../support/helpers";
import { nth } from "../support/present";
import { wireFixture } from "../support/wire-fixture";
import type { StreamProcessorArgs } from "../../provider/resource/stream-processor";

const SOURCE = { $source: { connectionName: "sample_stream_solar" } };
const EMIT = { $emit: { connectionName: "__testLog" } };
/** Stages whose key order is what they do: none of them is in alphabetical order. */
const ORDERED = [
  SOURCE,
  { $match: { device: { $in: ["b", "a"] }, meta: { zone: "eu", rack: 7 } } },
  { $addFields: { watts: "$obs.watts", at: "$ts" } },
  { $sort: { zeta: 1, alpha: -1 } },
  { $project: { watts: 1, device: 1, _id: 0 } },
  { $group: { _id: "$device", total: { $sum: "$watts" }, avg: { $avg: "$watts" } } },
  EMIT,
];
const ORDERED_TEXT = JSON.stringify(ORDERED);
const DLQ = { connectionName: "sample_stream_solar", db: "dlq", coll: "orders_dlq" };

const args = (processorName: string, extra: Partial<StreamProcessorArgs> = {}): StreamProcessorArgs => ({
  projectId: PROJECT,
  workspaceName: WORKSPACE,
  processorName,
  ...extra,
});

describe("the pipeline Atlas runs is the pipeline written (through the engine's serialization)", function () {
  this.timeout(30_000);
  const wire = wireFixture(40);
  const { stored, sent } = wire;
  const writes = () =>
    wire.proxy.requests.filter((q) => q.method !== "GET").map((q) => `${q.method} ${q.path.replace(/\?.*/s, "").split("/").pop()}`);
  const reset = () => (wire.proxy.requests.length = 0);

  describe("what the engine hands the provider", () => {
    it("has every object key sorted, except inside the pipeline's text", async () => {
      const news = await engineInputs(args("o", { pipeline: ORDERED, options: { dlq: DLQ } }));
      expect(Object.keys(news.options as object)).to.deep.equal(["dlq"]);
      expect(Object.keys((news.options as { dlq: object }).dlq)).to.deep.equal(["coll", "connectionName", "db"]);
      expect(news.pipeline).to.equal(ORDERED_TEXT);
    });
  });

  describe("create", () => {
    it("sends the stages key for key in the order written, and Atlas stores that order", async () => {
      const stack = new EngineStack();
      expect(await stack.up(args("fresh", { pipeline: ORDERED }))).to.equal("create");
      expect(writes()).to.deep.equal(["POST processor", "POST fresh:start"]);
      expect(nth(sent("POST", "/processor"), 0).body).to.equal(`{"name":"fresh","pipeline":${ORDERED_TEXT}}`);
      expect(JSON.stringify(stored("fresh")!.pipeline)).to.equal(ORDERED_TEXT);
      expect(stack.outs!.pipeline).to.equal(ORDERED_TEXT);
      expect(wire.proxy.requests.length).to.be.at.most(8);
    });

    it("a no-op up afterwards sends nothing", async () => {
      const stack = new EngineStack();
      await stack.up(args("fresh", { pipeline: ORDERED }));
      reset();
      expect(await stack.up(args("fresh", { pipeline: ORDERED }))).to.equal("same");
      expect(wire.proxy.requests).to.have.length(0);
    });

    it("takes the official resource's JSON string as written: whitespace aside, integer-like keys keep their order", async () => {
      const text = `[
        {"$source": {"connectionName": "sample_stream_solar"}},
        {"$project": {"10": 1, "2": 1, "b": 1.0, "a": 1e2}},
        {"$emit": {"connectionName": "__testLog"}}
      ]`;
      const stack = new EngineStack();
      await stack.up(args("str", { pipeline: text }));
      const compact =
        '[{"$source":{"connectionName":"sample_stream_solar"}},{"$project":{"10":1,"2":1,"b":1.0,"a":1e2}},{"$emit":{"connectionName":"__testLog"}}]';
      expect(nth(sent("POST", "/processor"), 0).body).to.equal(`{"name":"str","pipeline":${compact}}`);
      expect(stack.outs!.pipeline).to.equal(compact);
      reset();
      expect(await stack.up(args("str", { pipeline: text.replace(/\n\s*/g, " ") }))).to.equal("same");
      expect(wire.proxy.requests).to.have.length(0);
    });

    it("a malformed JSON string is refused at check, naming the line and column, and nothing is sent", async () => {
      const r = await checkThroughEngine(args("bad", { pipeline: '[\n  {"$source": {"connectionName": "c"}},\n  {"$match": {a: 1}}\n]' }));
      expect(r.failures).to.have.length(1);
      expect(nth(r.failures!, 0).property).to.equal("pipeline");
      expect(nth(r.failures!, 0).reason).to.match(/not valid JSON: .* at line 3, column 15/);
      expect(wire.proxy.requests).to.have.length(0);
    });
  });

  describe("adopting a processor already in Atlas", () => {
    it("whose stages are not in alphabetical order: adopted as it is, nothing written", async () => {
      expect(
        await atlasCurl(wire.emu.url, "POST", `/api/atlas/v2/groups/${PROJECT}/streams/${WORKSPACE}/processor`, {
          name: "old",
          pipeline: ORDERED,
        }),
      ).to.equal(200);
      reset();
      const stack = new EngineStack();
      await stack.up(args("old", { pipeline: ORDERED }));
      expect(writes()).to.deep.equal(["POST old:start"]);
      expect(stack.outs!.createdByResource).to.equal(false);
    });

    it("whose stages differ only in key order: refused without adoptExisting, naming the pipeline", async () => {
      const alphabetical = [SOURCE, { $sort: { alpha: -1, zeta: 1 } }, EMIT];
      expect(
        await atlasCurl(wire.emu.url, "POST", `/api/atlas/v2/groups/${PROJECT}/streams/${WORKSPACE}/processor`, {
          name: "old",
          pipeline: alphabetical,
        }),
      ).to.equal(200);
      const err = await failureOf(
        new EngineStack().up(args("old", { pipeline: [SOURCE, { $sort: { zeta: 1, alpha: -1 } }, EMIT] })),
        "the up of a processor whose stored order differs",
      );
      expect(err.message).to.include("already exists with a different definition (pipeline differ)");
      expect(writes()).to.deep.equal([]);
    });
  });

  describe("changes", () => {
    it("a changed stage is PATCHed with the whole pipeline in the order written", async () => {
      const stack = new EngineStack();
      await stack.up(args("fresh", { pipeline: ORDERED }));
      const changed = [...ORDERED.slice(0, 3), { $sort: { zeta: -1, alpha: 1, mid: 1 } }, ...ORDERED.slice(4)];
      expect((await stack.preview(args("fresh", { pipeline: changed }))).changes).to.equal(true);
      reset();
      expect(await stack.up(args("fresh", { pipeline: changed }))).to.equal("update");
      expect(writes()).to.deep.equal(["POST fresh:stop", "PATCH fresh", "POST fresh:start"]);
      expect(nth(sent("PATCH", "/processor/fresh"), 0).body).to.equal(`{"pipeline":${JSON.stringify(changed)}}`);
      expect(JSON.stringify(stored("fresh")!.pipeline)).to.equal(JSON.stringify(changed));
    });

    it("a reorder in the program alone is an update, and is applied", async () => {
      const stack = new EngineStack();
      await stack.up(args("fresh", { pipeline: ORDERED }));
      const reordered = ORDERED.map((s) => ("$sort" in s ? { $sort: { alpha: -1, zeta: 1 } } : s));
      expect((await stack.preview(args("fresh", { pipeline: reordered }))).changes).to.equal(true);
      reset();
      await stack.up(args("fresh", { pipeline: reordered }));
      expect(nth(sent("PATCH", "/processor/fresh"), 0).body).to.equal(`{"pipeline":${JSON.stringify(reordered)}}`);
      expect(writes()).to.have.length(3);
    });

    it("a reorder made in Atlas is drift: refresh brings Atlas's order back, and the next up restores the one written", async () => {
      const stack = new EngineStack();
      await stack.up(args("fresh", { pipeline: ORDERED, state: "STOPPED" }));
      const theirs = ORDERED.map((s) => ("$project" in s ? { $project: { _id: 0, device: 1, watts: 1 } } : s));
      expect(await atlasCurl(wire.emu.url, "PATCH", processorApiPath("fresh"), { pipeline: theirs })).to.equal(200);
      await stack.refresh();
      expect(stack.outs!.pipeline).to.equal(JSON.stringify(theirs));
      expect((await stack.preview(args("fresh", { pipeline: ORDERED, state: "STOPPED" }))).changes).to.equal(true);
      reset();
      await stack.up(args("fresh", { pipeline: ORDERED, state: "STOPPED" }));
      expect(writes()).to.deep.equal(["PATCH fresh"]);
      expect(nth(sent("PATCH", "/processor/fresh"), 0).body).to.equal(`{"pipeline":${ORDERED_TEXT}}`);
    });

    it("a changed $source without resumeFromCheckpoint: false is refused by Atlas, and the error says which input to set", async () => {
      const stack = new EngineStack();
      await stack.up(args("cp", { pipeline: ORDERED }));
      const moved = [
        { $source: { connectionName: "sample_stream_solar", timeField: { $dateFromString: { dateString: "$ts" } } } },
        ...ORDERED.slice(1),
      ];
      reset();
      const err = await failureOf(stack.up(args("cp", { pipeline: moved })), "the up that changes $source");
      expect(err.message).to.include("resumeFromCheckpoint: false");
      expect(nth(sent("PATCH", "/processor/cp"), 0).body).to.equal(`{"pipeline":${JSON.stringify(moved)}}`);
      expect(writes()).to.deep.equal(["POST cp:stop", "PATCH cp", "POST cp:start"]);
      reset();
      await stack.up(args("cp", { pipeline: moved, options: { resumeFromCheckpoint: false } }));
      expect(nth(sent("PATCH", "/processor/cp"), 0).body).to.equal(
        `{"pipeline":${JSON.stringify(moved)},"options":{"resumeFromCheckpoint":false}}`,
      );
    });
  });

  describe("the dead-letter queue", () => {
    it("added: the PATCH carries it, keys in the order written", async () => {
      const stack = new EngineStack();
      await stack.up(args("dl", { pipeline: ORDERED, state: "STOPPED" }));
      reset();
      await stack.up(args("dl", { pipeline: ORDERED, state: "STOPPED", options: { dlq: DLQ } }));
      expect(writes()).to.deep.equal(["PATCH dl"]);
      expect(nth(sent("PATCH", "/processor/dl"), 0).body).to.equal(`{"pipeline":${ORDERED_TEXT},"options":{"dlq":${JSON.stringify(DLQ)}}}`);
      expect(stored("dl")!.options).to.deep.equal({ dlq: DLQ });
    });

    it("removed: the PATCH resets it with an explicit null, and Atlas no longer has one", async () => {
      const stack = new EngineStack();
      await stack.up(args("dl", { pipeline: ORDERED, state: "STOPPED", options: { dlq: DLQ } }));
      reset();
      await stack.up(args("dl", { pipeline: ORDERED, state: "STOPPED" }));
      expect(writes()).to.deep.equal(["PATCH dl"]);
      expect(nth(sent("PATCH", "/processor/dl"), 0).body).to.equal(`{"pipeline":${ORDERED_TEXT},"options":{"dlq":null}}`);
      expect(stored("dl")!.options?.dlq).to.equal(undefined);
    });
  });

  describe("autoscaling", () => {
    const SCALE = { enabled: true, minTier: "SP5", maxTier: "SP30" };
    const SCALE_TEXT = '{"enabled":true,"minTier":"SP5","maxTier":"SP30"}';

    it("declared at create: the POST carries it, the start is a :startWith with it, effectiveTier is the minimum", async () => {
      const stack = new EngineStack();
      await stack.up(args("as", { pipeline: ORDERED, options: { autoscaling: SCALE } }));
      expect(writes()).to.deep.equal(["POST processor", "POST as:startWith"]);
      expect(nth(sent("POST", "/processor"), 0).body).to.equal(
        `{"name":"as","pipeline":${ORDERED_TEXT},"options":{"autoscaling":${SCALE_TEXT}}}`,
      );
      expect(nth(sent("POST", "/processor/as:startWith"), 0).body).to.equal(`{"autoscaling":${SCALE_TEXT}}`);
      expect(stack.outs!.effectiveTier).to.equal("SP5");
      expect(stack.outs!.options).to.deep.equal({ autoscaling: SCALE });
      reset();
      expect(await stack.up(args("as", { pipeline: ORDERED, options: { autoscaling: SCALE } }))).to.equal("same");
      expect(wire.proxy.requests).to.have.length(0);
    });

    it("changed: one PATCH with the new range", async () => {
      const stack = new EngineStack();
      await stack.up(args("as", { pipeline: ORDERED, state: "STOPPED", options: { autoscaling: SCALE } }));
      reset();
      await stack.up(args("as", { pipeline: ORDERED, state: "STOPPED", options: { autoscaling: { ...SCALE, maxTier: "SP50" } } }));
      expect(writes()).to.deep.equal(["PATCH as"]);
      expect(nth(sent("PATCH", "/processor/as"), 0).body).to.equal(
        `{"pipeline":${ORDERED_TEXT},"options":{"autoscaling":{"enabled":true,"minTier":"SP5","maxTier":"SP50"}}}`,
      );
    });

    it("removed: the PATCH resets it with an explicit null, and Atlas no longer has it", async () => {
      const stack = new EngineStack();
      await stack.up(args("as", { pipeline: ORDERED, state: "STOPPED", options: { autoscaling: SCALE } }));
      reset();
      await stack.up(args("as", { pipeline: ORDERED, state: "STOPPED" }));
      expect(writes()).to.deep.equal(["PATCH as"]);
      expect(nth(sent("PATCH", "/processor/as"), 0).body).to.equal(`{"pipeline":${ORDERED_TEXT},"options":{"autoscaling":null}}`);
      expect(stored("as")!.options?.autoscaling).to.equal(undefined);
    });

    const refused: [string, Record<string, unknown>, string, RegExp][] = [
      [
        "enabled: false with tiers set",
        { enabled: false, minTier: "SP5" },
        "options.autoscaling.minTier",
        /enabled is false: remove minTier and maxTier/,
      ],
      [
        "enabled without tiers",
        { enabled: true, minTier: "SP5" },
        "options.autoscaling.maxTier",
        /required when options.autoscaling.enabled is true/,
      ],
      ["minTier above maxTier", { enabled: true, minTier: "SP30", maxTier: "SP5" }, "options.autoscaling.minTier", /larger than maxTier/],
      ["an unknown tier", { enabled: true, minTier: "SP1", maxTier: "SP5" }, "options.autoscaling.minTier", /must be one of SP2/],
    ];
    for (const [what, autoscaling, property, reason] of refused) {
      it(`${what} is refused at check, naming ${property}, and nothing is sent`, async () => {
        const r = await checkThroughEngine(args("as", { pipeline: ORDERED, options: { autoscaling: autoscaling as never } }));
        expect(r.failures?.map((f) => f.property)).to.deep.equal([property]);
        expect(nth(r.failures!, 0).reason).to.match(reason);
        expect(wire.proxy.requests).to.have.length(0);
      });
    }
  });

  describe("a create answered 400 'An internal error occurred'", () => {
    const internal = (applied: boolean) =>
      wire.emu.admin.injectFault({
        method: "POST",
        path: "*/streams/*/processor",
        kind: "processor-error",
        message: "An internal error occurred",
        applied,
        times: 1,
      });

    it("that Atlas applied anyway: a read settles it, no second create, and the resource created it", async () => {
      internal(true);
      const stack = new EngineStack();
      await stack.up(args("ie", { pipeline: ORDERED }));
      expect(writes()).to.deep.equal(["POST processor", "POST ie:start"]);
      expect(stack.outs!.createdByResource).to.equal(true);
      expect(stack.outs!.state).to.equal("STARTED");
    });

    it("that Atlas did not apply: a read shows nothing, the create is sent once more, and up succeeds", async () => {
      internal(false);
      const stack = new EngineStack();
      await stack.up(args("ie", { pipeline: ORDERED }));
      expect(writes()).to.deep.equal(["POST processor", "POST processor", "POST ie:start"]);
      expect(sent("POST", "/processor").map((q) => q.body)).to.deep.equal([
        `{"name":"ie","pipeline":${ORDERED_TEXT}}`,
        `{"name":"ie","pipeline":${ORDERED_TEXT}}`,
      ]);
      expect(stack.outs!.createdByResource).to.equal(true);
    });
  });
});
