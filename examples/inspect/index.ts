/**
 * The data functions: keep a processor running, then read it back from Atlas with
 * `getStreamProcessorOutput` (state, message counts) and list the whole workspace with
 * `getStreamProcessorsOutput` (every page). They use the same stack config and environment as
 * the resource (mongodbatlas:*, atlas-stream-processor:*).
 *
 *   pulumi config set processorName orders
 *   pulumi config set verifySeconds 10     # optional health gate
 */
import * as pulumi from "@pulumi/pulumi";
import { getStreamProcessorOutput, getStreamProcessorsOutput, StreamProcessor } from "pulumi-atlas-stream-processor";

const config = new pulumi.Config();
const projectId = config.get("projectId") ?? "6650f1a2b3c4d5e6f7a8b9c0";
const workspaceName = config.get("workspaceName") ?? "demo-workspace";
const processorName = config.get("processorName") ?? "orders";

const processor = new StreamProcessor(processorName, {
  projectId,
  workspaceName,
  processorName,
  verifySeconds: config.getNumber("verifySeconds") ?? 0,
});

// Read after the resource settled: processorId is unknown until then, so during a first preview
// nothing is sent (the Output forms wait for every input to be known).
const info = getStreamProcessorOutput({
  projectId,
  workspaceName,
  processorName: pulumi.all([processor.processorName, processor.processorId]).apply(([name]) => name),
});

/** The state Atlas reports now, e.g. "STARTED". */
export const state = info.state;
/** Message counts from Atlas's stats (0 when it reports none yet). */
export const messages = info.apply((p) => ({
  input: p.stats?.inputMessageCount ?? 0,
  output: p.stats?.outputMessageCount ?? 0,
  dlq: p.stats?.dlqMessageCount ?? 0,
}));

/** Every processor of the workspace and its state, e.g. { orders: "STARTED", payments: "STOPPED" } (read after the processor settled). */
export const workspace = getStreamProcessorsOutput({
  projectId,
  workspaceName: pulumi.all([processor.workspaceName, processor.processorId]).apply(([name]) => name),
}).apply((all) => Object.fromEntries(all.results.map((p) => [p.processorName, p.state])));
