/**
 * The native plugin `atlasstreams` under the real Pulumi CLI, from a Pulumi YAML program (no
 * Node.js program anywhere): examples/yaml installed from the plugin's tarball, against the
 * emulator. Preview, up, a no-op preview, drift repaired by `up --refresh`, a processor owned from
 * a pipeline string and its change, `pulumi import`, the data functions, two providers with
 * different config, the progress lines and the detailed diff in the CLI's output, no credential in
 * the state, destroy. Also records what `fn::toJSON` does to key order.
 */
import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { version } from "../../package.json";
import {
  EmulatorAdminClient,
  PROJECT_ID,
  PulumiProject,
  REPO,
  SERVICE_ACCOUNT,
  WORKSPACE,
  API_KEY,
  emulatorForSuite,
  leakedSecrets,
  pulumiBin,
} from "../support/e2e-harness";
import { languageHostsBin, pluginTarball } from "../support/plugin-harness";

const EXAMPLE = path.join(REPO, "examples", "yaml", "Pulumi.yaml");

/** The order-sensitive stage the tests watch: `zeta` before `alpha` is another sort than the reverse. */
const pipelineText = (sort: string) =>
  `[\n  {"$source": {"connectionName": "sample_stream_solar"}},\n  {"$sort": ${sort}},\n  {"$emit": {"connectionName": "__testLog"}}\n]\n`;

interface Extras {
  /** A processor `sorted` owned from this pipeline text (a YAML block scalar). */
  sorted?: string;
  /** A processor `tojson` whose pipeline is YAML objects through fn::toJSON. */
  toJson?: boolean;
  /** The imported processor, as `pulumi import` printed it. */
  imported?: Record<string, unknown> | undefined;
  /** An explicit provider to a second emulator, and `orders` there. */
  elsewhere?: string | undefined;
  /** The data functions. */
  functions?: boolean;
  /** A processor `broken` with a state no processor can be asked for. */
  badState?: string;
}

/** examples/yaml/Pulumi.yaml with the test's additions. */
function program(x: Extras): string {
  const doc = parse(readFileSync(EXAMPLE, "utf8")) as {
    resources: Record<string, unknown>;
    outputs: Record<string, unknown>;
    variables?: Record<string, unknown>;
  };
  const names = { projectId: "${projectId}", workspaceName: "${workspaceName}" };
  if (x.sorted !== undefined)
    doc.resources.sorted = {
      type: "atlasstreams:index:StreamProcessor",
      properties: { ...names, processorName: "sorted", pipeline: x.sorted },
    };
  if (x.toJson)
    doc.resources.tojson = {
      type: "atlasstreams:index:StreamProcessor",
      properties: {
        ...names,
        processorName: "tojson",
        pipeline: {
          "fn::toJSON": [
            { $source: { connectionName: "sample_stream_solar" } },
            { $sort: { zeta: 1, alpha: -1 } },
            { $emit: { connectionName: "__testLog" } },
          ],
        },
      },
    };
  if (x.imported) doc.resources.inventory = x.imported;
  if (x.badState !== undefined)
    doc.resources.broken = {
      type: "atlasstreams:index:StreamProcessor",
      properties: { ...names, processorName: "broken", state: x.badState },
    };
  if (x.elsewhere) {
    doc.resources.elsewhere = {
      type: "pulumi:providers:atlasstreams",
      properties: {
        baseUrl: x.elsewhere,
        publicKey: API_KEY.publicKey,
        privateKey: { "fn::secret": API_KEY.privateKey },
        backoffBaseMs: 20,
      },
    };
    doc.resources.ordersElsewhere = {
      type: "atlasstreams:index:StreamProcessor",
      properties: { ...names, processorName: "orders" },
      options: { provider: "${elsewhere}" },
    };
  }
  if (x.functions) {
    doc.variables = {
      ordersInfo: { "fn::invoke": { function: "atlasstreams:index:getStreamProcessor", arguments: { ...names, processorName: "orders" } } },
      all: { "fn::invoke": { function: "atlasstreams:index:getStreamProcessors", arguments: names } },
    };
    doc.outputs.ordersInfoState = "${ordersInfo.state}";
    doc.outputs.ordersPipelineJson = "${ordersInfo.pipelineJson}";
    doc.outputs.firstListed = "${all.results[0].processorName}";
  }
  return stringify(doc);
}

