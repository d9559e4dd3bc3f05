/**
 * Every example type-checks with its own tsconfig, and the pipeline example (a processor defined
 * from a pipeline with a DLQ) runs under preview, up and destroy against the emulator.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { PulumiProject, REPO, emulatorForSuite, leakedSecrets } from "../support/e2e-harness";

describe("e2e: examples", function () {
  this.timeout(120_000);
  const suite = emulatorForSuite();
  let proj: PulumiProject | undefined;

  after(async function () {
    if (proj) await proj.dispose();
    await suite.close();
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
    await proj.useEmulator(suite.emu.url, "serviceAccount");
    await suite.admin.clearRequests();
    await proj.preview();
    expect((await suite.admin.requests()).filter((r) => r.path.startsWith("/api/"))).to.deep.equal([]);
    await proj.up();
    const sp = await suite.admin.processor("solar-high-watts");
    expect(sp.observedState).to.equal("STARTED");
    expect((sp as unknown as { options?: unknown }).options).to.deep.equal({
      dlq: { connectionName: "sample_stream_solar", db: "streams", coll: "dlq" },
    });
    const outs = await proj.outputs();
    expect(outs.createdByResource).to.equal(true);
    await proj.destroy();
    const gone = await suite.admin.processor("solar-high-watts").then(
      () => false,
      () => true,
    );
    expect(gone, "processor deleted by destroy").to.equal(true);
    expect(leakedSecrets(proj.transcript)).to.deep.equal([]);
  });
});
