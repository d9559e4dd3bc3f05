/**
 * npm run bench: `pulumi up` of N StreamProcessors (default N = 10, 50, 100) against the
 * emulator with 50 ms added latency on every API request and a 500 ms start transition,
 * compared in the same run with a no-op dynamic provider program of the same N (the engine's
 * own floor). The package is consumed as a user would: packed and installed into a temporary
 * project (scripts/bench.sh builds first).
 *
 *   npm run bench -- [N ...] [--parallel P] [--auth serviceAccount|apiKey] [--repeat R]
 *
 * Each N is measured R times (default 3) on fresh stacks and a fresh emulator, alternating
 * whether the floor or the real program goes first; the table shows medians and the spread of
 * the ratio, because the engine's own floor alone varies by seconds between runs here.
 *
 * In the same run, for each N: `pulumi refresh` of the deployed stack (its requests), and the
 * same `pulumi up` against an emulator with Atlas's project-scoped token bucket (capacity 100,
 * refill 10 per second): wall time, 429s and failed resources. The table and an SVG chart of
 * wall time against N go to docs/benchmark.md and docs/benchmark.svg (`--no-write` skips that).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import * as path from "node:path";
import { startEmulator } from "../emulator";
import { EmulatorAdminClient, PROJECT_ID, PulumiProject, WORKSPACE, installPackedProject, pulumiBin } from "../scripts/lib/pulumi-project";
import { API_KEY, SERVICE_ACCOUNT } from "../scripts/lib/seed";
import { startRounds } from "./start-rounds";

const LATENCY_MS = 50;
const TRANSITION_MS = 500;
/** Atlas's project bucket as the rate-limited run models it. */
const BUCKET = { capacity: 100, refillPerSecond: 10 };

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { StreamProcessor } from "pulumi-atlas-stream-processor";

const config = new pulumi.Config();
const n = config.requireNumber("n");
const names = Array.from({ length: n }, (_, i) => "bench-" + String(i).padStart(3, "0"));

// The engine's floor: the same number of dynamic resources whose provider does nothing.
const noop: pulumi.dynamic.ResourceProvider = {
  async create(inputs) { return { id: inputs.processorName, outs: inputs }; },
};
class Noop extends pulumi.dynamic.Resource {
  constructor(name: string, props: Record<string, unknown>) { super(noop, name, props, undefined, "bench", "Noop"); }
}

