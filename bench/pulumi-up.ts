/**
 * npm run bench: `pulumi up`, a no-op `pulumi preview`, `pulumi preview --refresh` and
 * `pulumi destroy` of N StreamProcessors (default N = 10, 50, 100) against the emulator, under
 * two timing profiles, each compared in the same run with a no-op dynamic provider program of
 * the same N (the engine's own floor, measured for every phase). The package is consumed as a
 * user would: packed and installed into a temporary project (scripts/bench.sh builds first).
 *
 *   npm run bench -- [N ...] [--parallel P] [--profile default|atlas|both] [--auth serviceAccount|apiKey] [--repeat R] [--no-write] [--log-dir DIR]
 *
 * `--log-dir DIR` writes the API requests of each measured `up` (as the emulator logged them) to
 * DIR/up-<profile>-<N>-<run>.json with when the command began and ended, to see where the time went.
 *
 * Profiles:
 * - `default` (today's): existing CREATED processors adopted and started; 50 ms added to every
 *   API request; `:start` answers at once and the processor keeps showing CREATED for 500 ms (as Atlas: no STARTING). Also
 *   `pulumi refresh`, and the same `up` under Atlas's project bucket (capacity 100, refill 10/s).
 * - `atlas` (Atlas-like timing): processors created from a pipeline and started; 50 ms added to
 *   every request; a create reads INIT then CREATING for 1 s; `:start`/`:stop` are synchronous
 *   and take 1.5 s (GET shows the previous state until they answer). Destroy deletes them.
 *
 * Each N is measured R times (default 3) on fresh stacks and a fresh emulator, each phase's floor
 * being the mean of a no-op run just before the real command and one just after; the tables show
 * medians.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import * as path from "node:path";
import { startEmulator, type EmulatorOptions } from "../emulator";
import {
  EmulatorAdminClient,
  PROJECT_ID,
  PulumiProject,
  WORKSPACE,
  installPackedProject,
  pulumiBin,
  type LoggedRequest,
} from "../scripts/lib/pulumi-project";
import { API_KEY, SERVICE_ACCOUNT } from "../scripts/lib/seed";
import { startRounds } from "./start-rounds";

const LATENCY_MS = 50;
/** Atlas's project bucket as the rate-limited run models it. */
const BUCKET = { capacity: 100, refillPerSecond: 10 };
const PIPELINE = [{ $source: { connectionName: "sample_stream_solar" } }, { $emit: { connectionName: "__testLog" } }];

export interface Profile {
  name: "default" | "atlas";
  /** One line for the legend. */
  describe: string;
  emulator: Pick<EmulatorOptions, "transitionMs" | "actionMode" | "actionMs">;
  /** Whether the program declares a pipeline (the processors are created, and destroy deletes them) or adopts seeded ones. */
  create: boolean;
  /** The least time one processor's create holds an engine slot (serial min = ceil(N / P) x this), and its formula. */
  stepS: number;
  stepText: string;
}

export const PROFILES: Record<Profile["name"], Profile> = {
  default: {
    name: "default",
    describe: `existing CREATED processors adopted and started; +${LATENCY_MS} ms per API request; :start answers at once, then the old state for 500 ms`,
    emulator: { transitionMs: 500 },
    create: false,
    stepS: (500 + 2 * LATENCY_MS) / 1000,
    stepText: `500 ms transition + 2 x ${LATENCY_MS} ms`,
  },
  atlas: {
    name: "atlas",
    describe: `Atlas-like: processors created from a pipeline and started; +${LATENCY_MS} ms per API request; a create reads INIT/CREATING for 1 s; synchronous :start/:stop of 1.5 s`,
    emulator: { transitionMs: 1000, actionMode: "sync", actionMs: 1500 },
    create: true,
    stepS: (1000 + 1500) / 1000,
    stepText: "1 s create settle + 1.5 s action",
  },
};

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { StreamProcessor } from "pulumi-atlas-stream-processor";

