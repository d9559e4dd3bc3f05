/**
 * End to end, as a user would: the npm-packed package in a user's project, a real `pulumi up`
 * against the emulator behind a recording proxy. What the program declares is what Atlas
 * receives, key for key and in order; a reorder in the program is an update, a reorder in Atlas
 * is drift; the official resource's JSON-string form is taken as written; preview shows the change.
 */
import { expect } from "chai";
import { rmSync } from "node:fs";
import { atlasCurl } from "../support/helpers";
import { bodiesOf, startRecordingProxy, writesOf, type RecordingProxy } from "../support/recording-proxy";
import { PROJECT_ID, PulumiProject, WORKSPACE, emulatorForSuite, installPackedProject, leakedSecrets } from "../support/e2e-harness";

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { StreamProcessor } from "pulumi-atlas-stream-processor";

const config = new pulumi.Config();
const text = config.require("pipeline");
// "string": the official resource's form, passed as written; otherwise an array (JSON.parse keeps the order written).
const pipeline = config.get("form") === "string" ? text : JSON.parse(text);
const sp = new StreamProcessor("sp", {
  projectId: ${JSON.stringify(PROJECT_ID)},
  workspaceName: ${JSON.stringify(WORKSPACE)},
  processorName: config.get("name") ?? "ordered",
  pipeline,
});
export const state = sp.state;
export const written = sp.pipeline;
`;

const SOURCE = { $source: { connectionName: "sample_stream_solar" } };
const EMIT = { $emit: { connectionName: "__testLog" } };
const ORDERED = [
  SOURCE,
  { $addFields: { watts: "$obs.watts", at: "$ts" } },
  { $sort: { zeta: 1, alpha: -1 } },
  { $project: { watts: 1, device: 1, _id: 0 } },
  EMIT,
];
const TEXT = JSON.stringify(ORDERED);
const API = `/api/atlas/v2/groups/${PROJECT_ID}/streams/${WORKSPACE}/processor`;

describe("e2e: the pipeline Atlas runs is the pipeline written (packed package, pulumi up)", function () {
  this.timeout(180_000);
  const suite = emulatorForSuite();
  let proxy: RecordingProxy | undefined;
  let dir: string | undefined;
  let proj: PulumiProject | undefined;

  const bodies = (method: string, suffix: string) => bodiesOf(proxy!, method, suffix);
  const writes = () => writesOf(proxy!);
  const stored = async (name: string) => {
    const res = await fetch(`${suite.emu.url}/admin/processors/${PROJECT_ID}/${WORKSPACE}/${name}`);
    return (await res.json()) as { pipeline: unknown[] };
  };

  before(async function () {
    this.timeout(15 * 60_000);
    proxy = await startRecordingProxy(suite.emu.url);
    dir = installPackedProject(PROGRAM);
    proj = await PulumiProject.create({ projectDir: dir, stack: "order" });
    await proj.useEmulator(proxy.url, "serviceAccount");
  });

  after(async function () {
    if (proj) await proj.pulumi(["destroy", "--yes", "--skip-preview"], { allowFail: true });
    if (proj) await proj.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await proxy?.close();
    await suite.close();
  });

  it("up creates the processor with every stage in the order written, and a no-op preview then has nothing to do", async () => {
    await proj!.config("pipeline", TEXT);
    await proj!.up();
    expect(bodies("POST", "/processor")).to.deep.equal([`{"name":"ordered","pipeline":${TEXT}}`]);
    expect(JSON.stringify((await stored("ordered")).pipeline)).to.equal(TEXT);
    expect((await proj!.outputs()).written).to.equal(TEXT);
    proxy!.requests.length = 0;
    await proj!.preview(["--expect-no-changes"]);
    expect(proxy!.requests.filter((r) => !r.path.includes("/oauth/"))).to.have.length(0);
  });

  it("a reorder in the program is an update: preview shows it, up PATCHes the new order", async () => {
    const reordered = ORDERED.map((s) => ("$sort" in s ? { $sort: { alpha: -1, zeta: 1 } } : s));
    await proj!.config("pipeline", JSON.stringify(reordered));
    const preview = await proj!.preview(["--diff"]);
    expect(preview.stdout, preview.stdout).to.match(/~ pulumi-nodejs:dynamic\/atlas:StreamProcessor: \(update\)/);
    expect(preview.stdout)
      .to.include("StreamProcessor::sp]")
      .and.match(/~ pipeline +:/)
      .and.match(/1 to update/);
    // A change of key order alone: the CLI shows the text before and after.
    expect(preview.stdout).to.match(/zeta\W+1\W+alpha\W+-1.*=>.*alpha\W+-1\W+zeta\W+1/);
    proxy!.requests.length = 0;
    await proj!.up();
    expect(writes()).to.deep.equal(["POST ordered:stop", "PATCH ordered", "POST ordered:start"]);
    expect(bodies("PATCH", "/processor/ordered")).to.deep.equal([`{"pipeline":${JSON.stringify(reordered)}}`]);
    await proj!.config("pipeline", TEXT);
    await proj!.up();
  });

  it("a reorder made in Atlas is drift: preview --refresh shows an update, up --refresh restores the order written", async () => {
    const theirs = ORDERED.map((s) => ("$project" in s ? { $project: { _id: 0, device: 1, watts: 1 } } : s));
    // Someone stops it and edits its $project in Atlas (through the public API, not the proxy).
    await suite.admin.setState("ordered", "STOPPED");
    expect(await atlasCurl(suite.emu.url, "PATCH", `${API}/ordered`, { pipeline: theirs })).to.equal(200);
    const preview = await proj!.preview(["--refresh", "--diff"]);
    expect(preview.stdout, preview.stdout)
      .to.match(/~ pulumi-nodejs:dynamic\/atlas:StreamProcessor: \(update\)/)
      .and.match(/1 to update/);
    // The refresh says why the processor will be updated.
    expect(preview.stdout + preview.stderr, preview.stdout + preview.stderr)
      .to.include("differs from the definition written")
      .and.include("$project");
    proxy!.requests.length = 0;
    await proj!.up(["--refresh"]);
    expect(writes()).to.deep.equal(["PATCH ordered", "POST ordered:start"]);
    expect(bodies("PATCH", "/processor/ordered")).to.deep.equal([`{"pipeline":${TEXT}}`]);
    expect(JSON.stringify((await stored("ordered")).pipeline)).to.equal(TEXT);
  });

  it("the official resource's JSON string is sent as written (integer-like keys keep their order)", async () => {
    const text =
      '[{"$source":{"connectionName":"sample_stream_solar"}},{"$project":{"10":1,"2":1,"b":1.0}},{"$emit":{"connectionName":"__testLog"}}]';
    await proj!.config("name", "as-string");
    await proj!.config("form", "string");
    await proj!.config("pipeline", text);
    proxy!.requests.length = 0;
    await proj!.up();
    expect(bodies("POST", "/processor")).to.deep.equal([`{"name":"as-string","pipeline":${text}}`]);
    expect((await proj!.outputs()).written).to.equal(text);
  });

  it("a malformed string is refused at preview, naming pipeline and where the error is", async () => {
    await proj!.config("pipeline", '[{"$source": {"connectionName": "c"}}, {"$match": {a: 1}}]');
    proxy!.requests.length = 0;
    const r = await proj!.preview([], { allowFail: true });
    expect(r.code).to.not.equal(0);
    expect(r.stdout + r.stderr).to.match(/pipeline is not valid JSON: .* at line 1, column 52/);
    expect(writes()).to.deep.equal([]);
    expect(leakedSecrets(proj!.transcript)).to.deep.equal([]);
  });
});
