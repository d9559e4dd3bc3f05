/**
 * The native plugin `atlasstreams` under the real Pulumi CLI from a TypeScript program through its
 * generated Node.js SDK: examples/nodejs-sdk, with sdk/nodejs compiled into the project's
 * node_modules as @pulumi-atlas-stream-processor/atlasstreams (not this repository's dynamic
 * resource), run by the CLI's Node.js language host, with the plugin installed from its tarball,
 * against the emulator. The scenario is test/support/plugin-sdk-scenario.ts's.
 */
import { installNodejsSdkProgram } from "../support/plugin-harness";
import { describeSdkScenario } from "../support/plugin-sdk-scenario";

describeSdkScenario({ title: "a TypeScript program (sdk/nodejs)", example: "nodejs-sdk", hosts: [], install: installNodejsSdkProgram });