const config = new pulumi.Config();
const n = config.requireNumber("n");
const names = Array.from({ length: n }, (_, i) => "bench-" + String(i).padStart(3, "0"));
const pipeline = ${JSON.stringify(PIPELINE)};

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
  else if (config.getBoolean("create")) new StreamProcessor(processorName, { ...args, pipeline });
  else new StreamProcessor(processorName, args);
}
`;

type Phase = "up" | "preview" | "preview --refresh" | "destroy";
const PHASES: readonly Phase[] = ["up", "preview", "preview --refresh", "destroy"];

interface PhaseRow {
  wallS: number;
  floorS: number;
  /** Every API request (the token request and Digest challenges included). */
  requests: number;
  /** Requests that carried a credential (neither the token request nor an unsigned Digest challenge). */
  authenticated: number;
}

interface Row {
  n: number;
  phases: Record<Phase, PhaseRow>;
  perProcessor: number;
  tokens: number;
  challenges: number;
  providerBytes: number;
  idealS: number;
  /** ceil(N / P) x the profile's step: the least time the creates can take at this parallelism. */
  serialMinS: number;
  /** How the `:start`s arrived: in how many bursts, and the median time between bursts. */
  startRounds: number;
  roundS: number;
  /** `pulumi refresh` of the deployed stack (default profile): API requests and wall time. */
  refreshRequests?: number;
  refreshS?: number;
  /** The same `up` under the project bucket (default profile). */
  limitedS?: number;
  limitedRequests?: number;
  limited429s?: number;
  limitedFailed?: number;
}

type Auth = "serviceAccount" | "apiKey";

function namesOf(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `bench-${String(i).padStart(3, "0")}`);
}

function seedFor(names: string[], profile: Profile) {
  return {
    projects: [
      {
        id: PROJECT_ID,
        workspaces: [
          {
            name: WORKSPACE,
            connections: [{ name: "sample_stream_solar", type: "Sample" }],
            processors: profile.create ? [] : names.map((name) => ({ name, state: "CREATED", pipeline: PIPELINE })),
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

const apiOnly = (reqs: LoggedRequest[]) => reqs.filter((q) => q.path.startsWith("/api/"));
const authenticatedOf = (api: LoggedRequest[]) =>
  api.filter((q) => q.path !== "/api/oauth/token" && q.status !== 401 && q.authScheme !== "none").length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `pulumi up` of the real program under Atlas's project bucket: wall, requests, 429s, failed resources. */
async function measureLimited(
  dir: string,
  n: number,
  parallel: number,
  auth: Auth,
  rep: number,
  profile: Profile,
): Promise<Pick<Row, "limitedS" | "limitedRequests" | "limited429s" | "limitedFailed">> {
  const names = namesOf(n);
  const emu = await startEmulator({
    seed: seedFor(names, profile),
    ...profile.emulator,
    quiet: true,
    rateLimit: { ...BUCKET, scope: "project" },
  });
  const admin = new EmulatorAdminClient(emu.url);
  const real = await PulumiProject.create({ projectDir: dir, stack: `limited-${profile.name}-${n}-${rep}` });
  try {
    await real.useEmulator(emu.url, auth, false);
    await real.config("n", String(n));
    if (profile.create) await real.config("create", "true");
    await admin.clearRequests();
    await admin.fault({ method: "*", path: "/api/*", kind: "latency", latencyMs: LATENCY_MS, times: 1_000_000 });
    const r = await real.up([`--parallel=${parallel}`], { allowFail: true });
    const api = apiOnly(await admin.requests());
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

async function measure(dir: string, n: number, parallel: number, auth: Auth, rep: number, profile: Profile, logDir?: string): Promise<Row> {
  const names = namesOf(n);
  const emu = await startEmulator({ seed: seedFor(names, profile), ...profile.emulator, quiet: true });
  const admin = new EmulatorAdminClient(emu.url);
  const real = await PulumiProject.create({ projectDir: dir, stack: `bench-${profile.name}-${n}-${rep}` });
  // Two floor stacks: each phase's floor is the mean of one run just before the real command and
  // one just after, so a slow or quick moment of the machine weighs on both sides alike.
  const floors = [
    await PulumiProject.create({ projectDir: dir, stack: `noop-${profile.name}-${n}-${rep}-before` }),
    await PulumiProject.create({ projectDir: dir, stack: `noop-${profile.name}-${n}-${rep}-after` }),
  ] as const;
  const P = `--parallel=${parallel}`;
  const commands: Record<Phase, string[]> = {
    up: ["up", "--yes", "--skip-preview", P],
    preview: ["preview", P],
    "preview --refresh": ["preview", "--refresh", P],
    destroy: ["destroy", "--yes", "--skip-preview", P],
  };
  let destroyed = false;
  try {
    await real.useEmulator(emu.url, auth, false);
    await real.config("n", String(n));
    if (profile.create) await real.config("create", "true");
    for (const floor of floors) {
      await floor.config("n", String(n));
      await floor.config("noop", "true");
    }
    await admin.fault({ method: "*", path: "/api/*", kind: "latency", latencyMs: LATENCY_MS, times: 1_000_000 });

    const phases = {} as Record<Phase, PhaseRow>;
    let upApi: LoggedRequest[] = [];
    let realSrc = "";
    let refreshRequests: number | undefined;
    let refreshS: number | undefined;
    for (const phase of PHASES) {
      const before = await floors[0].pulumi(commands[phase]);
      await admin.clearRequests();
      const r = await real.pulumi(commands[phase]);
      const endedAt = Date.now();
      const api = apiOnly(await admin.requests());
      const after = await floors[1].pulumi(commands[phase]);
      const floorS = (before.ms + after.ms) / 2000;
      phases[phase] = { wallS: r.ms / 1000, floorS, requests: api.length, authenticated: authenticatedOf(api) };
      if (phase === "up") {
        upApi = api;
        if (logDir) {
          const times = { startedAt: new Date(endedAt - r.ms).toISOString(), endedAt: new Date(endedAt).toISOString() };
          writeFileSync(path.join(logDir, `up-${profile.name}-${n}-${rep + 1}.json`), JSON.stringify({ ...times, requests: api }, null, 1));
        }
        const states = await admin.states(names);
        const notStarted = Object.entries(states).filter(([, s]) => s !== "STARTED");
        if (notStarted.length) throw new Error(`${notStarted.length} processors not STARTED after up`);
        realSrc = Object.values(await real.providerSources())[0] ?? "";
        if (profile.name === "default") {
          // `pulumi refresh` of the deployed stack: every resource reads its processor.
          await admin.clearRequests();
          const refresh = await real.pulumi(["refresh", "--yes", "--skip-preview", P]);
          refreshRequests = apiOnly(await admin.requests()).length;
          refreshS = refresh.ms / 1000;
        }
      }
      if (phase === "destroy") destroyed = true;
    }
    await admin.clearFaults();
    const limited = profile.name === "default" ? await measureLimited(dir, n, parallel, auth, rep, profile) : {};
    const requests = phases.up.requests;
    const idealS = (requests * LATENCY_MS) / 1000 / parallel + profile.stepS;
    const rounds = startRounds(upApi.filter((q) => q.path.endsWith(":start")).map((q) => Date.parse(q.time)));
    return {
      ...limited,
      ...(refreshRequests !== undefined && refreshS !== undefined ? { refreshRequests, refreshS } : {}),
      n,
      phases,
      perProcessor: requests / n,
      tokens: upApi.filter((q) => q.path === "/api/oauth/token").length,
      challenges: upApi.filter((q) => q.status === 401).length,
      providerBytes: Buffer.byteLength(realSrc),
      idealS,
      serialMinS: Math.ceil(n / parallel) * profile.stepS,
      startRounds: rounds.rounds,
      roundS: rounds.medianPeriodMs / 1000,
    };
  } finally {
    if (!destroyed) await real.destroy([P], { allowFail: true }).catch(() => undefined);
    await real.dispose();
    for (const floor of floors) {
      await floor.destroy([], { allowFail: true }).catch(() => undefined);
      await floor.dispose();
    }
    await emu.close();
  }
}

interface Agg extends Row {
  profile: Profile;
  ratioMin: number;
  ratioMax: number;
}

function aggregate(profile: Profile, reps: Row[]): Agg {
  const phases = {} as Record<Phase, PhaseRow>;
  for (const ph of PHASES)
    phases[ph] = {
      wallS: median(reps.map((r) => r.phases[ph].wallS)),
      floorS: median(reps.map((r) => r.phases[ph].floorS)),
      requests: median(reps.map((r) => r.phases[ph].requests)),
      authenticated: median(reps.map((r) => r.phases[ph].authenticated)),
    };
  const ratios = reps.map((r) => (r.phases.up.wallS - r.phases.up.floorS) / r.serialMinS);
  const opt = (f: (r: Row) => number | undefined) => (f(reps[0]!) === undefined ? undefined : median(reps.map((r) => f(r)!)));
  const most = (f: (r: Row) => number | undefined) => (f(reps[0]!) === undefined ? undefined : Math.max(...reps.map((r) => f(r)!)));
  const out: Agg = {
    ...reps[0]!,
    profile,
    phases,
    perProcessor: median(reps.map((r) => r.perProcessor)),
    tokens: Math.max(...reps.map((r) => r.tokens)),
    challenges: Math.max(...reps.map((r) => r.challenges)),
    idealS: median(reps.map((r) => r.idealS)),
    startRounds: median(reps.map((r) => r.startRounds)),
    roundS: median(reps.map((r) => r.roundS)),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
  };
  type Optional = "refreshRequests" | "refreshS" | "limitedS" | "limitedRequests" | "limited429s" | "limitedFailed";
  const set = (k: Optional, v: number | undefined) => {
    if (v === undefined) delete out[k];
    else out[k] = v;
  };
  set(
    "refreshRequests",
    opt((r) => r.refreshRequests),
  );
  set(
    "refreshS",
    opt((r) => r.refreshS),
  );
  set(
    "limitedS",
    opt((r) => r.limitedS),
  );
  set(
    "limitedRequests",
    opt((r) => r.limitedRequests),
  );
  set(
    "limited429s",
    most((r) => r.limited429s),
  );
  set(
    "limitedFailed",
    most((r) => r.limitedFailed),
  );
  return out;
}

function markdownTable(head: string[], lines: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => "| " + cells.map((c, i) => c.padStart(widths[i]!)).join(" | ") + " |";
  return fmt(head) + "\n|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|\n" + lines.map(fmt).join("\n") + "\n";
}

/** The phases table: wall, floor, requests and (wall - floor) / serial min for each phase. */
function phasesTable(rows: Agg[], parallel: number): string {
  const head = [
    "N",
    "phase",
    "wall s",
    "no-op floor s",
    "wall - floor s",
    "requests",
    "authenticated",
    "req/processor",
    "serial min s",
    "(wall-floor)/serial min",
    "(wall-floor)/N x P s",
  ];
  const lines: string[][] = [];
  for (const r of rows)
    for (const ph of PHASES) {
      const x = r.phases[ph];
      const net = x.wallS - x.floorS;
      lines.push([
        String(r.n),
        ph,
        x.wallS.toFixed(1),
        x.floorS.toFixed(1),
        net.toFixed(1),
        String(x.requests),
        String(x.authenticated),
        (x.requests / r.n).toFixed(2),
        r.serialMinS.toFixed(1),
        ph === "up" || ph === "destroy" ? (net / r.serialMinS).toFixed(2) : "-",
        ((net / r.n) * parallel).toFixed(2),
      ]);
    }
  return markdownTable(head, lines);
}

/** The up details table (today's columns). */
function upTable(rows: Agg[]): string {
  const dflt = rows.some((r) => r.limitedS !== undefined);
  const head = [
    "N",
    "wall s",
    "no-op floor s",
    "ideal net s",
    "wall/(floor+ideal)",
    "serial min s",
    "(wall-floor)/serial min",
    "range per run",
    ":start rounds",
    "round s",
    "req/processor",
    "token req",
    "Digest 401s",
    ...(dflt ? ["refresh requests", "refresh s", "bucket wall s", "bucket/unlimited", "bucket req/processor", "429s", "failed"] : []),
    "__provider B",
  ];
  const lines = rows.map((r) => {
    const up = r.phases.up;
    return [
      r.n,
      up.wallS.toFixed(1),
      up.floorS.toFixed(1),
      r.idealS.toFixed(2),
      (up.wallS / (up.floorS + r.idealS)).toFixed(2),
      r.serialMinS.toFixed(1),
      ((up.wallS - up.floorS) / r.serialMinS).toFixed(2),
      `${r.ratioMin.toFixed(2)}-${r.ratioMax.toFixed(2)}`,
      r.startRounds,
      r.roundS.toFixed(2),
      r.perProcessor.toFixed(2),
      r.tokens,
      r.challenges,
      ...(dflt
        ? [
            r.refreshRequests ?? "-",
            r.refreshS?.toFixed(1) ?? "-",
            r.limitedS?.toFixed(1) ?? "-",
            r.limitedS !== undefined ? (r.limitedS / up.wallS).toFixed(2) : "-",
            r.limitedRequests !== undefined ? (r.limitedRequests / r.n).toFixed(2) : "-",
            r.limited429s ?? "-",
            r.limitedFailed ?? "-",
          ]
        : []),
      r.providerBytes,
    ].map(String);
  });
  return markdownTable(head, lines);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const command = `npm run bench${args.length ? ` -- ${args.join(" ")}` : ""}`;
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const v = args[i + 1];
    args.splice(i, 2);
    return v;
  };
  const parallel = Number(opt("--parallel") ?? 10);
  const auth = (opt("--auth") ?? "serviceAccount") as Auth;
  const which = opt("--profile") ?? "both";
  const profiles = which === "both" ? [PROFILES.default, PROFILES.atlas] : [PROFILES[which as Profile["name"]]];
  if (profiles.some((p) => p === undefined)) throw new Error(`--profile must be default, atlas or both (got ${which})`);
  const noWrite = args.includes("--no-write");
  if (noWrite) args.splice(args.indexOf("--no-write"), 1);
  const repeat = Math.max(1, Number(opt("--repeat") ?? 3));
  const logDir = opt("--log-dir");
  if (logDir) mkdirSync(logDir, { recursive: true });
  const ns = args.length ? args.map(Number) : [10, 50, 100];
  pulumiBin();
  process.stdout.write(`pulumi benchmark: profiles ${profiles.map((p) => p.name).join(", ")}, --parallel ${parallel}, ${auth} auth\n`);
  process.stdout.write("installing the packed package into a temporary project...\n");
  const dir = installPackedProject(PROGRAM);
  const rows: Agg[] = [];
  try {
    for (const profile of profiles)
      for (const n of ns) {
        const reps: Row[] = [];
        for (let rep = 0; rep < repeat; rep++) {
          process.stdout.write(`${profile.name} N=${n} run ${rep + 1}/${repeat}...\n`);
          const row = await measure(dir, n, parallel, auth, rep, profile, logDir);
          reps.push(row);
          const up = row.phases.up;
          process.stdout.write(
            `  up ${up.wallS.toFixed(1)} s (floor ${up.floorS.toFixed(1)} s): ratio ${((up.wallS - up.floorS) / row.serialMinS).toFixed(2)}, ` +
              `${row.perProcessor.toFixed(2)} requests per processor\n`,
          );
        }
        rows.push(aggregate(profile, reps));
      }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  let doc = "";
  for (const profile of profiles) {
    const mine = rows.filter((r) => r.profile === profile);
    const legend =
      `**${profile.name}** profile: ${profile.describe}. --parallel ${parallel}, ${auth} auth, medians of ${repeat} run(s) per N ` +
      `(token requests, Digest 401s, 429s and failed resources: the most in any run). ` +
      `Each phase's no-op floor is the same command on a stack of N no-op dynamic resources, measured in the same run: the mean of one run just before the real command and one just after. ` +
      `serial min = ceil(N / ${parallel}) x (${profile.stepText}) = the least time the creates can take when each holds an engine slot until its processor runs; ` +
      `"(wall-floor)/N x P s" is our part of the wall time per engine slot and resource. ` +
      `ideal net = requests x ${LATENCY_MS} ms / ${parallel} + one step (${profile.stepS} s). ` +
      `":start rounds": the bursts in which the :start requests arrived (a gap over 200 ms begins a new one); "round s": the median time between bursts, against ${profile.stepS} s plus the requests' latency.` +
      (profile.name === "default"
        ? ` "bucket": the same up against Atlas's project-scoped token bucket (capacity ${BUCKET.capacity}, refill ${BUCKET.refillPerSecond}/s).`
        : "");
    const section = `## Profile \`${profile.name}\`\n\n${legend}\n\n${phasesTable(mine, parallel)}\n${upTable(mine)}\n`;
    process.stdout.write("\n" + section);
    doc += section + "\n";
    const check = (what: string, ok: boolean, value: string) => process.stdout.write(`  ${ok ? "ok  " : "MISS"} ${what}: ${value}\n`);
    for (const r of mine) {
      process.stdout.write(`\nTargets, ${profile.name} profile, N=${r.n}:\n`);
      const up = r.phases.up;
      const de = r.phases.destroy;
      check("requests per processor for up <= 3", up.requests / r.n <= 3, (up.requests / r.n).toFixed(2));
      check(
        "(wall - floor) / serial min for up <= 1.15",
        (up.wallS - up.floorS) / r.serialMinS <= 1.15,
        ((up.wallS - up.floorS) / r.serialMinS).toFixed(2),
      );
      check(
        "(wall - floor) / serial min for destroy <= 1.3",
        (de.wallS - de.floorS) / r.serialMinS <= 1.3,
        ((de.wallS - de.floorS) / r.serialMinS).toFixed(2),
      );
      check("no-op preview sends 0 requests", r.phases.preview.requests === 0, String(r.phases.preview.requests));
      check("preview --refresh requests <= 3", r.phases["preview --refresh"].requests <= 3, String(r.phases["preview --refresh"].requests));
      check("1 Digest challenge or 1 token request per up", r.tokens + r.challenges <= 1, `${r.tokens} token, ${r.challenges} challenge`);
      if (r.limitedFailed !== undefined) check("0 failed resources under the bucket", r.limitedFailed === 0, String(r.limitedFailed));
    }
  }
  if (!noWrite) {
    const docs = path.join(__dirname, "..", "docs");
    mkdirSync(docs, { recursive: true });
    writeFileSync(path.join(docs, "benchmark.svg"), chart(rows, parallel));
    writeFileSync(
      path.join(docs, "benchmark.md"),
      `# Benchmark\n\nProduced by \`${command}\` on ${new Date().toISOString().slice(0, 10)} (${process.platform}, Node ${process.versions.node}, ${osCores()} cores).\n\n` +
        `${doc}![wall time against N, both profiles](benchmark.svg)\n`,
    );
    process.stdout.write(`\nwrote docs/benchmark.md and docs/benchmark.svg\n`);
  }
}

