/**
 * Closure serialization, as the Pulumi engine does it: the program serializes the provider
 * object into `__provider` text; the dynamic-provider plugin later evaluates that text in a
 * fresh process (require-from-string with an empty filename, in the program's folder) and calls
 * it. Both ways the package is consumed: from this repository and installed from `npm pack`.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { RunningEmulator } from "../../emulator";
import { installPackedProject } from "../support/e2e-harness";
import { API_KEY, PROJECT, WORKSPACE, withEmulator } from "../support/helpers";

const execFileAsync = promisify(execFile);
const REPO = join(__dirname, "..", "..");
const CANARY = "canary-secret-that-must-not-be-serialized";

/**
 * Runs as a module file (as a Pulumi program does: closure capture differs under `node -e`):
 * serialize `() => streamProcessorProvider` to a file.
 */
const SERIALIZE = `
const fs = require("fs");
process.env.MONGODB_ATLAS_PRIVATE_KEY = process.env.CANARY; // present at serialization time
process.env.MONGODB_ATLAS_PUBLIC_KEY = "canary-public";
const from = { paths: [process.cwd()] };
const pulumi = require(require.resolve("@pulumi/pulumi", from));
const { streamProcessorProvider } = require(require.resolve(process.env.PKG, from));
pulumi.runtime.serializeFunction(() => streamProcessorProvider, { allowSecrets: true })
  .then((sf) => fs.writeFileSync(process.env.OUT, sf.text))
  .catch((e) => { console.error(e); process.exit(1); });
`;

/** Runs in a fresh process like the plugin: load the text and drive the provider. */
const LOAD_AND_RUN = `
const Module = require("module");
const fs = require("fs");
const text = fs.readFileSync(process.env.TEXT, "utf8");
const m = new Module("", null);
m.filename = "";
m.paths = Module._nodeModulePaths(process.cwd());
m._compile(text, "");
const provider = m.exports.handler();
const cfg = JSON.parse(process.env.CFG);
(async () => {
  await provider.configure({ config: { get: (k) => cfg[k], require: (k) => cfg[k] } });
  const inputs = { projectId: process.env.PROJECT, workspaceName: process.env.WORKSPACE, processorName: "orders" };
  const checked = await provider.check({}, inputs);
  const created = await provider.create(checked.inputs);
  const read = await provider.read(created.id, created.outs);
  const failed = await provider.create({ ...checked.inputs, processorName: "does-not-exist" }).then(() => null, (e) => ({ name: e.name, message: e.message }));
  await provider.delete(created.id, read.props);
  console.log(JSON.stringify({ created, read, failed }));
})().catch((e) => { console.error("FAILED:", e && e.stack || e); process.exit(1); });
`;

async function roundTrip(emu: RunningEmulator, cwd: string, pkg: string): Promise<{ text: string; result: Record<string, any> }> {
  // Transient faults prove the retry machinery survived serialization too.
  emu.admin.injectFault({ method: "GET", path: "*/processor/orders", kind: "status", status: 500, times: 1 });
  emu.admin.injectFault({ method: "POST", path: "*/processor/orders:start", kind: "status-after-apply", status: 503, times: 1 });
  emu.admin.injectFault({ method: "POST", path: "*/processor/orders:stop", kind: "reset", times: 1 });
  const dir = mkdtempSync(join(tmpdir(), "asp-serialize-"));
  try {
    const out = join(dir, "provider.js");
    writeFileSync(join(dir, "serialize.js"), SERIALIZE);
    await execFileAsync(process.execPath, [join(dir, "serialize.js")], { cwd, env: { ...process.env, PKG: pkg, OUT: out, CANARY } });
    const text = readFileSync(out, "utf8");
    const cfg = {
      "atlas-stream-processor:backoffBaseMs": "20",
      "mongodbatlas:baseUrl": emu.url,
      "mongodbatlas:publicKey": API_KEY.publicKey,
      "mongodbatlas:privateKey": API_KEY.privateKey,
    };
    const env: Record<string, string | undefined> = { ...process.env, TEXT: out, CFG: JSON.stringify(cfg), PROJECT, WORKSPACE };
    for (const k of Object.keys(env)) if (k.startsWith("MONGODB_ATLAS_")) delete env[k];
    const { stdout } = await execFileAsync(process.execPath, ["-e", LOAD_AND_RUN], { cwd, env, maxBuffer: 10 * 1024 * 1024 });
    const last = stdout.trim().split("\n").at(-1)!;
    return { text, result: JSON.parse(last) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function expectWorkingProvider(emu: RunningEmulator, text: string, result: Record<string, any>): void {
  expect(text).to.not.include(CANARY);
  expect(text).to.not.include("canary-public");
  expect(text).to.not.include(API_KEY.privateKey);
  expect(result.created.outs.state).to.equal("STARTED");
  expect(result.read.props.state).to.equal("STARTED");
  expect(result.failed.name).to.equal("ProcessorStateError");
  expect(result.failed.message).to.include("does not exist");
  expect(emu.admin.getProcessor(PROJECT, WORKSPACE, "orders")?.observedState).to.equal("STOPPED");
  const log = emu.admin.requests();
  expect(log.filter((r) => r.path.endsWith("/processor/orders") && r.method === "GET").map((r) => r.status)).to.include.members([500, 200]);
  expect(log.filter((r) => r.path.endsWith(":start")).length, "no second :start after the 503-after-apply").to.equal(1);
}

describe("StreamProcessor provider closure serialization (fresh process)", function () {
  this.timeout(60_000);
  let emu: RunningEmulator;
  beforeEach(async () => {
    emu = await withEmulator({ transitionMs: 50 });
  });
  afterEach(async () => emu.close());

  it("works when serialized from this repository's build", async () => {
    const { text, result } = await roundTrip(emu, REPO, join(REPO, "dist", "provider", "resource", "dynamic-provider.js"));
    expectWorkingProvider(emu, text, result);
  });

  describe("when installed from npm pack", () => {
    let project: string;
    before(function () {
      this.timeout(5 * 60_000);
      project = installPackedProject("export {};\n");
    });
    after(() => rmSync(project, { recursive: true, force: true }));

    it("works, and __provider only requires the package's lifecycle module (at most 4 KB)", async () => {
      // The provider object is internal (not in the package's exports): load its file by path.
      const installed = join(
        project,
        "node_modules",
        "pulumi-atlas-stream-processor",
        "dist",
        "provider",
        "resource",
        "dynamic-provider.js",
      );
      const { text, result } = await roundTrip(emu, project, installed);
      expectWorkingProvider(emu, text, result);
      expect(text).to.include('require("pulumi-atlas-stream-processor/dist/provider/lifecycle.js")');
      expect(Buffer.byteLength(text)).to.be.at.most(4096);
    });
  });
});
