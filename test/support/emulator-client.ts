// Test helpers: a tiny HTTP client with our own (independent) Digest implementation, OAuth
// token fetching, and an OpenAPI response validator built from the official trimmed spec.
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { createHash, randomBytes } from "node:crypto";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import YAML from "yaml";
import { API_KEY, PROJECT, READONLY_KEY, SERVICE_ACCOUNT, WORKSPACE } from "./seed";
import { applySeed } from "../../emulator/snapshots";
import { Store } from "../../emulator/store";
import type { SeedProcessor } from "../../emulator/types";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** The trimmed official spec as the project's shared reference holds it (CI lays shared/ beside the clone). */
export const SHARED_SPEC_PATH = path.resolve(REPO_ROOT, "..", "shared", "reference", "atlas-streams-openapi.yaml");
/** A verbatim copy, so a clone without shared/ beside it still validates; a test keeps the two identical. */
export const VENDORED_SPEC_PATH = path.resolve(REPO_ROOT, "test", "fixtures", "atlas-streams-openapi.yaml");
export const SPEC_PATH = fs.existsSync(SHARED_SPEC_PATH) ? SHARED_SPEC_PATH : VENDORED_SPEC_PATH;
export const G = PROJECT;
export const WS = WORKSPACE;
export const P = `/api/atlas/v2/groups/${G}/streams/${WS}`;
export const V_PROC = "application/vnd.atlas.2024-05-30+json";
export const V_START_WITH = "application/vnd.atlas.2025-03-12+json";
export const V_WS = "application/vnd.atlas.2023-02-01+json";
export const OWNER = { user: API_KEY.publicKey, pass: API_KEY.privateKey };
export const READONLY = { user: READONLY_KEY.publicKey, pass: READONLY_KEY.privateKey };
export const SA = { ...SERVICE_ACCOUNT };

export interface Resp {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
  /** Every header value separately (Node joins repeated headers such as WWW-Authenticate). */
  distinct: NodeJS.Dict<string[]>;
}

export const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

export function rawRequest(
  base: string,
  method: string,
  pathAndQuery: string,
  opts: { headers?: Record<string, string>; body?: string | Buffer; timeoutMs?: number } = {},
): Promise<Resp> {
  return new Promise((resolve, reject) => {
    const u = new URL(base);
    const req = http.request({ host: u.hostname, port: u.port, method, path: pathAndQuery, headers: opts.headers ?? {}, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: any;
        try {
          json = text ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, distinct: res.headersDistinct });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (opts.timeoutMs) req.setTimeout(opts.timeoutMs, () => req.destroy(new Error("client timeout")));
    if (opts.body !== undefined) req.end(opts.body);
    else req.end();
  });
}

/** Parses one `WWW-Authenticate: Digest ...` value (test-side, independent of the emulator). */
export function parseChallenge(v: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(v.replace(/^Digest\s+/i, "")))) out[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? "";
  return out;
}

export function challenges(r: Resp): string[] {
  return r.distinct["www-authenticate"] ?? [];
}

export type Auth =
  | { kind: "none" }
  | { kind: "bearer"; token: string }
  | { kind: "digest"; user: string; pass: string; algorithm?: "MD5" | "SHA-256" | "MD5-sess" | "SHA-256-sess" };

export function digestHeader(
  method: string,
  uri: string,
  ch: Record<string, string>,
  user: string,
  pass: string,
  algorithm: string,
  nc: number,
  cnonce = randomBytes(8).toString("hex"),
): string {
  const H = (s: string) =>
    createHash(algorithm.startsWith("SHA-256") ? "sha256" : "md5")
      .update(s)
      .digest("hex");
  let ha1 = H(`${user}:${ch.realm}:${pass}`);
  if (algorithm.endsWith("-sess")) ha1 = H(`${ha1}:${ch.nonce}:${cnonce}`);
  const ha2 = H(`${method}:${uri}`);
  const ncs = nc.toString(16).padStart(8, "0");
  const response = H(`${ha1}:${ch.nonce}:${ncs}:${cnonce}:auth:${ha2}`);
  return `Digest username="${user}", realm="${ch.realm}", nonce="${ch.nonce}", uri="${uri}", algorithm=${algorithm}, qop=auth, nc=${ncs}, cnonce="${cnonce}", response="${response}"${ch.opaque !== undefined ? `, opaque="${ch.opaque}"` : ""}`;
}

