/**
 * The quickstart in TypeScript through the native plugin `atlasstreams` (see Pulumi.yaml).
 *
 * Stack config (all optional):
 *   projectId      the Atlas project id (default 6650f1a2b3c4d5e6f7a8b9c0, the emulator's)
 *   workspaceName  the stream workspace (default demo-workspace)
 *   processors     the processors kept at desiredState (default ["orders", "payments"])
 *   desiredState   STARTED or STOPPED (default STARTED); any other value is refused at preview
 *   keepStopped    existing processors kept STOPPED, e.g. one adopted with `pulumi import`
 *   minWatts       the threshold of high-watts's $match stage (default 250)
 */
import * as pulumi from "@pulumi/pulumi";
import * as atlasstreams from "@pulumi-atlas-stream-processor/atlasstreams";

const config = new pulumi.Config();
const projectId = config.get("projectId") ?? "6650f1a2b3c4d5e6f7a8b9c0";
const workspaceName = config.get("workspaceName") ?? "demo-workspace";
const processors = config.getObject<string[]>("processors") ?? ["orders", "payments"];
const desiredState = config.get("desiredState") ?? "STARTED";
const keepStopped = config.getObject<string[]>("keepStopped") ?? [];
const minWatts = config.getNumber("minWatts") ?? 250;

const kept: Array<[string, string]> = [
  ...processors.map((n): [string, string] => [n, desiredState]),
  ...keepStopped.map((n): [string, string] => [n, "STOPPED"]),
];
const statesByName = Object.fromEntries(
  kept.map(([processorName, state]) => [
    processorName,
    new atlasstreams.StreamProcessor(processorName, { projectId, workspaceName, processorName, state }).state,
  ]),
);

// A processor owned from its pipeline: JSON text, so its keys reach Atlas in the order written
// ($sort's order is its meaning). Created if missing; a change of the text is applied
// stop -> modify -> restart.
const highWatts = new atlasstreams.StreamProcessor("high-watts", {
  projectId,
  workspaceName,
  processorName: "high-watts",
  pipeline: `[
  {"$source": {"connectionName": "sample_stream_solar"}},
  {"$match": {"obs.watts": {"$gt": ${minWatts}}}},
  {"$sort": {"obs.watts": -1, "device_id": 1}},
  {"$emit": {"connectionName": "__testLog"}}
]`,
});

// The state Atlas reported for each processor at the last up or refresh.
export const states = pulumi.all(statesByName);
export const highWattsState = highWatts.state;
export const highWattsCreated = highWatts.createdByResource;
