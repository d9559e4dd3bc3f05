/**
 * Soak: a real `pulumi up` of N processors (scripts/soak-program) against the emulator with
 * Atlas-like faults and the product's default client options: synchronous actions, and on a
 * random third of each step's requests one of — 504 after applying, a transient 400, a 500 whose
 * change lands in the background, a 500 before applying, a reset (before or after applying), a
 * 429 with Retry-After. Steps: up (create), a no-op up, out-of-band FAILED then `up --refresh`,
 * a definition change, destroy. After each step: every processor as declared, and no operation
 * carried out twice for one processor (the emulator's log of applied operations).
 *
 *   npm run build && npx tsx scripts/soak.ts [N=20] [seeds=1,2,3]
 */
import * as path from "node:path";
import { startEmulator, type FaultSpec, type RunningEmulator } from "../emulator";
import { PulumiProject, REPO } from "./lib/pulumi-project";
import { PROJECT, WORKSPACE } from "./lib/seed";

const N = Number(process.argv[2] ?? 20);
const SEEDS = (process.argv[3] ?? "1,2,3").split(",").map(Number);
const API = `/api/atlas/v2/groups/${PROJECT}/streams/${WORKSPACE}/processor`;

/** mulberry32: a small seeded generator, so a failing seed can be run again. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KINDS: Array<(method: string, p: string) => FaultSpec> = [
  (method, p) => ({ method, path: p, kind: "status-after-apply", status: 504 }),
  (method, p) => ({ method, path: p, kind: "processor-error", message: "no healthy upstream" }),
  (method, p) => ({ method, path: p, kind: "status-after-apply", status: 500, landsAfterMs: 800 }),
  (method, p) => ({ method, path: p, kind: "status", status: 500 }),
  (method, p) => ({ method, path: p, kind: "reset" }),
  (method, p) => ({ method, path: p, kind: "reset-after-apply" }),
  (method, p) => ({ method, path: p, kind: "status", status: 429, headers: { "Retry-After": "1" } }),
];

/** One fault on a random third of the given requests. */
function faults(emu: RunningEmulator, random: () => number, targets: Array<[string, string]>): number {
  let n = 0;
  for (const [method, p] of targets) {
    if (random() > 1 / 3) continue;
    const make = KINDS[Math.floor(random() * KINDS.length)]!;
    emu.admin.injectFault({ ...make(method, p), times: 1 });
    n++;
  }
  return n;
}

function twice(emu: RunningEmulator): string[] {
  const seen = new Map<string, number>();
  for (const o of emu.admin.appliedOperations()) {
    const k = `${o.processorName} ${o.operation}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  return [...seen].filter(([, c]) => c > 1).map(([k, c]) => `${k} ×${c}`);
}

async function soak(seed: number): Promise<string[]> {
  const random = rng(seed);
  const names = Array.from({ length: N }, (_, i) => `soak-${i}`);
  const emu = await startEmulator({ transitionMs: 1000, actionMode: "sync", actionMs: 1500, quiet: true });
  const proj = await PulumiProject.create({ stack: `soak-${seed}`, program: path.join(REPO, "scripts", "soak-program", "index.ts") });
  const lines: string[] = [];
  try {
    await proj.useEmulator(emu.url, "apiKey", false); // the product's default retry options
    await proj.config("count", String(N));
    const step = async (what: string, run: () => Promise<unknown>, expect: (name: string) => string | undefined) => {
      const t0 = Date.now();
      await run();
      const bad = names.flatMap((n) => {
        const want = expect(n);
        const got = emu.admin.getProcessor(PROJECT, WORKSPACE, n)?.observedState;
        return want === got ? [] : [`${n}: ${got ?? "gone"}, wanted ${want ?? "gone"}`];
      });
      const doubled = twice(emu);
      lines.push(`seed ${seed} ${what}: ${((Date.now() - t0) / 1000).toFixed(1)} s, ${bad.length} wrong, ${doubled.length} applied twice`);
      if (bad.length || doubled.length) throw new Error(`seed ${seed}, ${what}: ${[...bad, ...doubled].join("; ")}`);
      emu.admin.clearAppliedOperations();
      emu.admin.clearFaults();
    };
    const started = () => "STARTED";
    let n = faults(emu, random, [
      ...names.map(() => ["POST", API] as [string, string]),
      ...names.map((s) => ["POST", `${API}/${s}:start`] as [string, string]),
    ]);
    await step(`up (create ${N}, ${n} faults)`, () => proj.up(), started);
    await step("no-op up", () => proj.up(), started);
    const failed = names.filter(() => random() < 0.25);
    for (const f of failed) emu.admin.failProcessor(PROJECT, WORKSPACE, f);
    n = faults(
      emu,
      random,
      failed.map((s) => ["POST", `${API}/${s}:start`]),
    );
    await step(`up --refresh (${failed.length} FAILED out of band, ${n} faults)`, () => proj.up(["--refresh"]), started);
    const changed = names.map((_, i) => i).filter(() => random() < 0.25);
    await proj.config("changed", JSON.stringify(changed));
    n = faults(
      emu,
      random,
      changed.flatMap((i) => [
        ["POST", `${API}/soak-${i}:stop`],
        ["PATCH", `${API}/soak-${i}`],
        ["POST", `${API}/soak-${i}:start`],
      ]),
    );
    await step(`up (${changed.length} definitions changed, ${n} faults)`, () => proj.up(), started);
    n = faults(
      emu,
      random,
      names.flatMap(
        (s) =>
          [
            ["POST", `${API}/${s}:stop`],
            ["DELETE", `${API}/${s}`],
          ] as Array<[string, string]>,
      ),
    );
    await step(
      `destroy (${n} faults)`,
      () => proj.destroy(),
      () => undefined,
    );
    return lines;
  } catch (e) {
    lines.push(String(e));
    throw Object.assign(new Error(lines.join("\n")), { cause: e });
  } finally {
    await proj.dispose();
    await emu.close();
  }
}

async function main(): Promise<void> {
  for (const seed of SEEDS) {
    const lines = await soak(seed);
    console.log(lines.join("\n"));
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
