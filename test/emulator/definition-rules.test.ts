// Definition rules: failoverEnabled needs failover regions on the workspace, a PATCH that changes
// `$source` or a window needs `options.resumeFromCheckpoint: false`, `options: {dlq: {}}` removes
// the DLQ, and the admin API can make a processor fail some time after it starts.
import { expect } from "chai";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { checkpointedStagesChanged, patchedOptions, pipelineChangeRefusal } from "../../emulator/definition-rules";
import { failureDue } from "../../emulator/fail-after-start";
import { applySeed, snapshot } from "../../emulator/snapshots";
import { Store } from "../../emulator/store";
import {
  admin,
  Client,
  G,
  OWNER,
  P,
  specErrors,
  storeWithProcessorP,
  V_PROC,
  V_START_WITH,
  V_WS,
  type Resp,
} from "../support/emulator-client";

const src = { $source: { connectionName: "sample_stream_solar" } };
const emit = { $emit: { connectionName: "__testLog" } };
const tumbling = (size: number) => ({
  $tumblingWindow: { interval: { size, unit: "second" }, pipeline: [{ $group: { _id: null, n: { $sum: 1 } } }] },
});
const hopping = {
  $hoppingWindow: { interval: { size: 10, unit: "second" }, hopSize: { size: 5, unit: "second" }, pipeline: [{ $group: { _id: null } }] },
};
const session = { $sessionWindow: { partitionBy: "$k", gap: { size: 5, unit: "second" }, pipeline: [{ $group: { _id: "$k" } }] } };
const match = (n: number) => ({ $match: { v: { $gt: n } } });
const dlq = { connectionName: "sample_stream_solar", db: "dead", coll: "letters" };

const HA_WS = "ha-workspace";
const HA = `/api/atlas/v2/groups/${G}/streams/${HA_WS}`;

function genericError(name: string, msg: string) {
  return {
    detail: `Streams Processor with this name (${name}) had a problem occur: ${msg}`,
    error: 400,
    errorCode: "STREAM_PROCESSOR_GENERIC_ERROR",
    reason: "Bad Request",
    parameters: [name, msg],
  };
}

describe("emulator: which pipeline changes need resumeFromCheckpoint: false (pure decision)", () => {
  const table: Array<[string, unknown[], unknown[], string[]]> = [
    ["identical pipeline", [src, match(1), emit], [src, match(1), emit], []],
    ["a $match change", [src, match(1), emit], [src, match(2), emit], []],
    ["a stage added after $source", [src, emit], [src, match(1), emit], []],
    ["the $emit target changed", [src, emit], [src, { $emit: { connectionName: "other" } }], []],
    ["another $source connection", [src, emit], [{ $source: { connectionName: "other" } }, emit], ["$source"]],
    [
      "a $source option added",
      [src, emit],
      [{ $source: { connectionName: "sample_stream_solar", config: { fullDocument: "updateLookup" } } }, emit],
      ["$source"],
    ],
    [
      "$source keys reordered (documents are ordered)",
      [{ $source: { connectionName: "c", timeField: { $toDate: "$t" } } }, emit],
      [{ $source: { timeField: { $toDate: "$t" }, connectionName: "c" } }, emit],
      ["$source"],
    ],
    ["a tumbling window resized", [src, tumbling(10), emit], [src, tumbling(20), emit], ["$tumblingWindow"]],
    ["a hopping window added", [src, emit], [src, hopping, emit], ["$hoppingWindow"]],
    ["a session window removed", [src, session, emit], [src, emit], ["$sessionWindow"]],
    ["a tumbling window replaced by a hopping one", [src, tumbling(10), emit], [src, hopping, emit], ["$tumblingWindow", "$hoppingWindow"]],
    [
      "$source and window both changed",
      [src, tumbling(10), emit],
      [{ $source: { connectionName: "x" } }, tumbling(11), emit],
      ["$source", "$tumblingWindow"],
    ],
    [
      "a window's inner pipeline changed",
      [src, tumbling(10)],
      [src, { $tumblingWindow: { interval: { size: 10, unit: "second" }, pipeline: [{ $group: { _id: "$k" } }] } }],
      ["$tumblingWindow"],
    ],
  ];
  for (const [what, stored, next, stages] of table) {
    it(`${what}: ${stages.length ? stages.join(" and ") : "no checkpointed stage"} changed`, () => {
      expect(checkpointedStagesChanged(stored, next)).to.deep.equal(stages);
      const refusal = pipelineChangeRefusal(stored, next, undefined);
      if (stages.length) expect(refusal).to.be.a("string").and.include(stages.join(", "));
      else expect(refusal).to.equal(undefined);
      expect(pipelineChangeRefusal(stored, next, true)).to.equal(refusal);
      expect(pipelineChangeRefusal(stored, next, false)).to.equal(undefined);
    });
  }
  it("a PATCH without a pipeline is never refused for the checkpoint", () => {
    expect(pipelineChangeRefusal([src, tumbling(1)], undefined, undefined)).to.equal(undefined);
  });
});

