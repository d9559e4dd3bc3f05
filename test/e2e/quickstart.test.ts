/**
 * End to end: the real Pulumi CLI runs the repository's quickstart (root Pulumi.yaml) against
 * the local Atlas emulator. Each suite has its own emulator, PULUMI_HOME and file backend.
 * These tests are never skipped: without a Pulumi CLI (or Go to build one) they fail and say why.
 */
import { expect } from "chai";
import { PulumiProject, emulatorForSuite, leakedSecrets } from "../support/e2e-harness";

const E2E_TIMEOUT = 120_000;

function atlasCalls(reqs: Array<{ path: string }>): Array<{ path: string }> {
  return reqs.filter((r) => r.path.startsWith("/api/"));
}

describe("e2e: pulumi up of the quickstart against the emulator", function () {
  this.timeout(E2E_TIMEOUT);
  const suite = emulatorForSuite({ transitionMs: 300 });
  let proj: PulumiProject;

  before(async () => {
    proj = await PulumiProject.create({ stack: "quickstart" });
    await proj.useEmulator(suite.emu.url, "serviceAccount");
  });

  after(async function () {
    if (proj) await proj.dispose();
    await suite.close();
  });

  it("preview makes no processor calls", async () => {
    await suite.admin.clearRequests();
    const r = await proj.preview();
    expect(r.stdout).to.match(/\+ +3 to create/);
    expect(atlasCalls(await suite.admin.requests())).to.deep.equal([]);
  });

  it("up starts the processors named in config and exports their observed states", async () => {
    await proj.up();
    expect(await suite.admin.states(["orders", "payments", "inventory"])).to.deep.equal({
      orders: "STARTED",
      payments: "STARTED",
      inventory: "CREATED",
    });
    expect((await proj.outputs()).states).to.deep.equal({ orders: "STARTED", payments: "STARTED" });
    // Service-account auth: one token request for the whole `pulumi up`.
    const tokens = (await suite.admin.requests()).filter((r) => r.path === "/api/oauth/token");
    expect(tokens, "token requests").to.have.length(1);
  });

  it("a processor failed out of band is restarted by `up --refresh`", async () => {
    await suite.admin.fail("orders");
    expect((await suite.admin.processor("orders")).observedState).to.equal("FAILED");
    const r = await proj.up(["--refresh"]);
    expect(r.stdout + r.stderr).to.match(/orders/);
    expect((await suite.admin.processor("orders")).observedState).to.equal("STARTED");
    expect((await proj.outputs()).states).to.deep.equal({ orders: "STARTED", payments: "STARTED" });
  });

  it("preview of a change (desired STOPPED) only reads (the project's refresh: always), never writes", async () => {
    await proj.config("desiredState", "STOPPED");
    await suite.admin.clearRequests();
    const r = await proj.preview();
    expect(r.stdout).to.match(/~ +2 to update|2 to update/);
    // The refresh may fetch a service-account token; nothing else but GETs reaches Atlas.
    const calls = atlasCalls(await suite.admin.requests());
    expect(
      calls.some((q) => (q as { method?: string }).method === "GET"),
      "the refresh reads the processors",
    ).to.equal(true);
    const writes = calls.filter((q) => {
      const { method, path } = q as { method?: string; path?: string };
      return method !== "GET" && path !== "/api/oauth/token";
    });
    expect(writes).to.deep.equal([]);
  });

  it("desired state STOPPED stops the processors", async () => {
    await proj.up();
    expect(await suite.admin.states(["orders", "payments"])).to.deep.equal({ orders: "STOPPED", payments: "STOPPED" });
    expect((await proj.outputs()).states).to.deep.equal({ orders: "STOPPED", payments: "STOPPED" });
    await proj.config("desiredState", "STARTED");
    await proj.up();
    expect(await suite.admin.states(["orders", "payments"])).to.deep.equal({ orders: "STARTED", payments: "STARTED" });
  });

  it("destroy leaves the processors stopped (they were adopted, not created)", async () => {
    await proj.destroy();
    expect(await suite.admin.states(["orders", "payments"])).to.deep.equal({ orders: "STOPPED", payments: "STOPPED" });
  });

  it("neither the CLI output nor `pulumi stack export` contains a credential", async () => {
    await proj.up(); // state with resources again, for the export
    const exported = await proj.exportText();
    expect(exported).to.include("pulumi-nodejs:dynamic/atlas:StreamProcessor");
    expect(leakedSecrets(exported), "secrets in stack export").to.deep.equal([]);
    expect(leakedSecrets(proj.transcript), "secrets in CLI output").to.deep.equal([]);
    await proj.destroy();
  });
});

