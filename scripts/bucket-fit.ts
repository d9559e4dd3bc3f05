/**
 * How many stacks fit in one Atlas rate-limit bucket: a real `pulumi up`, `pulumi refresh` and
 * `pulumi destroy` of N processors (scripts/soak-program) against the emulator with the recorded
 * Atlas numbers (`rateLimit: "atlas"`: capacity 1200 for the streams endpoints, project scope; a
 * slow refill, 1 token a minute, which is a guess), counting the requests each step drew from the
 * bucket and any 429 or failure.
 *
 *   npm run build && npx tsx scripts/bucket-fit.ts [N=100]
 */
import * as path from "node:path";
import { startEmulator } from "../emulator";
import { PulumiProject, REPO } from "./lib/pulumi-project";

const N = Number(process.argv[2] ?? 100);

async function main(): Promise<void> {
  const emu = await startEmulator({ transitionMs: 500, rateLimit: "atlas", quiet: true });
  const proj = await PulumiProject.create({ stack: "bucket-fit", program: path.join(REPO, "scripts", "soak-program", "index.ts") });
  try {
    await proj.useEmulator(emu.url, "serviceAccount", false);
    await proj.config("count", String(N));
    const rows: string[] = [];
    const step = async (what: string, run: () => Promise<unknown>) => {
      emu.admin.clearRequests();
      const t0 = Date.now();
      await run();
      const log = emu.admin.requests().filter((r) => r.path.startsWith("/api/atlas/v2/groups/") && r.status !== 401);
      const refused = log.filter((r) => r.status === 429).length;
      const kinds: Record<string, number> = {};
      for (const r of log) {
        const tail = r.path.split("/").pop() ?? "";
        const k =
          r.method === "GET"
            ? tail === "processors"
              ? "GET list"
              : "GET one"
            : `${r.method} ${tail.includes(":") ? tail.slice(tail.indexOf(":")) : tail === "processor" ? "create" : "one"}`;
        kinds[k] = (kinds[k] ?? 0) + 1;
      }
      const mix = Object.entries(kinds)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ");
      rows.push(
        `| ${what} | ${((Date.now() - t0) / 1000).toFixed(1)} | ${log.length} | ${(log.length / N).toFixed(2)} | ${refused} | ${mix} |`,
      );
      return log.length;
    };
    const up = await step(`up (create and start ${N})`, () => proj.up());
    const refresh = await step("refresh", () => proj.pulumi(["refresh", "--yes", "--skip-preview"]));
    const destroy = await step("destroy", () => proj.destroy());
    console.log(`N = ${N}, bucket: capacity 1200, refill 1 per 60 s (rateLimit "atlas"); requests drawn from it:\n`);
    console.log("| step | wall s | requests | per processor | 429s | by kind |\n|---|---|---|---|---|---|");
    console.log(rows.join("\n"));
    console.log(
      `\nOne full bucket holds ${Math.floor(1200 / up)} such ups, ${Math.floor(1200 / refresh)} such refreshes, or ${Math.floor(1200 / (up + destroy))} create-and-destroy cycles of ${N} processors.`,
    );
  } finally {
    await proj.dispose();
    await emu.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
