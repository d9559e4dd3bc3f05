/**
 * What the native plugin's end-to-end tests need besides the Pulumi CLI: the language hosts
 * (scripts/language-hosts.sh, built once from the Go module proxy and cached) and the plugin's
 * tarball (scripts/plugin-tarball.sh). Both fail the suite with the script's reason, never skip it.
 */
import { execFileSync } from "node:child_process";
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
