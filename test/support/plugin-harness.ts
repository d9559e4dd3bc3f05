/**
 * What the native plugin's end-to-end tests need besides the Pulumi CLI: the language hosts
 * (scripts/language-hosts.sh, built once from the Go module proxy and cached) and the plugin's
 * tarball (scripts/plugin-tarball.sh). Both fail the suite with the script's reason, never skip it.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { REPO } from "./e2e-harness";

function run(script: string, args: string[], what: string): string {
  try {
    const out = execFileSync("bash", [path.join(REPO, "scripts", script), ...args], {
      cwd: REPO,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 1 << 20,
    });
    return out.trim().split("\n").pop()!;
  } catch (e) {
    throw new Error(`${what} could not be had (scripts/${script} failed: ${(e as Error).message.split("\n")[0]}).`, { cause: e });
  }
}

const cache = new Map<string, string>();

/** The folder holding the language hosts named (`yaml`, `go`). */
export function languageHostsBin(...hosts: Array<"yaml" | "go">): string {
  const key = `hosts:${hosts.join(",")}`;
  if (!cache.has(key)) cache.set(key, run("language-hosts.sh", hosts, `The language hosts ${hosts.join(", ")}`));
  return cache.get(key)!;
}

/** dist/plugin/pulumi-resource-atlasstreams-v<version>-linux-amd64.tar.gz, built from the working tree once per run. */
export function pluginTarball(): string {
  if (!cache.has("tarball")) cache.set("tarball", run("plugin-tarball.sh", [], "The atlasstreams plugin tarball"));
  return cache.get("tarball")!;
}

/**
 * Copies examples/go's program into `dir` (a project folder) with go.mod's `replace` pointed at
 * this repository's sdk/go by absolute path, go.sum as committed. Returns the Go environment the
 * CLI must run it with: GOWORK off (the repository's go.work is for scripts/gen-sdk), go.mod and
 * go.sum read-only (they must be complete as committed).
 */
export function installGoProgram(dir: string): Record<string, string> {
  const example = path.join(REPO, "examples", "go");
  for (const f of ["main.go", "go.mod", "go.sum"]) copyFileSync(path.join(example, f), path.join(dir, f));
  execFileSync("go", ["mod", "edit", `-replace=github.com/pulumi-atlas-stream-processor/sdk/go=${path.join(REPO, "sdk", "go")}`], {
    cwd: dir,
    stdio: ["ignore", "ignore", "inherit"],
  });
  return { GOWORK: "off", GOFLAGS: "-mod=readonly" };
}

/**
 * Copies examples/nodejs-sdk's program into `dir` and installs the generated Node.js SDK there as
 * a user's project would have it: sdk/nodejs compiled with tsc (this repository's, against its
 * @pulumi/pulumi 3.248.0) into dir/node_modules/@pulumi-atlas-stream-processor/atlasstreams, with
 * its package.json beside the code (utilities.ts reads the version from it). `@pulumi/pulumi`
 * and the TypeScript toolchain come from this repository's node_modules, linked as the parent
 * folder's node_modules, so the program and the SDK load one copy of @pulumi/pulumi.
 */
export function installNodejsSdkProgram(dir: string): void {
  const example = path.join(REPO, "examples", "nodejs-sdk");
  for (const f of ["index.ts", "tsconfig.json"]) copyFileSync(path.join(example, f), path.join(dir, f));
  const parentModules = path.join(path.dirname(dir), "node_modules");
  if (!existsSync(parentModules)) symlinkSync(path.join(REPO, "node_modules"), parentModules);
  const src = path.join(path.dirname(dir), "sdk-nodejs");
  cpSync(path.join(REPO, "sdk", "nodejs"), src, { recursive: true });
  const pkg = path.join(dir, "node_modules", "@pulumi-atlas-stream-processor", "atlasstreams");
  mkdirSync(pkg, { recursive: true });
  try {
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(src, "tsconfig.json"), "--outDir", pkg], {
      cwd: src,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (e) {
    const out = e as { stdout?: string; stderr?: string };
    throw new Error(`sdk/nodejs does not compile with tsc:\n${out.stdout ?? ""}${out.stderr ?? ""}`, { cause: e });
  }
  copyFileSync(path.join(src, "package.json"), path.join(pkg, "package.json"));
}
