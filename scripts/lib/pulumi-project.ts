/**
 * Runs the real Pulumi CLI against the local Atlas emulator, isolated from the user's Pulumi
 * setup: every project gets a temporary folder holding its own PULUMI_HOME, a file backend and
 * its stack config file, so nothing is written to ~/.pulumi or into the repository.
 *
 * Shared by the demo (scripts/demo.ts), the benchmark (bench/pulumi-up.ts) and the end-to-end
 * tests (through test/support/e2e-harness.ts). Not part of the published package.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

export const REPO = path.resolve(__dirname, "..", "..");
import { ALL_SECRETS, API_KEY, PROJECT, SERVICE_ACCOUNT, WORKSPACE } from "./seed";

export { API_KEY, SERVICE_ACCOUNT, WORKSPACE };
export const PROJECT_ID = PROJECT;
/** Every secret the demo seed holds: none may ever appear in CLI output or in the state. */
export const SECRETS = ALL_SECRETS;

let cachedBin: string | undefined;

/**
 * The folder holding `pulumi`, `pulumi-language-nodejs` and `pulumi-resource-pulumi-nodejs`,
 * from scripts/pulumi-cli.sh (PATH, the cache, or a build from the Go module proxy). Throws
 * with the script's reason when the CLI cannot be had: callers must fail, never skip.
 */
export function pulumiBin(): string {
  if (cachedBin) return cachedBin;
  try {
    const out = execFileSync("bash", [path.join(REPO, "scripts", "pulumi-cli.sh")], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 1 << 20,
    });
    cachedBin = out.trim().split("\n").pop()!;
  } catch (e) {
    throw new Error(
      `The Pulumi CLI is not available and could not be built (scripts/pulumi-cli.sh failed: ${(e as Error).message.split("\n")[0]}). ` +
        "Put `pulumi` v3.248.x on PATH, or install Go so the script can build it from the Go module proxy.",
      { cause: e },
    );
  }
  return cachedBin;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface ProjectOptions {
  /** Program entry file, absolute. Default: the repository's quickstart. */
  program?: string;
  /** Pulumi.yaml text; default: the repository's Pulumi.yaml with `main` pointed at `program`. */
  pulumiYaml?: string;
  /** Use this folder as the project folder instead of a new temporary one. */
  projectDir?: string;
  stack?: string;
  /** Echo every command and its output to this stream (the demo). */
  echo?: NodeJS.WritableStream;
  env?: Record<string, string>;
}

/** One Pulumi project + stack in a temporary folder, driven through the CLI. */
export class PulumiProject {
  readonly root: string;
  readonly dir: string;
  readonly stack: string;
  readonly env: Record<string, string>;
  /** Every byte every command printed (stdout and stderr), for the "no credential" checks. */
  transcript = "";
  private readonly echo: NodeJS.WritableStream | undefined;

  private constructor(root: string, dir: string, stack: string, env: Record<string, string>, echo?: NodeJS.WritableStream) {
    this.root = root;
    this.dir = dir;
    this.stack = stack;
    this.env = env;
    this.echo = echo;
  }

