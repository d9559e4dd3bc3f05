/**
 * Endpoint, credentials and client options (options.ts), resolved once per call from stack config
 * and the environment.
 *
 * Credentials are read here at call time, never captured at module scope: anything a closure
 * captures is serialized into `__provider` in the Pulumi state in plain text
 * (https://www.pulumi.com/docs/iac/concepts/resources/dynamic-providers/).
 */
import { AtlasConfigError } from "../errors";
import { stripUndefined } from "../util/objects";
import { lookup, normalizeOptions, OPTION_KEYS, optionsFrom, type ClientOptions } from "./options";

export const DEFAULT_BASE_URL = "https://cloud.mongodb.com";

export type Credentials =
  | { kind: "serviceAccount"; clientId: string; clientSecret: string; source: string }
  | { kind: "apiKey"; publicKey: string; privateKey: string; source: string }
  | { kind: "accessToken"; token: string; source: string };

/** How calls authenticate: the credential kind, or "none" when no credential is set. */
export type AuthScheme = Credentials["kind"] | "none";

export interface ConnectionSettings {
  baseUrl: string;
  credentials: Credentials | undefined;
  options: ClientOptions;
}

/** The stack config keys the official Atlas provider uses, and our extra options. */
export const CONFIG_KEYS = {
  baseUrl: "mongodbatlas:baseUrl",
  clientId: "mongodbatlas:clientId",
  clientSecret: "mongodbatlas:clientSecret",
  publicKey: "mongodbatlas:publicKey",
  privateKey: "mongodbatlas:privateKey",
  accessToken: "mongodbatlas:accessToken",
} as const;

export const ENV_KEYS = {
  baseUrl: ["MONGODB_ATLAS_BASE_URL"],
  clientId: ["MONGODB_ATLAS_CLIENT_ID"],
  clientSecret: ["MONGODB_ATLAS_CLIENT_SECRET"],
  publicKey: ["MONGODB_ATLAS_PUBLIC_KEY", "MONGODB_ATLAS_PUBLIC_API_KEY"],
  privateKey: ["MONGODB_ATLAS_PRIVATE_KEY", "MONGODB_ATLAS_PRIVATE_API_KEY"],
  accessToken: ["MONGODB_ATLAS_ACCESS_TOKEN"],
} as const;

type Field = keyof typeof CONFIG_KEYS;

/** Every stack config key the provider reads (configure copies exactly these). */
export function allConfigKeys(): string[] {
  return [...Object.values(CONFIG_KEYS), ...Object.values(OPTION_KEYS).map((k) => k.config)];
}

/**
 * Picks credentials from one source. Priority: service account, then API key, then access
 * token (documented in the README). Half a pair is an error naming the missing key, never a
 * silent fall-through to a weaker scheme.
 */
function credentialsFrom(get: (f: Field) => string | undefined, name: (f: Field) => string, source: string): Credentials | undefined {
  const pair = (a: Field, b: Field): [string, string] | undefined => {
    const va = get(a);
    const vb = get(b);
    if (va && !vb) throw new AtlasConfigError(`${name(a)} is set but ${name(b)} is not: set both, or neither.`);
    if (vb && !va) throw new AtlasConfigError(`${name(b)} is set but ${name(a)} is not: set both, or neither.`);
    return va && vb ? [va, vb] : undefined;
  };
  const sa = pair("clientId", "clientSecret");
  const key = pair("publicKey", "privateKey");
  const token = get("accessToken");
  if (sa) return { kind: "serviceAccount", clientId: sa[0], clientSecret: sa[1], source };
  if (key) return { kind: "apiKey", publicKey: key[0], privateKey: key[1], source };
  if (token) return { kind: "accessToken", token, source };
  return undefined;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** Plain http only to loopback hosts; anything else must be https. Refused before any request. */
export function normalizeBaseUrl(raw: string, source: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AtlasConfigError(`${source} is not a valid URL (${JSON.stringify(raw)}): use e.g. ${DEFAULT_BASE_URL}.`);
  }
  if (url.username || url.password) {
    throw new AtlasConfigError(
      `${source} must not contain credentials: set them in mongodbatlas:publicKey/privateKey or clientId/clientSecret.`,
    );
  }
  if (url.protocol === "http:") {
    if (!LOOPBACK.test(url.hostname)) {
      throw new AtlasConfigError(
        `${source} uses plain http to ${url.hostname}: credentials would cross the network unencrypted. Use https://, or http:// only to localhost/127.0.0.1/[::1] (e.g. the local emulator).`,
      );
    }
  } else if (url.protocol !== "https:") {
    throw new AtlasConfigError(`${source} must be an https:// URL (or http:// to loopback), got ${url.protocol}.`);
  }
  if (url.search || url.hash) throw new AtlasConfigError(`${source} must not have a query or fragment.`);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
}

/**
 * Resolves the connection from stack config (wins) and the environment (read at call time).
 * Credentials come whole from one source: the stack config's if it holds any, else the
 * environment's, so a clientId from one place is never paired with a secret from another.
 */
export function resolveSettings(
  stackConfig: Record<string, string | undefined>,
  env: Record<string, string | undefined>,
  options: Partial<ClientOptions> = {},
): ConnectionSettings {
  const cfg = lookup(stackConfig);
  const envGet = lookup(env);
  const fromEnv = (f: Field): string | undefined => {
    for (const k of ENV_KEYS[f]) {
      const v = envGet(k);
      if (v) return v;
    }
    return undefined;
  };
  const envName = (f: Field): string => ENV_KEYS[f].join(" (or ") + (ENV_KEYS[f].length > 1 ? ")" : "");

  let baseUrl = DEFAULT_BASE_URL;
  const cfgBase = cfg(CONFIG_KEYS.baseUrl);
  const envBase = fromEnv("baseUrl");
  if (cfgBase) baseUrl = normalizeBaseUrl(cfgBase, CONFIG_KEYS.baseUrl);
  else if (envBase) baseUrl = normalizeBaseUrl(envBase, "MONGODB_ATLAS_BASE_URL");

  const credentials =
    credentialsFrom(
      (f) => cfg(CONFIG_KEYS[f]),
      (f) => CONFIG_KEYS[f],
      "stack config",
    ) ?? credentialsFrom(fromEnv, envName, "environment");

  const given = optionsFrom(cfg, envGet);
  // An option given in code wins over config and environment, and its error names it as such.
  const sources = Object.fromEntries(Object.entries(given.sources).filter(([k]) => !(k in stripUndefined(options))));
  return { baseUrl, credentials, options: normalizeOptions({ ...given.options, ...stripUndefined(options) }, sources) };
}

/** The secrets of a credential, for redaction of server-echoed text. */
export function secretsOf(c: Credentials | undefined): string[] {
  if (!c) return [];
  if (c.kind === "serviceAccount") return [c.clientSecret];
  if (c.kind === "apiKey") return [c.privateKey];
  return [c.token];
}

/** A stable cache key for an endpoint-and-credential pair that does not hold the secret itself. */
export function clientKey(s: ConnectionSettings, hash: (text: string) => string): string {
  const c = s.credentials;
  const cred = !c
    ? "none"
    : c.kind === "serviceAccount"
      ? `sa:${c.clientId}:${hash(c.clientSecret)}`
      : c.kind === "apiKey"
        ? `key:${c.publicKey}:${hash(c.privateKey)}`
        : `token:${hash(c.token)}`;
  return `${s.baseUrl}|${cred}|${JSON.stringify(s.options)}`;
}
