/**
 * The end-to-end tests' view of the Pulumi project helpers (scripts/lib/pulumi-project.ts) plus
 * the test-only user program.
 */
import { assert } from "chai";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { EmulatorAdminClient, PROJECT_ID, WORKSPACE, pulumiBin } from "../../scripts/lib/pulumi-project";

export * from "../../scripts/lib/pulumi-project";

export const USER_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { StreamProcessor } from "pulumi-atlas-stream-processor";

const config = new pulumi.Config();
const names = config.getObject<string[]>("processors") ?? ["inventory"];
const processors = names.map((processorName) => new StreamProcessor(processorName, {
  projectId: ${JSON.stringify(PROJECT_ID)},
  workspaceName: ${JSON.stringify(WORKSPACE)},
  processorName,
}));
export const states = pulumi.all(processors.map((p) => p.state));
`;

/**
 * Before the suite: the Pulumi CLI must be there. A first run may build it (scripts/pulumi-cli.sh),
 * hence the long timeout; without it the suite fails and says why, never skips.
 */
export function requirePulumiCli(): void {
  before(function () {
    this.timeout(15 * 60_000);
    pulumiBin();
  });
}

/** The suite's emulator and its admin client; `close()` it in the suite's `after`, once its projects are disposed. */
export interface SuiteEmulator {
  readonly emu: RunningEmulator;
  readonly admin: EmulatorAdminClient;
  close(): Promise<void>;
}

/** Requires the Pulumi CLI, then starts one emulator for the suite (transitionMs 200 unless `options` says otherwise). */
export function emulatorForSuite(options: EmulatorOptions = {}): SuiteEmulator {
  requirePulumiCli();
  let emu: RunningEmulator | undefined;
  let admin: EmulatorAdminClient | undefined;
  before(async () => {
    emu = await startEmulator({ transitionMs: 200, quiet: true, ...options });
    admin = new EmulatorAdminClient(emu.url);
  });
  return {
    get emu() {
      assert.exists(emu, "the suite's emulator (started before the suite)");
      return emu;
    },
    get admin() {
      assert.exists(admin, "the suite's admin client (started before the suite)");
      return admin;
    },
    async close() {
      if (emu) await emu.close();
    },
  };
}
