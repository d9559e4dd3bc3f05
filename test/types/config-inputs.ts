/**
 * Compile test (type-checked by tsconfig.test.json, `strict`; never run): values read from
 * `pulumi.Config` fit `state` and `tier`, the data functions' Output forms take Inputs, and an explicit
 * `undefined` is accepted where a field is optional.
 * A regression here fails `tsc -p tsconfig.test.json`.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  getStreamProcessorOutput,
  getStreamProcessorsOutput,
  StreamProcessor,
  type DesiredStateInput,
  type GetStreamProcessorResult,
  type StreamProcessorArgs,
  type TierInput,
} from "../../provider";
import type { EmulatorOptions } from "../../emulator";

export function programReadingConfig(): StreamProcessor {
  const config = new pulumi.Config();
  const args: StreamProcessorArgs = {
    projectId: config.require("projectId"),
    workspaceName: config.require("workspaceName"),
    processorName: "orders",
    state: config.require("state"), // a plain string, checked by `check` at preview
    tier: config.get("tier"),
    verifySeconds: config.getNumber("verifySeconds"),
  };
  return new StreamProcessor("orders", args);
}

// Editors still offer the literals: each is assignable as a literal type.
export const started: DesiredStateInput = "STARTED";
export const stopped: DesiredStateInput = "STOPPED";
export const sp10: TierInput = "SP10";
export const fromOutput: StreamProcessorArgs["state"] = pulumi.output("STOPPED" as string);

export function inspect(projectId: pulumi.Output<string>): pulumi.Output<number> {
  const one: pulumi.Output<GetStreamProcessorResult> = getStreamProcessorOutput({
    projectId,
    workspaceName: "w",
    processorName: pulumi.output("orders"),
  });
  const all = getStreamProcessorsOutput({ projectId, workspaceName: "w" });
  return pulumi.all([one, all]).apply(([p, list]) => (p.stats?.inputMessageCount ?? 0) + list.results.length);
}

// Still typed: a number is neither a state nor a tier.
// @ts-expect-error state is a string
export const notAState: StreamProcessorArgs["state"] = 1;
// @ts-expect-error tier is a string
export const notATier: StreamProcessorArgs["tier"] = true;

// Under exactOptionalPropertyTypes (on in this repository's tsconfig), an explicit `undefined`
// still means "not set", for the resource's args, its nested options and the emulator's options.
export const conditional: StreamProcessorArgs = {
  projectId: "p",
  workspaceName: "w",
  processorName: "orders",
  state: process.env.PAUSED ? "STOPPED" : undefined,
  options: { dlq: undefined, resumeFromCheckpoint: undefined },
};
export const emulatorOptions: EmulatorOptions = { port: undefined, transitionMs: undefined, quiet: undefined, now: undefined };
