// Behaviour seen on real Atlas that the spec does not state: connections checked at create and
// modify (and propagating after they are added), INIT → CREATING → CREATED, slow actions in
// "sync" mode with a 504 after applying, the workspace's tier as default, and growing `stats`.
import { expect } from "chai";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { parseArgs } from "../../emulator/cli";
import { processorStats } from "../../emulator/stats";
import { applySeed } from "../../emulator/snapshots";
import { Store } from "../../emulator/store";
import { ATLAS_STATS_KEYS } from "../support/atlas-stats-keys";
import {
  Client,
  G,
  OWNER,
  P,
  V_PROC,
  V_START_WITH,
  admin,
  componentErrors,
  specErrors,
  storeWithProcessorP,
} from "../support/emulator-client";

const WS_NAME = "demo-workspace";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const missingDetail = (proc: string, conn: string) =>
  `Streams Processor with this name (${proc}) had a problem occur: connection named ${conn} does not exist. Check sp.listConnections() for available connections.`;

describe("emulator: fidelity to recorded Atlas behaviour", function () {
  let emu: RunningEmulator;
  let c: Client;
  const get = (name: string) => c.request("GET", `${P}/processor/${name}`, { accept: V_PROC });
  const state = async (name: string) => (await get(name)).json.state as string;
  const create = (body: unknown) => c.request("POST", `${P}/processor`, { accept: V_PROC, body });
  const patch = (name: string, body: unknown) => c.request("PATCH", `${P}/processor/${name}`, { accept: V_PROC, body });
  const action = (name: string, verb: string, accept = V_PROC, body?: unknown) =>
    c.request("POST", `${P}/processor/${name}:${verb}`, { accept, ...(body !== undefined ? { body } : {}) });
  const names = () => c.request("GET", `${P}/processors`, { accept: V_PROC }).then((r) => r.json.results.map((x: any) => x.name));

  async function start(options: Parameters<typeof startEmulator>[0] = {}) {
    emu = await startEmulator(options);
    c = new Client(emu.url, { kind: "digest", ...OWNER });
  }
  afterEach(() => emu?.close());

  describe("after a create", () => {
    const pipeline = [{ $source: { connectionName: "sample_stream_solar" } }, { $emit: { connectionName: "__testLog" } }];

    it("reads INIT, then CREATING, then CREATED, each for half of transitionMs", async () => {
      await start({ transitionMs: 300 });
      const r = await create({ name: "fresh", pipeline });
      expect(r.status).to.equal(200);
      expect(r.json.state).to.equal("INIT");
      expect(await state("fresh")).to.equal("INIT");
      await sleep(200);
      expect(await state("fresh")).to.equal("CREATING");
      await sleep(150);
      expect(await state("fresh")).to.equal("CREATED");
    });

    it("follows the phases exactly on an injected clock (pure store)", () => {
      let now = 1_000;
      const s = new Store(100, () => now);
      applySeed(s, { projects: [{ id: G, workspaces: [{ name: "w", connections: [{ name: "src", type: "Sample" }] }] }] });
      s.createProcessor(G, "w", { name: "p", pipeline: [{ $source: { connectionName: "src" } }] });
      const seen = [0, 49, 50, 99, 100].map((t) => {
        now = 1_000 + t;
        return s.observedState(s.processor(G, "w", "p"));
      });
      expect(seen).to.deep.equal(["INIT", "INIT", "CREATING", "CREATING", "CREATED"]);
    });

    it("is CREATED at once with transitionMs 0", async () => {
      await start();
      expect((await create({ name: "fresh", pipeline })).json.state).to.equal("CREATED");
    });

    it("refuses start, stop and modify while INIT, changing nothing", async () => {
      await start({ transitionMs: 10_000 });
      await create({ name: "fresh", pipeline });
      for (const r of [await action("fresh", "start"), await action("fresh", "stop"), await patch("fresh", { tier: "SP50" })]) {
        expect(r.status).to.equal(400);
        expect(r.json.errorCode).to.equal("STREAM_PROCESSOR_GENERIC_ERROR");
      }
      expect(emu.admin.getProcessor(G, WS_NAME, "fresh")!.observedState).to.equal("INIT");
    });
  });

  describe("in sync action mode", () => {
    const timeoutBody = (proc: string) => ({
      detail: `Streams Processor with this name (${WS_NAME}) timed out while processing.`,
      error: 504,
      errorCode: "STREAM_PROCESSOR_TIMEOUT",
      reason: "Gateway Timeout",
      parameters: [WS_NAME, proc],
    });

    it(":start blocks for actionMs while GET shows the previous state, then answers 200 with the processor STARTED", async () => {
      await start({ actionMode: "sync", actionMs: 80, transitionMs: 500 });
      const pending = action("orders", "start");
      await sleep(20);
      expect(await state("orders")).to.equal("CREATED");
      const r = await pending;
      expect(r.status).to.equal(200);
      expect(r.json).to.deep.equal({});
      // Settled when the answer comes: no STARTING, whatever transitionMs says.
      expect(await state("orders")).to.equal("STARTED");
    });

    it(":stop and :startWith block the same way", async () => {
      await start({ actionMode: "sync", actionMs: 60 });
      await action("orders", "start");
      const stopping = action("orders", "stop");
      await sleep(15);
      expect(await state("orders")).to.equal("STARTED");
      expect((await stopping).status).to.equal(200);
      expect(await state("orders")).to.equal("STOPPED");
      const starting = action("orders", "startWith", V_START_WITH, { tier: "SP50" });
      await sleep(15);
      expect(await state("orders")).to.equal("STOPPED");
      expect((await starting).status).to.equal(200);
      const g = await get("orders");
      expect(g.json.state).to.equal("STARTED");
      expect(g.json.tier).to.equal("SP50");
    });

    describe("when actionTimeoutMs is shorter than actionMs", () => {
      it("answers 504 STREAM_PROCESSOR_TIMEOUT, and the start still completes at actionMs", async () => {
        await start({ actionMode: "sync", actionMs: 150, actionTimeoutMs: 30 });
        const r = await action("orders", "start");
        expect(r.status).to.equal(504);
        expect(r.json).to.deep.equal(timeoutBody("orders"));
        expect(await state("orders")).to.equal("CREATED");
        expect(componentErrors("ApiError", r.json)).to.equal(undefined);
        await sleep(150);
        expect(await state("orders")).to.equal("STARTED");
        const posts = emu.admin.requests().filter((e) => e.method === "POST" && e.status !== 401); // 401: the Digest challenge
        expect(posts.map((e) => [e.path, e.status])).to.deep.equal([[`${P}/processor/orders:start`, 504]]);
      });

      it("times out a :stop the same way (settings changed through POST /admin/settings)", async () => {
        await start();
        await action("orders", "start");
        const s = await admin(emu.url, "POST", "/admin/settings", { mode: "sync", actionMs: 120, actionTimeoutMs: 20 });
        expect(s.status).to.equal(200);
        expect(s.json).to.deep.include({ actionMode: "sync", actionMs: 120, actionTimeoutMs: 20 });
        const r = await action("orders", "stop");
        expect(r.status).to.equal(504);
        expect(r.json).to.deep.equal(timeoutBody("orders"));
        expect(await state("orders")).to.equal("STARTED");
        await sleep(120);
        expect(await state("orders")).to.equal("STOPPED");
      });
    });

    it("setActionMode switches modes; omitted keys keep their value and null turns the timeout off", async () => {
      await start({ transitionMs: 1_000 });
      expect(emu.admin.setActionMode({ mode: "sync", actionMs: 10, actionTimeoutMs: 5 })).to.deep.equal({
        mode: "sync",
        actionMs: 10,
        actionTimeoutMs: 5,
      });
      expect(emu.admin.setActionMode({ actionTimeoutMs: null })).to.deep.equal({ mode: "sync", actionMs: 10 });
      expect((await action("orders", "start")).status).to.equal(200);
      expect(await state("orders")).to.equal("STARTED");
      emu.admin.setActionMode({ mode: "async" });
      await action("orders", "stop");
      expect(await state("orders")).to.equal("STARTED"); // the old state until it lands, as Atlas
      emu.admin.setActionMode({ transitionalStates: true });
      await new Promise((r) => setTimeout(r, 1_100));
      await action("orders", "start");
      expect(await state("orders")).to.equal("STARTING");
      expect(() => emu.admin.setActionMode({ mode: "later" as "sync" })).to.throw(/mode must be/);
      expect((await admin(emu.url, "PUT", "/admin/settings", { actionMs: -1 })).status).to.equal(400);
    });
  });

  describe("when :start returns 504 after applying (injected status-after-apply fault)", () => {
    beforeEach(() => start());

    it("answers Atlas' STREAM_PROCESSOR_TIMEOUT body by default, and the processor started", async () => {
      emu.admin.injectFault({ method: "POST", path: "*/processor/orders:start", kind: "status-after-apply", status: 504 });
      const r = await action("orders", "start");
      expect(r.status).to.equal(504);
      expect(r.json.errorCode).to.equal("STREAM_PROCESSOR_TIMEOUT");
      expect(r.json.detail).to.equal(`Streams Processor with this name (${WS_NAME}) timed out while processing.`);
      expect(r.json.parameters).to.deep.equal([WS_NAME, "orders"]);
      expect(componentErrors("ApiError", r.json)).to.equal(undefined);
      expect(await state("orders")).to.equal("STARTED");
    });

    it("keeps a custom body, and gives non-action paths the generic 504 body", async () => {
      emu.admin.injectFault({
        method: "POST",
        path: "*:stop",
        kind: "status-after-apply",
        status: 504,
        body: { error: 504, errorCode: "CUSTOM" },
      });
      emu.admin.injectFault({ method: "GET", path: "*/processor/payments", kind: "status-after-apply", status: 504 });
      await action("orders", "start");
      expect((await action("orders", "stop")).json.errorCode).to.equal("CUSTOM");
      expect((await get("payments")).json.errorCode).to.equal("GATEWAY_TIMEOUT");
    });
  });

  describe("when a pipeline names a connection the workspace lacks", () => {
    beforeEach(() => start());

    const cases: Array<[string, unknown[], Record<string, unknown> | undefined, string]> = [
      ["$source", [{ $source: { connectionName: "kafkaProd" } }, { $emit: { connectionName: "__testLog" } }], undefined, "kafkaProd"],
      [
        "$merge.into",
        [{ $source: { connectionName: "sample_stream_solar" } }, { $merge: { into: { connectionName: "atlasSink", db: "d", coll: "c" } } }],
        undefined,
        "atlasSink",
      ],
      [
        "$emit",
        [{ $source: { connectionName: "sample_stream_solar" } }, { $emit: { connectionName: "kafkaOut", topic: "t" } }],
        undefined,
        "kafkaOut",
      ],
      [
        "options.dlq",
        [{ $source: { connectionName: "sample_stream_solar" } }, { $emit: { connectionName: "__testLog" } }],
        { dlq: { connectionName: "dlqConn", db: "d", coll: "c" } },
        "dlqConn",
      ],
    ];
    for (const [where, pipeline, options, conn] of cases) {
      it(`create refuses a missing ${where} connection with the generic processor error and creates nothing`, async () => {
        const before = await names();
        const r = await create({ name: "fresh", pipeline, ...(options ? { options } : {}) });
        expect(r.status).to.equal(400);
        expect(r.json.errorCode).to.equal("STREAM_PROCESSOR_GENERIC_ERROR");
        expect(r.json.detail).to.equal(missingDetail("fresh", conn));
        expect(r.json.parameters).to.deep.equal([
          "fresh",
          `connection named ${conn} does not exist. Check sp.listConnections() for available connections.`,
        ]);
        expect(r.json.reason).to.equal("Bad Request");
        expect(specErrors("createGroupStreamProcessor", r)).to.equal(undefined);
        expect(await names()).to.deep.equal(before);
        expect(emu.admin.getProcessor(G, WS_NAME, "fresh")).to.equal(undefined);
      });
    }

    it("modify refuses it too and leaves the stored definition unchanged", async () => {
      const before = emu.admin.getProcessor(G, WS_NAME, "payments")!;
      const r = await patch("payments", {
        pipeline: [{ $source: { connectionName: "gone" } }, { $emit: { connectionName: "__testLog" } }],
        tier: "SP50",
      });
      expect(r.status).to.equal(400);
      expect(r.json.detail).to.equal(missingDetail("payments", "gone"));
      expect(specErrors("updateGroupStreamProcessor", r)).to.equal(undefined);
      const after = emu.admin.getProcessor(G, WS_NAME, "payments")!;
      expect(after.pipeline).to.deep.equal(before.pipeline);
      expect(after.tier).to.equal(before.tier);
    });

    it("accepts inline documents without a connection and the built-in __testLog sink", async () => {
      const r = await create({
        name: "inline",
        pipeline: [{ $source: { documents: [{ a: 1 }] } }, { $emit: { connectionName: "__testLog" } }],
      });
      expect(r.status).to.equal(200);
      expect(r.json.name).to.equal("inline");
    });
  });

  describe("when a connection is added through the admin API", () => {
    const pipeline = [{ $source: { connectionName: "newConn" } }, { $emit: { connectionName: "__testLog" } }];

    it("is usable at once by default (in-process helper)", async () => {
      await start();
      expect((await create({ name: "a", pipeline })).status).to.equal(400);
      emu.admin.addConnection(G, WS_NAME, { name: "newConn", type: "Kafka" });
      expect((await create({ name: "a", pipeline })).status).to.equal(200);
    });

    it("answers 'does not exist' while it propagates, then creates (HTTP admin, per-connection time)", async () => {
      await start();
      const a = await admin(emu.url, "POST", `/admin/connections/${G}/${WS_NAME}`, { name: "newConn", type: "Kafka", propagationMs: 80 });
      expect(a.status).to.equal(200);
      expect(a.json).to.deep.include({ name: "newConn", type: "Kafka", propagationMs: 80 });
      const early = await create({ name: "a", pipeline });
      expect(early.status).to.equal(400);
      expect(early.json.detail).to.equal(missingDetail("a", "newConn"));
      expect(emu.admin.getProcessor(G, WS_NAME, "a")).to.equal(undefined);
      await sleep(100);
      expect((await create({ name: "a", pipeline })).status).to.equal(200);
    });

    it("uses connectionPropagationMs as the default propagation time, for modify as well", async () => {
      await start({ connectionPropagationMs: 60 });
      emu.admin.addConnection(G, WS_NAME, { name: "newConn", type: "Kafka" });
      // The $source changes, so the PATCH must discard the checkpoint (a rule of its own).
      const body = { pipeline, options: { resumeFromCheckpoint: false } };
      const early = await patch("payments", body);
      expect(early.status).to.equal(400);
      expect(early.json.detail).to.equal(missingDetail("payments", "newConn"));
      await sleep(80);
      const r = await patch("payments", body);
      expect(r.status).to.equal(200);
      expect(r.json.pipeline).to.deep.equal(pipeline);
    });

    it("refuses a malformed connection and an unknown workspace", async () => {
      await start();
      expect((await admin(emu.url, "POST", `/admin/connections/${G}/${WS_NAME}`, { type: "Kafka" })).status).to.equal(400);
      expect((await admin(emu.url, "POST", `/admin/connections/${G}/nope`, { name: "x", type: "Kafka" })).status).to.equal(404);
    });
  });

  describe("values Atlas fills in", () => {
    const pipeline = [{ $source: { connectionName: "sample_stream_solar" } }, { $emit: { connectionName: "__testLog" } }];

    it("a processor created without a tier reports its workspace's tier; an explicit tier wins", async () => {
      await start({
        seed: {
          projects: [
            {
              id: G,
              workspaces: [
                {
                  name: "w50",
                  tier: "SP50",
                  connections: [{ name: "sample_stream_solar", type: "Sample" }],
                  processors: [{ name: "seeded", pipeline }],
                },
              ],
            },
          ],
          apiKeys: [{ publicKey: OWNER.user, privateKey: OWNER.pass, roles: [{ groupId: G, roleName: "GROUP_OWNER" }] }],
        },
      });
      const base = `/api/atlas/v2/groups/${G}/streams/w50`;
      const plain = await c.request("POST", `${base}/processor`, { accept: V_PROC, body: { name: "plain", pipeline } });
      expect(plain.json.tier).to.equal("SP50");
      expect((await c.request("GET", `${base}/processor/plain`, { accept: V_PROC })).json.tier).to.equal("SP50");
      const small = await c.request("POST", `${base}/processor`, { accept: V_PROC, body: { name: "small", pipeline, tier: "SP2" } });
      expect(small.json.tier).to.equal("SP2");
      expect((await c.request("GET", `${base}/processor/seeded`, { accept: V_PROC })).json.tier).to.equal("SP50");
    });

    it("GET carries stats with Atlas' keys, integer counts growing while STARTED and frozen once stopped", async () => {
      await start();
      const before = await get("orders");
      expect(Object.keys(before.json.stats)).to.deep.equal(ATLAS_STATS_KEYS);
      expect(before.json.stats).to.deep.include({
        name: "orders",
        processorId: before.json._id,
        inputMessageCount: 0,
        ok: 1,
        scaleFactor: 1,
      });
      await action("orders", "start");
      await sleep(60);
      const first = (await get("orders")).json;
      expect(first.stats.status).to.equal("running");
      await sleep(60);
      const second = (await get("orders")).json;
      expect(specErrors("getGroupStreamProcessor", await get("orders"))).to.equal(undefined);
      for (const k of ["inputMessageCount", "inputMessageSize", "outputMessageCount", "outputMessageSize"]) {
        expect(Number.isInteger(second.stats[k]), k).to.equal(true);
        expect(second.stats[k], k).to.be.greaterThan(first.stats[k]);
      }
      expect(second.stats.operatorStats.map((o: any) => o.name)).to.deep.equal(["SourceOperator", "MatchOperator", "EmitOperator"]);
      expect(second.stats.operatorStats[0].inputMessageCount).to.equal(second.stats.inputMessageCount);
      await action("orders", "stop");
      const stopped = (await get("orders")).json.stats;
      await sleep(40);
      expect((await get("orders")).json.stats.inputMessageCount).to.equal(stopped.inputMessageCount);
      expect(stopped.status).to.equal("stopped");
    });

    it("counts nothing while a start is still STARTING, then one message per 10 ms (injected clock)", () => {
      let now = 0;
      const s = storeWithProcessorP(100, () => now);
      s.startProcessor(G, "w", "p");
      const countAt = (t: number) => {
        now = t;
        const sp = s.processor(G, "w", "p");
        return processorStats(sp, s.observedState(sp), now).inputMessageCount;
      };
      expect([countAt(99), countAt(100), countAt(150)]).to.deep.equal([0, 0, 5]);
      s.stopProcessor(G, "w", "p");
      expect(countAt(500)).to.equal(5);
    });
  });

  describe("CLI", () => {
    it("parses --action-mode, --action-ms, --action-timeout-ms and --connection-propagation-ms", () => {
      const o = parseArgs([
        "--action-mode",
        "sync",
        "--action-ms",
        "30000",
        "--action-timeout-ms=20000",
        "--connection-propagation-ms",
        "5000",
      ]);
      expect(o).to.deep.include({ actionMode: "sync", actionMs: 30000, actionTimeoutMs: 20000, connectionPropagationMs: 5000 });
      expect(() => parseArgs(["--action-mode", "later"])).to.throw(/--action-mode needs async or sync/);
      expect(() => parseArgs(["--action-ms", "-1"])).to.throw(/non-negative integer/);
    });
  });
});
