/**
 * Upgrading a stack written by version 0.1.0 (built here from its commit): that version sent the
 * pipeline with the keys the engine had sorted and stored it as an array. The new version reads
 * that state without a replace; the first up re-sends a pipeline whose declared order differs
 * (one update, shown as such in the preview) and leaves one whose order was alphabetical alone.
 */
import { expect } from "chai";
import { execSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { bodiesOf, startRecordingProxy, writesOf, type RecordingProxy } from "../support/recording-proxy";
import {
  PROJECT_ID,
  PulumiProject,
  REPO,
  WORKSPACE,
  emulatorForSuite,
  installPackedProject,
  installTarball,
  packPackage,
} from "../support/e2e-harness";

/** The last commit of version 0.1.0, whose stacks hold the pipeline as a key-sorted array. */
const V010 = "2d34e314a87546a81f9754e2142d8c5ebcd055a5";

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { StreamProcessor } from "pulumi-atlas-stream-processor";

const source = { $source: { connectionName: "sample_stream_solar" } };
const emit = { $emit: { connectionName: "__testLog" } };
const base = { projectId: ${JSON.stringify(PROJECT_ID)}, workspaceName: ${JSON.stringify(WORKSPACE)} };
// Its $sort is not in alphabetical order: 0.1.0 sent it as {alpha, zeta}.
new StreamProcessor("unsorted", { ...base, processorName: "unsorted", pipeline: [source, { $sort: { zeta: 1, alpha: -1 } }, emit] });
// Already alphabetical at every depth: nothing to re-send.
new StreamProcessor("sorted", { ...base, processorName: "sorted", pipeline: [source, { $sort: { alpha: -1, zeta: 1 } }, emit] });
`;

describe("e2e: a stack written by version 0.1.0, upgraded to this version", function () {
  this.timeout(300_000);
  const suite = emulatorForSuite();
  let proxy: RecordingProxy | undefined;
  let work: string | undefined;
  let dir: string | undefined;
  let proj: PulumiProject | undefined;

  const writes = () => writesOf(proxy!);
  const bodies = (method: string, suffix: string) => bodiesOf(proxy!, method, suffix);

  before(async function () {
    this.timeout(20 * 60_000); // two builds, two packs and an install from the registry
    proxy = await startRecordingProxy(suite.emu.url);
    work = mkdtempSync(path.join(tmpdir(), "upgrade-"));
    const old = path.join(work, "v0.1.0");
    mkdirSync(old);
    execSync(`git -C "${REPO}" archive --format=tar ${V010} | tar -x -C "${old}"`, { stdio: ["ignore", "ignore", "inherit"] });
    symlinkSync(path.join(REPO, "node_modules"), path.join(old, "node_modules"));
    const oldTgz = packPackage(work, old);
    dir = installPackedProject(PROGRAM, oldTgz);
    proj = await PulumiProject.create({ projectDir: dir, stack: "upgrade" });
    await proj.useEmulator(proxy.url, "serviceAccount");
    await proj.up();
  });

  after(async function () {
    if (proj) await proj.pulumi(["destroy", "--yes", "--skip-preview"], { allowFail: true });
    if (proj) await proj.dispose();
    for (const d of [dir, work]) if (d) rmSync(d, { recursive: true, force: true });
    await proxy?.close();
    await suite.close();
  });

  it("0.1.0 sent the pipeline with its keys sorted (the defect this version fixes)", () => {
    const created = bodies("POST", "/processor").map((b) => JSON.parse(b) as { name: string; pipeline: object[] });
    const unsorted = created.find((b) => b.name === "unsorted");
    expect(JSON.stringify(unsorted?.pipeline[1])).to.equal('{"$sort":{"alpha":-1,"zeta":1}}');
  });

  it("after the upgrade, preview shows one update and no replace", async () => {
    const fresh = path.join(work!, "new");
    mkdirSync(fresh);
    installTarball(dir!, packPackage(fresh));
    proxy!.requests.length = 0;
    const preview = await proj!.preview(["--diff"]);
    const text = preview.stdout;
    expect(text).to.match(/1 to update/);
    expect(text).to.not.match(/to replace|to create|to delete/);
    // The array 0.1.0 stored gives way to the text: shown as the old array out, the JSON text in.
    expect(text, text)
      .to.include("StreamProcessor::unsorted]")
      .and.match(/- pipeline +: \[/)
      .and.match(/\+ pipeline +: \(json\) \[/);
    expect(text).to.not.include("StreamProcessor::sorted]");
    expect(writes()).to.deep.equal([]);
  });

  it("the first up re-sends the declared order once; the next preview has nothing to do", async () => {
    proxy!.requests.length = 0;
    await proj!.up();
    expect(writes()).to.deep.equal(["POST unsorted:stop", "PATCH unsorted", "POST unsorted:start"]);
    expect(bodies("PATCH", "/processor/unsorted")).to.deep.equal([
      '{"pipeline":[{"$source":{"connectionName":"sample_stream_solar"}},{"$sort":{"zeta":1,"alpha":-1}},{"$emit":{"connectionName":"__testLog"}}]}',
    ]);
    expect(await suite.admin.states(["unsorted", "sorted"])).to.deep.equal({ unsorted: "STARTED", sorted: "STARTED" });
    proxy!.requests.length = 0;
    await proj!.preview(["--expect-no-changes"]);
    expect(writes()).to.deep.equal([]);
  });
});
