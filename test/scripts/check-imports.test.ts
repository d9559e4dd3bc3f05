// The import rule's check (scripts/check-imports.ts) on tiny trees of its own: a cycle fails, a
// crossing between provider/ and emulator/ fails, an import up provider/'s layers fails, an acyclic
// tree passes, and the repository passes.
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkImports, describe as describeReport } from "../../scripts/check-imports";

const REPO = path.resolve(__dirname, "../..");
const SCRIPT = path.join(REPO, "scripts/check-imports.ts");
const TSX = path.join(REPO, "node_modules/.bin/tsx");

function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "check-imports-"));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

function run(root: string): { status: number | null; out: string } {
  const r = spawnSync(TSX, [SCRIPT, root], { encoding: "utf8" });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("scripts/check-imports.ts", function () {
  this.timeout(30_000);
  const roots: string[] = [];
  after(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));
  const make = (files: Record<string, string>) => {
    const r = tree(files);
    roots.push(r);
    return r;
  };

  it("fails on a cycle, through a type-only import too, naming the files and edges", () => {
    const root = make({
      "emulator/a.ts": 'import { b } from "./b";\nexport const a = b;\n',
      "emulator/b.ts": 'import type { C } from "./sub/c";\nexport const b = 1 as unknown as C;\n',
      "emulator/sub/c.ts": 'export type C = number;\nexport * from "../a";\n',
      "emulator/d.ts": 'import { a } from "./a";\nexport const d = a;\n',
    });
    const report = checkImports(root, []);
    expect(report.cycles).to.deep.equal([
      {
        files: ["emulator/a.ts", "emulator/b.ts", "emulator/sub/c.ts"],
        newEdges: ["emulator/a.ts -> emulator/b.ts", "emulator/b.ts -> emulator/sub/c.ts", "emulator/sub/c.ts -> emulator/a.ts"],
      },
    ]);
    const r = run(root);
    expect(r.status).to.equal(1);
    expect(r.out).to.contain("import cycle among emulator/a.ts, emulator/b.ts, emulator/sub/c.ts");
    expect(r.out).to.contain("emulator/sub/c.ts -> emulator/a.ts");
  });

  it("finds require() and import() edges, and ignores imports in comments and strings", () => {
    const root = make({
      "provider/x.ts": 'const y = require("./y");\nexport const x = y;\n',
      "provider/y.ts": 'export const y = () => import("./x");\n',
      "provider/z.ts": '// import { x } from "./x";\nexport const s = \'import { x } from "./x"\';\n',
      "provider/w.ts": 'import { s } from "./z";\nexport const w = s;\n',
    });
    const report = checkImports(root, []);
    expect(report.cycles.map((c) => c.files)).to.deep.equal([["provider/x.ts", "provider/y.ts"]]);
  });

  it("fails on an import between provider/ and emulator/, either way", () => {
    const root = make({
      "provider/p.ts": 'import { e } from "../emulator/e";\nexport const p = e;\n',
      "emulator/e.ts": 'import type { Q } from "../provider/q";\nexport const e = 1 as unknown as Q;\n',
      "provider/q.ts": "export type Q = number;\n",
      "emulator/f.ts": 'import { startEmulator } from "pulumi-atlas-stream-processor/emulator";\nexport const f = startEmulator;\n',
    });
    const report = checkImports(root, []);
    expect(report.cycles).to.deep.equal([]);
    expect(report.crossings).to.deep.equal([
      "emulator/e.ts -> provider/q.ts (../provider/q)",
      "provider/p.ts -> emulator/e.ts (../emulator/e)",
    ]);
    const r = run(root);
    expect(r.status).to.equal(1);
    expect(r.out).to.contain("forbidden import between provider/ and emulator/: provider/p.ts -> emulator/e.ts");
  });

  it("passes an acyclic tree, folders and index files included", () => {
    const root = make({
      "emulator/index.ts": 'export { a } from "./http/a";\nexport * from "./model";\n',
      "emulator/http/a.ts": 'import { m } from "../model";\nexport const a = m;\n',
      "emulator/model/index.ts": 'import type { T } from "../types";\nexport const m = 1 as unknown as T;\n',
      "emulator/types.ts": 'import { readFileSync } from "node:fs";\nexport type T = typeof readFileSync;\n',
      "provider/index.ts": 'import axios from "axios";\nexport default axios;\n',
    });
    const report = checkImports(root, []);
    expect(report).to.deep.include({ cycles: [], crossings: [], stale: [] });
    expect(describeReport(report).ok).to.equal(true);
    const r = run(root);
    expect(r.status, r.out).to.equal(0);
  });

  it("lets an allow-listed cycle pass, and fails when a new edge joins it", () => {
    const files = {
      "provider/a.ts": 'import { b } from "./b";\nexport const a = b;\n',
      "provider/b.ts": 'import type { A } from "./a";\nexport const b = 1;\nexport type A = typeof import("./a");\n',
    };
    const allowed = ["provider/a.ts -> provider/b.ts", "provider/b.ts -> provider/a.ts"];
    expect(checkImports(make(files), allowed).cycles).to.deep.equal([]);
    const grown = make({
      ...files,
      "provider/c.ts": 'import { a } from "./a";\nexport const c = a;\n',
      "provider/b.ts": files["provider/b.ts"] + 'import "./c";\n',
    });
    expect(checkImports(grown, allowed).cycles).to.deep.equal([
      {
        files: ["provider/a.ts", "provider/b.ts", "provider/c.ts"],
        newEdges: ["provider/b.ts -> provider/c.ts", "provider/c.ts -> provider/a.ts"],
      },
    ]);
  });

  describe("in provider/'s layers", () => {
    it("fails on an import up a layer, naming both files", () => {
      const root = make({
        "provider/http/client.ts": 'import { noteChange } from "../atlas/shared-reads";\nexport const c = noteChange;\n',
        "provider/atlas/shared-reads.ts": "export const noteChange = 1;\n",
      });
      const report = checkImports(root, []);
      expect(report.cycles).to.deep.equal([]);
      expect(report.upward).to.deep.equal(["provider/http/client.ts -> provider/atlas/shared-reads.ts"]);
      const r = run(root);
      expect(r.status).to.equal(1);
      expect(r.out).to.contain("import against the layers of provider/: provider/http/client.ts -> provider/atlas/shared-reads.ts");
    });

    it("passes imports down a layer, within a layer, and of the leaves", () => {
      const root = make({
        "provider/index.ts": 'export { S } from "./resource/s";\n',
        "provider/resource/s.ts": 'import { go } from "../lifecycle";\nimport { t } from "./t";\nexport const S = [go, t];\n',
        "provider/resource/t.ts": 'import type { E } from "../errors";\nexport const t = 1 as unknown as E;\n',
        "provider/lifecycle.ts": 'import { x } from "./util/x";\nexport const go = x;\n',
        "provider/util/x.ts": 'import type { T } from "../types";\nexport const x = 1 as unknown as T;\n',
        "provider/errors.ts": "export type E = Error;\n",
        "provider/types.ts": "export type T = number;\n",
      });
      expect(checkImports(root, []).upward).to.deep.equal([]);
    });

    it("fails on a provider/ file in no layer, saying where layers are listed", () => {
      const root = make({ "provider/stray.ts": "export const s = 1;\n" });
      expect(checkImports(root, []).upward).to.deep.equal([
        "provider/stray.ts is in no layer: put it in a folder of PROVIDER_LAYERS (scripts/check-imports.ts)",
      ]);
    });
  });

  it("passes on this repository", () => {
    const r = run(REPO);
    expect(r.status, r.out).to.equal(0);
  });
});
