/**
 * End to end, consumed as a user would: `npm pack` the package, install the tarball (with
 * @pulumi/pulumi 3.248.0 and TypeScript 5 from the npm registry) into a temporary project,
 * and `pulumi up` a small program there against the emulator.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { EmulatorAdminClient, PulumiProject, REPO, leakedSecrets, pulumiBin } from "./harness";

/** Creates a user project from the packed tarball; returns its folder. Needs `npm run build` first. */
export function installPackedProject(programTs: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "pulumi-user-project-"));
  execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: REPO, stdio: ["ignore", "ignore", "inherit"] });
  const tgz = readdirSync(dir).find((f) => f.endsWith(".tgz"))!;
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "user-project", version: "0.0.0", private: true }, null, 2));
  execFileSync(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", `./${tgz}`, "@pulumi/pulumi@3.248.0", "typescript@~5.9.3", "@types/node@^20.19.0"],
    { cwd: dir, stdio: ["ignore", "ignore", "inherit"] },
  );
  writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { target: "ES2022", module: "node16", moduleResolution: "node16", strict: true, esModuleInterop: true, skipLibCheck: true, types: ["node"] }, files: ["index.ts"] }, null, 2),
  );
  writeFileSync(path.join(dir, "Pulumi.yaml"), "name: user-project\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n");
  writeFileSync(path.join(dir, "index.ts"), programTs);
  return dir;
}

export const USER_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { StreamProcessor } from "pulumi-atlas-stream-processor";

const config = new pulumi.Config();
const names = config.getObject<string[]>("processors") ?? ["inventory"];
const processors = names.map((processorName) => new StreamProcessor(processorName, {
  projectId: "6650f1a2b3c4d5e6f7a8b9c0",
  workspaceName: "demo-workspace",
  processorName,
}));
export const states = pulumi.all(processors.map((p) => p.state));
`;

describe("e2e: the npm-packed package in a user's project under pulumi up", function () {
  this.timeout(120_000);
  let emu: RunningEmulator;
  let admin: EmulatorAdminClient;
  let dir: string | undefined;
  let proj: PulumiProject | undefined;

  before(async function () {
    this.timeout(15 * 60_000);
    pulumiBin();
    emu = await startEmulator({ transitionMs: 200, quiet: true });
    admin = new EmulatorAdminClient(emu.url);
    dir = installPackedProject(USER_PROGRAM);
    proj = await PulumiProject.create({ projectDir: dir, stack: "user" });
    await proj.useEmulator(emu.url, "serviceAccount");
  });

  after(async function () {
    if (proj) await proj.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (emu) await emu.close();
  });

  it("up starts the processor; the state requires the package instead of inlining it", async () => {
    await proj!.up();
    expect((await admin.processor("inventory")).observedState).to.equal("STARTED");
    expect((await proj!.outputs()).states).to.deep.equal(["STARTED"]);
    const src = (await proj!.providerSources())["inventory"]!;
    expect(src).to.include('require("pulumi-atlas-stream-processor/dist/provider/');
    expect(leakedSecrets(src)).to.deep.equal([]);
  });

  it("converges through injected 500s and 429s", async () => {
    await proj!.config("processors", '["inventory","payments"]');
    await admin.fault({ method: "GET", path: "*/processor/payments", kind: "status", status: 500, times: 2 });
    await admin.fault({ method: "POST", path: "*/processor/payments:start*", kind: "status", status: 429, times: 1, headers: { "Retry-After": "1" } });
    await proj!.up();
    expect(await admin.states(["inventory", "payments"])).to.deep.equal({ inventory: "STARTED", payments: "STARTED" });
  });

  it("destroy stops the processors; no credential in output or state", async () => {
    await proj!.destroy();
    expect(await admin.states(["inventory", "payments"])).to.deep.equal({ inventory: "STOPPED", payments: "STOPPED" });
    expect(leakedSecrets(proj!.transcript)).to.deep.equal([]);
    expect(leakedSecrets(await proj!.exportText())).to.deep.equal([]);
  });
});