describe("emulator: how PATCH options combine with the stored ones (pure)", () => {
  const table: Array<[string, Record<string, unknown> | undefined, Record<string, unknown>, Record<string, unknown> | undefined]> = [
    ["a DLQ added", undefined, { dlq }, { dlq }],
    ["a DLQ replaced", { dlq }, { dlq: { ...dlq, coll: "other" } }, { dlq: { ...dlq, coll: "other" } }],
    ["an empty dlq removes it", { dlq }, { dlq: {} }, undefined],
    ["an empty dlq without a stored one", undefined, { dlq: {} }, undefined],
  ];
  for (const [what, stored, patch, expected] of table) {
    it(what, () => expect(patchedOptions(stored, patch)).to.deep.equal(expected));
  }
});

describe("emulator: when an armed failure is due (pure)", () => {
  const arm = { ms: 100, armedAt: 1000 };
  const table: Array<[string, Parameters<typeof failureDue>[0], number, boolean]> = [
    ["not STARTED", { state: "STOPPED", startedAt: 500 }, 5000, false],
    ["already STARTED when armed: counts from arming (before)", { state: "STARTED", startedAt: 500 }, 1099, false],
    ["already STARTED when armed: counts from arming (due)", { state: "STARTED", startedAt: 500 }, 1100, true],
    ["started after arming: counts from the start (before)", { state: "STARTED", startedAt: 2000 }, 2099, false],
    ["started after arming: counts from the start (due)", { state: "STARTED", startedAt: 2000 }, 2100, true],
    ["still STARTING: counts from the transition's end", { state: "STARTED", transition: { until: 3000 } }, 3050, false],
  ];
  for (const [what, sp, now, due] of table) it(what, () => expect(failureDue(sp, arm, now)).to.equal(due));
  it("nothing armed is never due", () => expect(failureDue({ state: "STARTED", startedAt: 0 }, undefined, 1e12)).to.equal(false));
});

describe("emulator: fail after start with an injected clock (pure store)", () => {
  let now: number;
  let s: Store;
  const read = () => s.observedState(s.processor(G, "w", "p"));
  beforeEach(() => {
    now = 1000;
    s = storeWithProcessorP(50, () => now, { state: "STOPPED" });
  });

  it("armed before a start, it fails `ms` after the STARTING transition ends, once", () => {
    s.failAfterStart(G, "w", "p", 30);
    now += 500;
    expect(read()).to.equal("STOPPED");
    s.startProcessor(G, "w", "p");
    now += 50 + 29;
    expect(read()).to.equal("STARTED");
    now += 1;
    expect(read()).to.equal("FAILED");
    s.startProcessor(G, "w", "p");
    now += 10_000;
    expect(read()).to.equal("STARTED");
  });

  it("armed on a STARTED processor, it fails `ms` later", () => {
    s.setProcessorState(G, "w", "p", "STARTED");
    now += 1000;
    s.failAfterStart(G, "w", "p", 20);
    now += 19;
    expect(read()).to.equal("STARTED");
    now += 1;
    expect(read()).to.equal("FAILED");
  });

  it("stopped before it fires, the failure waits for the next run", () => {
    s.setProcessorState(G, "w", "p", "STARTED");
    s.failAfterStart(G, "w", "p", 100);
    now += 10;
    s.stopProcessor(G, "w", "p");
    now += 1000;
    expect(read()).to.equal("STOPPED");
    s.startProcessor(G, "w", "p");
    now += 50 + 99;
    expect(read()).to.equal("STARTED");
    now += 1;
    expect(read()).to.equal("FAILED");
  });
});

