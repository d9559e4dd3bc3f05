/**
 * The definition features against the emulator over 127.0.0.1, with every body asserted as it
 * crossed the wire (recording proxy): failoverEnabled, resumeFromCheckpoint on a change (and the
 * refusal without it), key order as data, DLQ removal, and the verifySeconds health gate.
 */
import { expect } from "chai";
import { nth } from "../support/present";
import { streamProcessorProvider as provider } from "../../provider/resource/dynamic-provider";
import { type StreamProcessorInputs, type StreamProcessorOutputs } from "../../provider/types";
import * as lifecycle from "../../provider/lifecycle";
import { FakeClock } from "../support/fake-clock";
import { PROJECT, WORKSPACE, atlasCurl, inputs, NO_OLDS, processorApiPath, failureOf } from "../support/helpers";
import { atlasGenericError } from "../support/atlas-errors";
import { wireFixture } from "../support/wire-fixture";

const p = provider as Required<typeof provider>;

const SOURCE = { $source: { connectionName: "sample_stream_solar" } };
const EMIT = { $emit: { connectionName: "__testLog" } };
const PIPELINE = [SOURCE, { $project: { _id: 0, device: 1, watts: "$obs.watts" } }, EMIT];
const DLQ = { connectionName: "sample_stream_solar", db: "dlq", coll: "orders_dlq" };

