// A deleted connection reads DELETING for `connectionDeletingMs`, then is gone (404), as the
// official Terraform resource waits for after a DELETE ("some connections (e.g., Kafka VPC) are
// deleted asynchronously and go through a DELETING state"). Over real HTTP on a virtual clock:
// each test counts the states a poller sees.
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator } from "../../emulator";
import { USAGE, parseArgs } from "../../emulator/cli";
import { EMULATOR_DEFAULTS } from "../../emulator/defaults";
import { P, V_PROC, V_WS, bearerClient, emulatorPerTest } from "../support/emulator-client";

const C = `${P}/connections`;
const KAFKA = { name: "kafka1", type: "Kafka", bootstrapServers: "broker:9092", security: { protocol: "SASL_SSL" } };
const READER = { name: "reader", pipeline: [{ $source: { connectionName: "kafka1" } }, { $emit: { connectionName: "__testLog" } }] };
const MISSING = (processor: string) =>
  `Streams Processor with this name (${processor}) had a problem occur: connection named kafka1 does not exist. Check sp.listConnections() for available connections.`;

describe("emulator: a deleted connection reads DELETING, then is gone", function () {
  const f = emulatorPerTest();
  let t = 0;
  const clock = () => t;
  beforeEach(() => {
    t = Date.parse("2026-01-01T00:00:00Z");
  });

  const get = () => f.c.request("GET", `${C}/kafka1`, { accept: V_WS });
  const listed = async () =>
    (await f.c.request("GET", C, { accept: V_WS })).json.results.find((x: { name: string }) => x.name === "kafka1")?.state ?? "absent";
  const inWorkspace = async () =>
    (await f.c.request("GET", `${P}?includeConnections=true`, { accept: V_WS })).json.connections.find(
      (x: { name: string }) => x.name === "kafka1",
    )?.state ?? "absent";
  /** What a poller sees on GET every `stepMs` for `forMs`: a state, or the status of an error. */
  async function poll(stepMs: number, forMs: number): Promise<Record<string, number>> {
    const seen: Record<string, number> = {};
    for (const end = t + forMs; t < end; t += stepMs) {
      const r = await get();
      const key = r.status === 200 ? r.json.state : String(r.status);
      seen[key] = (seen[key] ?? 0) + 1;
    }
    return seen;
  }

  it("with connectionDeletingMs 30000, GET every second reads DELETING 30 times, then 404 STREAM_CONNECTION_NOT_FOUND", async () => {
    await f.start({ connectionDeletingMs: 30_000, now: clock });
    expect((await f.c.request("POST", C, { accept: V_WS, body: KAFKA })).json.state).to.equal("READY");
    const del = await f.c.request("DELETE", `${C}/kafka1`, { accept: V_WS });
    expect([del.status, del.json]).to.deep.equal([202, {}]);
    expect(await poll(1_000, 40_000)).to.deep.equal({ DELETING: 30, "404": 10 });
    const gone = await get();
    expect(gone.json).to.include({ errorCode: "STREAM_CONNECTION_NOT_FOUND" });
  });

  it("the list and the workspace's includeConnections show DELETING too, then leave it out", async () => {
    await f.start({ connectionDeletingMs: 10_000, now: clock });
    await f.c.request("POST", C, { accept: V_WS, body: KAFKA });
    await f.c.request("DELETE", `${C}/kafka1`, { accept: V_WS });
    const seen: string[] = [];
    for (let i = 0; i < 4; i++, t += 5_000) seen.push(`${await listed()}/${await inWorkspace()}`);
    expect(seen).to.deep.equal(["DELETING/DELETING", "DELETING/DELETING", "absent/absent", "absent/absent"]);
  });

  it("while DELETING a processor create or modify naming it answers the 400 of a missing connection", async () => {
    await f.start({ connectionDeletingMs: 30_000, now: clock });
    await f.c.request("POST", C, { accept: V_WS, body: KAFKA });
    await f.c.request("DELETE", `${C}/kafka1`, { accept: V_WS });
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < 6; i++, t += 10_000) {
      const created = await f.c.request("POST", `${P}/processor`, { accept: V_PROC, body: READER });
      const modified = await f.c.request("PATCH", `${P}/processor/payments`, {
        accept: V_PROC,
        body: { pipeline: READER.pipeline, options: { resumeFromCheckpoint: false } },
      });
      expect(created.json.detail).to.equal(MISSING("reader"));
      expect(modified.json.detail).to.equal(MISSING("payments"));
      const key = `${(await get()).json.state ?? "gone"} ${created.status}/${modified.status}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }
    expect(outcomes).to.deep.equal({ "DELETING 400/400": 3, "gone 400/400": 3 });
  });

  it("a second DELETE or a PATCH while DELETING answers as usual and does not put the end off; the name is taken until it is gone", async () => {
    await f.start({ connectionDeletingMs: 30_000, now: clock });
    await f.c.request("POST", C, { accept: V_WS, body: KAFKA });
    await f.c.request("DELETE", `${C}/kafka1`, { accept: V_WS });
    t += 10_000;
    const patched = await f.c.request("PATCH", `${C}/kafka1`, { accept: V_WS, body: { bootstrapServers: "broker-2:9092" } });
    expect([patched.status, patched.json.bootstrapServers]).to.deep.equal([200, "broker-2:9092"]);
    t += 10_000;
    expect((await f.c.request("DELETE", `${C}/kafka1`, { accept: V_WS })).status).to.equal(202);
    const again = await f.c.request("POST", C, { accept: V_WS, body: KAFKA });
    expect([again.status, again.json.errorCode]).to.deep.equal([409, "STREAM_CONNECTION_ALREADY_EXISTS"]);
    expect(await poll(5_000, 20_000)).to.deep.equal({ DELETING: 2, "404": 2 });
    expect((await f.c.request("POST", C, { accept: V_WS, body: KAFKA })).json.state).to.equal("READY");
  });

  it("by default a deleted connection is gone at once: no DELETING is ever seen", async () => {
    await f.start({ now: clock });
    await f.c.request("POST", C, { accept: V_WS, body: KAFKA });
    await f.c.request("DELETE", `${C}/kafka1`, { accept: V_WS });
    expect(await poll(1_000, 5_000)).to.deep.equal({ "404": 5 });
  });

  it("a restart with a data file finds a DELETING connection gone (connection times are not kept)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-emu-"));
    const dataFile = path.join(dir, "state.json");
    const options = { quiet: true, dataFile, connectionDeletingMs: 60_000, now: clock };
    let emu = await startEmulator(options);
    try {
      let c = await bearerClient(emu.url);
      await c.request("POST", C, { accept: V_WS, body: KAFKA });
      await c.request("DELETE", `${C}/kafka1`, { accept: V_WS });
      expect((await c.request("GET", `${C}/kafka1`, { accept: V_WS })).json.state).to.equal("DELETING");
      await emu.close();
      emu = await startEmulator(options);
      c = await bearerClient(emu.url);
      expect((await c.request("GET", `${C}/kafka1`, { accept: V_WS })).status).to.equal(404);
    } finally {
      await emu.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is an option with one default: the CLI flag, its usage line and EMULATOR_DEFAULTS", () => {
    expect(EMULATOR_DEFAULTS.connectionDeletingMs).to.equal(0);
    expect(parseArgs(["--connection-deleting-ms", "1500"])).to.include({ connectionDeletingMs: 1500 });
    expect(parseArgs(["--connection-deleting-ms=0"])).to.include({ connectionDeletingMs: 0 });
    expect(() => parseArgs(["--connection-deleting-ms", "-1"])).to.throw("non-negative integer");
    expect(USAGE).to.match(/--connection-deleting-ms N\n\s+how long a connection deleted[^]*\(default 0\)/);
  });
});
