/**
 * The one shared `ResourceProvider` object `StreamProcessor` uses (it can be driven directly).
 *
 * Every method only forwards to lifecycle.ts through its module object. Pulumi serializes this
 * object as source text into each resource's `__provider` input; when the package is installed
 * under node_modules, a module reference is written as `require("pulumi-atlas-stream-processor/dist/provider/lifecycle.js")`
 * rather than as the code itself, which keeps `__provider` small (about 2 KB) and
 * makes an upgraded package take effect for read/delete too. Nothing here captures a value:
 * credentials are read at call time.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as lifecycle from "../lifecycle";
import type { StreamProcessorInputs, StreamProcessorOutputs } from "../types";

export const streamProcessorProvider: pulumi.dynamic.ResourceProvider<StreamProcessorInputs, StreamProcessorOutputs> = {
  configure: (req) => lifecycle.configure(req),
  check: (olds, news) => lifecycle.check(olds, news),
  diff: (id, olds, news) => lifecycle.diff(id, olds, news),
  create: (inputs) => lifecycle.create(inputs),
  read: (id, props) => lifecycle.read(id, props),
  update: (id, olds, news) => lifecycle.update(id, olds, news),
  delete: (id, props) => lifecycle.remove(id, props),
};
