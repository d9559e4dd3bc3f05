/**
 * The native plugin `atlasstreams` under the real Pulumi CLI from a Go program: examples/go, built
 * against the generated Go SDK (sdk/go, by go.mod's `replace`) by the Go language host
 * pulumi-language-go (scripts/language-hosts.sh go), with the plugin installed from its tarball,
 * against the emulator. The scenario is test/support/plugin-sdk-scenario.ts's.
 */
import { installGoProgram } from "../support/plugin-harness";
import { describeSdkScenario } from "../support/plugin-sdk-scenario";

describeSdkScenario({ title: "a Go program (sdk/go)", example: "go", hosts: ["go"], install: installGoProgram });
