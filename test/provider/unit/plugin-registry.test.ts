import { expect } from "chai";
import { resourceProps } from "../../../provider/resource/stream-processor";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { version } from "../../../package.json";
import { DEFAULT_CLIENT_OPTIONS, OPTION_KEYS } from "../../../provider/config/options";
import { CONFIG, INPUTS, OUTPUTS, PROCESSOR_OPTIONS, type ConfigSpec, type PropertySpec } from "../../../provider/inputs/registry";
import { buildSchema, schemaText } from "../../../provider/plugin/schema";
import { DEFAULT_BASE_URL, ENV_KEYS } from "../../../provider/config/settings";
import { checkInputs, DEFAULT_STATE, DEFAULT_TIMEOUT_SECONDS, OUTPUT_ONLY_KEYS } from "../../../provider/inputs/check";
import { PROJECT } from "../../support/seed";

const REPO = path.resolve(__dirname, "..", "..", "..");
const readme = readFileSync(path.join(REPO, "README.md"), "utf8");

/** The rows of the Markdown table whose header row starts with `| <first> |`, as cells without backticks' surroundings trimmed. */
function tableRows(first: string): string[][] {
  const lines = readme.split("\n");
  const start = lines.findIndex((l) => l.startsWith(`| ${first} |`));
  expect(start, `README has a table starting "| ${first} |"`).to.be.greaterThan(-1);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    // Cells split on pipes that are not escaped (`\|` is a pipe inside a cell).
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

const name = (cell: string | undefined): string => (cell ?? "").replace(/^`|`$/g, "");

/** What the README's default column says for a property. */
function defaultCell(spec: PropertySpec): string {
  if (spec.required) return "required";
  if (spec.default !== undefined) return `\`${JSON.stringify(spec.default)}\``;
  return spec.unset ?? "unset";
}

describe("plugin registry and schema", () => {
  it("provider/plugin/schema.json is what the registry gives (run npm run schema after changing it)", () => {
    const committed = readFileSync(path.join(REPO, "provider", "plugin", "schema.json"), "utf8");
    expect(committed).to.equal(schemaText(version));
  });

  it("every row of the README's inputs table matches the registry: names, and required or default", () => {
    const rows = tableRows("input");
    const { options: _options, ...topLevel } = INPUTS;
    const expected: Record<string, PropertySpec> = { ...topLevel };
    for (const [k, spec] of Object.entries(PROCESSOR_OPTIONS)) expected[`options.${k}`] = spec;
    expect(rows.map((r) => name(r[0])).sort()).to.deep.equal(Object.keys(expected).sort());
    for (const r of rows) {
      const spec = expected[name(r[0])]!;
      expect(r[2], `README default of ${name(r[0])}`).to.equal(defaultCell(spec));
    }
  });

  it("the README's plugin config table lists every config key with its secrecy and default", () => {
    const rows = tableRows("config (`atlasstreams:…`)");
    expect(rows.map((r) => name(r[0]))).to.deep.equal(Object.keys(CONFIG));
    for (const r of rows) {
      const spec: ConfigSpec = CONFIG[name(r[0]) as keyof typeof CONFIG];
      expect(r[1], `environment of ${name(r[0])}`).to.equal(spec.env.map((e) => `\`${e}\``).join(" or "));
      expect(r[2], `default of ${name(r[0])}`).to.equal((spec.secret ? "secret; " : "") + defaultCell(spec));
      expect(r[3], `meaning of ${name(r[0])}`).to.equal(spec.description);
    }
  });

  it("the defaults are the core's: check's, the client's and the settings'", () => {
    expect(INPUTS.state.default).to.equal(DEFAULT_STATE);
    expect(INPUTS.timeoutSeconds.default).to.equal(DEFAULT_TIMEOUT_SECONDS);
    const checked = checkInputs({ projectId: PROJECT, workspaceName: "w", processorName: "p" }).inputs;
    for (const [k, spec] of Object.entries(INPUTS) as [string, PropertySpec][]) {
      // verifySeconds 0 and adoptExisting false are what "unset" means to the core.
      if (spec.required) continue;
      if (k === "verifySeconds" || k === "adoptExisting") expect(checked[k]).to.equal(undefined);
      else expect(checked[k], k).to.equal(spec.default);
    }
    expect(CONFIG.baseUrl.default).to.equal(DEFAULT_BASE_URL);
    const { versions, ...numbers } = DEFAULT_CLIENT_OPTIONS;
    for (const [k, v] of Object.entries(numbers)) expect((CONFIG[k as keyof typeof CONFIG] as ConfigSpec).default, k).to.equal(v);
    expect(CONFIG.processorApiVersion.default).to.equal(versions.processor);
    expect(CONFIG.startWithApiVersion.default).to.equal(versions.startWith);
  });

  it("each config key falls back on the environment variables the core reads", () => {
    for (const [k, env] of Object.entries(ENV_KEYS)) expect(CONFIG[k as keyof typeof ENV_KEYS].env).to.deep.equal(env);
    for (const [k, keys] of Object.entries(OPTION_KEYS)) expect(CONFIG[k as keyof typeof OPTION_KEYS].env).to.deep.equal([keys.env]);
  });

  it("check knows exactly the registry's inputs and output-only keys", () => {
    const all: Record<string, unknown> = {
      projectId: PROJECT,
      workspaceName: "w",
      processorName: "p",
      pipeline: '[{"$source":{"connectionName":"c"}}]',
    };
    for (const k of Object.keys(INPUTS)) all[k] ??= null;
    const unknownKey = checkInputs({ ...all, notAnInput: 1 }).failures.map((f) => f.property);
    expect(unknownKey).to.deep.equal(["notAnInput"]);
    const outputOnly = Object.keys(OUTPUTS).filter((k) => !(k in INPUTS));
    const pinned = ["createdByResource", "desiredState", "effectiveTier", "eligibleForFailover", "processorId"];
    expect(outputOnly.sort()).to.deep.equal(pinned);
    expect([...OUTPUT_ONLY_KEYS].sort()).to.deep.equal(pinned);
  });

  it("the dynamic resource registers exactly the registry's inputs and outputs (the engine keeps only those)", () => {
    const props = resourceProps({ projectId: PROJECT, workspaceName: "w", processorName: "p" });
    expect(Object.keys(props).sort()).to.deep.equal([...new Set([...Object.keys(INPUTS), ...Object.keys(OUTPUTS)])].sort());
  });

  it("the schema: pipeline is a string, credentials are secret, the language sections and both functions are there", () => {
    const s = buildSchema(version) as Record<string, any>;
    const r = s.resources["atlasstreams:index:StreamProcessor"];
    expect(s.name).to.equal("atlasstreams");
    expect(s.version).to.equal(version);
    expect(r.inputProperties.pipeline.type).to.equal("string");
    expect(r.properties.pipeline.type).to.equal("string");
    expect(r.requiredInputs).to.deep.equal(["projectId", "workspaceName", "processorName"]);
    expect(r.inputProperties.options.$ref).to.equal("#/types/atlasstreams:index:ProcessorOptions");
    const secrets = Object.entries(s.config.variables)
      .filter(([, v]) => (v as { secret?: boolean }).secret)
      .map(([k]) => k);
    expect(secrets).to.deep.equal(["clientSecret", "privateKey", "accessToken"]);
    expect(Object.keys(s.config.variables)).to.include.members(Object.keys(OPTION_KEYS));
    expect(s.provider.inputProperties).to.deep.equal(s.config.variables);
    expect(Object.keys(s.types)).to.include.members([
      "atlasstreams:index:ProcessorOptions",
      "atlasstreams:index:DlqOptions",
      "atlasstreams:index:AutoscalingOptions",
    ]);
    expect(Object.keys(s.functions)).to.deep.equal(["atlasstreams:index:getStreamProcessor", "atlasstreams:index:getStreamProcessors"]);
    expect(s.language.go.importBasePath).to.equal("github.com/pulumi-atlas-stream-processor/sdk/go/atlasstreams");
    expect(s.language.nodejs.packageName).to.equal("@pulumi-atlas-stream-processor/atlasstreams");
    expect(s.language.python.packageName).to.equal("pulumi_atlasstreams");
    expect(s.language.csharp.rootNamespace).to.equal("AtlasStreamProcessor");
    // Defaults stay in descriptions: a schema `default` would make every SDK fill it in too.
    expect(JSON.stringify(s)).not.to.match(/"default":/);
  });
});