describe("StreamProcessor definition features on the wire", function () {
  this.timeout(30_000);
  const wire = wireFixture(40);
  const { stored, sent } = wire;
  /** Atlas answers the next PATCH of processor "cp" with its generic 400 carrying `msg`. */
  const refuseNextPatchOfCp = (msg: string) =>
    wire.emu.admin.injectFault({
      method: "PATCH",
      path: "*/processor/cp",
      kind: "status",
      status: 400,
      times: 1,
      body: atlasGenericError("cp", msg),
    });
  const writes = () =>
    wire.proxy.requests.filter((q) => q.method !== "GET").map((q) => `${q.method} ${q.path.replace(/\?.*/s, "").split("/").pop()}`);
  async function create(i: StreamProcessorInputs): Promise<{ id: string; outs: StreamProcessorOutputs }> {
    const r = await p.create(i);
    return { id: r.id, outs: r.outs as StreamProcessorOutputs };
  }
  const update = async (r: { id: string; outs: StreamProcessorOutputs }, news: StreamProcessorInputs) =>
    (await p.update(r.id, r.outs, news)).outs as StreamProcessorOutputs;

  describe("failoverEnabled", () => {
    const withFailoverRegions = () =>
      wire.emu.admin.seed({ projects: [{ id: PROJECT, workspaces: [{ name: WORKSPACE, failoverRegions: ["OREGON_USA"] }] }] });

    it("true on a workspace without failover regions: Atlas's refusal reaches the user and nothing is created", async () => {
      const err = await create(inputs("fo", { pipeline: PIPELINE, failoverEnabled: true })).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err!.message).to.include("HTTP 400").and.include("failover");
      expect(JSON.parse(nth(sent("POST", "/processor"), 0).body)).to.deep.include({ failoverEnabled: true });
      expect(stored("fo")).to.equal(undefined);
    });

    it("is sent on create, read back into the outputs, and a change is PATCHed", async () => {
      withFailoverRegions();
      const r = await create(inputs("fo", { pipeline: PIPELINE, failoverEnabled: false }));
      expect(JSON.parse(nth(sent("POST", "/processor"), 0).body)).to.deep.include({ failoverEnabled: false });
      expect(r.outs.failoverEnabled).to.equal(false);
      expect((await p.diff(r.id, r.outs, inputs("fo", { pipeline: PIPELINE, failoverEnabled: false }))).changes).to.equal(false);
      const d = await p.diff(r.id, r.outs, inputs("fo", { pipeline: PIPELINE, failoverEnabled: true }));
      expect(d.changes).to.equal(true);
      wire.proxy.requests.length = 0;
      await update(r, inputs("fo", { pipeline: PIPELINE, failoverEnabled: true }));
      expect(writes()).to.deep.equal(["POST fo:stop", "PATCH fo", "POST fo:start"]);
      expect(JSON.parse(nth(sent("PATCH", "/processor/fo"), 0).body)).to.deep.equal({ pipeline: PIPELINE, failoverEnabled: true });
      expect(stored("fo")!.failoverEnabled).to.equal(true);
    });

    it("a value changed outside Pulumi comes back on refresh and shows as a diff", async () => {
      withFailoverRegions();
      const r = await create(inputs("fo", { pipeline: PIPELINE, failoverEnabled: false, state: "STOPPED" }));
      expect(await atlasCurl(wire.emu.url, "PATCH", processorApiPath("fo"), { pipeline: PIPELINE, failoverEnabled: true })).to.equal(200);
      const refreshed = (await p.read(r.id, r.outs)).props as StreamProcessorOutputs;
      expect(refreshed.failoverEnabled).to.equal(true);
      expect(
        (await p.diff(r.id, refreshed, inputs("fo", { pipeline: PIPELINE, failoverEnabled: false, state: "STOPPED" }))).changes,
      ).to.equal(true);
    });
  });

  describe("key order is data", () => {
    const reordered = [SOURCE, { $project: { _id: 0, watts: "$obs.watts", device: 1 } }, EMIT];

    it("a reorder inside $project is a diff, and update PATCHes the new order, which Atlas then holds", async () => {
      const r = await create(inputs("ko", { pipeline: PIPELINE }));
      expect((await p.diff(r.id, r.outs, inputs("ko", { pipeline: reordered }))).changes).to.equal(true);
      wire.proxy.requests.length = 0;
      const outs = await update(r, inputs("ko", { pipeline: reordered }));
      expect(outs.state).to.equal("STARTED");
      expect(writes()).to.deep.equal(["POST ko:stop", "PATCH ko", "POST ko:start"]);
      expect(nth(sent("PATCH", "/processor/ko"), 0).body).to.equal(JSON.stringify({ pipeline: reordered }));
      expect(JSON.stringify(stored("ko")!.pipeline)).to.equal(JSON.stringify(reordered));
    });

    it("a reorder made outside Pulumi comes back on refresh and is applied by the next update", async () => {
      const r = await create(inputs("ko", { pipeline: PIPELINE, state: "STOPPED" }));
      expect(await atlasCurl(wire.emu.url, "PATCH", processorApiPath("ko"), { pipeline: reordered })).to.equal(200);
      const refreshed = (await p.read(r.id, r.outs)).props as StreamProcessorOutputs;
      // Outputs hold the pipeline as text, in Atlas's order.
      expect(refreshed.pipeline).to.equal(JSON.stringify(reordered));
      expect((await p.diff(r.id, refreshed, inputs("ko", { pipeline: PIPELINE, state: "STOPPED" }))).changes).to.equal(true);
      wire.proxy.requests.length = 0;
      await p.update(r.id, refreshed, inputs("ko", { pipeline: PIPELINE, state: "STOPPED" }));
      expect(nth(sent("PATCH", "/processor/ko"), 0).body).to.equal(JSON.stringify({ pipeline: PIPELINE }));
      expect(JSON.stringify(stored("ko")!.pipeline)).to.equal(JSON.stringify(PIPELINE));
    });
  });

  describe("options.resumeFromCheckpoint", () => {
    const newSource = [
      { $source: { connectionName: "sample_stream_solar", timeField: { $dateFromString: { dateString: "$ts" } } } },
      ...PIPELINE.slice(1),
    ];

    it("is sent in the PATCH when the pipeline changes, and not when only the DLQ changes", async () => {
      const r = await create(inputs("cp", { pipeline: PIPELINE, options: { resumeFromCheckpoint: false } }));
      expect(JSON.parse(nth(sent("POST", "/processor"), 0).body)).to.not.have.property("options");
      const u = await update(r, inputs("cp", { pipeline: newSource, options: { resumeFromCheckpoint: false } }));
      expect(JSON.parse(nth(sent("PATCH", "/processor/cp"), 0).body)).to.deep.equal({
        pipeline: newSource,
        options: { resumeFromCheckpoint: false },
      });
      wire.proxy.requests.length = 0;
      await p.update(r.id, u, inputs("cp", { pipeline: newSource, options: { dlq: DLQ, resumeFromCheckpoint: false } }));
      expect(JSON.parse(nth(sent("PATCH", "/processor/cp"), 0).body)).to.deep.equal({ pipeline: newSource, options: { dlq: DLQ } });
      expect(stored("cp")!.observedState).to.equal("STARTED");
    });

    it("when Atlas refuses a $source change for lack of it: the error names the input and why, and the processor runs on its previous definition", async () => {
      const r = await create(inputs("cp", { pipeline: PIPELINE }));
      refuseNextPatchOfCp("resumeFromCheckpoint must be false to change $source");
      wire.proxy.requests.length = 0;
      const err = await failureOf(p.update(r.id, r.outs, inputs("cp", { pipeline: newSource })), "update fails");
      expect(err.message)
        .to.include('"cp"')
        .and.include("$source")
        .and.include("options: { resumeFromCheckpoint: false }")
        .and.include("running on its previous definition");
      expect(writes()).to.deep.equal(["POST cp:stop", "PATCH cp", "POST cp:start"]);
      expect(stored("cp")!.observedState).to.equal("STARTED");
      expect(JSON.stringify(stored("cp")!.pipeline)).to.equal(JSON.stringify(PIPELINE));
    });

    it("Atlas's own refusal (no fault injected): the processor keeps running its previous pipeline; with resumeFromCheckpoint: false the change is applied", async () => {
      const r = await create(inputs("cp", { pipeline: PIPELINE }));
      wire.proxy.requests.length = 0;
      const err = await p.update(r.id, r.outs, inputs("cp", { pipeline: newSource })).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err!.message)
        .to.include("options: { resumeFromCheckpoint: false }")
        .and.include("$source")
        .and.include("running on its previous definition");
      expect(JSON.parse(nth(sent("PATCH", "/processor/cp"), 0).body)).to.deep.equal({ pipeline: newSource });
      expect(stored("cp")!.observedState).to.equal("STARTED");
      expect(JSON.stringify(stored("cp")!.pipeline)).to.equal(JSON.stringify(PIPELINE));

      wire.proxy.requests.length = 0;
      const u = await update(r, inputs("cp", { pipeline: newSource, options: { resumeFromCheckpoint: false } }));
      expect(u.state).to.equal("STARTED");
      expect(JSON.parse(nth(sent("PATCH", "/processor/cp"), 0).body)).to.deep.equal({
        pipeline: newSource,
        options: { resumeFromCheckpoint: false },
      });
      expect(JSON.stringify(stored("cp")!.pipeline)).to.equal(JSON.stringify(newSource));
    });

    it("a refusal of a stopped processor leaves it stopped and says so", async () => {
      const r = await create(inputs("cp", { pipeline: PIPELINE, state: "STOPPED" }));
      refuseNextPatchOfCp("x");
      wire.proxy.requests.length = 0;
      const err = await p.update(r.id, r.outs, inputs("cp", { pipeline: newSource, state: "STOPPED" })).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err!.message).to.include("resumeFromCheckpoint: false").and.include("was not running");
      expect(writes()).to.deep.equal(["PATCH cp"]);
    });
  });

  describe("removing options.dlq", () => {
    it("PATCHes options: {dlq: null} and Atlas no longer has a DLQ; refresh then shows none", async () => {
      const r = await create(inputs("dq", { pipeline: PIPELINE, options: { dlq: DLQ } }));
      expect(stored("dq")!.options).to.deep.equal({ dlq: DLQ });
      expect((await p.diff(r.id, r.outs, inputs("dq", { pipeline: PIPELINE }))).changes).to.equal(true);
      wire.proxy.requests.length = 0;
      const u = await update(r, inputs("dq", { pipeline: PIPELINE }));
      expect(sent("PATCH", "/processor/dq").map((q) => q.body)).to.deep.equal([
        JSON.stringify({ pipeline: PIPELINE, options: { dlq: null } }),
      ]);
      expect(stored("dq")!.options).to.equal(undefined);
      expect(u.state).to.equal("STARTED");
      const refreshed = (await p.read(r.id, u)).props as StreamProcessorOutputs;
      expect(refreshed.options).to.equal(undefined);
      expect((await p.diff(r.id, refreshed, inputs("dq", { pipeline: PIPELINE }))).changes).to.equal(false);
    });

    it("a PATCH for another change keeps a declared DLQ (no dlq: null sent)", async () => {
      const r = await create(inputs("dq", { pipeline: PIPELINE, options: { dlq: DLQ }, state: "STOPPED" }));
      const changed = [SOURCE, { $project: { _id: 0, device: 1 } }, EMIT];
      await update(r, inputs("dq", { pipeline: changed, options: { dlq: DLQ }, state: "STOPPED" }));
      expect(JSON.parse(nth(sent("PATCH", "/processor/dq"), 0).body)).to.deep.equal({ pipeline: changed, options: { dlq: DLQ } });
      expect(stored("dq")!.options).to.deep.equal({ dlq: DLQ });
    });
  });

  describe("verifySeconds (health gate)", () => {
    // The watch is about time: here the provider and the emulator share a virtual clock, so a
    // 5 s window takes milliseconds with the same looks; create and update below run on it.
    let clock: FakeClock;
    beforeEach(async () => {
      clock = new FakeClock();
      await wire.restart({ transitionMs: 40, now: clock.now });
    });
    async function create(i: StreamProcessorInputs): Promise<{ id: string; outs: StreamProcessorOutputs }> {
      const r = await lifecycle.create(i, clock);
      return { id: r.id, outs: r.outs as StreamProcessorOutputs };
    }
    const update = async (r: { id: string; outs: StreamProcessorOutputs }, news: StreamProcessorInputs) =>
      (await lifecycle.update(r.id, r.outs, news, clock)).outs as StreamProcessorOutputs;

    it("the emulator fails a running processor 500 ms later: a 3 s watch catches it and the create fails", async () => {
      wire.emu.admin.setProcessorState(PROJECT, WORKSPACE, "orders", "STARTED");
      wire.emu.admin.failAfterStart(PROJECT, WORKSPACE, "orders", 500);
      const err = await create(inputs("orders", { verifySeconds: 3 })).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err!.message)
        .to.include('"orders"')
        .and.include("is FAILED")
        .and.include("after it reported STARTED")
        .and.include("Stream Processing → demo-workspace → orders");
      expect(stored("orders")!.observedState).to.equal("FAILED");
    });

    /** GETs of the processor that carried credentials (not Digest's unauthenticated challenge round). */
    const reads = (name: string) => sent("GET", `/processor/${name}`).filter((q) => q.headers.authorization !== undefined);
    /**
     * Marks the processor FAILED out of band on the first read that follows a read made while
     * it was STARTED: the provider has seen STARTED by then, so only the watch can catch it.
     */
    function failAfterSeenStarted(name: string): void {
      let seenStarted = false;
      let done = false;
      const push = wire.proxy.requests.push.bind(wire.proxy.requests);
      wire.proxy.requests.push = (...items) => {
        const count = push(...items);
        const q = items[items.length - 1];
        if (
          q !== undefined &&
          !done &&
          q.method === "GET" &&
          q.headers.authorization !== undefined &&
          q.path.replace(/\?.*/s, "").endsWith(`/processor/${name}`)
        ) {
          if (seenStarted) {
            wire.emu.admin.failProcessor(PROJECT, WORKSPACE, name);
            done = true;
          } else if (stored(name)?.observedState === "STARTED") seenStarted = true;
        }
        return count;
      };
    }

    it("a processor that falls to FAILED while watched fails the create, naming it, its state and where to read why", async () => {
      wire.emu.admin.setProcessorState(PROJECT, WORKSPACE, "orders", "STARTED");
      failAfterSeenStarted("orders"); // the first GET adopts it as STARTED; the watch's first look sees it fail
      const err = await failureOf(create(inputs("orders", { verifySeconds: 2 })), "create fails");
      expect(err.message)
        .to.include('"orders"')
        .and.include("is FAILED")
        .and.include("after it reported STARTED")
        .and.include("verifySeconds")
        .and.include("processorErrorMsg");
      expect(writes()).to.deep.equal([]);
    });

    it("a processor that stays STARTED passes after the window, watched by a few GETs", async () => {
      const r = await create(inputs("fresh", { pipeline: PIPELINE, verifySeconds: 0.3 }));
      expect(r.outs).to.include({ state: "STARTED", verifySeconds: 0.3 });
      const startAt = wire.proxy.requests.findIndex((q) => q.path.replace(/\?.*/s, "").endsWith("/processor/fresh:start"));
      const after = wire.proxy.requests.slice(startAt + 1).filter((q) => q.method === "GET");
      expect(after.length, "GETs after :start (wait + watch)").to.be.within(3, 15);
    });

    it("a processor this resource created and that fails while watched stays in the stack, so destroy deletes it", async () => {
      failAfterSeenStarted("fresh");
      const err = (await create(inputs("fresh", { pipeline: PIPELINE, verifySeconds: 5 })).then(
        () => undefined,
        (e: unknown) => e,
      )) as { id?: string; properties?: StreamProcessorOutputs; message: string } | undefined;
      expect(err!.message).to.include('"fresh"').and.include("is FAILED").and.include("after it reported STARTED");
      expect(err!.id).to.equal(`${PROJECT}/${WORKSPACE}/fresh`);
      expect(err!.properties!.createdByResource).to.equal(true);
    });

    it("an update that restarts a processor is watched too", async () => {
      const r = await create(inputs("fresh", { pipeline: PIPELINE, state: "STOPPED" }));
      failAfterSeenStarted("fresh");
      const err = await update(r, inputs("fresh", { pipeline: PIPELINE, verifySeconds: 5 })).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err!.message).to.include('"fresh"').and.include("is FAILED").and.include("after it reported STARTED");
      expect(writes().filter((w) => w.includes(":start"))).to.have.length(1);
    });

    it("verifySeconds 0 (the default) adds no GET after STARTED", async () => {
      wire.emu.admin.setProcessorState(PROJECT, WORKSPACE, "orders", "STARTED");
      await create(inputs("orders"));
      expect(reads("orders")).to.have.length(1);
    });
  });

  describe("check refuses definition-only inputs without pipeline", () => {
    for (const [field, extra] of [
      ["options.dlq", { options: { dlq: DLQ } }],
      ["failoverEnabled", { failoverEnabled: true }],
      ["options.resumeFromCheckpoint", { options: { resumeFromCheckpoint: false } }],
    ] as const) {
      it(`${field}: a failure naming it, and nothing sent`, async () => {
        const r = await p.check(NO_OLDS, inputs("orders", extra));
        expect(r.failures!.map((f) => f.property)).to.deep.equal([field]);
        expect(nth(r.failures ?? [], 0).reason)
          .to.include(field)
          .and.include("pipeline");
        expect(wire.proxy.requests).to.deep.equal([]);
      });
    }
  });
});
