/**
 * Where one create's time goes, without the engine: N creates from a pipeline by P callers at a
 * time (a semaphore, as the engine's --parallel hands out slots), each started, against the
 * emulator under the benchmark's `atlas` timing (+50 ms a request, a create reads INIT/CREATING
 * for 1 s, synchronous 1.5 s actions). Per create, from the emulator's log and the caller's clock:
 *
 * - before POST: from the call to the create request's arrival (reads sent first, if any);
 * - POST → :start: from the create's arrival to the `:start`'s (at least 1 s + one look's 50 ms);
 * - :start → done: from the `:start`'s arrival to the call's end (at least 1.5 s + 2 x 50 ms);
 *
 * and the requests per processor. Prints medians of `runs` runs.
 *
 *   [ENGINE_MS=7,5] [GATHER_MS=50] npm run bench:create -- [N=50] [P=10] [runs=3]
 */
import { startEmulator } from "../emulator";
import * as lifecycle from "../provider/lifecycle";
import { batchPolicy } from "../provider/atlas/shared-reads";
import type { StreamProcessorInputs } from "../provider/types";
import { PROJECT, SERVICE_ACCOUNT, WORKSPACE } from "../scripts/lib/seed";

const N = Number(process.argv[2] ?? 50);
const P = Number(process.argv[3] ?? 10);
const RUNS = Number(process.argv[4] ?? 3);
/**
 * The engine's own serial work around each create, as measured under `pulumi up` (about 7 ms to
 * record a finished create, then about 5 ms to hand out the next): `ENGINE_MS=7,5`. Default none.
 */
const [RECORD_MS, DISPATCH_MS] = (process.env.ENGINE_MS ?? "0,0").split(",").map(Number) as [number, number];
/** The shared reads' gathering window, to compare settings (default: the provider's). */
const GATHER_MS = process.env.GATHER_MS === undefined ? undefined : Number(process.env.GATHER_MS);
const LATENCY_MS = 50;
const PIPELINE = JSON.stringify([{ $source: { connectionName: "sample_stream_solar" } }, { $emit: { connectionName: "__testLog" } }]);

const inputs = (processorName: string): StreamProcessorInputs => ({
  projectId: PROJECT,
  workspaceName: WORKSPACE,
  processorName,
  state: "STARTED",
  timeoutSeconds: 120,
  pipeline: PIPELINE,
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

interface Run {
  wallMs: number;
  beforePost: number;
  postToStart: number;
  startToDone: number;
  perCreate: number;
  requestsPerProcessor: number;
}

async function run(rep: number): Promise<Run> {
  const emu = await startEmulator({ transitionMs: 1000, actionMode: "sync", actionMs: 1500, quiet: true });
  try {
    emu.admin.seed({
      projects: [{ id: PROJECT, workspaces: [{ name: WORKSPACE, connections: [{ name: "sample_stream_solar", type: "Sample" }] }] }],
      serviceAccounts: [{ ...SERVICE_ACCOUNT, roles: [{ groupId: PROJECT, roleName: "GROUP_STREAM_PROCESSING_OWNER" }] }],
    });
    emu.admin.injectFault({ method: "*", path: "/api/*", kind: "latency", latencyMs: LATENCY_MS, times: 1_000_000 });
    const cfg: Record<string, string> = {
      "mongodbatlas:baseUrl": emu.url,
      "mongodbatlas:clientId": SERVICE_ACCOUNT.clientId,
      "mongodbatlas:clientSecret": SERVICE_ACCOUNT.clientSecret,
    };
    await lifecycle.configure({ config: { get: (k: string) => cfg[k], require: (k: string) => cfg[k]! } } as never);
    if (GATHER_MS !== undefined) batchPolicy(lifecycle.configuredClient()).gatherMs = GATHER_MS;
    // One engine: its serial work for every slot goes through one queue.
    let engine: Promise<void> = Promise.resolve();
    const engineWork = (ms: number) => {
      const done = engine.then(() => new Promise<void>((r) => setTimeout(r, ms)));
      engine = done;
      return done;
    };
    const names = Array.from({ length: N }, (_, i) => `timeline-${rep}-${String(i).padStart(3, "0")}`);
    const began: Record<string, number> = {};
    const ended: Record<string, number> = {};
    const quiet = console.log;
    console.log = () => undefined;
    const t0 = Date.now();
    try {
      let next = 0;
      await Promise.all(
        Array.from({ length: P }, async () => {
          while (next < names.length) {
            const name = names[next++]!;
            if (DISPATCH_MS) await engineWork(DISPATCH_MS);
            began[name] = Date.now();
            await lifecycle.create(inputs(name));
            ended[name] = Date.now();
            if (RECORD_MS) await engineWork(RECORD_MS);
          }
        }),
      );
    } finally {
      console.log = quiet;
    }
    const wallMs = Date.now() - t0;
    const log = emu.admin.requests().filter((r) => r.path.startsWith("/api/atlas/"));
    const arrival = (pred: (path: string, method: string) => boolean) => {
      const out: Record<string, number> = {};
      for (const r of log) {
        if (!pred(r.path, r.method)) continue;
        const name = decodeURIComponent(
          r.path
            .split("/")
            .pop()!
            .replace(/:start$/, ""),
        );
        out[name] ??= Date.parse(r.time);
      }
      return out;
    };
    const starts = arrival((p, m) => m === "POST" && p.endsWith(":start"));
    // A create's POST names its processor in the body, not the path: take them in arrival order.
    const posts = log.filter((r) => r.method === "POST" && r.path.endsWith("/processor")).map((r) => Date.parse(r.time));
    const order = [...names].sort((a, b) => began[a]! - began[b]!);
    const postOf: Record<string, number> = {};
    order.forEach((name, i) => (postOf[name] = posts[i]!));
    return {
      wallMs,
      beforePost: median(names.map((n) => postOf[n]! - began[n]!)),
      postToStart: median(names.map((n) => starts[n]! - postOf[n]!)),
      startToDone: median(names.map((n) => ended[n]! - starts[n]!)),
      perCreate: median(names.map((n) => ended[n]! - began[n]!)),
      requestsPerProcessor: emu.admin.requests().filter((r) => r.path.startsWith("/api/")).length / N,
    };
  } finally {
    await emu.close();
  }
}

async function main(): Promise<void> {
  const runs: Run[] = [];
  for (let r = 0; r < RUNS; r++) {
    const x = await run(r);
    runs.push(x);
    console.log(
      `run ${r + 1}: wall ${x.wallMs} ms; per create ${x.perCreate} ms = before POST ${x.beforePost} + POST→:start ${x.postToStart} + :start→done ${x.startToDone}; ${x.requestsPerProcessor.toFixed(2)} requests per processor`,
    );
  }
  const m = (f: (x: Run) => number) => median(runs.map(f));
  const rounds = Math.ceil(N / P);
  console.log(
    `N = ${N}, P = ${P}, medians of ${RUNS}: wall ${m((x) => x.wallMs)} ms (${rounds} rounds: ${Math.round(m((x) => x.wallMs) / rounds)} ms each, ` +
      `against at least 2650 ms); per create ${m((x) => x.perCreate)} ms = before POST ${m((x) => x.beforePost)} + POST→:start ${m((x) => x.postToStart)} (≥ 1050) + ` +
      `:start→done ${m((x) => x.startToDone)} (≥ 1600); ${m((x) => x.requestsPerProcessor).toFixed(2)} requests per processor`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