/** The Atlas Admin API requests the emulator logged (not its admin API's, not OAuth's), as "METHOD path-end". */
async function apiRequests(admin: EmulatorAdminClient): Promise<string[]> {
  return (await admin.requests())
    .filter((r) => r.path.startsWith("/api/atlas/"))
    .map((r) => `${r.method} ${r.path.split("/").slice(-2).join("/")}`);
}

describe("e2e: the native plugin from a Pulumi YAML program", function () {
  this.timeout(10 * 60_000);
  const suite = emulatorForSuite({ transitionMs: 200 });
  let other: RunningEmulator | undefined;
  let proj: PulumiProject | undefined;

  before(async function () {
    // First runs build the YAML language host (about 3 min) and the bundle.
    this.timeout(20 * 60_000);
    const hosts = languageHostsBin("yaml");
    const tarball = pluginTarball();
    other = await startEmulator({ transitionMs: 200, quiet: true });
    proj = await PulumiProject.create({
      stack: "yaml",
      pulumiYaml: program({}),
      env: { PATH: [hosts, pulumiBin(), process.env.PATH ?? ""].join(path.delimiter) },
    });
    await proj.pulumi(["plugin", "install", "resource", "atlasstreams", version, "--file", tarball]);
    await proj.config("atlasstreams:baseUrl", suite.emu.url);
    await proj.config("atlasstreams:clientId", SERVICE_ACCOUNT.clientId);
    await proj.config("atlasstreams:clientSecret", SERVICE_ACCOUNT.clientSecret, { secret: true });
    await proj.config("atlasstreams:backoffBaseMs", "20");
    await proj.config("atlasstreams:maxDelayMs", "1500");
  });

  after(async () => {
    if (proj) await proj.dispose();
    if (other) await other.close();
    await suite.close();
  });

  const p = (): PulumiProject => proj!;
  const setProgram = (x: Extras) => writeFileSync(path.join(p().dir, "Pulumi.yaml"), program(x));

  it("the installed plugin serves provider/plugin/schema.json (pulumi package get-schema)", async () => {
    const exe = path.join(p().env.PULUMI_HOME!, "plugins", `resource-atlasstreams-v${version}`, "pulumi-resource-atlasstreams");
    const served = await p().pulumi(["package", "get-schema", exe], { quiet: true });
    const committed = readFileSync(path.join(REPO, "provider", "plugin", "schema.json"), "utf8");
    expect(JSON.parse(served.stdout)).to.deep.equal(JSON.parse(committed));
  });

  it("preview plans both processors and sends Atlas nothing but reads", async () => {
    await suite.admin.clearRequests();
    const r = await p().preview();
    expect(r.stdout).to.match(/\+\s+atlasstreams:index:StreamProcessor\s+orders\s+create/);
    expect(r.stdout).to.match(/\+\s+atlasstreams:index:StreamProcessor\s+payments\s+create/);
    expect((await apiRequests(suite.admin)).filter((x) => !x.startsWith("GET"))).to.deep.equal([]);
  });

  it("up starts them, printing the [atlas] progress lines under each resource", async () => {
    const r = await p().up();
    expect(await suite.admin.states(["orders", "payments"])).to.deep.equal({ orders: "STARTED", payments: "STARTED" });
    expect((await p().outputs()).states).to.deep.equal({ orders: "STARTED", payments: "STARTED" });
    expect(r.stdout).to.match(/\[atlas\] orders: CREATED → STARTED \(:start accepted\)/);
    expect(r.stdout).to.match(/\[atlas\] payments: STOPPED → STARTED/);
    // The Diagnostics section groups them by resource: the engine got each line with its URN.
    expect(r.stdout).to.match(/atlasstreams:index:StreamProcessor \(orders\):\n\s+\[atlas\] orders:/);
  });

  it("a second preview: no change, and no request but the refresh's reads", async () => {
    await suite.admin.clearRequests();
    const r = await p().preview();
    expect(r.stdout).to.match(/Resources:\s+3 unchanged/);
    expect(r.stdout).not.to.match(/to (update|create|delete|replace)/);
    const sent = await apiRequests(suite.admin);
    expect(
      sent.filter((x) => !x.startsWith("GET")),
      "actions sent by a no-op preview",
    ).to.deep.equal([]);
    // refresh: always reads both processors: one shared list, or a GET each.
    expect(sent.length).to.be.within(1, 2);
  });

  it("a bad input is refused at preview, naming the field and what it must be, with no action sent", async () => {
    setProgram({ badState: "RUNNING" });
    await suite.admin.clearRequests();
    const r = await p().preview([], { allowFail: true });
    expect(r.code).to.not.equal(0);
    expect(r.stdout + r.stderr).to.match(/state must be "STARTED" or "STOPPED", got "RUNNING"/);
    expect((await apiRequests(suite.admin)).filter((x) => !x.startsWith("GET"))).to.deep.equal([]);
    setProgram({});
  });

  it("a processor FAILED out of band: preview --diff shows the state to change, up --refresh restarts it", async () => {
    await suite.admin.fail("orders");
    const preview = await p().preview(["--refresh", "--diff"]);
    expect(preview.stdout).to.match(/~ atlasstreams:index:StreamProcessor: \(update\)[\s\S]*~ state\s*: "FAILED" => "STARTED"/);
    await suite.admin.clearRequests();
    const r = await p().up(["--refresh"]);
    expect(r.stdout).to.match(/orders\s+updated?[^\n]*\[diff: ~state\]/);
    expect(r.stdout).to.match(/\[atlas\] orders: FAILED → STARTED/);
    expect((await suite.admin.processor("orders")).observedState).to.equal("STARTED");
    expect((await apiRequests(suite.admin)).filter((x) => x.endsWith(":start"))).to.have.length(1);
  });

  it("a pipeline given as a string keeps its key order; fn::toJSON of YAML objects does not", async () => {
    setProgram({ sorted: pipelineText(`{"zeta": 1, "alpha": -1}`), toJson: true });
    await p().up();
    const sorted = (await suite.admin.processor("sorted")) as unknown as {
      pipeline: Array<Record<string, unknown>>;
      observedState: string;
    };
    expect(sorted.observedState).to.equal("STARTED");
    expect(Object.keys(sorted.pipeline[1]!.$sort as object)).to.deep.equal(["zeta", "alpha"]);
    // Pulumi YAML 1.25's fn::toJSON writes object keys sorted: write order-sensitive stages as text.
    const tojson = (await suite.admin.processor("tojson")) as unknown as { pipeline: Array<Record<string, unknown>> };
    expect(Object.keys(tojson.pipeline[1]!.$sort as object)).to.deep.equal(["alpha", "zeta"]);
  });

  it("a changed pipeline string: preview shows ~pipeline, up applies it stop → modify → restart", async () => {
    setProgram({ sorted: pipelineText(`{"alpha": -1, "zeta": 1}`), toJson: true });
    const preview = await p().preview(["--diff"]);
    expect(preview.stdout).to.match(/sorted[\s\S]*~ pipeline:/);
    expect(preview.stdout).to.match(/~ 1 to update/);
    await suite.admin.clearRequests();
    const r = await p().up();
    expect(r.stdout).to.match(/sorted\s+updated[^\n]*\[diff: ~pipeline\]/);
    expect(r.stdout).to.match(/\[atlas\] sorted: definition changed \(pipeline\)/);
    const sorted = (await suite.admin.processor("sorted")) as unknown as {
      pipeline: Array<Record<string, unknown>>;
      observedState: string;
    };
    expect(Object.keys(sorted.pipeline[1]!.$sort as object)).to.deep.equal(["alpha", "zeta"]);
    expect(sorted.observedState).to.equal("STARTED");
    expect((await apiRequests(suite.admin)).filter((x) => x.startsWith("PATCH"))).to.have.length(1);
  });

  let imported: Record<string, unknown> | undefined;
  it("pulumi import adopts an existing processor by its id projectId/workspaceName/processorName, with no change after", async () => {
    const id = `${PROJECT_ID}/${WORKSPACE}/inventory`;
    const r = await p().pulumi(["import", "atlasstreams:index:StreamProcessor", "inventory", id, "--yes", "--protect=false"]);
    expect(r.stdout).to.match(/=\s+atlasstreams:index:StreamProcessor\s+inventory\s+import/);
    // The code the CLI prints for the program: state only (the seed's inventory is CREATED: it does not run).
    const code = r.stdout.slice(r.stdout.indexOf("resources:"));
    const printed = (parse(code) as { resources: Record<string, Record<string, unknown>> }).resources.inventory!;
    expect(printed.properties).to.deep.equal({
      projectId: PROJECT_ID,
      workspaceName: WORKSPACE,
      processorName: "inventory",
      state: "STOPPED",
    });
    imported = { type: "atlasstreams:index:StreamProcessor", properties: printed.properties };
    setProgram({ sorted: pipelineText(`{"alpha": -1, "zeta": 1}`), toJson: true, imported });
    const preview = await p().preview();
    expect(preview.stdout).not.to.match(/to (update|create|delete|replace)/);
  });

  it("the data functions and a second provider with its own endpoint and credential", async () => {
    setProgram({ sorted: pipelineText(`{"alpha": -1, "zeta": 1}`), toJson: true, imported, elsewhere: other!.url, functions: true });
    await p().up();
    const outs = await p().outputs();
    expect(outs.ordersInfoState).to.equal("STARTED");
    expect(JSON.parse(outs.ordersPipelineJson as string)).to.have.length(3);
    expect(outs.firstListed).to.be.a("string");
    // orders in the second emulator was started through the explicit provider (API key there) …
    const there = new EmulatorAdminClient(other!.url);
    expect((await there.processor("orders")).observedState).to.equal("STARTED");
    const schemesThere = new Set((await there.requests()).filter((x) => x.path.startsWith("/api/atlas/")).map((x) => x.authScheme));
    expect([...schemesThere].sort()).to.deep.equal(["digest", "none"]); // "none": the Digest challenge's first request
    // … and the default provider's requests all went to the first, with its service account.
    const schemesHere = new Set((await suite.admin.requests()).filter((x) => x.path.startsWith("/api/atlas/")).map((x) => x.authScheme));
    expect([...schemesHere]).to.deep.equal(["bearer"]);
  });

  it("no credential in the CLI's output or in pulumi stack export", async () => {
    const exported = await p().exportText();
    expect(leakedSecrets(exported)).to.deep.equal([]);
    expect(leakedSecrets(p().transcript)).to.deep.equal([]);
    // The provider resources hold their config; the secrets only as ciphertext.
    expect(exported).to.include('"clientId": "mdb_sa_id_demo"');
  });

  it("destroy deletes what it created and only stops what it adopted or imported", async () => {
    await p().destroy();
    expect(await suite.admin.states(["orders", "payments"])).to.deep.equal({ orders: "STOPPED", payments: "STOPPED" });
    for (const created of ["sorted", "tojson"]) {
      const gone = await suite.admin.processor(created).then(
        () => false,
        () => true,
      );
      expect(gone, `${created} deleted`).to.equal(true);
    }
    expect((await suite.admin.processor("inventory")).observedState).to.equal("CREATED");
    expect(leakedSecrets(p().transcript)).to.deep.equal([]);
  });
});
