/**
 * The native plugin's provider object driven directly (no engine): what the door adds to the
 * core — the plugin's config keys, the URN on every progress line, the plugin's key names in
 * errors, import from the id alone, the data functions — against the emulator.
 */
import { expect } from "chai";
import type { RunningEmulator } from "../../emulator";
import { AtlasStreamsProvider, type ProgressLog } from "../../provider/plugin/provider";
import { schemaText } from "../../provider/plugin/schema";
import { ALL_SECRETS, PROJECT, SERVICE_ACCOUNT, WORKSPACE, failureOf, withEmulator } from "../support/helpers";

const URN = (name: string) => `urn:pulumi:dev::proj::atlasstreams:index:StreamProcessor::${name}`;

class Lines implements ProgressLog {
  readonly lines: Array<{ message: string; urn: string }> = [];
  info(message: string, urn: string): void {
    this.lines.push({ message, urn });
  }
  async flush(): Promise<void> {}
}

describe("native plugin provider (against the emulator)", function () {
  this.timeout(20_000);
  let emu: RunningEmulator;
  let log: Lines;
  let provider: AtlasStreamsProvider;

  const configure = (extra: Array<[string, string]> = []) =>
    provider.configure([
      ["atlasstreams:config:baseUrl", emu.url],
      ["atlasstreams:config:clientId", SERVICE_ACCOUNT.clientId],
      ["atlasstreams:config:clientSecret", SERVICE_ACCOUNT.clientSecret],
      ["atlasstreams:config:backoffBaseMs", "20"],
      ...extra,
    ]);

  beforeEach(async () => {
    emu = await withEmulator({ transitionMs: 100 });
    log = new Lines();
    provider = new AtlasStreamsProvider(schemaText("0.2.0"), log);
    await configure();
  });
  afterEach(async () => emu.close());

  it("create sends every [atlas] line to the log under the resource's URN, none with a secret", async () => {
    const checked = await provider.check(URN("orders"), {}, { projectId: PROJECT, workspaceName: WORKSPACE, processorName: "orders" });
    expect(checked.failures ?? []).to.deep.equal([]);
    const r = await provider.create(URN("orders"), checked.inputs as Record<string, unknown>);
    expect(r.id).to.equal(`${PROJECT}/${WORKSPACE}/orders`);
    expect(log.lines.map((l) => l.message).join("\n")).to.match(/\[atlas\] orders: CREATED → STARTED/);
    expect(new Set(log.lines.map((l) => l.urn))).to.deep.equal(new Set([URN("orders")]));
    for (const s of ALL_SECRETS) expect(JSON.stringify(log.lines) + JSON.stringify(r)).not.to.include(s);
  });

  it("the detailed diff names the restart of a FAILED processor as ~state", async () => {
    const inputs = { projectId: PROJECT, workspaceName: WORKSPACE, processorName: "orders", state: "STARTED", timeoutSeconds: 600 };
    const olds = { ...inputs, state: "FAILED", desiredState: "STARTED", processorId: "x", createdByResource: false };
    const d = await provider.detailedDiff("id", URN("orders"), olds, inputs);
    expect(d).to.deep.include({ changes: true, replaces: [], changed: ["state"] });
    expect(d.detailed).to.deep.equal({ state: { kind: "update", replace: false } });
  });

  it("read with no props (pulumi import) adopts the processor by its id, state only", async () => {
    const r = await provider.read(`${PROJECT}/${WORKSPACE}/payments`, URN("payments"), {});
    expect(r.inputs).to.deep.equal({ projectId: PROJECT, workspaceName: WORKSPACE, processorName: "payments", state: "STOPPED" });
    expect(r.props).to.include({ state: "STOPPED", desiredState: "STOPPED", createdByResource: false, timeoutSeconds: 600 });
    const checked = await provider.check(URN("payments"), {}, r.inputs as Record<string, unknown>);
    const d = await provider.detailedDiff(
      r.id!,
      URN("payments"),
      r.props as Record<string, unknown>,
      checked.inputs as Record<string, unknown>,
    );
    expect(d.changes, "an import shows no change").to.equal(false);
  });

  it("an error names the plugin's config key, not the dynamic door's", async () => {
    await configure([["atlasstreams:config:baseUrl", "http://example.com"]]);
    const err = await failureOf(provider.read(`${PROJECT}/${WORKSPACE}/orders`, URN("orders"), {}), "the read fails");
    expect(err.message).to.match(/^atlasstreams:baseUrl uses plain http to example\.com/);
    expect(err.message).not.to.include("mongodbatlas:");
  });

  it("a misspelt config key is refused at configure", async () => {
    const err = await failureOf(configure([["atlasstreams:config:clientID", "x"]]), "configure fails");
    expect(err.message).to.match(/atlasstreams:clientID is not a config key of the atlasstreams provider/);
  });

  it("invoke serves both data functions through the same core, and refuses a bad argument naming it", async () => {
    const one = await provider.invoke("atlasstreams:index:getStreamProcessor", {
      projectId: PROJECT,
      workspaceName: WORKSPACE,
      processorName: "payments",
    });
    expect(one.outputs).to.include({ processorName: "payments", state: "STOPPED" });
    expect(JSON.parse((one.outputs as { pipelineJson: string }).pipelineJson)).to.be.an("array");
    const all = await provider.invoke("atlasstreams:index:getStreamProcessors", { projectId: PROJECT, workspaceName: WORKSPACE });
    expect((all.outputs as { results: unknown[] }).results.length).to.be.greaterThan(1);
    const err = await failureOf(
      provider.invoke("atlasstreams:index:getStreamProcessor", { projectId: "nope", workspaceName: WORKSPACE, processorName: "x" }),
      "invoke fails",
    );
    expect(err.message).to.match(/getStreamProcessor: projectId must be the 24-character/);
  });

  it("refuses a type or function it does not serve", async () => {
    const err = await failureOf(provider.create("urn:pulumi:dev::proj::atlasstreams:index:Other::x", {}), "create fails");
    expect(err.message).to.match(/unknown resource type atlasstreams:index:Other/);
    const fn = await failureOf(provider.invoke("atlasstreams:index:nope", {}), "invoke fails");
    expect(fn.message).to.match(/unknown function atlasstreams:index:nope/);
  });
});
