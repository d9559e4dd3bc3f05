// Writes provider/plugin/schema.json, the Pulumi package schema of the native plugin, from the
// registry (provider/plugin/registry.ts) and package.json's version. The SDK generators read the
// file; test/provider/unit/plugin-schema.test.ts fails when it is stale.
//
//   npm run schema            (write)
//   tsx scripts/schema.ts --check   (exit 1 when the file differs from what the registry gives)
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { schemaText } from "../provider/plugin/schema";
import { version } from "../package.json";

const out = path.join(__dirname, "..", "provider", "plugin", "schema.json");
const text = schemaText(version);
const where = path.relative(process.cwd(), out);
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(out, "utf8");
  } catch {
    // missing: reported below like a stale file
  }
  if (current !== text) {
    console.error(`${where} is stale (or missing): run npm run schema and commit it.`);
    process.exit(1);
  }
  console.log(`${where} is current (atlasstreams ${version})`);
} else {
  writeFileSync(out, text);
  console.log(`wrote ${where} (atlasstreams ${version})`);
}