describe("e2e: failures and faults under pulumi up", function () {
  this.timeout(E2E_TIMEOUT);
  const suite = emulatorForSuite();
  const projects: PulumiProject[] = [];

  after(async function () {
    for (const p of projects) await p.dispose();
    await suite.close();
  });

  it("a bad projectId fails preview naming the field, with no request", async () => {
    const proj = await PulumiProject.create({ stack: "badproject" });
    projects.push(proj);
    await proj.useEmulator(suite.emu.url, "apiKey");
    await proj.config("projectId", "not-a-project-id");
    await suite.admin.clearRequests();
    const r = await proj.preview([], { allowFail: true });
    expect(r.code).to.not.equal(0);
    expect(r.stdout + r.stderr).to.match(/projectId/);
    expect(atlasCalls(await suite.admin.requests())).to.deep.equal([]);
    expect(leakedSecrets(proj.transcript)).to.deep.equal([]);
  });

  it("up with API-key (HTTP Digest) auth starts the processor; no private key in output or state", async () => {
    const proj = await PulumiProject.create({ stack: "digest" });
    projects.push(proj);
    await proj.useEmulator(suite.emu.url, "apiKey");
    await proj.config("processors", '["orders"]');
    await proj.up();
    expect((await suite.admin.processor("orders")).observedState).to.equal("STARTED");
    await proj.destroy();
    expect((await suite.admin.processor("orders")).observedState).to.equal("STOPPED");
    expect(leakedSecrets(proj.transcript)).to.deep.equal([]);
    expect(leakedSecrets(await proj.exportText())).to.deep.equal([]);
  });

  it("injected 500s, 503s and 429s during up: up still converges", async () => {
    const proj = await PulumiProject.create({ stack: "faults" });
    projects.push(proj);
    await proj.useEmulator(suite.emu.url, "serviceAccount");
    await proj.config("processors", '["inventory","payments"]');
    await suite.admin.clearRequests();
    await suite.admin.fault({ method: "GET", path: "*/processor/inventory", kind: "status", status: 500, times: 2 });
    await suite.admin.fault({
      method: "POST",
      path: "*/processor/inventory:start*",
      kind: "status",
      status: 429,
      times: 2,
      headers: { "Retry-After": "1" },
    });
    await suite.admin.fault({ method: "POST", path: "*/processor/payments:start*", kind: "status-after-apply", status: 500, times: 1 });
    await suite.admin.fault({ method: "GET", path: "*/processor/payments", kind: "status", status: 503, times: 1 });
    await proj.up();
    expect(await suite.admin.states(["inventory", "payments"])).to.deep.equal({ inventory: "STARTED", payments: "STARTED" });
    const faulted = (await suite.admin.requests()).filter((r) => r.status === 500 || r.status === 429 || r.status === 503);
    expect(faulted.length, "faulted requests seen").to.be.at.least(5);
    await proj.destroy();
    expect(await suite.admin.states(["inventory", "payments"])).to.deep.equal({ inventory: "STOPPED", payments: "STOPPED" });
    expect(leakedSecrets(proj.transcript)).to.deep.equal([]);
    expect(leakedSecrets(await proj.exportText())).to.deep.equal([]);
  });
});
