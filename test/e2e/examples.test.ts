/**
 * Every example type-checks with its own tsconfig, and the pipeline example (a processor defined
 * from a pipeline with a DLQ) runs under preview, up and destroy against the emulator.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { EmulatorAdminClient, PulumiProject, REPO, leakedSecrets, pulumiBin } from "./harness";

describe("e2e: examples", function () {
  this.timeout(120_000);
  let emu: RunningEmulator;
  let admin: EmulatorAdminClient;
  let proj: PulumiProject | undefined;

  before(async function () {
    this.timeout(15 * 60_000);
    pulumiBin();
    emu = await startEmulator({ transitionMs: 200, quiet: true });
    admin = new EmulatorAdminClient(emu.url);
  });

  after(async function () {
    if (proj) await proj.dispose();
    if (emu) await emu.close();
  });

  for (const ex of ["quickstart", "pipeline"]) {
    it(`examples/${ex} type-checks with its own tsconfig (package self-reference through "exports")`, () => {
      execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(REPO, "examples", ex, "tsconfig.json")], {
        stdio: "pipe",
      });
    });
  }

  it("the pipeline example: preview makes no calls; up creates and starts the processor; destroy deletes it", async () => {
    proj = await PulumiProject.create({ stack: "pipeline", program: path.join(REPO, "examples", "pipeline", "index.ts") });
    await proj.useEmulator(emu.url, "serviceAccount");
    await admin.clearRequests();
    await proj.preview();
    expect((await admin.requests()).filter((r) => r.path.startsWith("/api/"))).to.deep.equal([]);
    await proj.up();
    const sp = await admin.processor("solar-high-watts");
    expect(sp.observedState).to.equal("STARTED");
    expect((sp as unknown as { options?: unknown }).options).to.deep.equal({
      dlq: { connectionName: "sample_stream_solar", db: "streams", coll: "dlq" },
    });
    const outs = await proj.outputs();
    expect(outs.createdByResource).to.equal(true);
    await proj.destroy();
    const gone = await admin.processor("solar-high-watts").then(
      () => false,
      () => true,
    );
    expect(gone, "processor deleted by destroy").to.equal(true);
    expect(leakedSecrets(proj.transcript)).to.deep.equal([]);
  });
});
