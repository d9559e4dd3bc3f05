import { assert, expect } from "chai";
import type { RunningEmulator } from "../../emulator";
import { isAtlasApiError } from "../../provider";
import { streamProcessorProvider as provider } from "../../provider/resource/dynamic-provider";
import { type StreamProcessorOutputs } from "../../provider/types";
import * as lifecycle from "../../provider/lifecycle";
import { FakeClock } from "../support/fake-clock";
import {
  API_KEY,
  PROJECT,
  WORKSPACE,
  captureConsole,
  configureProvider,
  inputs,
  failureOf,
  NO_OLDS,
  requestsTo,
  withEmulator,
} from "../support/helpers";
import { atlasGenericError as generic } from "../support/atlas-errors";

const p = provider as Required<typeof provider>;
const START = "/processor/orders:start";
const STOP = "/processor/orders:stop";
const GET = "/processor/orders";
const CREATE = `/streams/${WORKSPACE}/processor`;

const pipelineFrom = (connection: string) => [{ $source: { connectionName: connection } }, { $emit: { connectionName: "__testLog" } }];

/** The error the call fails with (asserted to be an Error), with its fields readable. */
const errorOf = async (promise: Promise<unknown>) => (await failureOf(promise, "the call fails")) as Error & Record<string, unknown>;

