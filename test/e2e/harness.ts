/**
 * The end-to-end tests' view of the Pulumi project helpers (scripts/lib/pulumi-project.ts) plus
 * the test-only user program.
 */
import { PROJECT_ID, WORKSPACE } from "../../scripts/lib/pulumi-project";

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