  static async create(opts: ProjectOptions = {}): Promise<PulumiProject> {
    const bin = pulumiBin();
    const root = mkdtempSync(path.join(tmpdir(), "pulumi-e2e-"));
    const dir = opts.projectDir ?? path.join(root, "project");
    mkdirSync(dir, { recursive: true });
    mkdirSync(path.join(root, "state"), { recursive: true });
    if (!opts.projectDir || opts.pulumiYaml) {
      const program = opts.program ?? path.join(REPO, "examples", "quickstart", "index.ts");
      const yaml =
        opts.pulumiYaml ??
        readFileSync(path.join(REPO, "Pulumi.yaml"), "utf8").replace(/^main: .*$/m, `main: ${path.relative(dir, program)}`);
      writeFileSync(path.join(dir, "Pulumi.yaml"), yaml);
    }
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
      PULUMI_HOME: path.join(root, "home"),
      PULUMI_BACKEND_URL: `file://${path.join(root, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
      ...(opts.env ?? {}),
    };
    // Never let the user's (or CI's) Atlas credentials or endpoint leak into a test run.
    for (const k of Object.keys(env)) if (k.startsWith("MONGODB_ATLAS_") || k.startsWith("ATLAS_STREAM_PROCESSOR_")) delete env[k];
    const p = new PulumiProject(root, dir, opts.stack ?? "e2e", env, opts.echo);
    await p.pulumi(["stack", "init", p.stack]);
    return p;
  }

  /** Runs `pulumi ARGS --non-interactive`; rejects on a non-zero exit unless allowFail. */
  pulumi(args: string[], o: { allowFail?: boolean; input?: string; quiet?: boolean } = {}): Promise<RunResult> {
    const full = [...args, "--non-interactive"];
    const started = Date.now();
    if (this.echo && !o.quiet) this.echo.write(`\n$ pulumi ${args.join(" ")}\n`);
    return new Promise((resolve, reject) => {
      const child = spawn("pulumi", full, { cwd: this.dir, env: this.env, stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => {
        stdout += d;
        if (this.echo && !o.quiet) this.echo.write(d);
      });
      child.stderr.on("data", (d: Buffer) => {
        stderr += d;
        if (this.echo && !o.quiet) this.echo.write(d);
      });
      child.stdin.end(o.input ?? "");
      child.on("error", reject);
      child.on("close", (code) => {
        this.transcript += stdout + stderr;
        const r = { code: code ?? -1, stdout, stderr, ms: Date.now() - started };
        if (r.code !== 0 && !o.allowFail) {
          reject(new Error(`pulumi ${args.join(" ")} exited ${r.code}:\n${(stdout + stderr).slice(-4000)}`));
        } else resolve(r);
      });
    });
  }

  /** `pulumi config set`; a secret value goes through stdin, never on the command line. */
  async config(key: string, value: string, o: { secret?: boolean; path?: boolean } = {}): Promise<void> {
    const args = ["config", "set", key];
    if (o.path) args.push("--path");
    if (o.secret) {
      args.push("--secret");
      await this.pulumi(args, { input: value, quiet: true });
    } else {
      args.push(value);
      await this.pulumi(args, { quiet: true });
    }
  }

  /** Points the stack at the emulator with a service account (default) or an API key. */
  async useEmulator(url: string, auth: "serviceAccount" | "apiKey" = "serviceAccount", fast = true): Promise<void> {
    await this.config("mongodbatlas:baseUrl", url);
    if (auth === "serviceAccount") {
      await this.config("mongodbatlas:clientId", SERVICE_ACCOUNT.clientId);
      await this.config("mongodbatlas:clientSecret", SERVICE_ACCOUNT.clientSecret, { secret: true });
    } else {
      await this.config("mongodbatlas:publicKey", API_KEY.publicKey);
      await this.config("mongodbatlas:privateKey", API_KEY.privateKey, { secret: true });
    }
    if (fast) {
      // Quick retries for tests; the defaults (500 ms base, 120 s budget) suit real Atlas.
      await this.config("atlas-stream-processor:backoffBaseMs", "20");
      await this.config("atlas-stream-processor:maxDelayMs", "1500");
    }
  }

  up(extra: string[] = [], o: { allowFail?: boolean } = {}): Promise<RunResult> {
    return this.pulumi(["up", "--yes", "--skip-preview", ...extra], o);
  }
  preview(extra: string[] = [], o: { allowFail?: boolean } = {}): Promise<RunResult> {
    return this.pulumi(["preview", ...extra], o);
  }
  destroy(extra: string[] = [], o: { allowFail?: boolean } = {}): Promise<RunResult> {
    return this.pulumi(["destroy", "--yes", "--skip-preview", ...extra], o);
  }
  async outputs(): Promise<Record<string, unknown>> {
    return JSON.parse((await this.pulumi(["stack", "output", "--json"], { quiet: true })).stdout) as Record<string, unknown>;
  }
  /** `pulumi stack export` as text (secrets stay encrypted, as a user would see it). */
  async exportText(): Promise<string> {
    const r = await this.pulumi(["stack", "export"], { quiet: true });
    return r.stdout;
  }

  /** The `__provider` text of each dynamic resource in the state, by resource name. */
  async providerSources(): Promise<Record<string, string>> {
    const doc = JSON.parse(await this.exportText()) as {
      deployment: { resources?: Array<{ urn: string; inputs?: Record<string, unknown> }> };
    };
    const out: Record<string, string> = {};
    for (const r of doc.deployment.resources ?? []) {
      const src = r.inputs?.["__provider"];
      if (typeof src === "string") out[r.urn.split("::").pop()!] = src;
    }
    return out;
  }

  /** Removes the stack (if anything is left) and the temporary folder. */
  async dispose(): Promise<void> {
    await this.pulumi(["stack", "rm", "--yes", "--force"], { allowFail: true, quiet: true }).catch(() => undefined);
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Minimal client for the emulator's admin API (no auth; loopback test tool). */
/** One API request as the emulator's `/admin/requests` log records it. */
export interface LoggedRequest {
  /** ISO 8601, when the emulator received it. */
  time: string;
  method: string;
  path: string;
  status: number;
  authScheme: string;
  fault?: string;
}

export class EmulatorAdminClient {
  constructor(readonly url: string) {}

  private async call<T>(method: string, p: string, body?: unknown): Promise<T> {
    const res = await fetch(
      `${this.url}/admin${p}`,
      body === undefined ? { method } : { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
    );
    const text = await res.text();
    if (!res.ok) throw new Error(`admin ${method} ${p} -> ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  processor(name: string, project = PROJECT_ID, workspace = WORKSPACE): Promise<{ name: string; state: string; observedState: string }> {
    return this.call("GET", `/processors/${project}/${workspace}/${encodeURIComponent(name)}`);
  }
  async states(names: string[]): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const n of names) out[n] = (await this.processor(n)).observedState;
    return out;
  }
  fail(name: string): Promise<unknown> {
    return this.call("POST", `/processors/${PROJECT_ID}/${WORKSPACE}/${encodeURIComponent(name)}/fail`);
  }
  setState(name: string, state: string): Promise<unknown> {
    return this.call("PUT", `/processors/${PROJECT_ID}/${WORKSPACE}/${encodeURIComponent(name)}/state`, { state });
  }
  fault(spec: Record<string, unknown>): Promise<{ id: string }> {
    return this.call("POST", "/faults", spec);
  }
  clearFaults(): Promise<unknown> {
    return this.call("DELETE", "/faults");
  }
  async requests(): Promise<LoggedRequest[]> {
    return (await this.call<{ requests: LoggedRequest[] }>("GET", "/requests")).requests;
  }
  clearRequests(): Promise<unknown> {
    return this.call("DELETE", "/requests");
  }
  /** Every processor operation the emulator carried out (whatever the client was answered). */
  async applied(): Promise<Array<{ operation: string; processorName: string }>> {
    return (await this.call<{ applied: Array<{ operation: string; processorName: string }> }>("GET", "/applied")).applied;
  }
  seed(doc: unknown): Promise<unknown> {
    return this.call("POST", "/seed", doc);
  }
  settings(s: { transitionMs?: number }): Promise<unknown> {
    return this.call("PUT", "/settings", s);
  }
}

