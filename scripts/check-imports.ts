// The import rule of the repository, checked: `provider/` and `emulator/` never import each other
// (the emulator is an independent peer, so a bug cannot hide by being shared by both sides of a
// test), no file is part of an import cycle, and provider/ imports only downward (PROVIDER_LAYERS). Every relative specifier counts: `import … from`,
// `import type … from`, `export … from`, `import "…"`, `require("…")` and `import("…")` (found by
// TypeScript's own pre-processor, so comments and strings are not mistaken for imports).
//
//   tsx scripts/check-imports.ts [ROOT]     (ROOT defaults to the repository; exit 1 on a violation)
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

/** The folders checked; an import from one into another is forbidden. */
export const ROOTS = ["provider", "emulator"] as const;

/** The package's own name: `pulumi-atlas-stream-processor/emulator` from provider/ is a crossing too. */
const PACKAGE_NAME = "pulumi-atlas-stream-processor";

/**
 * Import edges allowed inside a cycle, as `from -> to` (paths relative to ROOT). Empty: neither
 * provider/ nor emulator/ has a cycle. An entry lets a known cycle pass while it is being removed;
 * the check names entries that no longer exist.
 */
export const ALLOWED_CYCLE_EDGES: readonly string[] = [];

/**
 * provider/'s layers, top to bottom: a file may import its own layer and the layers below it,
 * never one above. Each entry is a folder (`resource/`) or a root file (`lifecycle.ts`).
 * `errors.ts` and `types.ts` are leaves every layer may import; they import nothing of ours.
 * CONTRIBUTING.md has the same list with one line per layer.
 */
export const PROVIDER_LAYERS: readonly (readonly string[])[] = [
  ["index.ts"],
  ["resource/", "plugin/"],
  ["lifecycle.ts"],
  ["inputs/"],
  ["converge/"],
  ["atlas/"],
  ["http/"],
  ["model/"],
  ["config/"],
  ["util/"],
  ["errors.ts", "types.ts"],
];

/** The rank of a provider/ file in PROVIDER_LAYERS (0 = top), or undefined when it is in none. */
export function layerOf(relPath: string, layers: readonly (readonly string[])[] = PROVIDER_LAYERS): number | undefined {
  if (!relPath.startsWith("provider/")) return undefined;
  const inner = relPath.slice("provider/".length);
  const i = layers.findIndex((names) => names.some((n) => (n.endsWith("/") ? inner.startsWith(n) : inner === n)));
  return i < 0 ? undefined : i;
}

export interface ImportReport {
  /** Every file checked (relative to ROOT, `/`-separated), sorted. */
  files: string[];
  /** Each cycle (a strongly connected component of more than one file) not fully allow-listed. */
  cycles: Array<{ files: string[]; newEdges: string[] }>;
  /** Imports from one of ROOTS into another, as `from -> to (specifier)`. */
  crossings: string[];
  /** Allow-listed edges that no longer exist or are no longer in a cycle. */
  stale: string[];
  /** provider/ imports that go up a layer, as `from -> to`, and provider/ files in no layer. */
  upward: string[];
}

function listTs(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "node_modules") out.push(...listTs(p));
    } else if (e.isFile() && e.name.endsWith(".ts")) out.push(p);
  }
  return out;
}

const rel = (root: string, p: string) => path.relative(root, p).split(path.sep).join("/");

/** The file a relative specifier names: as written, with .ts, as a folder's index.ts, or .js → .ts. */
function resolve(fromFile: string, spec: string): string {
  const base = path.resolve(path.dirname(fromFile), spec);
  const candidates = [base, `${base}.ts`, path.join(base, "index.ts")];
  if (/\.[cm]?js$/.test(base)) candidates.push(base.replace(/\.[cm]?js$/, ".ts"));
  for (const c of candidates) if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  return base; // missing: still placed, so a crossing is reported even for a bad path
}

const rootOf = (relPath: string): string | undefined => ROOTS.find((r) => relPath === r || relPath.startsWith(`${r}/`));

/** Tarjan's strongly connected components. */
function components(nodes: string[], edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      out.push(comp.sort());
    }
  };
  for (const v of nodes) if (!idx.has(v)) visit(v);
  return out;
}

