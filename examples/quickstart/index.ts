/**
 * Quickstart: keep the Atlas stream processors named in stack config running.
 *
 *   pulumi config set projectId 6650f1a2b3c4d5e6f7a8b9c0
 *   pulumi config set workspaceName demo-workspace
 *   pulumi config set --path 'processors[0]' orders      # default: ["orders", "payments"]
 *   pulumi config set mongodbatlas:clientId mdb_sa_...
 *   pulumi config set --secret mongodbatlas:clientSecret mdb_sa_sk_...
 *   pulumi up
 *
 * Optional: `desiredState` (STARTED or STOPPED, default STARTED) applies to every processor.
 */
import * as pulumi from "@pulumi/pulumi";
import { StreamProcessor } from "pulumi-atlas-stream-processor";

const config = new pulumi.Config();
const projectId = config.get("projectId") ?? "6650f1a2b3c4d5e6f7a8b9c0";
const workspaceName = config.get("workspaceName") ?? "demo-workspace";
const processorNames = config.getObject<string[]>("processors") ?? ["orders", "payments"];
// Any string compiles; `check` refuses values other than STARTED and STOPPED at preview.
const desiredState = config.get("desiredState");

const processors = processorNames.map(
  (processorName) =>
    new StreamProcessor(processorName, {
      projectId,
      workspaceName,
      processorName,
      ...(desiredState ? { state: desiredState } : {}),
    }),
);

/** The state Atlas reported for each processor at the last up/refresh, e.g. { orders: "STARTED" }. */
export const states: pulumi.Output<Record<string, string>> = pulumi
  .all(processors.map((p) => pulumi.all([p.processorName, p.state])))
  .apply((pairs) => Object.fromEntries(pairs));
