/**
 * The end-to-end tests' view of the Pulumi project helpers (scripts/lib/pulumi-project.ts) plus
 * the test-only user program.
 */
export * from "../../scripts/lib/pulumi-project";

export const USER_PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { StreamProcessor } from "pulumi-atlas-stream-processor";

const config = new pulumi.Config();
const names = config.getObject<string[]>("processors") ?? ["inventory"];
const processors = names.map((processorName) => new StreamProcessor(processorName, {
  projectId: "6650f1a2b3c4d5e6f7a8b9c0",
  workspaceName: "demo-workspace",
  processorName,
}));
export const states = pulumi.all(processors.map((p) => p.state));
`;
