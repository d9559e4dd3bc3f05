import { expect } from "chai";
import type { RunningEmulator } from "../../emulator";
import { streamProcessorProvider as provider } from "../../provider/resource/dynamic-provider";
import { type StreamProcessorInputs, type StreamProcessorOutputs } from "../../provider/types";
import * as lifecycle from "../../provider/lifecycle";
import { FakeClock } from "../support/fake-clock";
import {
  API_KEY,
  PROJECT,
  WORKSPACE,
  atlasCurl,
  captureConsole,
  configureProvider,
  NO_OLDS,
  inputs,
  storedOutputs,
  processorApiPath,
  requestsTo,
  withEmulator,
} from "../support/helpers";

const p = provider as Required<typeof provider>;
/** provider.create with the outputs asserted present. */
async function create(i: StreamProcessorInputs): Promise<{ id: string; outs: StreamProcessorOutputs }> {
  const r = await p.create(i);
  expect(r.outs, "create returns outputs").to.be.an("object");
  return { id: r.id, outs: r.outs as StreamProcessorOutputs };
}

describe("StreamProcessor provider lifecycle (against the emulator)", function () {
  this.timeout(20_000);
  let emu: RunningEmulator;

  beforeEach(async () => {
    emu = await withEmulator({ transitionMs: 200 });
    await configureProvider(emu.url, { kind: "apiKey", ...API_KEY });
  });
  afterEach(async () => emu.close());

  const state = (name: string) => emu.admin.getProcessor(PROJECT, WORKSPACE, name)?.observedState;

  /** Replaces the emulator with one on `clock`, so its transitions take virtual time too. */
  async function emulatorOn(clock: FakeClock, transitionMs: number): Promise<void> {
    await emu.close();
    emu = await withEmulator({ transitionMs, now: clock.now });
    await configureProvider(emu.url, { kind: "apiKey", ...API_KEY });
  }

  describe("create", () => {
    it("starts a CREATED processor with one :start and reports the observed STARTED state", async () => {
      const { result, lines } = await captureConsole(() => create(inputs("orders")));
      expect(result!.id).to.equal(`${PROJECT}/${WORKSPACE}/orders`);
      expect(result!.outs).to.include({ state: "STARTED", desiredState: "STARTED", processorName: "orders", createdByResource: false });
      expect(result!.outs.processorId).to.match(/^[a-f0-9]{24}$/);
      expect(state("orders")).to.equal("STARTED");
      expect(requestsTo(emu.admin.requests(), "POST", "/processor/orders:start")).to.have.length(1);
      expect(lines.join("\n"))
        .to.match(/orders: CREATED → STARTED/)
        .and.match(/orders: STARTED \(\d/);
    });

    it("adopts a processor that already runs without calling :start", async () => {
      emu.admin.setProcessorState(PROJECT, WORKSPACE, "orders", "STARTED");
      const r = await create(inputs("orders"));
      expect(r.outs.state).to.equal("STARTED");
      expect(requestsTo(emu.admin.requests(), "POST", ":start")).to.have.length(0);
    });

    it("stops a running processor when the desired state is STOPPED", async () => {
      emu.admin.setProcessorState(PROJECT, WORKSPACE, "orders", "STARTED");
      const r = await create(inputs("orders", { state: "STOPPED" }));
      expect(r.outs).to.include({ state: "STOPPED", desiredState: "STOPPED" });
      expect(state("orders")).to.equal("STOPPED");
      expect(requestsTo(emu.admin.requests(), "POST", "/processor/orders:stop")).to.have.length(1);
    });

    it("fails naming the processor and where the reason is when it ends FAILED", async () => {
      // A $source on a connection the workspace does not have fails when started.
      emu.admin.seed({
        projects: [
          {
            id: PROJECT,
            name: "demo-project",
            workspaces: [
              {
                name: WORKSPACE,
                processors: [
                  {
                    name: "broken",
                    state: "CREATED",
                    pipeline: [{ $source: { connectionName: "no_such_connection" } }, { $emit: { connectionName: "__testLog" } }],
                  },
                ],
              },
            ],
          },
        ],
      });
      const err = await create(inputs("broken")).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err, "create must fail").to.be.instanceOf(Error);
      expect(err!.name).to.equal("ProcessorStateError");
      expect(err!.message).to.include('"broken"').and.include("FAILED").and.include("alerts and events");
    });

    it("fails when the processor does not exist and no pipeline is given, naming the fix", async () => {
      const err = await create(inputs("nope")).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err!.message).to.include('"nope"').and.include("does not exist").and.include("pipeline");
      expect(requestsTo(emu.admin.requests(), "POST", ":start")).to.have.length(0);
    });

    it("prints the action and the settled state, and a 'still' line while a slow start goes on", async () => {
      const clock = new FakeClock();
      await emulatorOn(clock, 5600);
      const { lines } = await captureConsole(() => lifecycle.create(inputs("orders"), clock));
      const text = lines.join("\n");
      // Atlas shows the old state until the start lands: it is not news, only a "still" line.
      expect(text)
        .to.match(/orders: CREATED → STARTED/)
        .and.match(/orders: still CREATED \(5\.\d+s\)/)
        .and.match(/orders: STARTED \(\d/);
      expect(lines.filter((l) => l.includes("still CREATED"))).to.have.length(1);
      expect(requestsTo(emu.admin.requests(), "POST", ":start")).to.have.length(1);
    });

    it("stops at its own deadline with the last observed state", async () => {
      const clock = new FakeClock();
      await emulatorOn(clock, 60_000);
      const started = clock.now();
      const err = await lifecycle.create(inputs("orders", { timeoutSeconds: 1.5 }), clock).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(clock.now() - started, "gives up at the deadline, not later").to.equal(1500);
      expect(err!.message).to.include("Timed out").and.include("last observed state: CREATED").and.include("timeoutSeconds");
    });
  });

  describe("read (refresh)", () => {
    it("reports the observed state and keeps the inputs", async () => {
      const r = await create(inputs("orders"));
      emu.admin.failProcessor(PROJECT, WORKSPACE, "orders");
      const read = await p.read(r.id, r.outs);
      expect(read.id).to.equal(r.id);
      expect(read.props).to.include({ state: "FAILED", desiredState: "STARTED", processorName: "orders" });
    });

    it("returns no id when the processor was deleted (the resource is gone)", async () => {
      const r = await create(inputs("orders"));
      emu.admin.setProcessorState(PROJECT, WORKSPACE, "orders", "STOPPED");
      const del = await atlasCurl(emu.url, "DELETE", processorApiPath("orders"));
      expect(del).to.equal(204);
      const read = await p.read(r.id, r.outs);
      expect(read.id).to.equal(undefined);
    });

    it("can read from the id alone", async () => {
      const read = await p.read(`${PROJECT}/${WORKSPACE}/payments`);
      expect(read.props).to.include({ state: "STOPPED", processorName: "payments" });
    });
  });

  describe("drift: FAILED → diff → update", () => {
    it("shows a change after refresh and update restarts the processor", async () => {
      const r = await create(inputs("orders"));
      emu.admin.failProcessor(PROJECT, WORKSPACE, "orders");
      const read = await p.read(r.id, r.outs);
      const d = await p.diff(r.id, read.props as StreamProcessorOutputs, inputs("orders"));
      expect(d.changes).to.equal(true);
      expect(d.replaces).to.deep.equal([]);
      const before = requestsTo(emu.admin.requests(), "POST", ":start").length;
      const u = await p.update(r.id, read.props as StreamProcessorOutputs, inputs("orders"));
      expect(u.outs!.state).to.equal("STARTED");
      expect(state("orders")).to.equal("STARTED");
      expect(requestsTo(emu.admin.requests(), "POST", ":start").length - before).to.equal(1);
    });

    it("diff says no change when the observed state is the desired one", async () => {
      const r = await create(inputs("orders"));
      const d = await p.diff(r.id, r.outs, inputs("orders"));
      expect(d.changes).to.equal(false);
    });

    it("update from STARTED to desired STOPPED stops it", async () => {
      const r = await create(inputs("orders"));
      const u = await p.update(r.id, r.outs, inputs("orders", { state: "STOPPED" }));
      expect(u.outs).to.include({ state: "STOPPED", desiredState: "STOPPED" });
      expect(state("orders")).to.equal("STOPPED");
    });
  });

  describe("delete", () => {
    it("stops a running processor and leaves one it did not create in place", async () => {
      const r = await create(inputs("orders"));
      await p.delete(r.id, r.outs);
      expect(state("orders")).to.equal("STOPPED");
      expect(requestsTo(emu.admin.requests(), "DELETE", "/processor/orders")).to.have.length(0);
    });

    it("is not an error when the processor is already stopped", async () => {
      await p.delete(`${PROJECT}/${WORKSPACE}/payments`, storedOutputs("payments", { state: "STOPPED" }));
      expect(requestsTo(emu.admin.requests(), "POST", ":stop")).to.have.length(0);
      expect(state("payments")).to.equal("STOPPED");
    });

    it("is not an error when the processor is gone", async () => {
      await p.delete(`${PROJECT}/${WORKSPACE}/ghost`, storedOutputs("ghost"));
      const log = emu.admin.requests();
      expect(requestsTo(log, "GET", "/processor/ghost").length).to.be.greaterThan(0);
      // Nothing was sent to act on it: no :stop, no DELETE (a swallowed 404 would hide them).
      expect(log.filter((r) => r.method !== "GET" && r.path.includes("/processor/ghost"))).to.deep.equal([]);
    });
  });

  describe("check and diff make no request", () => {
    it("check refuses a bad projectId naming the field, without network", async () => {
      const r = await p.check(NO_OLDS, inputs("orders", { projectId: "XYZ" }));
      expect(r.failures!.map((f) => f.property)).to.deep.equal(["projectId"]);
      const d = await p.diff("x", storedOutputs("orders"), inputs("orders"));
      expect(d.changes).to.equal(false);
      expect(emu.admin.requests()).to.have.length(0);
    });
  });
});