describe("StreamProcessor provider against Atlas as observed (slow actions, transient 400s, connections, 404s)", function () {
  this.timeout(30_000);
  let emu: RunningEmulator;
  // Without the Digest challenges (a 401 before the first request of each client).
  const log = () => emu.admin.requests().filter((q) => q.status !== 401 || q.authScheme !== "none");
  const state = (name = "orders") => emu.admin.getProcessor(PROJECT, WORKSPACE, name)?.observedState;

  afterEach(async () => emu?.close());

  async function setUp(options: Parameters<typeof withEmulator>[0] = {}, extra: Record<string, string> = {}) {
    emu = await withEmulator({ transitionMs: 100, ...options });
    await configureProvider(emu.url, { kind: "apiKey", ...API_KEY }, extra);
  }

  describe("in sync action mode, when :start answers 504 STREAM_PROCESSOR_TIMEOUT after applying", () => {
    it("reads until STARTED, never sending a second :start", async () => {
      // Atlas keeps showing CREATED for 600 ms, answers 504 at 200 ms, and starts it anyway.
      await setUp({ actionMode: "sync", actionMs: 600, actionTimeoutMs: 200 }, { "atlas-stream-processor:actionTimeoutMs": "2000" });
      const { result, lines } = await captureConsole(() => p.create(inputs("orders")));
      expect(result!.outs!.state).to.equal("STARTED");
      expect(requestsTo(log(), "POST", START).map((r) => r.status)).to.deep.equal([504]);
      expect(lines.join("\n")).to.include("HTTP 504 STREAM_PROCESSOR_TIMEOUT").and.include("not sent again");
      // The reads went on while Atlas still showed the previous state.
      expect(requestsTo(log(), "GET", GET).length).to.be.at.least(2);
    });
  });

  describe("in sync action mode, when :stop answers 504 after applying", () => {
    it("reads until STOPPED, never sending a second :stop", async () => {
      await setUp({ actionMode: "sync", actionMs: 500, actionTimeoutMs: 150 }, { "atlas-stream-processor:actionTimeoutMs": "2000" });
      emu.admin.setProcessorState(PROJECT, WORKSPACE, "orders", "STARTED");
      const r = await p.create(inputs("orders", { state: "STOPPED" }));
      expect(r.outs!.state).to.equal("STOPPED");
      expect(requestsTo(log(), "POST", STOP).map((q) => q.status)).to.deep.equal([504]);
    });
  });

  describe("when the client's own timeout ends a slow :start", () => {
    it("does not resend it while Atlas may still apply it, and ends STARTED", async () => {
      // Atlas takes 700 ms to answer; the client gives up at 250 ms.
      await setUp(
        { actionMode: "sync", actionMs: 700 },
        { "atlas-stream-processor:actionTimeoutMs": "250", "atlas-stream-processor:actionSettleMs": "3000" },
      );
      emu.admin.setActionMode({ mode: "sync", actionMs: 700 });
      const { result, lines } = await captureConsole(() => p.create(inputs("orders")));
      expect(result!.outs!.state, lines.join("\n")).to.equal("STARTED");
      // The one :start was held by the emulator (logged when it answered, or not at all if the
      // socket closed first): there is never a second one.
      expect(requestsTo(log(), "POST", START).length).to.be.at.most(1);
      expect(lines.join("\n")).to.include("no answer within 250 ms");
    });
  });

  describe("when a sync :start takes longer than requestTimeoutMs but less than actionTimeoutMs", () => {
    it("waits for the answer (actions get the long timeout, reads keep the short one)", async () => {
      await setUp(
        { actionMode: "sync", actionMs: 600 },
        { "atlas-stream-processor:requestTimeoutMs": "200", "atlas-stream-processor:actionTimeoutMs": "3000" },
      );
      const r = await p.create(inputs("orders"));
      expect(r.outs!.state).to.equal("STARTED");
      expect(requestsTo(log(), "POST", START).map((q) => q.status)).to.deep.equal([200]);
    });
  });

  describe("when :start answers 504 but nothing happens", () => {
    it("reads for the action's effect window (actionSettleMs), then a fresh read decides to start once more", async () => {
      const clock = new FakeClock();
      await setUp({ now: clock.now }, { "atlas-stream-processor:actionSettleMs": "300" });
      emu.admin.injectFault({
        method: "POST",
        path: `*${START}`,
        kind: "status",
        status: 504,
        times: 1,
        body: { error: 504, errorCode: "STREAM_PROCESSOR_TIMEOUT", detail: "timed out", parameters: [WORKSPACE, "orders"] },
      });
      const { result, lines } = await captureConsole(() => lifecycle.create(inputs("orders"), clock));
      expect(result!.outs!.state).to.equal("STARTED");
      expect(requestsTo(log(), "POST", START).map((q) => q.status)).to.deep.equal([504, 200]);
      expect(lines.join("\n")).to.include("it did not take effect");
    });
  });

  describe("transient 400s (STREAM_PROCESSOR_GENERIC_ERROR with an infrastructure message)", () => {
    for (const msg of [
      "no healthy upstream",
      "failed to acquire resources for processor: internal error",
      "error getting cluster info [500/UNEXPECTED_ERROR]",
    ]) {
      it(`retries :start after a fresh read when it answers 400 "${msg}"`, async () => {
        await setUp();
        emu.admin.injectFault({ method: "POST", path: `*${START}`, kind: "status", status: 400, times: 1, body: generic("orders", msg) });
        const r = await p.create(inputs("orders"));
        expect(r.outs!.state).to.equal("STARTED");
        expect(requestsTo(log(), "POST", START).map((q) => q.status)).to.deep.equal([400, 200]);
        // GET before the :start, GET after the 400 (did it take effect?), then the waits.
        const order = log()
          .filter((q) => q.path.endsWith(GET) || q.path.endsWith(START))
          .map((q) => `${q.method} ${q.status}`);
        expect(order.slice(0, 3)).to.deep.equal(["GET 200", "POST 400", "GET 200"]);
      });
    }

    it("does not send :start again when the 400 came after it was applied", async () => {
      await setUp();
      emu.admin.injectFault({
        method: "POST",
        path: `*${START}`,
        kind: "status-after-apply",
        status: 400,
        times: 1,
        body: generic("orders", "no healthy upstream"),
      });
      const r = await p.create(inputs("orders"));
      expect(r.outs!.state).to.equal("STARTED");
      expect(requestsTo(log(), "POST", START)).to.have.length(1);
    });

    it("retries a create that answered 400 no healthy upstream, creating the processor once", async () => {
      await setUp();
      emu.admin.injectFault({
        method: "POST",
        path: `*${CREATE}`,
        kind: "status",
        status: 400,
        times: 2,
        body: generic("fresh", "no healthy upstream"),
      });
      const r = await p.create(inputs("fresh", { pipeline: pipelineFrom("sample_stream_solar") }));
      expect(r.outs!.state).to.equal("STARTED");
      expect(r.outs!.createdByResource).to.equal(true);
      expect(requestsTo(log(), "POST", CREATE).map((q) => q.status)).to.deep.equal([400, 400, 200]);
    });

    for (const msg of ["RBAC: access denied", "access of ProjectID that does not exist"]) {
      it(`sends :start once and fails on 400 "${msg}"`, async () => {
        await setUp();
        emu.admin.injectFault({ method: "POST", path: `*${START}`, kind: "status", status: 400, times: 5, body: generic("orders", msg) });
        const err = await errorOf(p.create(inputs("orders")));
        expect(isAtlasApiError(err)).to.equal(true);
        expect(err!.message).to.include("HTTP 400 STREAM_PROCESSOR_GENERIC_ERROR").and.include(msg);
        expect(requestsTo(log(), "POST", START)).to.have.length(1);
        expect(state()).to.equal("CREATED");
      });
    }
  });

  describe("a connection that is not there yet", () => {
    it("waits for a connection that is still propagating, saying so, and creates the processor", async () => {
      const clock = new FakeClock();
      await setUp({ now: clock.now }, { "atlas-stream-processor:connectionWaitMs": "5000" });
      emu.admin.addConnection(PROJECT, WORKSPACE, { name: "kafka1", type: "Kafka" }, { propagationMs: 400 });
      const { result, lines } = await captureConsole(() => lifecycle.create(inputs("fresh", { pipeline: pipelineFrom("kafka1") }), clock));
      expect(result?.outs?.state, lines.join("\n")).to.equal("STARTED");
      const creates = requestsTo(log(), "POST", CREATE).map((q) => q.status);
      expect(creates.slice(0, -1).every((s) => s === 400)).to.equal(true);
      expect(creates[creates.length - 1]).to.equal(200);
      expect(creates.length).to.be.at.least(2);
      expect(lines.join("\n")).to.include("waiting for connection kafka1");
    });

    it("fails after connectionWaitMs naming the connection and the workspace, having created nothing", async () => {
      const clock = new FakeClock();
      await setUp({ now: clock.now }, { "atlas-stream-processor:connectionWaitMs": "300" });
      const err = await errorOf(lifecycle.create(inputs("fresh", { pipeline: pipelineFrom("nowhere") }), clock));
      expect(isAtlasApiError(err)).to.equal(true);
      expect(err!.status).to.equal(400);
      expect(err!.message)
        .to.include('connection "nowhere" does not exist in stream workspace "demo-workspace"')
        .and.include("connectionWaitMs");
      expect(requestsTo(log(), "POST", CREATE).length).to.be.at.least(2);
      expect(state("fresh")).to.equal(undefined);
    });
  });

  describe("after create the processor reads INIT, then CREATING", () => {
    it("waits for CREATED before its one :start", async () => {
      const clock = new FakeClock();
      await setUp({ transitionMs: 400, now: clock.now });
      const r = await lifecycle.create(inputs("fresh", { pipeline: pipelineFrom("sample_stream_solar") }), clock);
      expect(r.outs!.state).to.equal("STARTED");
      expect(requestsTo(log(), "POST", "/processor/fresh:start").map((q) => q.status)).to.deep.equal([200]);
    });
  });

  describe("404s say what is missing from their own body", () => {
    it("a missing workspace on create: the error names the workspace, with no extra read", async () => {
      await setUp();
      const err = await errorOf(p.create(inputs("fresh", { workspaceName: "nope", pipeline: pipelineFrom("sample_stream_solar") })));
      expect(isAtlasApiError(err)).to.equal(true);
      expect(err!.message).to.include("STREAM_TENANT_NOT_FOUND_FOR_NAME").and.include('Stream workspace "nope" was not found');
      // The processor GET (404) and the create (404); no reads of the workspace or project.
      expect(log().map((q) => `${q.method} ${q.status}`)).to.deep.equal(["GET 404", "POST 404"]);
    });

    it("a missing project for a state-only resource: the error names the project after one read", async () => {
      await setUp();
      const err = await errorOf(p.create(inputs("orders", { projectId: "0123456789abcdef01234567" })));
      expect(err!.message).to.include("Project 0123456789abcdef01234567 was not found");
      expect(log()).to.have.length(1);
    });

    it("a missing workspace for a state-only resource: the error names the workspace after one read", async () => {
      await setUp();
      const err = await errorOf(p.create(inputs("orders", { workspaceName: "nope" })));
      expect(err!.message).to.include('Stream workspace "nope" was not found');
      expect(log()).to.have.length(1);
    });
  });

  describe("no orphans: create made the processor and a later step failed", () => {
    it("fails with the resource's id and outputs (createdByResource) and delete removes it", async () => {
      await setUp();
      emu.admin.injectFault({
        method: "POST",
        path: "*/processor/fresh:start",
        kind: "status",
        status: 400,
        times: 1,
        body: generic("fresh", "processor has not been started"),
      });
      const provider = "exports.handler = () => ({})";
      // The engine passes the serialized provider along with the inputs.
      const withProvider = { ...inputs("fresh", { pipeline: pipelineFrom("sample_stream_solar") }), __provider: provider };
      const err = await errorOf(p.create(withProvider));
      expect(err!.name).to.equal("ProcessorInitError");
      expect(err!.id).to.equal(`${PROJECT}/${WORKSPACE}/fresh`);
      const props = err!.properties as StreamProcessorOutputs & { __provider: string };
      expect(props).to.include({ createdByResource: true, state: "CREATED", processorName: "fresh", __provider: provider });
      expect(err!.reasons).to.have.length(1);
      expect(err!.message).to.include("HTTP 400").and.include("pulumi destroy");
      expect(state("fresh")).to.equal("CREATED");
      await p.delete(err!.id as string, props);
      expect(requestsTo(log(), "DELETE", "/processor/fresh")).to.have.length(1);
      expect(state("fresh")).to.equal(undefined);
    });

    it("a timeout waiting for STARTED keeps it too", async () => {
      const clock = new FakeClock();
      await setUp({ transitionMs: 3000, now: clock.now });
      const err = await errorOf(
        lifecycle.create(inputs("fresh", { pipeline: pipelineFrom("sample_stream_solar"), timeoutSeconds: 1 }), clock),
      );
      expect(err!.name).to.equal("ProcessorInitError");
      expect((err!.properties as StreamProcessorOutputs).createdByResource).to.equal(true);
      expect(err!.message).to.include("Timed out");
    });

    it("an adopted processor that fails to start is a plain error (nothing of ours to keep)", async () => {
      await setUp();
      emu.admin.injectFault({ method: "POST", path: `*${START}`, kind: "status", status: 400, times: 1 });
      const err = await errorOf(p.create(inputs("orders")));
      expect(err!.name).to.equal("AtlasApiError");
      expect(err!.id).to.equal(undefined);
    });
  });

  describe("a failed change leaves things as they were", () => {
    it("restarts the processor on its previous definition when the PATCH is refused, and says so", async () => {
      const clock = new FakeClock();
      await setUp({ now: clock.now }, { "atlas-stream-processor:connectionWaitMs": "200" });
      const created = await lifecycle.create(inputs("fresh", { pipeline: pipelineFrom("sample_stream_solar") }), clock);
      assert.exists(created.outs, "create returns outputs");
      emu.admin.clearRequests();
      const err = await errorOf(
        lifecycle.update(created.id, created.outs, inputs("fresh", { pipeline: pipelineFrom("missing_conn") }), clock),
      );
      expect(err!.message)
        .to.include("restarted on its previous definition and is STARTED again")
        .and.include('connection "missing_conn" does not exist');
      expect(state("fresh")).to.equal("STARTED");
      expect(JSON.stringify(emu.admin.getProcessor(PROJECT, WORKSPACE, "fresh")!.pipeline)).to.equal(
        JSON.stringify(pipelineFrom("sample_stream_solar")),
      );
      expect(requestsTo(log(), "POST", "/processor/fresh:stop")).to.have.length(1);
      expect(requestsTo(log(), "POST", "/processor/fresh:start").map((q) => q.status)).to.deep.equal([200]);
      expect(requestsTo(log(), "PATCH", "/processor/fresh").every((q) => q.status === 400)).to.equal(true);
    });

    it("leaves a stopped processor stopped when the PATCH is refused", async () => {
      await setUp({}, { "atlas-stream-processor:connectionWaitMs": "100" });
      const created = await p.create(inputs("fresh", { state: "STOPPED", pipeline: pipelineFrom("sample_stream_solar") }));
      assert.exists(created.outs, "create returns outputs");
      emu.admin.clearRequests();
      const err = await errorOf(
        p.update(created.id, created.outs, inputs("fresh", { state: "STOPPED", pipeline: pipelineFrom("missing_conn") })),
      );
      expect(isAtlasApiError(err)).to.equal(true);
      expect(requestsTo(log(), "POST", "/processor/fresh:start")).to.have.length(0);
      expect(state("fresh")).to.equal("CREATED");
    });
  });

  describe("errors name the real cause", () => {
    it("when :start answers 500 and the read that checks it answers 403, the error reports the read", async () => {
      await setUp();
      // The first GET (before the :start) passes; the one after the 500 is refused.
      emu.admin.injectFault({ method: "GET", path: `*${GET}`, kind: "latency", latencyMs: 0, times: 1 });
      emu.admin.injectFault({ method: "GET", path: `*${GET}`, kind: "status", status: 403, times: 1 });
      emu.admin.injectFault({ method: "POST", path: `*${START}`, kind: "status", status: 500, times: 1 });
      const err = await errorOf(p.create(inputs("orders")));
      expect(err!.name).to.equal("UnverifiedActionError");
      expect(err!.message)
        .to.include(":start got HTTP 500")
        .and.include("the read that checks whether it took effect then failed")
        .and.include("GET")
        .and.include("HTTP 403");
      expect(requestsTo(log(), "POST", START)).to.have.length(1);
    });

    it("when :start is refused with 400 and the read that checks it fails, the error reports the read", async () => {
      await setUp();
      emu.admin.injectFault({ method: "GET", path: `*${GET}`, kind: "latency", latencyMs: 0, times: 1 });
      emu.admin.injectFault({ method: "GET", path: `*${GET}`, kind: "status", status: 401, times: 2 });
      emu.admin.injectFault({ method: "POST", path: `*${START}`, kind: "status", status: 409, times: 1 });
      const err = await errorOf(p.create(inputs("orders")));
      expect(err!.name).to.equal("UnverifiedActionError");
      expect(err!.message).to.include("got HTTP 409").and.include("HTTP 401");
    });
  });

  describe("check refuses dot-only names", () => {
    const dotted: ["workspaceName" | "processorName", string][] = [
      ["workspaceName", "."],
      ["workspaceName", ".."],
      ["processorName", ".."],
      ["processorName", "...."],
    ];
    for (const [key, value] of dotted) {
      it(`${key} ${JSON.stringify(value)} with zero requests`, async () => {
        await setUp();
        const r = await p.check(NO_OLDS, inputs("orders", { [key]: value }));
        expect(r.failures!.map((f) => f.property)).to.deep.equal([key]);
        expect(log()).to.have.length(0);
      });
    }
  });

  describe("a wait survives bad luck", () => {
    it("keeps waiting for STARTED through reads that fail after their own retries, and logs them", async () => {
      const clock = new FakeClock();
      await setUp({ transitionMs: 1500, now: clock.now }, { "atlas-stream-processor:maxRetries": "1" });
      // The first read passes; the next three reads meet two 500s each (their one retry included).
      emu.admin.injectFault({ method: "GET", path: `*${GET}`, kind: "latency", latencyMs: 0, times: 1 });
      emu.admin.injectFault({ method: "GET", path: `*${GET}`, kind: "status", status: 500, times: 6 });
      const { result, lines, error } = await captureConsole(() => lifecycle.create(inputs("orders"), clock));
      expect(error, String(error)).to.equal(undefined);
      expect(result!.outs!.state).to.equal("STARTED");
      expect(requestsTo(log(), "GET", GET).filter((q) => q.status === 500)).to.have.length(6);
      expect(lines.filter((l) => l.includes("a read failed while waiting"))).to.have.length(3);
      expect(requestsTo(log(), "POST", START)).to.have.length(1);
    });

    it("ends the wait at once on a definite answer (403)", async () => {
      const clock = new FakeClock();
      await setUp({ transitionMs: 5000, now: clock.now });
      emu.admin.injectFault({ method: "GET", path: `*${GET}`, kind: "latency", latencyMs: 0, times: 1 });
      emu.admin.injectFault({ method: "GET", path: `*${GET}`, kind: "status", status: 403, times: 1 });
      const started = clock.now();
      const err = await errorOf(lifecycle.create(inputs("orders"), clock));
      expect(isAtlasApiError(err)).to.equal(true);
      expect(err!.status).to.equal(403);
      expect(clock.now() - started).to.be.below(4000);
    });

    it("at the deadline, the timeout reports the failed read", async () => {
      const clock = new FakeClock();
      await setUp({ transitionMs: 5000, now: clock.now }, { "atlas-stream-processor:maxRetries": "0" });
      emu.admin.injectFault({ method: "GET", path: `*${GET}`, kind: "latency", latencyMs: 0, times: 1 });
      emu.admin.injectFault({ method: "GET", path: `*${GET}`, kind: "status", status: 503, times: 1000 });
      const err = await errorOf(lifecycle.create(inputs("orders", { timeoutSeconds: 1 }), clock));
      expect(err!.name).to.equal("ProcessorStateError");
      expect(err!.message).to.include("Timed out").and.include("the last read failed").and.include("HTTP 503");
    });
  });
});