for (const processorName of names) {
  const args = { projectId: "${PROJECT_ID}", workspaceName: "${WORKSPACE}", processorName };
  if (config.getBoolean("noop")) new Noop(processorName, args);
  else new StreamProcessor(processorName, args);
}
`;

interface Row {
  n: number;
  wallS: number;
  floorS: number;
  requests: number;
  perProcessor: number;
  tokens: number;
  challenges: number;
  providerBytes: number;
  noopProviderBytes: number;
  idealS: number;
  /**
   * The least time the creates themselves can take at this parallelism: each create holds one of
   * the engine's P slots from its first request until it sees STARTED (:start, the transition,
   * one read), so ceil(N / P) rounds of that run one after another.
   */
  serialMinS: number;
  /** How the `:start`s arrived: in how many bursts, and the median time between bursts. */
  startRounds: number;
  roundS: number;
  /** `pulumi refresh` of the deployed stack: API requests and wall time. */
  refreshRequests: number;
  refreshS: number;
  /** The same `up` under the project bucket. */
  limitedS: number;
  limitedRequests: number;
  limited429s: number;
  limitedFailed: number;
}

type Auth = "serviceAccount" | "apiKey";

function seedFor(names: string[]) {
  return {
    projects: [
      {
        id: PROJECT_ID,
        workspaces: [
          {
            name: WORKSPACE,
            connections: [{ name: "sample_stream_solar", type: "Sample" }],
            processors: names.map((name) => ({
              name,
              state: "CREATED",
              pipeline: [{ $source: { connectionName: "sample_stream_solar" } }, { $emit: { connectionName: "__testLog" } }],
            })),
          },
        ],
      },
    ],
    apiKeys: [{ ...API_KEY, roles: [{ groupId: PROJECT_ID, roleName: "GROUP_OWNER" }] }],
    serviceAccounts: [
      {
        ...SERVICE_ACCOUNT,
        roles: [{ groupId: PROJECT_ID, roleName: "GROUP_STREAM_PROCESSING_OWNER" }],
      },
    ],
  };
}

/** `pulumi up` of the real program under Atlas's project bucket: wall, requests, 429s, failed resources. */
async function measureLimited(
  dir: string,
  n: number,
  parallel: number,
  auth: Auth,
  rep: number,
): Promise<Pick<Row, "limitedS" | "limitedRequests" | "limited429s" | "limitedFailed">> {
  const names = Array.from({ length: n }, (_, i) => `bench-${String(i).padStart(3, "0")}`);
  const emu = await startEmulator({
    seed: seedFor(names),
    transitionMs: TRANSITION_MS,
    quiet: true,
    rateLimit: { ...BUCKET, scope: "project" },
  });
  const admin = new EmulatorAdminClient(emu.url);
  const real = await PulumiProject.create({ projectDir: dir, stack: `limited-${n}-${rep}` });
  try {
    await real.useEmulator(emu.url, auth, false);
    await real.config("n", String(n));
    await admin.clearRequests();
    await admin.fault({ method: "*", path: "/api/*", kind: "latency", latencyMs: LATENCY_MS, times: 1_000_000 });
    const r = await real.up([`--parallel=${parallel}`], { allowFail: true });
    const api = (await admin.requests()).filter((q) => q.path.startsWith("/api/"));
    await admin.clearFaults();
    const states = await admin.states(names);
    return {
      limitedS: r.ms / 1000,
      limitedRequests: api.length,
      limited429s: api.filter((q) => q.status === 429).length,
      limitedFailed: Object.values(states).filter((st) => st !== "STARTED").length,
    };
  } finally {
    await real.destroy([`--parallel=${parallel}`], { allowFail: true }).catch(() => undefined);
    await real.dispose();
    await emu.close();
  }
}

async function measure(dir: string, n: number, parallel: number, auth: Auth, rep: number): Promise<Row> {
  const names = Array.from({ length: n }, (_, i) => `bench-${String(i).padStart(3, "0")}`);
  const emu = await startEmulator({ seed: seedFor(names), transitionMs: TRANSITION_MS, quiet: true });
  const admin = new EmulatorAdminClient(emu.url);
  const real = await PulumiProject.create({ projectDir: dir, stack: `bench-${n}-${rep}` });
  const floor = await PulumiProject.create({ projectDir: dir, stack: `noop-${n}-${rep}` });
  try {
    await real.useEmulator(emu.url, auth, false);
    await real.config("n", String(n));
    await floor.config("n", String(n));
    await floor.config("noop", "true");

    const floorFirst = rep % 2 === 0;
    let f = floorFirst ? await floor.up([`--parallel=${parallel}`]) : undefined;
    await admin.clearRequests();
    await admin.fault({ method: "*", path: "/api/*", kind: "latency", latencyMs: LATENCY_MS, times: 1_000_000 });
    const r = await real.up([`--parallel=${parallel}`]);
    f ??= await floor.up([`--parallel=${parallel}`]);
    const reqs = await admin.requests();
    const states = await admin.states(names);
    const notStarted = Object.entries(states).filter(([, s]) => s !== "STARTED");
    if (notStarted.length) throw new Error(`${notStarted.length} processors not STARTED after up`);
    const api = reqs.filter((q) => q.path.startsWith("/api/"));
    const requests = api.length;
    const idealS = (requests * LATENCY_MS) / 1000 / parallel + TRANSITION_MS / 1000;
    const serialMinS = (Math.ceil(n / parallel) * (TRANSITION_MS + 2 * LATENCY_MS)) / 1000;
    const rounds = startRounds(api.filter((q) => q.path.endsWith(":start")).map((q) => Date.parse(q.time)));
    const realSrc = Object.values(await real.providerSources())[0] ?? "";
    const noopSrc = Object.values(await floor.providerSources())[0] ?? "";
    // `pulumi refresh` of the deployed stack: every resource reads its processor.
    await admin.clearRequests();
    const refresh = await real.pulumi(["refresh", "--yes", "--skip-preview", `--parallel=${parallel}`]);
    const refreshRequests = (await admin.requests()).filter((q) => q.path.startsWith("/api/")).length;
    await admin.clearFaults();
    const limited = await measureLimited(dir, n, parallel, auth, rep);
    return {
      ...limited,
      refreshRequests,
      refreshS: refresh.ms / 1000,
      n,
      wallS: r.ms / 1000,
      floorS: f.ms / 1000,
      requests,
      perProcessor: requests / n,
      tokens: api.filter((q) => q.path === "/api/oauth/token").length,
      challenges: api.filter((q) => q.status === 401).length,
      providerBytes: Buffer.byteLength(realSrc),
      noopProviderBytes: Buffer.byteLength(noopSrc),
      idealS,
      serialMinS,
      startRounds: rounds.rounds,
      roundS: rounds.medianPeriodMs / 1000,
    };
  } finally {
    await real.destroy([`--parallel=${parallel}`], { allowFail: true }).catch(() => undefined);
    await real.dispose();
    await floor.destroy([], { allowFail: true }).catch(() => undefined);
    await floor.dispose();
    await emu.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const v = args[i + 1];
    args.splice(i, 2);
    return v;
  };
  const parallel = Number(opt("--parallel") ?? 8); // the CLI's default on this 2-core machine (4 x CPUs)
  const auth = (opt("--auth") ?? "serviceAccount") as Auth;
  const noWrite = args.includes("--no-write");
  if (noWrite) args.splice(args.indexOf("--no-write"), 1);
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
  const repeat = Math.max(1, Number(opt("--repeat") ?? 3));
  const ns = args.length ? args.map(Number) : [10, 50, 100];
  pulumiBin();
  process.stdout.write(
    `pulumi up benchmark: +${LATENCY_MS} ms per API request, ${TRANSITION_MS} ms start transition, --parallel ${parallel}, ${auth} auth\n`,
  );
  process.stdout.write("installing the packed package into a temporary project...\n");
  const dir = installPackedProject(PROGRAM);
  const rows: (Row & { ratioMin: number; ratioMax: number })[] = [];
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  try {
    for (const n of ns) {
      const reps: Row[] = [];
      for (let rep = 0; rep < repeat; rep++) {
        process.stdout.write(`N=${n} run ${rep + 1}/${repeat}...\n`);
        reps.push(await measure(dir, n, parallel, auth, rep));
      }
      const ratios = reps.map((r) => r.wallS / (r.floorS + r.idealS));
      rows.push({
        ...reps[0]!,
        wallS: median(reps.map((r) => r.wallS)),
        floorS: median(reps.map((r) => r.floorS)),
        requests: median(reps.map((r) => r.requests)),
        perProcessor: median(reps.map((r) => r.perProcessor)),
        tokens: Math.max(...reps.map((r) => r.tokens)),
        challenges: Math.max(...reps.map((r) => r.challenges)),
        idealS: median(reps.map((r) => r.idealS)),
        startRounds: median(reps.map((r) => r.startRounds)),
        roundS: median(reps.map((r) => r.roundS)),
        refreshRequests: median(reps.map((r) => r.refreshRequests)),
        refreshS: median(reps.map((r) => r.refreshS)),
        limitedS: median(reps.map((r) => r.limitedS)),
        limitedRequests: median(reps.map((r) => r.limitedRequests)),
        limited429s: Math.max(...reps.map((r) => r.limited429s)),
        limitedFailed: Math.max(...reps.map((r) => r.limitedFailed)),
        ratioMin: Math.min(...ratios),
        ratioMax: Math.max(...ratios),
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const head = [
    "N",
    "wall s",
    "no-op floor s",
    "ideal net s",
    "wall/(floor+ideal)",
    "range per run",
    "serial min s",
    "(wall-floor)/serial min",
    ":start rounds",
    "round s",
    "req/processor",
    "token req",
    "Digest 401s",
    "refresh requests",
    "refresh s",
    "bucket wall s",
    "bucket/unlimited",
    "bucket req/processor",
    "429s",
    "failed",
    "__provider B",
  ];
  const lines = rows.map((r) =>
    [
      r.n,
      r.wallS.toFixed(1),
      r.floorS.toFixed(1),
      r.idealS.toFixed(2),
      (r.wallS / (r.floorS + r.idealS)).toFixed(2),
      `${r.ratioMin.toFixed(2)}-${r.ratioMax.toFixed(2)}`,
      r.serialMinS.toFixed(1),
      ((r.wallS - r.floorS) / r.serialMinS).toFixed(2),
      r.startRounds,
      r.roundS.toFixed(2),
      r.perProcessor.toFixed(2),
      r.tokens,
      r.challenges,
      r.refreshRequests,
      r.refreshS.toFixed(1),
      r.limitedS.toFixed(1),
      (r.limitedS / r.wallS).toFixed(2),
      (r.limitedRequests / r.n).toFixed(2),
      r.limited429s,
      r.limitedFailed,
      r.providerBytes,
    ].map(String),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => "| " + cells.map((c, i) => c.padStart(widths[i]!)).join(" | ") + " |";
  const table = fmt(head) + "\n|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|\n" + lines.map(fmt).join("\n") + "\n";
  const legend =
    `Medians of ${repeat} run(s) per N (token requests, Digest 401s, 429s and failed resources: the most in any run). ` +
    `+${LATENCY_MS} ms per API request, ${TRANSITION_MS} ms start transition, --parallel ${parallel}, ${auth} auth. ` +
    `ideal net = requests x ${LATENCY_MS} ms / ${parallel} + one ${TRANSITION_MS} ms transition: it assumes every transition overlaps, which holds only when P >= N. ` +
    `serial min = ceil(N / ${parallel}) x (${TRANSITION_MS} ms transition + 2 x ${LATENCY_MS} ms): each create holds an engine slot from :start until a read shows STARTED, so at P < N the rounds run one after another. ` +
    `":start rounds": the bursts in which the :start requests arrived (a gap over 200 ms begins a new one); "round s": the median time between bursts, against ${(TRANSITION_MS + 2 * LATENCY_MS) / 1000} s for :start, the transition and one read. ` +
    `"bucket": the same up against Atlas's project-scoped token bucket (capacity ${BUCKET.capacity}, refill ${BUCKET.refillPerSecond}/s).`;
  process.stdout.write("\n" + table + "\n" + legend + "\n");
  const big = rows[rows.length - 1]!;
  const check = (what: string, ok: boolean, value: string) => process.stdout.write(`  ${ok ? "ok  " : "MISS"} ${what}: ${value}\n`);
  process.stdout.write(`\nTargets at N=${big.n}:\n`);
  check("requests per processor <= 1.5", big.perProcessor <= 1.5, big.perProcessor.toFixed(2));
  check(
    "1 Digest challenge or 1 token request per up",
    big.tokens + big.challenges <= 1,
    `${big.tokens} token, ${big.challenges} challenge`,
  );
  check("refresh requests <= 5", big.refreshRequests <= 5, String(big.refreshRequests));
  check("0 failed resources under the bucket", big.limitedFailed === 0, String(big.limitedFailed));
  check("bucket wall <= 1.3 x unlimited", big.limitedS <= 1.3 * big.wallS, (big.limitedS / big.wallS).toFixed(2));
  check("wall/(floor+ideal) <= 1.6", big.wallS / (big.floorS + big.idealS) <= 1.6, (big.wallS / (big.floorS + big.idealS)).toFixed(2));
  process.stdout.write(
    `       (wall - floor) / serial min: ${((big.wallS - big.floorS) / big.serialMinS).toFixed(2)} (1.00 = creates as fast as the engine's slots allow)\n`,
  );
  if (!noWrite) {
    const docs = path.join(__dirname, "..", "docs");
    mkdirSync(docs, { recursive: true });
    writeFileSync(path.join(docs, "benchmark.svg"), chart(rows));
    writeFileSync(
      path.join(docs, "benchmark.md"),
      `# Benchmark\n\nProduced by \`${command}\` on ${new Date().toISOString().slice(0, 10)} (${process.platform}, Node ${process.versions.node}, ${osCores()} cores).\n\n` +
        `${legend}\n\n${table}\n![wall time against N](benchmark.svg)\n`,
    );
    process.stdout.write(`\nwrote docs/benchmark.md and docs/benchmark.svg\n`);
  }
}

