/**
 * End to end against Atlas as observed: the real Pulumi CLI runs the pipeline example while the
 * emulator answers actions the slow way (sync action mode, 504 STREAM_PROCESSOR_TIMEOUT after
 * applying) with transient 400s injected, and a create whose start is refused stays in the
 * stack so that `pulumi destroy` deletes it. Needs `npm run build` (the example imports the package).
 */
import { expect } from "chai";
import * as path from "node:path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { EmulatorAdminClient, PROJECT_ID, PulumiProject, REPO, WORKSPACE, leakedSecrets, requirePulumiCli } from "../support/e2e-harness";
import { atlasGenericError as generic } from "../support/atlas-errors";

describe("e2e: Atlas as observed (slow actions, transient 400s, no orphans)", function () {
  this.timeout(180_000);
  let emu: RunningEmulator;
  let admin: EmulatorAdminClient;
  let proj: PulumiProject | undefined;

  requirePulumiCli();

  afterEach(async () => {
    if (proj) await proj.dispose();
    proj = undefined;
    if (emu) await emu.close();
  });

  async function pipelineProject(stack: string, processorName: string): Promise<PulumiProject> {
    const p = await PulumiProject.create({ stack, program: path.join(REPO, "examples", "pipeline", "index.ts") });
    await p.useEmulator(emu.url, "serviceAccount");
    await p.config("processorName", processorName);
    return p;
  }

  const calls = async (method: string, suffix: string) =>
    (await admin.requests()).filter((r) => r.method === method && r.path.endsWith(suffix) && r.status !== 401).map((r) => r.status);

  it("sync action mode with 504 after apply and transient 400s: up creates and starts once, destroy deletes once (no :stop)", async () => {
    // :start and :stop take 1.5 s, answer 504 STREAM_PROCESSOR_TIMEOUT at 0.5 s, and still apply.
    emu = await startEmulator({ transitionMs: 200, actionMode: "sync", actionMs: 1500, actionTimeoutMs: 500, quiet: true });
    admin = new EmulatorAdminClient(emu.url);
    const base = `/api/atlas/v2/groups/${PROJECT_ID}/streams/${WORKSPACE}/processor`;
    await admin.fault({
      method: "POST",
      path: base,
      kind: "status",
      status: 400,
      times: 1,
      body: generic("slow-solar", "no healthy upstream"),
    });
    await admin.fault({
      method: "POST",
      path: `${base}/slow-solar:start`,
      kind: "status",
      status: 400,
      times: 1,
      body: generic("slow-solar", "failed to acquire resources for processor: internal error"),
    });
    proj = await pipelineProject("sync", "slow-solar");

    const up = await proj.up();
    expect((await admin.processor("slow-solar")).observedState).to.equal("STARTED");
    expect(await calls("POST", "/processor")).to.deep.equal([400, 200]);
    // The transient 400 was retried after a fresh read; the 504 was never followed by a resend.
    expect(await calls("POST", "/processor/slow-solar:start")).to.deep.equal([400, 504]);
    expect(up.stdout + up.stderr).to.include("STREAM_PROCESSOR_TIMEOUT");
    const outs = await proj.outputs();
    expect(outs).to.include({ state: "STARTED", createdByResource: true });

    await admin.clearRequests();
    await proj.destroy();
    // A processor this resource created is deleted with one DELETE: Atlas stops it as part of that.
    expect(await calls("POST", "/processor/slow-solar:stop")).to.deep.equal([]);
    expect(await calls("DELETE", "/processor/slow-solar")).to.deep.equal([204]);
    expect(
      await admin.processor("slow-solar").then(
        () => false,
        () => true,
      ),
      "deleted",
    ).to.equal(true);
    expect(leakedSecrets(proj.transcript)).to.deep.equal([]);
  });

  it("a create whose start is refused fails `pulumi up`, stays in the stack, and `pulumi destroy` deletes it", async () => {
    emu = await startEmulator({ transitionMs: 200, quiet: true });
    admin = new EmulatorAdminClient(emu.url);
    const start = `/api/atlas/v2/groups/${PROJECT_ID}/streams/${WORKSPACE}/processor/orphan-solar:start`;
    await admin.fault({
      method: "POST",
      path: start,
      kind: "status",
      status: 400,
      times: 1,
      body: generic("orphan-solar", "RBAC: access denied"),
    });
    proj = await pipelineProject("orphan", "orphan-solar");

    const up = await proj.up([], { allowFail: true });
    expect(up.code).to.not.equal(0);
    expect(up.stdout + up.stderr)
      .to.include("RBAC: access denied")
      .and.include("stays in the stack");
    expect((await admin.processor("orphan-solar")).observedState).to.equal("CREATED");
    expect(await calls("POST", "/processor/orphan-solar:start")).to.deep.equal([400]);

    const state = JSON.parse(await proj.exportText()) as {
      deployment: { resources?: Array<{ type: string; id?: string; outputs?: Record<string, unknown> }> };
    };
    const res = (state.deployment.resources ?? []).find((r) => r.type === "pulumi-nodejs:dynamic/atlas:StreamProcessor");
    expect(res, "the processor is in the stack").to.not.equal(undefined);
    expect(res!.id).to.equal(`${PROJECT_ID}/${WORKSPACE}/orphan-solar`);
    expect(res!.outputs).to.include({ createdByResource: true, processorName: "orphan-solar" });

    await admin.clearRequests();
    await proj.destroy();
    expect(await calls("DELETE", "/processor/orphan-solar")).to.deep.equal([204]);
    expect(
      await admin.processor("orphan-solar").then(
        () => false,
        () => true,
      ),
      "deleted",
    ).to.equal(true);
    expect(leakedSecrets(proj.transcript)).to.deep.equal([]);
  });
});
