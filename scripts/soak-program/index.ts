/**
 * The soak's program (scripts/soak.ts): `count` processors defined from a pipeline; those listed
 * in `changed` get another $match, and all of them the desired `state`.
 */
import * as pulumi from "@pulumi/pulumi";
import { StreamProcessor } from "pulumi-atlas-stream-processor";

const config = new pulumi.Config();
const count = config.getNumber("count") ?? 20;
const changed = new Set(config.getObject<number[]>("changed") ?? []);
const state = config.get("state") ?? "STARTED";

const processors = Array.from(
  { length: count },
  (_, i) =>
    new StreamProcessor(`soak-${i}`, {
      projectId: "6650f1a2b3c4d5e6f7a8b9c0",
      workspaceName: "demo-workspace",
      processorName: `soak-${i}`,
      state,
      pipeline: [
        { $source: { connectionName: "sample_stream_solar" } },
        { $match: { "obs.watts": { $gt: changed.has(i) ? 300 : 250 }, device: { $exists: true } } },
        { $emit: { connectionName: "__testLog" } },
      ],
    }),
);

export const states = pulumi.all(processors.map((p) => p.state));