function osCores(): number {
  return cpus().length;
}

/** A hand-written SVG line chart: wall time against N for the floor, the unlimited and the rate-limited up. */
function chart(rows: Row[]): string {
  const W = 640,
    H = 400,
    L = 60,
    R = 160,
    T = 30,
    B = 50;
  const series: [string, string, (r: Row) => number][] = [
    ["no-op floor", "#888888", (r) => r.floorS],
    ["unlimited", "#1f77b4", (r) => r.wallS],
    ["rate-limited (100, 10/s)", "#d62728", (r) => r.limitedS],
  ];
  const maxN = Math.max(...rows.map((r) => r.n));
  const maxY = Math.ceil(Math.max(1, ...rows.flatMap((r) => series.map(([, , f]) => f(r)))) / 5) * 5;
  const x = (n: number) => L + ((W - L - R) * n) / maxN;
  const y = (v: number) => H - B - ((H - T - B) * v) / maxY;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${L}" y="18" font-size="14">pulumi up: wall time (s) against N</text>`);
  for (let v = 0; v <= maxY; v += maxY / 5) {
    out.push(`<line x1="${L}" y1="${y(v)}" x2="${W - R}" y2="${y(v)}" stroke="#eeeeee"/>`);
    out.push(`<text x="${L - 8}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(0)}</text>`);
  }
  out.push(
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
  );
  for (const r of rows) out.push(`<text x="${x(r.n)}" y="${H - B + 16}" text-anchor="middle">${r.n}</text>`);
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">N (processors)</text>`);
  series.forEach(([name, color, f], i) => {
    const pts = rows.map((r) => `${x(r.n).toFixed(1)},${y(f(r)).toFixed(1)}`).join(" ");
    out.push(`<polyline points="${pts}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const r of rows) out.push(`<circle cx="${x(r.n).toFixed(1)}" cy="${y(f(r)).toFixed(1)}" r="3" fill="${color}"/>`);
    out.push(
      `<line x1="${W - R + 12}" y1="${T + 10 + i * 20}" x2="${W - R + 32}" y2="${T + 10 + i * 20}" stroke="${color}" stroke-width="2"/>`,
    );
    out.push(`<text x="${W - R + 38}" y="${T + 14 + i * 20}">${name}</text>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

main().catch((e: unknown) => {
  process.stderr.write(`BENCH FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
