/**
 * The plugin's configuration, mapped onto the keys the core reads. A plugin user writes
 * `atlasstreams:<name>` (stack config of the default provider) or `new atlasstreams.Provider(…,
 * { <name> })`; the engine sends both as `atlasstreams:config:<name>` in Configure's variables (the
 * legacy form, strings, secrets decrypted). The core (settings.ts, options.ts) reads the dynamic
 * door's `mongodbatlas:<name>` and `atlas-stream-processor:<name>`: this file translates the keys
 * on the way in and the names in messages on the way out, so an error names the key the user set.
 */
import { OPTION_KEYS } from "../config/options";
import { CONFIG_KEYS } from "../config/settings";
import type { ConfigSource } from "../lifecycle";
import { CONFIG, type ConfigName } from "../inputs/registry";
import { PACKAGE } from "./schema";

/** The key the core reads for each plugin config name. */
export function coreKey(name: ConfigName): string {
  return name in CONFIG_KEYS ? CONFIG_KEYS[name as keyof typeof CONFIG_KEYS] : OPTION_KEYS[name as keyof typeof OPTION_KEYS].config;
}

const NAMES = Object.keys(CONFIG) as ConfigName[];

/** Keys the engine may send that are not the user's config (an explicit provider's own options). */
const ENGINE_KEYS = new Set(["version", "pluginDownloadURL"]);

/** The config name in a variable key: `atlasstreams:config:baseUrl` or `atlasstreams:baseUrl` → `baseUrl`. */
function nameOf(key: string): string | undefined {
  for (const prefix of [`${PACKAGE}:config:`, `${PACKAGE}:`]) if (key.startsWith(prefix)) return key.slice(prefix.length);
  return undefined;
}

/**
 * The core's config source from Configure's variables. A key that is not one of the provider's is
 * an error naming it (a misspelt `clientID` would otherwise leave the provider without a credential).
 */
export function configSource(variables: ReadonlyMap<string, string> | Iterable<[string, string]>): ConfigSource {
  const byCoreKey = new Map<string, string>();
  const unknown: string[] = [];
  for (const [key, value] of variables) {
    const name = nameOf(key);
    if (name === undefined || ENGINE_KEYS.has(name)) continue;
    if (!(NAMES as string[]).includes(name)) unknown.push(`${PACKAGE}:${name}`);
    else byCoreKey.set(coreKey(name as ConfigName), value);
  }
  if (unknown.length > 0)
    throw new Error(
      `${unknown.join(", ")} ${unknown.length > 1 ? "are not config keys" : "is not a config key"} of the ${PACKAGE} provider: check the spelling; the keys are ${NAMES.join(", ")}.`,
    );
  return { config: { get: (key) => byCoreKey.get(key) } };
}

/** Core key → plugin key, longest first (so `mongodbatlas:publicKey` is not cut short by a shorter key). */
const RENAMES: Array<[string, string]> = NAMES.map((n): [string, string] => [coreKey(n), `${PACKAGE}:${n}`]).sort(
  (a, b) => b[0].length - a[0].length,
);

/**
 * A message of the core with the dynamic door's config keys replaced by the plugin's: the core
 * names `mongodbatlas:clientId` where a plugin user set `atlasstreams:clientId`. Exact keys only,
 * from the same table the keys are mapped with.
 */
export function pluginWording(text: string): string {
  let out = text;
  for (const [from, to] of RENAMES) out = out.split(from).join(to);
  return out;
}