export class Client {
  private challenge: Record<string, string> | undefined;
  private nc = 0;
  constructor(
    readonly base: string,
    readonly auth: Auth,
  ) {}

  private authHeader(method: string, uri: string): string | undefined {
    if (this.auth.kind === "bearer") return `Bearer ${this.auth.token}`;
    if (this.auth.kind === "digest" && this.challenge) {
      this.nc += 1;
      return digestHeader(method, uri, this.challenge, this.auth.user, this.auth.pass, this.auth.algorithm ?? "MD5", this.nc);
    }
    return undefined;
  }

  async request(
    method: string,
    pathAndQuery: string,
    opts: { body?: unknown; accept?: string; headers?: Record<string, string> } = {},
  ): Promise<Resp> {
    const send = () => {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.accept !== undefined) headers.Accept = opts.accept;
      const a = this.authHeader(method, pathAndQuery);
      if (a) headers.Authorization = a;
      let body: string | undefined;
      if (opts.body !== undefined) {
        body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
        headers["Content-Type"] ??= opts.accept ?? "application/json";
      }
      return rawRequest(this.base, method, pathAndQuery, { headers, ...(body !== undefined ? { body } : {}) });
    };
    let r = await send();
    if (r.status === 401 && this.auth.kind === "digest") {
      const alg = this.auth.algorithm ?? "MD5";
      const wanted = alg.replace("-sess", "");
      const ch = challenges(r)
        .map(parseChallenge)
        .find((c) => (c.algorithm ?? "MD5") === wanted);
      if (ch) {
        this.challenge = ch;
        this.nc = 0;
        r = await send();
      }
    }
    return r;
  }
}

