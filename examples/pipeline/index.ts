/**
 * A processor defined from a pipeline, with a dead-letter queue: this resource owns the
 * processor's definition (creates it if missing; a change is applied stop -> modify -> restart).
 *
 *   pulumi config set processorName solar-high-watts
 *   pulumi config set dlqConnection <an Atlas cluster connection in the workspace>
 */
import * as pulumi from "@pulumi/pulumi";
import { StreamProcessor } from "pulumi-atlas-stream-processor";

const config = new pulumi.Config();
const source = config.get("sourceConnection") ?? "sample_stream_solar";
const dlqConnection = config.get("dlqConnection") ?? "sample_stream_solar";

const processor = new StreamProcessor("solar-high-watts", {
  projectId: config.get("projectId") ?? "6650f1a2b3c4d5e6f7a8b9c0",
  workspaceName: config.get("workspaceName") ?? "demo-workspace",
  processorName: config.get("processorName") ?? "solar-high-watts",
  pipeline: [
    { $source: { connectionName: source } },
    { $match: { "obs.watts": { $gt: config.getNumber("minWatts") ?? 250 } } },
    { $emit: { connectionName: "__testLog" } },
  ],
  options: { dlq: { connectionName: dlqConnection, db: "streams", coll: "dlq" } },
});

export const state = processor.state;
export const processorId = processor.processorId;
export const createdByResource = processor.createdByResource;
