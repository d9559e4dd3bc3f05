// Persistence across restarts, corrupt data files, seeds, and the CLI as a child process.
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator } from "../../emulator";
import { defaultSeedPath } from "../../emulator/seed";
import { Client, G, OWNER, P, REPO_ROOT, V_PROC, bearerClient } from "../support/emulator-client";
import { unchecked } from "../support/unchecked";

const pipeline = [{ $source: { connectionName: "sample_stream_solar" } }, { $sort: { z: 1, a: 1 } }];

describe("emulator: persistence, seeds and CLI", function () {
  this.timeout(30_000); // the CLI tests spawn Node processes
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "atlas-emu-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("keeps every change across a restart with a data file (ids, states, order, credentials)", async () => {
    const file = path.join(dir, "state.json");
    let emu = await startEmulator({ dataFile: file });
    let c = new Client(emu.url, { kind: "digest", ...OWNER });
    const created = await c.request("POST", `${P}/processor`, { accept: V_PROC, body: { name: "kept", pipeline } });
    await c.request("POST", `${P}/processor/orders:start`, { accept: V_PROC });
    await c.request("DELETE", `${P}/processor/inventory`, { accept: V_PROC });
    emu.admin.seed({ apiKeys: [{ publicKey: "late-key", privateKey: "late-secret", roles: [{ groupId: G, roleName: "GROUP_OWNER" }] }] });
    await emu.admin.flush();
    await emu.close();
    expect(fs.readdirSync(dir)).to.deep.equal(["state.json"]); // no temp files left behind

    // The seed is ignored when the data file exists.
    emu = await startEmulator({ dataFile: file, seed: {} });
    c = new Client(emu.url, { kind: "digest", ...OWNER });
    const got = await c.request("GET", `${P}/processor/kept`, { accept: V_PROC });
    expect(got.json._id).to.equal(created.json._id);
    expect(JSON.stringify(got.json.pipeline)).to.equal(JSON.stringify(pipeline));
    expect((await c.request("GET", `${P}/processor/orders`, { accept: V_PROC })).json.state).to.equal("STARTED");
    expect((await c.request("GET", `${P}/processor/inventory`, { accept: V_PROC })).status).to.equal(404);
    const late = new Client(emu.url, { kind: "digest", user: "late-key", pass: "late-secret" });
    expect((await late.request("GET", `${P}/processors`, { accept: V_PROC })).status).to.equal(200);
    await emu.close();
  });

  it("serialises concurrent writes: the file always parses and ends with every change", async () => {
    const file = path.join(dir, "state.json");
    const emu = await startEmulator({ dataFile: file });
    const c = await bearerClient(emu.url);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => c.request("POST", `${P}/processor`, { accept: V_PROC, body: { name: `p${i}`, pipeline } })),
    );
    await emu.close();
    const doc = JSON.parse(fs.readFileSync(file, "utf8"));
    const names = doc.state.projects[0].workspaces[0].processors.map((p: any) => p.name);
    for (let i = 0; i < 20; i++) expect(names).to.include(`p${i}`);
  });

  it("refuses a corrupt data file with an error naming it, and never overwrites it", async () => {
    const file = path.join(dir, "state.json");
    fs.writeFileSync(file, "{ this is not json");
    const err = await startEmulator({ dataFile: file }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).to.include(file);
    expect(err?.message).to.match(/corrupt/i);
    expect(fs.readFileSync(file, "utf8")).to.equal("{ this is not json");
    fs.writeFileSync(file, JSON.stringify({ hello: "world" }));
    expect(
      await startEmulator({ dataFile: file }).then(
        () => "started",
        (e: Error) => e.message,
      ),
    ).to.include(file);
  });

  it("starts empty with seed {} and from a seed file path; rejects an invalid seed", async () => {
    const empty = await startEmulator({ seed: {} });
    const r = await new Client(empty.url, { kind: "digest", ...OWNER }).request("GET", `${P}/processors`, { accept: V_PROC });
    expect(r.status).to.equal(401); // no keys at all
    await empty.close();
    const seedFile = path.join(dir, "seed.json");
    fs.writeFileSync(
      seedFile,
      JSON.stringify({
        projects: [{ id: "cccccccccccccccccccccccc", name: "x", workspaces: [{ name: "w", processors: [{ name: "p", pipeline }] }] }],
        apiKeys: [{ publicKey: "k", privateKey: "s", roles: [{ groupId: "cccccccccccccccccccccccc", roleName: "GROUP_OWNER" }] }],
      }),
    );
    const fromFile = await startEmulator({ seed: seedFile });
    const g = await new Client(fromFile.url, { kind: "digest", user: "k", pass: "s" }).request(
      "GET",
      `/api/atlas/v2/groups/cccccccccccccccccccccccc/streams/w/processor/p`,
      { accept: V_PROC },
    );
    expect(g.json.state).to.equal("CREATED");
    await fromFile.close();
    const bad = await startEmulator({ seed: unchecked({ projects: [{ id: "nope" }] }) }).then(
      () => "",
      (e: Error) => e.message,
    );
    expect(bad).to.match(/projects\[0\]\.id/);
  });

  it("ships the default seed the demo relies on", () => {
    const seed = JSON.parse(fs.readFileSync(defaultSeedPath(), "utf8"));
    expect(seed.projects[0]).to.include({ id: G, name: "demo-project" });
    const ws = seed.projects[0].workspaces[0];
    expect(ws.name).to.equal("demo-workspace");
    expect(ws.processors.map((p: any) => [p.name, p.state])).to.deep.equal([
      ["orders", "CREATED"],
      ["payments", "STOPPED"],
      ["inventory", "CREATED"],
    ]);
    expect(seed.apiKeys.map((k: any) => [k.publicKey, k.privateKey, k.roles[0].roleName])).to.deep.equal([
      ["demo-public-key", "demo-private-key", "GROUP_OWNER"],
      ["readonly-public-key", "readonly-private-key", "GROUP_READ_ONLY"],
    ]);
    expect(seed.serviceAccounts[0]).to.include({ clientId: "mdb_sa_id_demo", clientSecret: "mdb_sa_sk_demo" });
  });

  describe("CLI", () => {
    const cli = path.join(REPO_ROOT, "emulator", "cli.ts");
    const tsx = path.join(REPO_ROOT, "node_modules", ".bin", "tsx");
    const children: ChildProcess[] = [];
    after(() => {
      for (const ch of children) if (ch.exitCode === null) ch.kill("SIGKILL");
    });

    function launch(args: string[]): {
      child: ChildProcess;
      url: Promise<string>;
      exit: Promise<number | null>;
      out: () => string;
      err: () => string;
    } {
      const child = spawn(tsx, [cli, ...args], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
      children.push(child);
      let out = "";
      let err = "";
      const url = new Promise<string>((resolve, reject) => {
        child.stdout!.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /^Atlas Streams emulator listening on (http:\/\/\S+)$/m.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on("exit", () => reject(new Error(`exited early: ${out} ${err}`)));
      });
      url.catch(() => undefined);
      child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
      const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      return { child, url, exit, out: () => out, err: () => err };
    }

    it("prints its URL, binds 127.0.0.1, serves the seed with the transition delay, stops cleanly on SIGTERM", async () => {
      const file = path.join(dir, "cli-state.json");
      const run = launch([
        "--port",
        "0",
        "--data-file",
        file,
        "--transition-ms",
        "5000",
        "--rate-limit",
        "100/10",
        "--transitional-states",
      ]);
      const url = await run.url;
      expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      const c = new Client(url, { kind: "digest", ...OWNER });
      await c.request("POST", `${P}/processor/orders:start`, { accept: V_PROC });
      const g = await c.request("GET", `${P}/processor/orders`, { accept: V_PROC });
      expect(g.json.state).to.equal("STARTING");
      expect(g.headers["ratelimit-limit"]).to.equal("100");
      run.child.kill("SIGTERM");
      expect(await run.exit).to.equal(0);
      expect(fs.existsSync(file)).to.equal(true);
    });

    it("stops cleanly on SIGINT", async () => {
      const run = launch(["--port", "0", "--quiet"]);
      await run.url;
      run.child.kill("SIGINT");
      expect(await run.exit).to.equal(0);
    });

    it("exits 2 with usage on bad flags", async () => {
      const cases = [["--bogus"], ["--port", "abc"], ["--port"], ["--rate-limit", "lots"]];
      const runs = cases.map((args) => ({ args, run: launch(args) }));
      for (const { args, run } of runs) {
        expect(await run.exit, args.join(" ")).to.equal(2);
        expect(run.err()).to.match(/Usage: atlas-streams-emulator/);
      }
    });

    it("exits 1 with a clear message for a corrupt data file", async () => {
      const file = path.join(dir, "bad.json");
      fs.writeFileSync(file, "garbage");
      const run = launch(["--port", "0", "--data-file", file]);
      expect(await run.exit).to.equal(1);
      expect(run.err()).to.include(file);
    });
  });
});