function osCores(): number {
  return cpus().length;
}

/** A hand-written SVG line chart: wall time against N of up and destroy in each profile, the no-op floor, and the rate-limited up. */
function chart(rows: Agg[], P: number): string {
  const W = 720,
    H = 420,
    L = 60,
    R = 240,
    T = 30,
    B = 50;
  const series: [string, string, string, Agg[], (r: Agg) => number | undefined][] = [];
  const byProfile = (name: string) => rows.filter((r) => r.profile.name === name);
  const dflt = byProfile("default");
  const atlas = byProfile("atlas");
  const floorRows = atlas.length ? atlas : dflt;
  series.push(["no-op floor (up)", "#888888", "", floorRows, (r) => r.phases.up.floorS]);
  if (dflt.length) {
    series.push(["default: up", "#1f77b4", "", dflt, (r) => r.phases.up.wallS]);
    series.push(["default: destroy", "#1f77b4", "4 3", dflt, (r) => r.phases.destroy.wallS]);
    series.push(["default: up, bucket 100, 10/s", "#d62728", "", dflt, (r) => r.limitedS]);
  }
  if (atlas.length) {
    series.push(["atlas-like: up", "#2ca02c", "", atlas, (r) => r.phases.up.wallS]);
    series.push(["atlas-like: destroy", "#2ca02c", "4 3", atlas, (r) => r.phases.destroy.wallS]);
    series.push(["atlas-like: floor + serial min", "#9467bd", "2 2", atlas, (r) => r.phases.up.floorS + r.serialMinS]);
  }
  const maxN = Math.max(...rows.map((r) => r.n));
  const maxY = Math.ceil(Math.max(1, ...series.flatMap(([, , , rs, f]) => rs.map((r) => f(r) ?? 0))) / 5) * 5;
  const x = (n: number) => L + ((W - L - R) * n) / maxN;
  const y = (v: number) => H - B - ((H - T - B) * v) / maxY;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${L}" y="18" font-size="14">pulumi up and destroy: wall time (s) against N, P = ${P}</text>`);
  for (let v = 0; v <= maxY; v += maxY / 5) {
    out.push(`<line x1="${L}" y1="${y(v)}" x2="${W - R}" y2="${y(v)}" stroke="#eeeeee"/>`);
    out.push(`<text x="${L - 8}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(0)}</text>`);
  }
  out.push(
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="black"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="black"/>`,
  );
  for (const r of rows) out.push(`<text x="${x(r.n)}" y="${H - B + 16}" text-anchor="middle">${r.n}</text>`);
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">N (processors)</text>`);
  series.forEach(([name, color, dash, rs, f], i) => {
    const pts = rs.filter((r) => f(r) !== undefined);
    const style = `fill="none" stroke="${color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ""}`;
    out.push(`<polyline points="${pts.map((r) => `${x(r.n).toFixed(1)},${y(f(r)!).toFixed(1)}`).join(" ")}" ${style}/>`);
    for (const r of pts) out.push(`<circle cx="${x(r.n).toFixed(1)}" cy="${y(f(r)!).toFixed(1)}" r="3" fill="${color}"/>`);
    out.push(`<line x1="${W - R + 12}" y1="${T + 10 + i * 20}" x2="${W - R + 32}" y2="${T + 10 + i * 20}" ${style}/>`);
    out.push(`<text x="${W - R + 38}" y="${T + 14 + i * 20}">${name}</text>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}

main().catch((e: unknown) => {
  process.stderr.write(`BENCH FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
