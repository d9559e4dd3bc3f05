/**
 * The data functions under a real `pulumi up`: examples/inspect keeps a processor running and
 * reads it back with getStreamProcessorOutput / getStreamProcessorsOutput, exporting its state
 * and message counts. Its Pulumi.yaml (like the root quickstart project's) sets
 * `options: refresh: always`, so a plain `pulumi up` restarts a processor that FAILED meanwhile.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { PulumiProject, REPO, emulatorForSuite, leakedSecrets } from "../support/e2e-harness";

const EXAMPLE = path.join(REPO, "examples", "inspect");

describe("e2e: the data functions (examples/inspect) and refresh: always", function () {
  this.timeout(180_000);
  const suite = emulatorForSuite();
  let proj: PulumiProject;
  const apiCalls = async () => (await suite.admin.requests()).filter((r) => r.path.startsWith("/api/atlas/"));

  before(async () => {
    const yaml = readFileSync(path.join(EXAMPLE, "Pulumi.yaml"), "utf8");
    proj = await PulumiProject.create({ stack: "inspect", program: path.join(EXAMPLE, "index.ts"), pulumiYaml: yaml });
    // The harness wrote the example's Pulumi.yaml as is: point `main` at the example from the temporary folder.
    writeFileSync(
      path.join(proj.dir, "Pulumi.yaml"),
      yaml.replace(/^main: .*$/m, `main: ${path.relative(proj.dir, path.join(EXAMPLE, "index.ts"))}`),
    );
    await proj.useEmulator(suite.emu.url, "serviceAccount");
    await proj.config("processorName", "orders");
    await proj.config("verifySeconds", "1");
  });

  after(async function () {
    if (proj) {
      await proj.destroy([], { allowFail: true });
      await proj.dispose();
    }
    await suite.close();
  });

  it("the quickstart project and examples/inspect set Pulumi's options.refresh: always", () => {
    for (const file of [path.join(REPO, "Pulumi.yaml"), path.join(EXAMPLE, "Pulumi.yaml")]) {
      expect((parse(readFileSync(file, "utf8")) as { options?: { refresh?: string } }).options?.refresh, file).to.equal("always");
    }
  });

  it("examples/inspect type-checks with its own tsconfig", () => {
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(EXAMPLE, "tsconfig.json")], { stdio: "pipe" });
  });

  it("preview sends nothing: the data functions wait for inputs that are unknown until the processor is up", async () => {
    await suite.admin.clearRequests();
    await proj.preview();
    expect(await apiCalls()).to.deep.equal([]);
  });

  it("up keeps the processor running and exports its state, message counts and the workspace's processors", async () => {
    await suite.admin.clearRequests();
    await proj.up();
    expect((await suite.admin.processor("orders")).observedState).to.equal("STARTED");
    const outs = await proj.outputs();
    expect(outs.state).to.equal("STARTED");
    const messages = outs.messages as Record<string, number>;
    expect(Object.keys(messages)).to.have.members(["input", "output", "dlq"]);
    for (const k of ["input", "output", "dlq"]) expect(Number.isInteger(messages[k]), k).to.equal(true);
    // Read after a 1 s health watch (verifySeconds), so the running processor has counted messages.
    expect(messages.input, "input messages").to.be.greaterThan(0);
    expect(outs.workspace).to.deep.include({ orders: "STARTED", payments: "STOPPED", inventory: "CREATED" });
    const calls = await apiCalls();
    expect(calls.filter((r) => r.method === "GET" && r.path.endsWith("/processors")).length, "list pages read").to.equal(1);
    expect(calls.filter((r) => r.method !== "GET").map((r) => r.path.split("/").pop())).to.deep.equal(["orders:start"]);
    expect(leakedSecrets(proj.transcript)).to.deep.equal([]);
  });

  it("a plain `pulumi up` (no --refresh flag) restarts a processor that FAILED since, and the data functions see it running", async () => {
    await suite.admin.fail("orders");
    await suite.admin.clearRequests();
    await proj.up();
    expect((await suite.admin.processor("orders")).observedState).to.equal("STARTED");
    expect((await proj.outputs()).state).to.equal("STARTED");
    expect((await apiCalls()).filter((r) => r.method === "POST").map((r) => r.path.split("/").pop())).to.deep.equal(["orders:start"]);
  });
});