export async function fetchToken(base: string, clientId = SA.clientId, secret = SA.clientSecret): Promise<Resp> {
  return rawRequest(base, "POST", "/api/oauth/token", {
    headers: {
      Authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`,
      "Content-Type": "application/x-www-form-urlencoded",
      Accept: "application/json",
    },
    body: "grant_type=client_credentials",
  });
}

export async function bearerClient(base: string): Promise<Client> {
  const r = await fetchToken(base);
  if (r.status !== 200) throw new Error(`token request failed: ${r.status} ${r.text}`);
  return new Client(base, { kind: "bearer", token: r.json.access_token });
}

export async function admin(base: string, method: string, p: string, body?: unknown): Promise<Resp> {
  return rawRequest(base, method, p, {
    headers: { "Content-Type": "application/json" },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

// ---------------- OpenAPI validation ----------------

type Json = any;

/**
 * Converts OpenAPI 3.0 schema dialect to JSON Schema for Ajv, and repairs three defects of the
 * published spec that make valid Atlas responses unvalidatable (each documented in emulator/README.md):
 *  1. StreamsConnection.oneOf -> StreamsSampleConnection.allOf -> StreamsConnection recurses
 *     forever at validation time: the oneOf/discriminator is dropped (the base properties stay).
 *  2. BaseStreamsRegion is `type: object` but its alternatives are string enums: `type` is dropped.
 *  3. ApiError.parameters items are `type: object` (a generated List<Object>) while Atlas sends
 *     strings (`["orders", "msg"]`): items are left unconstrained.
 *  4. StreamsProcessorWithStats.stats entries are `type: object` while Atlas sends numbers and
 *     strings (`inputMessageCount: 12`, `status: "running"`): entries are left unconstrained.
 */
function convert(node: Json): Json {
  if (Array.isArray(node)) return node.map(convert);
  if (!node || typeof node !== "object") return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = convert(v);
  if (out.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  delete out.nullable;
  return out;
}

let specDoc: Json | undefined;
let ajv: Ajv | undefined;

export function spec(): Json {
  if (!specDoc) specDoc = YAML.parse(fs.readFileSync(SPEC_PATH, "utf8"));
  return specDoc;
}

function getAjv(): Ajv {
  if (ajv) return ajv;
  const schemas = convert(structuredClone(spec().components.schemas));
  delete schemas.StreamsConnection.oneOf;
  delete schemas.StreamsConnection.discriminator;
  delete schemas.BaseStreamsRegion.type;
  schemas.ApiError.properties.parameters.items = {};
  schemas.StreamsProcessorWithStats.properties.stats.additionalProperties = {};
  ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: "atlas", components: { schemas } });
  return ajv;
}

function findOperation(operationId: string): { path: string; method: string; op: Json } {
  for (const [p, item] of Object.entries<Json>(spec().paths)) {
    for (const [m, op] of Object.entries<Json>(item)) if (op?.operationId === operationId) return { path: p, method: m, op };
  }
  throw new Error(`operationId ${operationId} not in spec`);
}

const cache = new Map<string, ValidateFunction | null>();

/**
 * Validator for operationId + status + media type. Returns null when the spec declares the
 * response without a schema (start/stop/delete). Throws if the spec does not declare the status
 * or media type at all, so an undeclared response fails the test.
 */
export function responseValidator(operationId: string, status: number, mediaType: string): ValidateFunction | null {
  const key = `${operationId} ${status} ${mediaType}`;
  if (cache.has(key)) return cache.get(key)!;
  const { op } = findOperation(operationId);
  let resp = op.responses[String(status)];
  if (!resp) throw new Error(`${operationId} declares no ${status} response`);
  if (resp.$ref) resp = spec().components.responses[resp.$ref.split("/").pop()];
  const media = resp.content?.[mediaType];
  if (!media)
    throw new Error(`${operationId} ${status} declares no ${mediaType} content (has ${Object.keys(resp.content ?? {}).join(", ")})`);
  let v: ValidateFunction | null = null;
  if (media.schema) {
    const ref: string = media.schema.$ref;
    v = getAjv().compile({ $ref: `atlas${ref}` });
  }
  cache.set(key, v);
  return v;
}

/** Validates a value against one of the spec's component schemas (e.g. `ApiError`); undefined when valid. */
export function componentErrors(schemaName: string, value: unknown): string | undefined {
  const v =
    getAjv().getSchema(`atlas#/components/schemas/${schemaName}`) ?? getAjv().compile({ $ref: `atlas#/components/schemas/${schemaName}` });
  return v(value) ? undefined : getAjv().errorsText(v.errors);
}

/** Asserts a response matches the spec for its status; returns the ajv errors text if not. */
export function specErrors(operationId: string, r: Resp): string | undefined {
  const ct = String(r.headers["content-type"] ?? "")
    .split(";")[0]!
    .trim();
  let v: ValidateFunction | null;
  try {
    if (r.status === 204) {
      responseValidator(operationId, 204, Object.keys(findOperation(operationId).op.responses["204"].content)[0]!);
      return r.text === "" ? undefined : "204 with a body";
    }
    v = responseValidator(operationId, r.status, ct);
  } catch (e) {
    return (e as Error).message;
  }
  if (!v) return r.text === "" || r.text === "{}" ? undefined : `unexpected body for schema-less response: ${r.text}`;
  if (r.json === undefined) return `body is not JSON: ${r.text.slice(0, 200)}`;
  return v(r.json) ? undefined : getAjv().errorsText(v.errors);
}

/**
 * A pure store on the injected `clock` holding workspace "w" of project G with one Sample
 * connection "src" and one processor "p" reading it (`processor` on top, e.g. its state).
 */
export function storeWithProcessorP(transitionMs: number, clock: () => number, processor: Partial<SeedProcessor> = {}): Store {
  const s = new Store(transitionMs, clock);
  applySeed(s, {
    projects: [
      {
        id: G,
        workspaces: [
          {
            name: "w",
            connections: [{ name: "src", type: "Sample" }],
            processors: [{ name: "p", pipeline: [{ $source: { connectionName: "src" } }], ...processor }],
          },
        ],
      },
    ],
  });
  return s;
}

/** Seeds processors into the default seed's workspace of `emu` (beside what it holds already). */
export function seedProcessors(emu: RunningEmulator, processors: SeedProcessor[]): void {
  emu.admin.seed({ projects: [{ id: G, workspaces: [{ name: WS, processors }] }] });
}

/** A fresh emulator per test, started by the test with its own options, and a bearer client for it; closed after each test. */
export function emulatorPerTest(): { start(o?: EmulatorOptions): Promise<void>; readonly emu: RunningEmulator; readonly c: Client } {
  let emu: RunningEmulator | undefined;
  let c: Client | undefined;
  afterEach(() => emu?.close());
  return {
    async start(o: EmulatorOptions = {}) {
      emu = await startEmulator({ quiet: true, ...o });
      c = await bearerClient(emu.url);
    },
    get emu() {
      if (!emu) throw new Error("start() the emulator first");
      return emu;
    },
    get c() {
      if (!c) throw new Error("start() the emulator first");
      return c;
    },
  };
}