describe("emulator: definition rules over HTTP", function () {
  let emu: RunningEmulator;
  let c: Client;
  const get = (base: string, name: string) => c.request("GET", `${base}/processor/${name}`, { accept: V_PROC });
  const patch = (base: string, name: string, body: unknown) => c.request("PATCH", `${base}/processor/${name}`, { accept: V_PROC, body });
  const create = (base: string, body: unknown) => c.request("POST", `${base}/processor`, { accept: V_PROC, body });
  const valid = (op: string, r: Resp) => expect(specErrors(op, r), r.text).to.equal(undefined);

  beforeEach(async () => {
    emu = await startEmulator();
    emu.admin.seed({
      projects: [
        {
          id: G,
          workspaces: [
            {
              name: "demo-workspace",
              processors: [
                { name: "windowed", state: "STOPPED", pipeline: [src, tumbling(10), emit] },
                { name: "sink", state: "STOPPED", pipeline: [src, emit], options: { dlq } },
              ],
            },
            {
              name: HA_WS,
              failoverRegions: ["DUBLIN_IRL"],
              connections: [{ name: "sample_stream_solar", type: "Sample" }],
              processors: [{ name: "ha", state: "STOPPED", pipeline: [src, emit] }],
            },
          ],
        },
      ],
    });
    c = new Client(emu.url, { kind: "digest", ...OWNER });
  });
  afterEach(() => emu.close());

  describe("failoverEnabled", () => {
    it("create with failoverEnabled on a workspace without failover regions answers 400 and creates nothing", async () => {
      const before = (await c.request("GET", `${P}/processors`, { accept: V_PROC })).json.totalCount;
      const r = await create(P, { name: "fo", pipeline: [src, emit], failoverEnabled: true });
      expect(r.status).to.equal(400);
      expect(r.json).to.deep.equal(
        genericError("fo", "failover cannot be enabled: stream workspace demo-workspace has no failover regions"),
      );
      valid("createGroupStreamProcessor", r);
      expect((await get(P, "fo")).status).to.equal(404);
      expect((await c.request("GET", `${P}/processors`, { accept: V_PROC })).json.totalCount).to.equal(before);
    });

    it("failoverEnabled: false is accepted anywhere and read back", async () => {
      const r = await create(P, { name: "fo", pipeline: [src, emit], failoverEnabled: false });
      expect(r.status, r.text).to.equal(200);
      expect(r.json.failoverEnabled).to.equal(false);
      expect((await get(P, "fo")).json.failoverEnabled).to.equal(false);
    });

    it("on a workspace with failover regions it is stored on create and modify, and returned by GET", async () => {
      const r = await create(HA, { name: "fo", pipeline: [src, emit], failoverEnabled: true });
      expect(r.status, r.text).to.equal(200);
      valid("createGroupStreamProcessor", r);
      expect(r.json.failoverEnabled).to.equal(true);
      const g = await get(HA, "fo");
      valid("getGroupStreamProcessor", g);
      expect(g.json.failoverEnabled).to.equal(true);
      const off = await patch(HA, "fo", { failoverEnabled: false });
      expect(off.status, off.text).to.equal(200);
      valid("updateGroupStreamProcessor", off);
      expect((await get(HA, "fo")).json.failoverEnabled).to.equal(false);
      expect((await patch(HA, "ha", { failoverEnabled: true })).status).to.equal(200);
      expect((await get(HA, "ha")).json.failoverEnabled).to.equal(true);
    });

    it("a PATCH enabling it on a workspace without failover regions answers 400 and changes nothing, tier and name included", async () => {
      const before = await get(P, "sink");
      const r = await patch(P, "sink", { failoverEnabled: true, tier: "SP50", name: "renamed" });
      expect(r.status).to.equal(400);
      expect(r.json).to.deep.equal(
        genericError("sink", "failover cannot be enabled: stream workspace demo-workspace has no failover regions"),
      );
      valid("updateGroupStreamProcessor", r);
      expect((await get(P, "sink")).json).to.deep.equal(before.json);
      expect((await get(P, "renamed")).status).to.equal(404);
    });

    it("the workspace shows its failover regions; a workspace created with failoverRegions allows failoverEnabled", async () => {
      const ws = await c.request("GET", HA, { accept: V_WS });
      expect(ws.json.failoverRegions).to.deep.equal([{ cloudProvider: "AWS", region: "DUBLIN_IRL" }]);
      valid("getGroupStreamWorkspace", ws);
      // As recorded: always present, empty when the workspace has none.
      expect((await c.request("GET", P, { accept: V_WS })).json.failoverRegions).to.deep.equal([]);
      const created = await c.request("POST", `/api/atlas/v2/groups/${G}/streams`, {
        accept: V_WS,
        body: {
          name: "ws2",
          dataProcessRegion: { cloudProvider: "AWS", region: "VIRGINIA_USA" },
          failoverRegions: [{ cloudProvider: "AWS", region: "OREGON_USA" }],
          sampleConnections: { solar: true },
        },
      });
      expect(created.status, created.text).to.equal(200);
      valid("createGroupStreamWorkspace", created);
      expect(created.json.failoverRegions).to.deep.equal([{ cloudProvider: "AWS", region: "OREGON_USA" }]);
      const r = await create(`/api/atlas/v2/groups/${G}/streams/ws2`, { name: "fo", pipeline: [src, emit], failoverEnabled: true });
      expect(r.status, r.text).to.equal(200);
      const region = { cloudProvider: "AWS", region: "OREGON_USA" };
      for (const [failoverRegions, field] of [
        [[{ cloudProvider: "AWS", region: 5 }], "failoverRegions[0].region"],
        [[region, region, region], "failoverRegions"],
      ] as const) {
        const bad = await c.request("POST", `/api/atlas/v2/groups/${G}/streams`, {
          accept: V_WS,
          body: { name: "ws3", dataProcessRegion: { cloudProvider: "AWS", region: "VIRGINIA_USA" }, failoverRegions },
        });
        expect(bad.status).to.equal(400);
        expect(bad.json.badRequestDetail.fields[0].field).to.equal(field);
        valid("createGroupStreamWorkspace", bad);
      }
      expect((await c.request("GET", `/api/atlas/v2/groups/${G}/streams/ws3`, { accept: V_WS })).status).to.equal(404);
    });

    it("the seed's failoverRegions must be an array of region names; the admin state and the data-file snapshot carry them", async () => {
      expect(() =>
        emu.admin.seed({ projects: [{ id: G, workspaces: [{ name: "x", failoverRegions: "DUBLIN_IRL" as unknown as string[] }] }] }),
      ).to.throw(/failoverRegions must be an array/);
      expect(() => emu.admin.seed({ projects: [{ id: G, workspaces: [{ name: "x", failoverRegions: [""] }] }] })).to.throw(
        /failoverRegions\[0\] must be a non-empty string/,
      );
      const state = (await admin(emu.url, "GET", "/admin/state")).json;
      const ha = state.projects[0].workspaces.find((w: { name: string }) => w.name === HA_WS);
      expect(ha.failoverRegions).to.deep.equal(["DUBLIN_IRL"]);
      const store = new Store();
      applySeed(store, { projects: [{ id: G, workspaces: [{ name: "w", failoverRegions: ["DUBLIN_IRL", "OREGON_USA"] }] }] });
      const again = new Store();
      applySeed(again, snapshot(store));
      expect(again.workspace(G, "w").failoverRegions).to.deep.equal(["DUBLIN_IRL", "OREGON_USA"]);
    });

    it("a workspace created with streamConfig.maxTierSize shows it back, and the data file keeps it", async () => {
      const body = {
        name: "capped",
        dataProcessRegion: { cloudProvider: "AWS", region: "VIRGINIA_USA" },
        streamConfig: { tier: "SP10", maxTierSize: "SP30" },
      };
      const created = await c.request("POST", `/api/atlas/v2/groups/${G}/streams`, { accept: V_WS, body });
      expect(created.json.streamConfig).to.deep.equal({ tier: "SP10", maxTierSize: "SP30" });
      expect((await c.request("GET", `/api/atlas/v2/groups/${G}/streams/capped`, { accept: V_WS })).json.streamConfig).to.deep.equal({
        tier: "SP10",
        maxTierSize: "SP30",
      });
      const store = new Store();
      applySeed(store, { projects: [{ id: G, workspaces: [{ name: "w", tier: "SP10", maxTierSize: "SP30" }] }] });
      const again = new Store();
      applySeed(again, snapshot(store));
      expect(again.workspace(G, "w").maxTierSize).to.equal("SP30");
    });

    describe("when :startWith asks for a failover", () => {
      const startWith = (base: string, name: string, region: string) =>
        c.request("POST", `${base}/processor/${name}:startWith`, {
          accept: V_START_WITH,
          body: { failover: { region, mode: "GRACEFUL" } },
        });

      it("starts a processor created with failoverEnabled toward one of the workspace's failover regions", async () => {
        expect((await patch(HA, "ha", { failoverEnabled: true })).status).to.equal(200);
        expect((await startWith(HA, "ha", "DUBLIN_IRL")).status).to.equal(200);
        expect(["STARTING", "STARTED"]).to.include((await get(HA, "ha")).json.state);
      });

      it("answers 400 and leaves the processor stopped when failoverEnabled is off", async () => {
        const r = await startWith(HA, "ha", "DUBLIN_IRL");
        expect(r.status).to.equal(400);
        expect(r.json).to.deep.equal(
          genericError("ha", "failover is not enabled for this processor; modify it with failoverEnabled: true first"),
        );
        expect((await get(HA, "ha")).json.state).to.equal("STOPPED");
      });

      it("answers 400 naming the workspace's regions for a region it does not have", async () => {
        expect((await patch(HA, "ha", { failoverEnabled: true })).status).to.equal(200);
        const r = await startWith(HA, "ha", "OREGON_USA");
        expect(r.status).to.equal(400);
        expect(r.json.detail).to.include("OREGON_USA is not a failover region of stream workspace").and.include("DUBLIN_IRL");
        expect((await get(HA, "ha")).json.state).to.equal("STOPPED");
      });

      it("answers 400 on a workspace without failover regions", async () => {
        const r = await startWith(P, "sink", "DUBLIN_IRL");
        expect(r.status).to.equal(400);
        expect(r.json.detail).to.include("failover is not enabled");
        expect((await get(P, "sink")).json.state).to.equal("STOPPED");
      });
    });
  });

  describe("checkpoint on change", () => {
    const newSource = { $source: { connectionName: "sample_stream_solar", config: { fullDocument: "whenAvailable" } } };
    const msg = (stages: string) =>
      `cannot modify the ${stages} stage while resuming from the existing checkpoint; set options.resumeFromCheckpoint to false to discard the checkpoint`;

    for (const [what, options] of [
      ["without options", undefined],
      ["with resumeFromCheckpoint: true", { resumeFromCheckpoint: true }],
    ] as const) {
      it(`a $source change ${what} answers 400 and changes nothing, the DLQ, tier and name included`, async () => {
        const before = await get(P, "sink");
        const recBefore = emu.admin.getProcessor(G, "demo-workspace", "sink");
        const body = {
          pipeline: [newSource, emit],
          tier: "SP30",
          name: "renamed",
          ...(options ? { options: { ...options, dlq: {} } } : { options: { dlq: {} } }),
        };
        const r = await patch(P, "sink", body);
        expect(r.status).to.equal(400);
        expect(r.json).to.deep.equal(genericError("sink", msg("$source")));
        valid("updateGroupStreamProcessor", r);
        expect((await get(P, "sink")).json).to.deep.equal(before.json);
        expect(emu.admin.getProcessor(G, "demo-workspace", "sink")).to.deep.equal(recBefore);
        expect((await get(P, "renamed")).status).to.equal(404);
      });
    }

    it("a window change answers 400 naming the window stage", async () => {
      const before = await get(P, "windowed");
      const r = await patch(P, "windowed", { pipeline: [src, tumbling(30), emit] });
      expect(r.status).to.equal(400);
      expect(r.json).to.deep.equal(genericError("windowed", msg("$tumblingWindow")));
      expect((await get(P, "windowed")).json).to.deep.equal(before.json);
    });

    it("with resumeFromCheckpoint: false the change is applied and the flag is not stored", async () => {
      const r = await patch(P, "windowed", { pipeline: [newSource, tumbling(30), emit], options: { resumeFromCheckpoint: false } });
      expect(r.status, r.text).to.equal(200);
      valid("updateGroupStreamProcessor", r);
      expect(r.json.pipeline).to.deep.equal([newSource, tumbling(30), emit]);
      expect(r.json).to.not.have.property("options");
      const g = await get(P, "windowed");
      expect(g.json.pipeline).to.deep.equal([newSource, tumbling(30), emit]);
      expect(g.json).to.not.have.property("options");
      expect(JSON.stringify(emu.admin.getProcessor(G, "demo-workspace", "windowed"))).to.not.include("resumeFromCheckpoint");
    });

    it("resumeFromCheckpoint: false beside a DLQ keeps only the DLQ", async () => {
      const r = await patch(P, "sink", {
        pipeline: [newSource, emit],
        options: { resumeFromCheckpoint: false, dlq: { ...dlq, coll: "x" } },
      });
      expect(r.status, r.text).to.equal(200);
      expect(r.json.options).to.deep.equal({ dlq: { ...dlq, coll: "x" } });
    });

    it("a change to other stages needs no flag", async () => {
      const r = await patch(P, "windowed", { pipeline: [src, match(3), tumbling(10), emit] });
      expect(r.status, r.text).to.equal(200);
      expect((await get(P, "windowed")).json.pipeline).to.deep.equal([src, match(3), tumbling(10), emit]);
    });

    it("resumeFromCheckpoint must be a boolean, is refused on create, and other option keys stay refused", async () => {
      const bad = await patch(P, "sink", { options: { resumeFromCheckpoint: "no" } });
      expect(bad.status).to.equal(400);
      expect(bad.json.badRequestDetail.fields[0].field).to.equal("options.resumeFromCheckpoint");
      const unknown = await patch(P, "sink", { options: { resumeFromCheckpoint: false, replay: true } });
      expect(unknown.status).to.equal(400);
      expect(unknown.json.badRequestDetail.fields[0].field).to.equal("options.replay");
      const onCreate = await create(P, { name: "n", pipeline: [src, emit], options: { resumeFromCheckpoint: false } });
      expect(onCreate.status).to.equal(400);
      expect(onCreate.json.badRequestDetail.fields[0].field).to.equal("options.resumeFromCheckpoint");
      expect((await get(P, "n")).status).to.equal(404);
    });
  });

  describe("removing the DLQ", () => {
    it("options: {dlq: {}} removes it; GET then shows no options", async () => {
      const r = await patch(P, "sink", { options: { dlq: {} } });
      expect(r.status, r.text).to.equal(200);
      valid("updateGroupStreamProcessor", r);
      expect(r.json).to.not.have.property("options");
      const g = await get(P, "sink");
      expect(g.json).to.not.have.property("options");
      expect(emu.admin.getProcessor(G, "demo-workspace", "sink")).to.not.have.property("options");
    });

    it("a PATCH without options, or with only resumeFromCheckpoint, keeps the DLQ", async () => {
      expect((await patch(P, "sink", { tier: "SP30" })).status).to.equal(200);
      expect((await get(P, "sink")).json.options).to.deep.equal({ dlq });
      expect((await patch(P, "sink", { pipeline: [src, match(1), emit], options: { resumeFromCheckpoint: false } })).status).to.equal(200);
      expect((await get(P, "sink")).json.options).to.deep.equal({ dlq });
    });
  });

  describe("fail after start", () => {
    const state = async (name: string) => (await get(P, name)).json.state as string;
    const start = (name: string) => c.request("POST", `${P}/processor/${name}:start`, { accept: V_PROC });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    it("in-process: armed before the start, the processor reads STARTED, then FAILED, and only once", async () => {
      emu.admin.failAfterStart(G, "demo-workspace", "orders", 100);
      expect(await state("orders")).to.equal("CREATED");
      expect((await start("orders")).status).to.equal(200);
      expect(await state("orders")).to.equal("STARTED");
      await sleep(150);
      const failed = await get(P, "orders");
      expect(failed.json.state).to.equal("FAILED");
      valid("getGroupStreamProcessor", failed);
      expect((await start("orders")).status).to.equal(200);
      await sleep(150);
      expect(await state("orders")).to.equal("STARTED");
    });

    it("HTTP: POST …/fail-after-start on a STARTED processor with ms 0 fails it at once", async () => {
      await start("orders");
      const r = await admin(emu.url, "POST", `/admin/processors/${G}/demo-workspace/orders/fail-after-start`, { ms: 0 });
      expect(r.status, r.text).to.equal(200);
      expect(r.json.observedState).to.equal("FAILED");
      expect(await state("orders")).to.equal("FAILED");
    });

    it("HTTP: ms must be a number >= 0, the processor must exist, only POST is allowed, and a refused arm arms nothing", async () => {
      const bad = await admin(emu.url, "POST", `/admin/processors/${G}/demo-workspace/orders/fail-after-start`, { ms: -1 });
      expect(bad.status).to.equal(400);
      expect(bad.json.detail).to.equal("ms must be a number >= 0");
      const missing = await admin(emu.url, "POST", `/admin/processors/${G}/demo-workspace/nope/fail-after-start`, { ms: 10 });
      expect(missing.status).to.equal(404);
      const wrong = await admin(emu.url, "PUT", `/admin/processors/${G}/demo-workspace/orders/fail-after-start`, { ms: 10 });
      expect(wrong.status).to.equal(405);
      await start("orders");
      await sleep(30);
      expect(await state("orders")).to.equal("STARTED");
    });
  });
});
