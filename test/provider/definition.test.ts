import { expect } from "chai";
import { nth } from "../support/present";
import { type PipelineStage } from "../../provider";
import { streamProcessorProvider as provider } from "../../provider/resource/dynamic-provider";
import { type StreamProcessorInputs, type StreamProcessorOutputs } from "../../provider/types";
import { PROJECT, WORKSPACE, atlasCurl, inputs, processorApiPath, requestsTo } from "../support/helpers";
import { wireFixture } from "../support/wire-fixture";

const p = provider as Required<typeof provider>;

/** A pipeline whose $sort key order matters and whose $addFields keys are deliberately unsorted. */
const SOURCE = { $source: { connectionName: "sample_stream_solar" } };
const EMIT = { $emit: { connectionName: "__testLog" } };
const PIPELINE = [
  SOURCE,
  { $addFields: { zeta: { $literal: 1 }, alpha: { $literal: 2 }, mid: "$obs.watts" } },
  { $sort: { "obs.watts": -1, device_id: 1 } },
  EMIT,
];
const DLQ = { connectionName: "sample_stream_solar", db: "dlq", coll: "orders_dlq" };

async function create(i: StreamProcessorInputs): Promise<{ id: string; outs: StreamProcessorOutputs }> {
  const r = await p.create(i);
  return { id: r.id, outs: r.outs as StreamProcessorOutputs };
}

