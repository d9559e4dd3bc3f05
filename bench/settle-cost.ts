/**
 * What the settle window costs: N processors started at once by the provider (in this process,
 * against the emulator with Atlas's semantics: the old state stays visible until a start lands),
 * with none of their `:start`s failing, then with 10 % of them answered 500 *before* being applied
 * (the common case: Atlas did nothing, so after the window the start is sent again). Prints the
 * wall time of each round and the extra time a failed start cost its processor.
 *
 *   npx tsx bench/settle-cost.ts [N=20] [rounds=3]
 */
import { startEmulator } from "../emulator";
import * as lifecycle from "../provider/lifecycle";
import type { StreamProcessorInputs } from "../provider/types";
import { API_KEY, PROJECT, WORKSPACE } from "../scripts/lib/seed";

const N = Number(process.argv[2] ?? 20);
const ROUNDS = Number(process.argv[3] ?? 3);
const TRANSITION_MS = 500;

const inputs = (processorName: string): StreamProcessorInputs => ({
  projectId: PROJECT,
  workspaceName: WORKSPACE,
  processorName,
  state: "STARTED",
  timeoutSeconds: 120,
});

async function round(failing: number): Promise<{ wallMs: number; perProcessorMs: number[]; starts: number }> {
  const emu = await startEmulator({ transitionMs: TRANSITION_MS, quiet: true });
  try {
    const names = Array.from({ length: N }, (_, i) => `settle-${i}`);
    emu.admin.seed({
      projects: [
        {
          id: PROJECT,
          workspaces: [
            {
              name: WORKSPACE,
              processors: names.map((name) => ({
                name,
                state: "CREATED",
                pipeline: [{ $source: { connectionName: "sample_stream_solar" } }, { $emit: { connectionName: "__testLog" } }],
              })),
            },
          ],
        },
      ],
    });
    for (const name of names.slice(0, failing))
      emu.admin.injectFault({ method: "POST", path: `*/processor/${name}:start`, kind: "status", status: 500, times: 1 });
    const cfg: Record<string, string> = {
      "mongodbatlas:baseUrl": emu.url,
      "mongodbatlas:publicKey": API_KEY.publicKey,
      "mongodbatlas:privateKey": API_KEY.privateKey,
      "atlas-stream-processor:backoffBaseMs": "100",
    };
    await lifecycle.configure({ config: { get: (k: string) => cfg[k], require: (k: string) => cfg[k]! } } as never);
    const quiet = console.log;
    console.log = () => undefined;
    const t0 = Date.now();
    const perProcessorMs: number[] = [];
    try {
      await Promise.all(
        names.map(async (n) => {
          const s = Date.now();
          await lifecycle.create(inputs(n));
          perProcessorMs.push(Date.now() - s);
        }),
      );
    } finally {
      console.log = quiet;
    }
    const starts = emu.admin.requests().filter((r) => r.method === "POST" && r.path.endsWith(":start")).length;
    return { wallMs: Date.now() - t0, perProcessorMs, starts };
  } finally {
    await emu.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const failing = Math.max(1, Math.round(N / 10));
  const rows: string[] = [];
  const walls: Record<string, number[]> = { none: [], failing: [] };
  const slowest: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const a = await round(0);
    const b = await round(failing);
    walls.none!.push(a.wallMs);
    walls.failing!.push(b.wallMs);
    slowest.push(Math.max(...b.perProcessorMs) - median(a.perProcessorMs));
    rows.push(`round ${r + 1}: none ${a.wallMs} ms (${a.starts} :start), ${failing}/${N} answered 500 ${b.wallMs} ms (${b.starts} :start)`);
  }
  console.log(rows.join("\n"));
  console.log(
    `N = ${N}, ${failing} of the :starts answered 500 before applying, transition ${TRANSITION_MS} ms, medians of ${ROUNDS}: ` +
      `up ${median(walls.none!)} ms without, ${median(walls.failing!)} ms with (+${median(walls.failing!) - median(walls.none!)} ms); ` +
      `a processor whose :start failed took ${median(slowest)} ms longer than a typical one (settle window 3000 ms + a backoff)`,
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
