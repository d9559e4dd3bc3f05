/**
 * The Pulumi package schema of `atlasstreams`, built from the registry (registry.ts). The plugin
 * serves it (GetSchema), scripts/schema.ts writes it to provider/plugin/schema.json for the SDK
 * generators, and a test holds the committed file to this function.
 *
 * Defaults go into the descriptions only, never into the schema's `default` field: the generated
 * SDKs would fill them in on their side, a second copy of what `check` does.
 */
import { CONFIG, FUNCTIONS, INPUTS, OUTPUTS, TYPES, type ConfigSpec, type Kind, type PropertySpec } from "../inputs/registry";

export const PACKAGE = "atlasstreams";
export const RESOURCE_TOKEN = `${PACKAGE}:index:StreamProcessor`;
export const FUNCTION_TOKENS = {
  getStreamProcessor: `${PACKAGE}:index:getStreamProcessor`,
  getStreamProcessors: `${PACKAGE}:index:getStreamProcessors`,
} as const;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type SchemaProperty = { [key: string]: Json };

function typeOf(kind: Kind): SchemaProperty {
  if (typeof kind === "string") return kind === "any" ? { $ref: "pulumi.json#/Any" } : { type: kind };
  if ("ref" in kind) return { $ref: `#/types/${PACKAGE}:index:${kind.ref}` };
  return { type: "array", items: typeOf(kind.array) };
}

/** "Default: `600`." for a default; nothing for a property without one. */
function defaultText(spec: PropertySpec): string {
  return spec.default === undefined ? "" : ` Default: \`${JSON.stringify(spec.default)}\`.`;
}

function property(spec: PropertySpec, extra = ""): SchemaProperty {
  const out: SchemaProperty = { ...typeOf(spec.kind), description: `${spec.description}${defaultText(spec)}${extra}` };
  if (spec.secret) out.secret = true;
  return out;
}

function properties(table: Record<string, PropertySpec>): { properties: Record<string, SchemaProperty>; required: string[] } {
  const props: Record<string, SchemaProperty> = {};
  const required: string[] = [];
  for (const [name, spec] of Object.entries(table)) {
    props[name] = property(spec);
    if (spec.required) required.push(name);
  }
  return { properties: props, required };
}

function configVariables(): Record<string, SchemaProperty> {
  const out: Record<string, SchemaProperty> = {};
  for (const [name, spec] of Object.entries(CONFIG) as [string, ConfigSpec][]) {
    out[name] = property(spec, ` Environment: ${spec.env.map((e) => `\`${e}\``).join(" or ")}.`);
  }
  return out;
}

/** The schema, as the plugin serves it and schema.json holds it. */
export function buildSchema(version: string): Record<string, Json> {
  const outputs = properties(OUTPUTS);
  const inputs = properties(INPUTS);
  const types: Record<string, Json> = {};
  for (const [name, t] of Object.entries(TYPES)) {
    const p = properties(t.properties);
    types[`${PACKAGE}:index:${name}`] = {
      description: t.description,
      type: "object",
      properties: p.properties,
      ...(p.required.length > 0 ? { required: p.required } : {}),
    };
  }
  const functions: Record<string, Json> = {};
  for (const [name, f] of Object.entries(FUNCTIONS)) {
    const i = properties(f.inputs);
    const o = properties(f.outputs);
    functions[`${PACKAGE}:index:${name}`] = {
      description: f.description,
      inputs: { properties: i.properties, required: i.required },
      outputs: { properties: o.properties, required: o.required },
    };
  }
  const config = configVariables();
  return {
    name: PACKAGE,
    displayName: "Atlas Stream Processor",
    version,
    description:
      "Keeps MongoDB Atlas stream processors running (or stopped, or defined from a pipeline) through the Atlas Admin API v2, with safe retries, both Atlas auth schemes and drift detection; reads processors and their statistics.",
    keywords: ["pulumi", "mongodb", "atlas", "stream-processing", "category/database", "kind/native"],
    license: "Apache-2.0",
    publisher: "pulumi-atlas-stream-processor",
    // supportPack: the Go SDK gets its own go.mod, so it can be built and published as a module.
    meta: { moduleFormat: "(.*)", supportPack: true },
    config: { variables: config },
    provider: {
      description:
        "The atlasstreams provider: the Atlas endpoint, one credential and the client's tuning. Provider config wins over the environment, and credentials come whole from one source; within one source: service account, then API key, then access token. Half a pair is an error naming the missing key.",
      inputProperties: config,
    },
    types,
    resources: {
      [RESOURCE_TOKEN]: {
        description:
          "Keeps a MongoDB Atlas stream processor running (or stopped): `pulumi refresh` sees a processor that FAILED or was stopped behind your back, and the next `pulumi up` restarts it. With `pipeline` it also owns the processor's definition (pipeline, dead-letter queue, tier, failover). The resource id is `projectId/workspaceName/processorName`, each part percent-encoded: `pulumi import atlasstreams:index:StreamProcessor <name> <id>` adopts an existing processor (state only; destroy then stops it, never deletes it).",
        properties: outputs.properties,
        required: outputs.required,
        inputProperties: inputs.properties,
        requiredInputs: inputs.required,
      },
    },
    functions,
    language: {
      csharp: {
        // Our own root: `Pulumi.*` belongs to Pulumi's packages.
        rootNamespace: "AtlasStreamProcessor",
        namespaces: { [PACKAGE]: "AtlasStreams" },
        packageReferences: { Pulumi: "3.*" },
        respectSchemaVersion: true,
      },
      go: { importBasePath: "github.com/pulumi-atlas-stream-processor/sdk/go/atlasstreams", respectSchemaVersion: true },
      nodejs: {
        packageName: "@pulumi-atlas-stream-processor/atlasstreams",
        packageDescription: "MongoDB Atlas stream processors for Pulumi (the atlasstreams provider).",
        respectSchemaVersion: true,
      },
      python: { packageName: "pulumi_atlasstreams", pyproject: { enabled: true }, respectSchemaVersion: true },
    },
  };
}

/** The schema as the committed file holds it: two-space JSON and a final newline. */
export function schemaText(version: string): string {
  return `${JSON.stringify(buildSchema(version), null, 2)}\n`;
}
