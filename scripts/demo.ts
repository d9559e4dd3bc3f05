/**
 * The demo: the quickstart under a real `pulumi up`, against the local Atlas emulator.
 * Isolated from the user's Pulumi setup (own PULUMI_HOME, file backend, stack file, all in a
 * temporary folder that is removed at the end). Exit code 0 only if every step did what it should.
 */
import { startEmulator } from "../emulator";
import { EmulatorAdminClient, PulumiProject, leakedSecrets } from "./lib/pulumi-project";

const NAMES = ["orders", "payments"];

function banner(text: string): void {
  process.stdout.write(`\n==== ${text} ${"=".repeat(Math.max(0, 70 - text.length))}\n`);
}

async function show(admin: EmulatorAdminClient, label: string): Promise<Record<string, string>> {
  const states = await admin.states([...NAMES, "inventory"]);
  process.stdout.write(
    `Atlas (emulator) reports ${label}: ${Object.entries(states)
      .map(([k, v]) => `${k}=${v}`)
      .join("  ")}\n`,
  );
  return states;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`demo check failed: ${what}`);
  process.stdout.write(`  ✔ ${what}\n`);
}

async function main(): Promise<void> {
  banner("Starting the Atlas Streams emulator (default seed, 500 ms transitions)");
  const emu = await startEmulator({ transitionMs: 500, quiet: true });
  const admin = new EmulatorAdminClient(emu.url);
  process.stdout.write(`emulator at ${emu.url}\n`);
  let proj: PulumiProject | undefined;
  try {
    await show(admin, "before");
    proj = await PulumiProject.create({ stack: "demo", echo: process.stdout });
    process.stdout.write(`Pulumi home, file backend and stack config in ${proj.root} (your ~/.pulumi is not used)\n`);
    banner("Stack config (the service-account secret is set with --secret, through stdin)");
    await proj.useEmulator(emu.url, "serviceAccount", false);
    await proj.pulumi(["config"]);

    banner("pulumi up: keep orders and payments running");
    await proj.pulumi(["up", "--yes"]);
    check(
      Object.values(await show(admin, "after up"))
        .slice(0, 2)
        .every((s) => s === "STARTED"),
      "orders and payments are STARTED",
    );

    banner("Out of band: the emulator marks 'orders' FAILED");
    await admin.fail("orders");
    check((await show(admin, "now")).orders === "FAILED", "orders is FAILED");

    banner("pulumi up --refresh: the drift is seen and the processor restarted");
    await proj.pulumi(["up", "--refresh", "--yes"]);
    check((await show(admin, "after up --refresh")).orders === "STARTED", "orders is STARTED again");

    banner("pulumi destroy: adopted processors are stopped, not deleted");
    await proj.pulumi(["destroy", "--yes"]);
    const after = await show(admin, "after destroy");
    check(after.orders === "STOPPED" && after.payments === "STOPPED", "orders and payments are STOPPED");

    const leaks = leakedSecrets(proj.transcript + (await proj.exportText()));
    check(leaks.length === 0, "no credential in the CLI output or in `pulumi stack export`");
    banner("Demo finished: every step did what it should");
  } finally {
    if (proj) await proj.dispose();
    await emu.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`\nDEMO FAILED: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
