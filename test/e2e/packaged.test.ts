/**
 * End to end, consumed as a user would: `npm pack` the package, install the tarball (with
 * @pulumi/pulumi 3.248.0 and TypeScript 5 from the npm registry) into a temporary project,
 * and `pulumi up` a small program there against the emulator.
 */
import { expect } from "chai";
import { rmSync } from "node:fs";
import { PulumiProject, USER_PROGRAM, emulatorForSuite, installPackedProject, leakedSecrets } from "../support/e2e-harness";

describe("e2e: the npm-packed package in a user's project under pulumi up", function () {
  this.timeout(120_000);
  const suite = emulatorForSuite();
  let dir: string | undefined;
  let proj: PulumiProject | undefined;

  before(async function () {
    this.timeout(15 * 60_000); // npm pack and an install from the registry
    dir = installPackedProject(USER_PROGRAM);
    proj = await PulumiProject.create({ projectDir: dir, stack: "user" });
    await proj.useEmulator(suite.emu.url, "serviceAccount");
  });

  after(async function () {
    if (proj) await proj.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await suite.close();
  });

  it("up starts the processor; the state requires the package instead of inlining it", async () => {
    await proj!.up();
    expect((await suite.admin.processor("inventory")).observedState).to.equal("STARTED");
    expect((await proj!.outputs()).states).to.deep.equal(["STARTED"]);
    const src = (await proj!.providerSources())["inventory"]!;
    expect(src).to.include('require("pulumi-atlas-stream-processor/dist/provider/');
    expect(leakedSecrets(src)).to.deep.equal([]);
  });

  it("converges through injected 500s and 429s", async () => {
    await proj!.config("processors", '["inventory","payments"]');
    await suite.admin.fault({ method: "GET", path: "*/processor/payments", kind: "status", status: 500, times: 2 });
    await suite.admin.fault({
      method: "POST",
      path: "*/processor/payments:start*",
      kind: "status",
      status: 429,
      times: 1,
      headers: { "Retry-After": "1" },
    });
    await proj!.up();
    expect(await suite.admin.states(["inventory", "payments"])).to.deep.equal({ inventory: "STARTED", payments: "STARTED" });
  });

  it("destroy stops the processors; no credential in output or state", async () => {
    await proj!.destroy();
    expect(await suite.admin.states(["inventory", "payments"])).to.deep.equal({ inventory: "STOPPED", payments: "STOPPED" });
    expect(leakedSecrets(proj!.transcript)).to.deep.equal([]);
    expect(leakedSecrets(await proj!.exportText())).to.deep.equal([]);
  });
});
