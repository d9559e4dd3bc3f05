/**
 * The one shared `ResourceProvider` object `StreamProcessor` uses (it can be driven directly).
 *
 * It is the lifecycle module itself (lifecycle.ts exports every method, `delete` included), so
 * Pulumi serializes it into each resource's `__provider` input as a `require` of that module
 * (`require("pulumi-atlas-stream-processor/dist/provider/lifecycle.js")` when the package is
 * installed under node_modules) plus a line returning it: about 300 bytes instead of the 2 KB
 * that a wrapper per method took. A smaller `__provider` is a smaller state: the engine writes
 * the whole state after every step, so this is time too. It also makes an upgraded package take
 * effect for read and delete. Nothing here captures a value: credentials are read at call time.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as lifecycle from "../lifecycle";
import type { StreamProcessorInputs, StreamProcessorOutputs } from "../types";

type Provider = pulumi.dynamic.ResourceProvider<StreamProcessorInputs, StreamProcessorOutputs>;

// The compiler holds the module to every method the engine calls.
const complete: Required<Pick<Provider, "configure" | "check" | "diff" | "create" | "read" | "update" | "delete">> = lifecycle;

export const streamProcessorProvider: Provider = complete;
