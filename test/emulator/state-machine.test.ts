// Processor lifecycle: transitions, transitional states, failures and the answers for
// operations that do not fit the current state.
import { expect } from "chai";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { Client, G, OWNER, P, V_PROC, V_START_WITH, seedProcessors, storeWithProcessorP } from "../support/emulator-client";

const pipeline = [{ $source: { connectionName: "sample_stream_solar" } }, { $emit: { connectionName: "__testLog" } }];

describe("emulator: processor state machine", function () {
  let emu: RunningEmulator;
  let c: Client;
  const state = async (name: string) => (await c.request("GET", `${P}/processor/${name}`, { accept: V_PROC })).json.state as string;
  const post = (name: string, action: string, accept = V_PROC, body?: unknown) =>
    c.request("POST", `${P}/processor/${name}:${action}`, { accept, ...(body !== undefined ? { body } : {}) });

  beforeEach(async () => {
    emu = await startEmulator();
    c = new Client(emu.url, { kind: "digest", ...OWNER });
  });
  afterEach(() => emu.close());

  it("goes CREATED → STARTED → STOPPED → STARTED, start answering 200 with {}", async () => {
    expect(await state("orders")).to.equal("CREATED");
    const r = await post("orders", "start");
    expect(r.status).to.equal(200);
    expect(r.json).to.deep.equal({});
    expect(await state("orders")).to.equal("STARTED");
    expect((await post("orders", "stop")).status).to.equal(200);
    expect(await state("orders")).to.equal("STOPPED");
    expect((await post("orders", "startWith", V_START_WITH, { resumeFromCheckpoint: true })).status).to.equal(200);
    expect(await state("orders")).to.equal("STARTED");
  });

  it("startWith applies the requested tier", async () => {
    expect((await post("inventory", "startWith", V_START_WITH, { tier: "SP50" })).status).to.equal(200);
    const g = await c.request("GET", `${P}/processor/inventory`, { accept: V_PROC });
    expect(g.json.tier).to.equal("SP50");
    expect(g.json.state).to.equal("STARTED");
  });

  it("startWith accepts an empty body", async () => {
    expect((await post("inventory", "startWith", V_START_WITH)).status).to.equal(200);
    expect(await state("inventory")).to.equal("STARTED");
  });

  it("by default shows the previous state during the transition delay (as Atlas: no STARTING), INIT for a create", async () => {
    emu.admin.setTransitionMs(250);
    await post("orders", "start");
    expect(await state("orders")).to.equal("CREATED");
    await new Promise((r) => setTimeout(r, 300));
    expect(await state("orders")).to.equal("STARTED");
    await post("orders", "stop");
    expect(await state("orders")).to.equal("STARTED");
    const created = await c.request("POST", `${P}/processor`, { accept: V_PROC, body: { name: "late", pipeline } });
    expect(created.json.state).to.equal("INIT");
    await new Promise((r) => setTimeout(r, 300));
    expect(await state("orders")).to.equal("STOPPED");
    expect(await state("late")).to.equal("CREATED");
  });

  it("with transitionalStates shows STARTING/STOPPING/INIT during the transition delay, then the settled state", async () => {
    emu.admin.setTransitionMs(250);
    emu.admin.setActionMode({ transitionalStates: true });
    await post("orders", "start");
    expect(await state("orders")).to.equal("STARTING");
    await new Promise((r) => setTimeout(r, 300));
    expect(await state("orders")).to.equal("STARTED");
    await post("orders", "stop");
    expect(await state("orders")).to.equal("STOPPING");
    const created = await c.request("POST", `${P}/processor`, { accept: V_PROC, body: { name: "late", pipeline } });
    expect(created.json.state).to.equal("INIT");
    expect(await state("late")).to.equal("INIT");
    await new Promise((r) => setTimeout(r, 300));
    expect(await state("orders")).to.equal("STOPPED");
    expect(await state("late")).to.equal("CREATED");
  });

  it("computes transitions lazily from an injected clock (pure store)", () => {
    let now = 1000;
    const s = storeWithProcessorP(100, () => now);
    s.actions = { ...s.actions, transitionalStates: true };
    s.startProcessor(G, "w", "p");
    expect(s.observedState(s.processor(G, "w", "p"))).to.equal("STARTING");
    now += 99;
    expect(s.observedState(s.processor(G, "w", "p"))).to.equal("STARTING");
    now += 1;
    expect(s.observedState(s.processor(G, "w", "p"))).to.equal("STARTED");
  });

  it("a start whose $source names an unknown connection ends FAILED; FAILED can be started again", async () => {
    // Create refuses an unknown connection, so the broken processor comes from a seed.
    seedProcessors(emu, [
      { name: "broken", pipeline: [{ $source: { connectionName: "nope" } }, { $emit: { connectionName: "__testLog" } }] },
    ]);
    expect((await post("broken", "start")).status).to.equal(200);
    expect(await state("broken")).to.equal("FAILED");
    // A new $source cannot resume from the old checkpoint.
    await c.request("PATCH", `${P}/processor/broken`, { accept: V_PROC, body: { pipeline, options: { resumeFromCheckpoint: false } } });
    expect((await post("broken", "start")).status).to.equal(200);
    expect(await state("broken")).to.equal("STARTED");
  });

  it("admin can fail a processor (HTTP and in-process), and it reads FAILED", async () => {
    await post("orders", "start");
    const r = await fetch(`${emu.url}/admin/processors/${G}/demo-workspace/orders/fail`, { method: "POST" });
    expect(r.status).to.equal(200);
    expect(await state("orders")).to.equal("FAILED");
    emu.admin.setProcessorState(G, "demo-workspace", "orders", "STOPPED");
    expect(await state("orders")).to.equal("STOPPED");
    emu.admin.failProcessor(G, "demo-workspace", "payments");
    expect(await state("payments")).to.equal("FAILED");
  });

  it("starting a running processor answers 400 STREAM_PROCESSOR_GENERIC_ERROR with the documented detail", async () => {
    await post("orders", "start");
    const r = await post("orders", "start");
    expect(r.status).to.equal(400);
    expect(r.json.errorCode).to.equal("STREAM_PROCESSOR_GENERIC_ERROR");
    expect(r.json.detail).to.match(/^Streams Processor with this name \(orders\) had a problem occur: /);
    expect(r.json.parameters[0]).to.equal("orders");
  });

  it("stopping a STOPPED or CREATED processor answers 400", async () => {
    expect((await post("payments", "stop")).status).to.equal(400);
    expect((await post("orders", "stop")).status).to.equal(400);
    expect(await state("payments")).to.equal("STOPPED");
  });

  it("modifying a running processor answers 400 and changes nothing; a stopped one can be modified", async () => {
    await post("orders", "start");
    const r = await c.request("PATCH", `${P}/processor/orders`, { accept: V_PROC, body: { tier: "SP50" } });
    expect(r.status).to.equal(400);
    expect(emu.admin.getProcessor(G, "demo-workspace", "orders")!.tier).to.equal("SP10");
    emu.admin.addConnection(G, "demo-workspace", { name: "x", type: "Cluster" });
    const ok = await c.request("PATCH", `${P}/processor/payments`, {
      accept: V_PROC,
      body: { name: "payments-v2", options: { dlq: { connectionName: "x", db: "d", coll: "c" } } },
    });
    expect(ok.status).to.equal(200);
    expect(ok.json.name).to.equal("payments-v2");
    expect(ok.json.options.dlq.coll).to.equal("c");
    expect((await c.request("GET", `${P}/processor/payments`, { accept: V_PROC })).status).to.equal(404);
  });

  it("deleting a running processor succeeds (204) and it is gone", async () => {
    await post("orders", "start");
    expect((await c.request("DELETE", `${P}/processor/orders`, { accept: V_PROC })).status).to.equal(204);
    expect((await c.request("GET", `${P}/processor/orders`, { accept: V_PROC })).status).to.equal(404);
  });

  it("keeps pipeline stage key order exactly, through create, get, list and modify", async () => {
    const p = [
      { $source: { connectionName: "sample_stream_solar", timeField: { $dateFromString: { dateString: "$t" } } } },
      { $sort: { zeta: 1, alpha: -1, mid: 1 } },
      { $project: { z: 1, a: 1, _id: 0 } },
      { $emit: { connectionName: "__testLog" } },
    ];
    const created = await c.request("POST", `${P}/processor`, { accept: V_PROC, body: { name: "ordered", pipeline: p } });
    const expected = JSON.stringify(p);
    expect(JSON.stringify(created.json.pipeline)).to.equal(expected);
    expect(JSON.stringify((await c.request("GET", `${P}/processor/ordered`, { accept: V_PROC })).json.pipeline)).to.equal(expected);
    const list = await c.request("GET", `${P}/processors`, { accept: V_PROC });
    expect(JSON.stringify(list.json.results.find((x: any) => x.name === "ordered").pipeline)).to.equal(expected);
    const p2 = [p[0], { $sort: { b: 1, a: 1 } }, p[3]];
    const m = await c.request("PATCH", `${P}/processor/ordered`, { accept: V_PROC, body: { pipeline: p2 } });
    expect(JSON.stringify(m.json.pipeline)).to.equal(JSON.stringify(p2));
  });

  it("keeps a processor's _id stable across start/stop/modify", async () => {
    const before = (await c.request("GET", `${P}/processor/orders`, { accept: V_PROC })).json._id;
    expect(before).to.match(/^[a-f0-9]{24}$/);
    await post("orders", "start");
    await post("orders", "stop");
    await c.request("PATCH", `${P}/processor/orders`, { accept: V_PROC, body: { tier: "SP5" } });
    expect((await c.request("GET", `${P}/processor/orders`, { accept: V_PROC })).json._id).to.equal(before);
  });

  it("lists with pagination: itemsPerPage, pageNum, includeCount and links", async () => {
    const r1 = await c.request("GET", `${P}/processors?itemsPerPage=2&pageNum=1`, { accept: V_PROC });
    expect(r1.json.results.map((x: any) => x.name)).to.deep.equal(["orders", "payments"]);
    expect(r1.json.totalCount).to.equal(3);
    expect(r1.json.links.map((l: any) => l.rel)).to.deep.equal(["self", "next"]);
    const r2 = await c.request("GET", `${P}/processors?itemsPerPage=2&pageNum=2&includeCount=false`, { accept: V_PROC });
    expect(r2.json.results.map((x: any) => x.name)).to.deep.equal(["inventory"]);
    expect(r2.json).to.not.have.property("totalCount");
    expect(r2.json.links.map((l: any) => l.rel)).to.deep.equal(["previous", "self"]);
    for (const bad of ["itemsPerPage=0", "itemsPerPage=501", "itemsPerPage=abc", "pageNum=0", "includeCount=maybe"]) {
      const r = await c.request("GET", `${P}/processors?${bad}`, { accept: V_PROC });
      expect(r.status, bad).to.equal(400);
      expect(r.json.badRequestDetail.fields[0].field).to.equal(bad.split("=")[0]);
    }
  });

  it("creates and lists workspaces", async () => {
    const accept = "application/vnd.atlas.2023-02-01+json";
    const cr = await c.request("POST", `/api/atlas/v2/groups/${G}/streams`, {
      accept,
      body: { name: "ws2", dataProcessRegion: { cloudProvider: "AWS", region: "OHIO_USA" }, sampleConnections: { solar: true } },
    });
    expect(cr.status).to.equal(200);
    expect(cr.json).to.not.have.property("connections"); // the recorded answer lists none
    const withConns = await c.request("GET", `/api/atlas/v2/groups/${G}/streams/ws2?includeConnections=true`, { accept });
    expect(withConns.json.connections.map((x: any) => x.name)).to.deep.equal(["sample_stream_solar"]);
    const list = await c.request("GET", `/api/atlas/v2/groups/${G}/streams`, { accept });
    expect(list.json.results.map((w: any) => w.name)).to.deep.equal(["demo-workspace", "ws2"]);
    const dup = await c.request("POST", `/api/atlas/v2/groups/${G}/streams`, {
      accept,
      body: { name: "ws2", dataProcessRegion: { cloudProvider: "AWS", region: "OHIO_USA" } },
    });
    expect(dup.status).to.equal(400);
  });
});
