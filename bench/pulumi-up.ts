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
 */
import { rmSync } from "node:fs";
import { startEmulator } from "../emulator";
import { EmulatorAdminClient, PROJECT_ID, PulumiProject, WORKSPACE, installPackedProject, pulumiBin } from "../test/e2e/harness";

const LATENCY_MS = 50;
const TRANSITION_MS = 500;

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
}

async function measure(dir: string, n: number, parallel: number, auth: "serviceAccount" | "apiKey", rep: number): Promise<Row> {
  const names = Array.from({ length: n }, (_, i) => `bench-${String(i).padStart(3, "0")}`);
  const seed = {
    projects: [
      {
        id: PROJECT_ID,
        workspaces: [
          {
            name: WORKSPACE,
            connections: [{ name: "sample_stream_solar", type: "Sample" }],
            processors: names.map((name) => ({ name, state: "CREATED", pipeline: [{ $source: { connectionName: "sample_stream_solar" } }, { $emit: { connectionName: "__testLog" } }] })),
          },
        ],
      },
    ],
    apiKeys: [{ publicKey: "demo-public-key", privateKey: "demo-private-key", roles: [{ groupId: PROJECT_ID, roleName: "GROUP_OWNER" }] }],
    serviceAccounts: [{ clientId: "mdb_sa_id_demo", clientSecret: "mdb_sa_sk_demo", roles: [{ groupId: PROJECT_ID, roleName: "GROUP_STREAM_PROCESSING_OWNER" }] }],
  };
  const emu = await startEmulator({ seed, transitionMs: TRANSITION_MS, quiet: true });
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
    const realSrc = Object.values(await real.providerSources())[0] ?? "";
    const noopSrc = Object.values(await floor.providerSources())[0] ?? "";
    return {
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
  const auth = (opt("--auth") ?? "serviceAccount") as "serviceAccount" | "apiKey";
  const repeat = Math.max(1, Number(opt("--repeat") ?? 3));
  const ns = args.length ? args.map(Number) : [10, 50, 100];
  pulumiBin();
  process.stdout.write(`pulumi up benchmark: +${LATENCY_MS} ms per API request, ${TRANSITION_MS} ms start transition, --parallel ${parallel}, ${auth} auth\n`);
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
        ratioMin: Math.min(...ratios),
        ratioMax: Math.max(...ratios),
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const head = ["N", "wall s", "no-op floor s", "ideal net s", "wall/floor", "wall/(floor+ideal)", "range per run", "requests", "req/processor", "token req", "Digest 401s", "__provider B", "no-op __provider B"];
  const lines = rows.map((r) => [
    r.n,
    r.wallS.toFixed(1),
    r.floorS.toFixed(1),
    r.idealS.toFixed(2),
    (r.wallS / r.floorS).toFixed(2),
    (r.wallS / (r.floorS + r.idealS)).toFixed(2),
    `${r.ratioMin.toFixed(2)}-${r.ratioMax.toFixed(2)}`,
    r.requests,
    r.perProcessor.toFixed(2),
    r.tokens,
    r.challenges,
    r.providerBytes,
    r.noopProviderBytes,
  ].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => "| " + cells.map((c, i) => c.padStart(widths[i]!)).join(" | ") + " |";
  process.stdout.write("\n" + fmt(head) + "\n|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|\n" + lines.map(fmt).join("\n") + "\n");
  process.stdout.write(`\nMedians of ${repeat} runs per N (token requests and Digest 401s: the most in any run). ideal net = requests x ${LATENCY_MS} ms / ${parallel} + one ${TRANSITION_MS} ms transition. Targets at N=100: wall/(floor+ideal) <= 1.5, 1 token request per up, __provider <= 4096 B.\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`BENCH FAILED: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