/** Asserts none of the seed's secrets occurs in `text`; returns the ones found. */
export function leakedSecrets(text: string): string[] {
  return SECRETS.filter((s) => text.includes(s));
}

/** `npm pack` of the package in `folder` (default: this repository) into `dest`; returns the tarball's path. */
export function packPackage(dest: string, folder = REPO): string {
  const before = new Set(readdirSync(dest));
  execFileSync("npm", ["pack", "--silent", "--pack-destination", dest], { cwd: folder, stdio: ["ignore", "ignore", "inherit"] });
  const tgz = readdirSync(dest).find((f) => f.endsWith(".tgz") && !before.has(f));
  if (!tgz) throw new Error(`npm pack in ${folder} wrote no tarball to ${dest}`);
  return path.join(dest, tgz);
}

/** Installs a packed tarball of the package (with @pulumi/pulumi 3.248.0 and TypeScript 5) into a user project folder. */
export function installTarball(dir: string, tgz: string): void {
  execFileSync(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      "--loglevel=error",
      tgz,
      "@pulumi/pulumi@3.248.0",
      "typescript@~5.9.3",
      "@types/node@^20.19.0",
    ],
    { cwd: dir, stdio: ["ignore", "ignore", "inherit"] },
  );
}

/**
 * Creates a user project from the packed tarball (this repository's, unless `tarball` names
 * another); returns its folder. Needs `npm run build` first.
 */
export function installPackedProject(programTs: string, tarball?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "pulumi-user-project-"));
  const tgz = tarball ?? packPackage(dir);
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "user-project", version: "0.0.0", private: true }, null, 2));
  installTarball(dir, tgz);
  writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          module: "node16",
          moduleResolution: "node16",
          strict: true,
          esModuleInterop: true,
          skipLibCheck: true,
          types: ["node"],
        },
        files: ["index.ts"],
      },
      null,
      2,
    ),
  );
  writeFileSync(path.join(dir, "Pulumi.yaml"), "name: user-project\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n");
  writeFileSync(path.join(dir, "index.ts"), programTs);
  return dir;
}