describe("StreamProcessor provider owning the definition (pipeline, DLQ, tier, start options)", function () {
  this.timeout(30_000);
  const wire = wireFixture(100);
  const { stored, sent } = wire;
  /** The pipeline the emulator holds for `name`, as the provider's stage type (every stage an object). */
  const storedPipeline = (name: string): PipelineStage[] => {
    const pipeline = stored(name)?.pipeline ?? [];
    const stages = pipeline.filter((s): s is PipelineStage => typeof s === "object" && s !== null);
    expect(stages).to.have.length(pipeline.length);
    return stages;
  };

  describe("when the processor does not exist", () => {
    it("creates it from the pipeline with key order preserved on the wire and in Atlas, then starts it", async () => {
      const r = await create(inputs("fresh", { pipeline: PIPELINE, options: { dlq: DLQ } }));
      expect(r.outs).to.include({ state: "STARTED", createdByResource: true });
      const post = nth(sent("POST", "/processor"), 0, "the POST");
      expect(post.body).to.equal(JSON.stringify({ name: "fresh", pipeline: PIPELINE, options: { dlq: DLQ } }));
      expect(post.headers["content-type"]).to.equal("application/vnd.atlas.2024-05-30+json");
      expect(JSON.stringify(stored("fresh")!.pipeline)).to.equal(JSON.stringify(PIPELINE));
      expect(r.outs.pipeline).to.equal(JSON.stringify(PIPELINE));
      expect(sent("POST", "/processor/fresh:start")).to.have.length(1);
    });

    it("creates it and leaves it CREATED when the desired state is STOPPED", async () => {
      const r = await create(inputs("fresh", { pipeline: PIPELINE, state: "STOPPED" }));
      expect(r.outs).to.include({ state: "CREATED", desiredState: "STOPPED", createdByResource: true });
      expect(wire.proxy.requests.some((q) => q.path.includes(":start"))).to.equal(false);
    });
  });

  describe("when a processor with that name exists", () => {
    it("adopts it without any write when the definition is the same", async () => {
      const seedPipeline = storedPipeline("orders");
      const r = await create(inputs("orders", { pipeline: seedPipeline, state: "STOPPED" }));
      expect(r.outs.createdByResource).to.equal(false);
      expect(wire.proxy.requests.filter((q) => q.method !== "GET")).to.deep.equal([]);
    });

    it("refuses a different definition, naming what differs and the opt-in", async () => {
      const err = await create(inputs("orders", { pipeline: PIPELINE })).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err!.message).to.include("different definition").and.include("pipeline").and.include("adoptExisting");
      expect(wire.proxy.requests.filter((q) => q.method !== "GET")).to.deep.equal([]);
    });

    it("takes it over with adoptExisting: stop, PATCH, start, and does not claim it as created", async () => {
      wire.emu.admin.setProcessorState(PROJECT, WORKSPACE, "orders", "STARTED");
      const r = await create(inputs("orders", { pipeline: PIPELINE, adoptExisting: true }));
      expect(r.outs).to.include({ state: "STARTED", createdByResource: false });
      const writes = wire.proxy.requests.filter((q) => q.method !== "GET").map((q) => `${q.method} ${q.path.split("/").pop()}`);
      expect(writes).to.deep.equal(["POST orders:stop", "PATCH orders", "POST orders:start"]);
      expect(JSON.stringify(stored("orders")!.pipeline)).to.equal(JSON.stringify(PIPELINE));
    });
  });

  describe("when pipeline is added to a resource that managed only the state", () => {
    it("adopts an identical processor without stopping or modifying it", async () => {
      const r = await create(inputs("orders"));
      wire.proxy.requests.length = 0;
      const u = await p.update(r.id, r.outs, inputs("orders", { pipeline: storedPipeline("orders") }));
      expect(u.outs!).to.include({ state: "STARTED", createdByResource: false });
      expect(wire.proxy.requests.filter((q) => q.method !== "GET")).to.deep.equal([]);
    });

    it("refuses a different definition unless adoptExisting", async () => {
      const r = await create(inputs("orders"));
      const err = await p.update(r.id, r.outs, inputs("orders", { pipeline: PIPELINE })).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err!.message).to.include("different definition").and.include("adoptExisting");
      expect(stored("orders")!.observedState).to.equal("STARTED");
    });
  });

  describe("start options and tier", () => {
    it("starts with :startWith (2025-03-12) carrying tier and start options exactly", async () => {
      const r = await create(inputs("orders", { tier: "SP5", startAtOperationTime: "2026-01-31T12:00:00Z", resumeFromCheckpoint: false }));
      expect(r.outs.state).to.equal("STARTED");
      const sw = nth(sent("POST", "/processor/orders:startWith"), 0, ":startWith");
      expect(JSON.parse(sw.body)).to.deep.equal({ tier: "SP5", startAtOperationTime: "2026-01-31T12:00:00Z", resumeFromCheckpoint: false });
      expect(sw.headers.accept).to.equal("application/vnd.atlas.2025-03-12+json");
      expect(sent("POST", "/processor/orders:start")).to.have.length(0);
      expect(stored("orders")!.tier).to.equal("SP5");
    });

    it("uses plain :start with no body when neither tier nor start options are set", async () => {
      await create(inputs("orders"));
      const start = nth(sent("POST", "/processor/orders:start"), 0, ":start");
      expect(start.body).to.equal("");
      expect(start.headers.accept).to.equal("application/vnd.atlas.2024-05-30+json");
    });
  });

  describe("update of a running processor's definition", () => {
    const changed = [SOURCE, { $match: { "obs.watts": { $gt: 5 } } }, EMIT];

    it("stops, PATCHes and restarts it; changing only the state does not touch the definition", async () => {
      const r = await create(inputs("fresh", { pipeline: PIPELINE }));
      wire.proxy.requests.length = 0;
      const u = await p.update(r.id, r.outs, inputs("fresh", { pipeline: changed }));
      expect(u.outs!).to.include({ state: "STARTED", createdByResource: true });
      const writes = wire.proxy.requests.filter((q) => q.method !== "GET").map((q) => `${q.method} ${q.path.split("/").pop()}`);
      expect(writes).to.deep.equal(["POST fresh:stop", "PATCH fresh", "POST fresh:start"]);
      const patch = nth(sent("PATCH", "/processor/fresh"), 0, "the PATCH");
      expect(JSON.parse(patch.body)).to.deep.equal({ pipeline: changed });

      wire.proxy.requests.length = 0;
      const s = await p.update(r.id, u.outs as StreamProcessorOutputs, inputs("fresh", { pipeline: changed, state: "STOPPED" }));
      expect(s.outs!.state).to.equal("STOPPED");
      expect(wire.proxy.requests.filter((q) => q.method === "PATCH")).to.deep.equal([]);
    });

    for (const step of [":stop", "PATCH", ":start"]) {
      it(`converges when ${step} answers 500 once`, async () => {
        const r = await create(inputs("fresh", { pipeline: PIPELINE }));
        const method = step === "PATCH" ? "PATCH" : "POST";
        const path = step === "PATCH" ? "*/processor/fresh" : `*/processor/fresh${step}`;
        wire.emu.admin.clearRequests();
        wire.emu.admin.injectFault({ method, path, kind: "status", status: 500, times: 1 });
        const u = await p.update(r.id, r.outs, inputs("fresh", { pipeline: changed }));
        expect(u.outs!.state).to.equal("STARTED");
        expect(JSON.stringify(stored("fresh")!.pipeline)).to.equal(JSON.stringify(changed));
        expect(
          requestsTo(wire.emu.admin.requests(), method, step === "PATCH" ? "/processor/fresh" : `/processor/fresh${step}`).map(
            (q) => q.status,
          ),
        ).to.deep.equal([500, 200]);
      });
    }

    it("restarts the processor on its previous definition when the PATCH keeps failing, and says so", async () => {
      const r = await create(inputs("fresh", { pipeline: PIPELINE }));
      wire.emu.admin.injectFault({ method: "PATCH", path: "*/processor/fresh", kind: "status", status: 400, times: 5 });
      const err = await p.update(r.id, r.outs, inputs("fresh", { pipeline: changed })).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err!.message).to.include("restarted on its previous definition").and.include("pulumi up again");
      expect(JSON.stringify(stored("fresh")!.pipeline)).to.equal(JSON.stringify(PIPELINE));
      expect(stored("fresh")!.observedState).to.equal("STARTED");
    });
  });

  describe("diff and refresh", () => {
    it("shows no diff for the same definition and a diff after an out-of-band pipeline edit", async () => {
      const r = await create(inputs("fresh", { pipeline: PIPELINE, options: { dlq: DLQ } }));
      const same = await p.diff(
        r.id,
        (await p.read(r.id, r.outs)).props as StreamProcessorOutputs,
        inputs("fresh", { pipeline: PIPELINE, options: { dlq: DLQ } }),
      );
      expect(same.changes).to.equal(false);
      // Someone edits the pipeline in the Atlas UI (through the API here).
      const edited = [PIPELINE[0], PIPELINE[3]];
      wire.emu.admin.setTransitionMs(0);
      expect(await atlasCurl(wire.emu.url, "POST", `${processorApiPath("fresh")}:stop`)).to.equal(200);
      expect(await atlasCurl(wire.emu.url, "PATCH", processorApiPath("fresh"), { pipeline: edited })).to.equal(200);
      const refreshed = (await p.read(r.id, r.outs)).props as StreamProcessorOutputs;
      expect(refreshed.pipeline).to.equal(JSON.stringify(edited));
      const d = await p.diff(r.id, refreshed, inputs("fresh", { pipeline: PIPELINE, options: { dlq: DLQ } }));
      expect(d.changes).to.equal(true);
    });
  });

  describe("delete", () => {
    it("deletes a running processor it created with one DELETE and no :stop (Atlas stops it as part of the deletion)", async () => {
      const r = await create(inputs("fresh", { pipeline: PIPELINE }));
      expect(stored("fresh")!.observedState).to.equal("STARTED");
      const before = wire.proxy.requests.length;
      await p.delete(r.id, r.outs);
      expect(stored("fresh")).to.equal(undefined);
      const sentByDelete = wire.proxy.requests.slice(before).map((q) => `${q.method} ${q.path.replace(/\?.*$/s, "").split("/").pop()}`);
      expect(sentByDelete).to.deep.equal(["DELETE fresh"]);
    });

    it("only stops a processor it adopted", async () => {
      const seedPipeline = storedPipeline("orders");
      const r = await create(inputs("orders", { pipeline: seedPipeline }));
      await p.delete(r.id, r.outs);
      expect(stored("orders")!.observedState).to.equal("STOPPED");
      expect(wire.proxy.requests.some((q) => q.method === "DELETE")).to.equal(false);
    });
  });
});
