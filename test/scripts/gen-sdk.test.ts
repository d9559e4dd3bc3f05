// The SDK check (scripts/gen-sdk.sh) on copies of sdk/: an unchanged copy passes, an edited,
// missing or extra file fails naming it, and the build step catches a broken Python or TypeScript
// file. Every case regenerates the SDKs with scripts/gen-sdk (Go): on an empty Go build cache the
// first run compiles the generator (minutes); CI's `npm run check:sdk` has warmed the cache by
// then, and each case takes seconds. No case runs the Go build of the SDK (the slow step): the
// full `--check`, Go build included, is CI's `npm run check:sdk` itself.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const REPO = path.resolve(__dirname, "../..");
const SCRIPT = path.join(REPO, "scripts/gen-sdk.sh");
const OUT_OF_DATE = "is out of date with provider/plugin/schema.json: run bash scripts/gen-sdk.sh";

function run(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync("bash", [SCRIPT, ...args], { encoding: "utf8" });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("scripts/gen-sdk.sh (regenerates the SDKs with Go: slow on an empty Go build cache)", function () {
  this.timeout(600_000);
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  /** A copy of the committed sdk/, to edit. */
  const copy = (): string => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), "gen-sdk-test-"));
    dirs.push(d);
    const sdk = path.join(d, "sdk");
    fs.cpSync(path.join(REPO, "sdk"), sdk, { recursive: true });
    return sdk;
  };

  it("passes on an unchanged copy of sdk/, build output (bin/, __pycache__/) ignored", () => {
    const sdk = copy();
    fs.mkdirSync(path.join(sdk, "nodejs/bin"));
    fs.writeFileSync(path.join(sdk, "nodejs/bin/index.js"), "");
    fs.mkdirSync(path.join(sdk, "python/pulumi_atlasstreams/__pycache__"));
    fs.writeFileSync(path.join(sdk, "python/pulumi_atlasstreams/__pycache__/provider.cpython-311.pyc"), "");
    const r = run("--check", "--no-verify", "--sdk-dir", sdk);
    expect(r.status, r.out).to.equal(0);
    expect(r.out).to.contain("is up to date with provider/plugin/schema.json");
  });

  it("fails when a generated file is edited, naming it and showing the difference", () => {
    const sdk = copy();
    const file = path.join(sdk, "nodejs/streamProcessor.ts");
    fs.appendFileSync(file, "// edited by hand\n");
    const r = run("--check", "--sdk-dir", sdk);
    expect(r.status, r.out).to.equal(1);
    expect(r.out).to.contain(`${sdk}/ ${OUT_OF_DATE}`);
    expect(r.out).to.match(new RegExp(`differs: +${sdk}/nodejs/streamProcessor\\.ts`));
    expect(r.out).to.contain("\n-// edited by hand\n");
    expect(r.out).not.to.contain("go build"); // nothing is built once the comparison fails
  });

  it("fails on a missing and on an extra file, naming each", () => {
    const sdk = copy();
    fs.rmSync(path.join(sdk, "go/atlasstreams/streamProcessor.go"));
    fs.writeFileSync(path.join(sdk, "dotnet/Handwritten.cs"), "// not generated\n");
    const r = run("--check", "--no-verify", "--sdk-dir", sdk);
    expect(r.status, r.out).to.equal(1);
    expect(r.out).to.contain(OUT_OF_DATE);
    expect(r.out).to.match(new RegExp(`missing: +${sdk}/go/atlasstreams/streamProcessor\\.go`));
    expect(r.out).to.match(new RegExp(`extra: +${sdk}/dotnet/Handwritten\\.cs`));
  });

  it("checks the real sdk/ by default, with the message CI shows", () => {
    const r = run("--check", "--no-verify");
    expect(r.status, r.out).to.equal(0);
    expect(r.out).to.contain("sdk/ is up to date with provider/plugin/schema.json");
  });

  it("--verify fails on a Python syntax error, before building anything else", () => {
    const sdk = copy();
    fs.appendFileSync(path.join(sdk, "python/pulumi_atlasstreams/provider.py"), "\ndef broken(:\n");
    const r = run("--verify", "--sdk-dir", sdk);
    expect(r.status, r.out).to.equal(1);
    expect(r.out).to.contain("python: the Python SDK does not compile");
    expect(r.out).to.contain("provider.py");
  });

  it("--verify fails on a TypeScript type error in the Node.js SDK", () => {
    const sdk = copy();
    fs.appendFileSync(path.join(sdk, "nodejs/index.ts"), "\nexport const broken: number = 'text';\n");
    const r = run("--verify", "--sdk-dir", sdk);
    expect(r.status, r.out).to.equal(1);
    expect(r.out).to.match(/python: \d+ files pass python3 -m py_compile/);
    expect(r.out).to.contain("error TS2322");
    expect(r.out).to.contain("nodejs: the Node.js SDK does not compile with tsc");
  });
});