export function checkImports(root: string, allowed: readonly string[] = ALLOWED_CYCLE_EDGES): ImportReport {
  const files = ROOTS.flatMap((r) => listTs(path.join(root, r)))
    .map((f) => rel(root, f))
    .sort();
  const edges = new Map<string, Set<string>>();
  const crossings: string[] = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(root, file), "utf8");
    const from = rootOf(file)!;
    const targets = new Set<string>();
    for (const { fileName: spec } of ts.preProcessFile(text, true, true).importedFiles) {
      if (spec === PACKAGE_NAME || spec.startsWith(`${PACKAGE_NAME}/`)) {
        // The package itself is the provider; its `/emulator` entry is the emulator.
        const to =
          spec.startsWith(`${PACKAGE_NAME}/emulator`) || spec.startsWith(`${PACKAGE_NAME}/dist/emulator`) ? "emulator" : "provider";
        if (to !== from) crossings.push(`${file} -> ${to}/ (${spec})`);
        continue;
      }
      if (!spec.startsWith(".")) continue; // a package: not ours
      const target = rel(root, resolve(path.join(root, file), spec));
      const to = rootOf(target);
      if (to !== undefined && to !== from) crossings.push(`${file} -> ${target} (${spec})`);
      if (files.includes(target) && target !== file) targets.add(target);
    }
    edges.set(file, targets);
  }

  const allow = new Set(allowed);
  const used = new Set<string>();
  const cycles: ImportReport["cycles"] = [];
  for (const comp of components(files, edges)) {
    if (comp.length < 2) continue;
    const members = new Set(comp);
    const inside = comp.flatMap((f) => [...edges.get(f)!].filter((t) => members.has(t)).map((t) => `${f} -> ${t}`));
    const newEdges = inside.filter((e) => !allow.has(e));
    inside.filter((e) => allow.has(e)).forEach((e) => used.add(e));
    if (newEdges.length) cycles.push({ files: comp, newEdges });
  }
  const stale = allowed.filter((e) => !used.has(e));
  const upward: string[] = [];
  for (const file of files) {
    if (!file.startsWith("provider/")) continue;
    const mine = layerOf(file);
    if (mine === undefined) {
      upward.push(`${file} is in no layer: put it in a folder of PROVIDER_LAYERS (scripts/check-imports.ts)`);
      continue;
    }
    for (const target of edges.get(file)!) {
      const theirs = layerOf(target);
      if (theirs !== undefined && theirs < mine) upward.push(`${file} -> ${target}`);
    }
  }
  return { files, cycles, crossings, stale, upward };
}

/** The report as text, and whether it fails. */
export function describe(report: ImportReport): { ok: boolean; text: string } {
  const lines: string[] = [];
  for (const c of report.crossings) lines.push(`forbidden import between provider/ and emulator/: ${c}`);
  for (const c of report.cycles) {
    lines.push(`import cycle among ${c.files.join(", ")}`);
    for (const e of c.newEdges) lines.push(`    ${e}`);
  }
  for (const u of report.upward) lines.push(`import against the layers of provider/: ${u}`);
  const ok = lines.length === 0;
  if (!ok) {
    lines.push(
      "",
      "provider/ and emulator/ never import each other, and no file may be part of an import cycle",
      "(type-only imports count); in provider/ a file imports only its own layer and those below",
      "(PROVIDER_LAYERS). Move the shared name into a lower module instead.",
    );
  }
  for (const e of report.stale)
    lines.push(`note: allow-listed cycle edge no longer in a cycle, remove it from scripts/check-imports.ts: ${e}`);
  if (ok)
    lines.unshift(
      `imports: ${report.files.length} files, no cycle, no upward import in provider/, no import between provider/ and emulator/`,
    );
  return { ok, text: lines.join("\n") };
}

if (require.main === module) {
  const root = path.resolve(process.argv[2] ?? path.join(__dirname, ".."));
  const { ok, text } = describe(checkImports(root));
  (ok ? process.stdout : process.stderr).write(`${text}\n`);
  process.exit(ok ? 0 : 1);
}
