// Connection references: Atlas refuses, at create and at modify, a pipeline that names a
// connection its workspace does not have, and a connection added moments ago may not be usable
// yet (it "propagates", or reads PENDING), nor one being deleted. When each connection is usable
// and what state it reads is connection-lifecycle.ts's. Also the connections API itself: list,
// get, create, update, delete.
import { beginDeletion, carryLife, connectionState, isUsable, startLife } from "./connection-lifecycle";
import { isPlainObject } from "./documents";
import { fail, invalidField, processorProblem } from "./errors";
import { newObjectId, type WorkspaceRecord } from "./records";
import type { Store } from "./store";
import type { SeedConnection } from "./types";
import type { ConnectionInput } from "./validation";

/** Always present in every workspace (Atlas' built-in log sink). */
const BUILTIN_CONNECTIONS: readonly string[] = ["__testLog"];

function obj(v: unknown): Record<string, unknown> | undefined {
  return isPlainObject(v) ? v : undefined;
}

/**
 * Every connection a definition names, in order, without duplicates: `$source.connectionName`,
 * `$merge.into.connectionName`, `$emit.connectionName` in any stage, and `options.dlq.connectionName`.
 */
function referencedConnections(pipeline: readonly unknown[] | undefined, options?: Record<string, unknown>): string[] {
  const names: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === "string" && !names.includes(v)) names.push(v);
  };
  for (const stage of pipeline ?? []) {
    const s = obj(stage);
    if (!s) continue;
    add(obj(s.$source)?.connectionName);
    add(obj(obj(s.$merge)?.into)?.connectionName);
    add(obj(s.$emit)?.connectionName);
  }
  add(obj(obj(options)?.dlq)?.connectionName);
  return names;
}

/** The first of `names` the workspace cannot use at `now` (missing, still propagating or PENDING, or DELETING). */
function unavailableConnection(names: readonly string[], connections: readonly SeedConnection[], now: number): string | undefined {
  return names.find((n) => {
    if (BUILTIN_CONNECTIONS.includes(n)) return false;
    const c = connections.find((x) => x.name === n);
    return !c || !isUsable(c, now);
  });
}

function missingConnectionMessage(name: string): string {
  return `connection named ${name} does not exist. Check sp.listConnections() for available connections.`;
}

/** Throws Atlas' 400 STREAM_PROCESSOR_GENERIC_ERROR when the definition names an unusable connection. */
export function assertConnectionsAvailable(
  ws: WorkspaceRecord,
  processorName: string,
  pipeline: readonly unknown[] | undefined,
  options: Record<string, unknown> | undefined,
  now: number,
): void {
  const missing = unavailableConnection(referencedConnections(pipeline, options), ws.connections, now);
  if (missing !== undefined) processorProblem(processorName, missingConnectionMessage(missing));
}

/** Adds (or replaces) a connection; it reads PENDING for `pendingMs` and becomes usable once both times have passed. */
export function addConnection(
  store: Store,
  groupId: string,
  workspaceName: string,
  conn: SeedConnection,
  propagationMs: number,
  pendingMs: number,
): SeedConnection {
  const ws = store.workspace(groupId, workspaceName);
  const i = ws.connections.findIndex((c) => c.name === conn.name);
  // Atlas gives every connection an `id` (24 hex); a replaced one keeps its own.
  const id =
    typeof conn.id === "string" ? conn.id : i >= 0 && typeof ws.connections[i]!.id === "string" ? ws.connections[i]!.id : newObjectId();
  const rec: SeedConnection = { ...conn, id };
  if (i >= 0) ws.connections[i] = rec;
  else ws.connections.push(rec);
  startLife(rec, store.now(), propagationMs, pendingMs);
  return rec;
}

// ---------- the connections API (`…/streams/{tenantName}/connections`) ----------

/** Write-only secrets a connection view leaves out (Atlas does not echo credentials; unverified which keys). */
const SECRET_KEYS: readonly string[] = ["password", "clientSecret", "secretAccessKey"];

function withoutSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutSecrets);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (!SECRET_KEYS.includes(k)) out[k] = withoutSecrets(x);
  return out;
}

export interface ConnectionViewContext {
  selfHref: string;
  /** The workspace's region: Atlas shows it as the connection's `region` unless it has its own. */
  workspaceRegion: string;
  now: number;
  style: "atlas" | "classic";
  /** False for a PATCH answer, which carries no `state` in Atlas (recorded). */
  withState?: boolean;
}

/**
 * `StreamsConnection` as the API shows it. "atlas" (recorded): `id`, name, type, its attributes
 * minus secrets, `networking` (default `{access: {type: "PUBLIC"}}`), `region`, `state`; no
 * `links`. "classic": name, type, attributes minus secrets, `state: "READY"`, `links`.
 */
export function connectionView(c: SeedConnection, ctx: ConnectionViewContext): Record<string, unknown> {
  const { name, type, id, ...attributes } = c;
  const shown = withoutSecrets(attributes) as Record<string, unknown>;
  if (ctx.style === "classic") return { name, type, ...shown, state: "READY", links: [{ href: ctx.selfHref, rel: "self" }] };
  const { networking, region, ...rest } = shown;
  const out: Record<string, unknown> = { id, name, type, ...rest };
  out.networking = networking ?? { access: { type: "PUBLIC" } };
  out.region = region ?? ctx.workspaceRegion;
  if (ctx.withState !== false) out.state = connectionState(c, ctx.now);
  return out;
}

/** Unverified: Atlas's errorCode for an unknown connection (clients should rely on the 404). */
export function findConnection(ws: WorkspaceRecord, name: string): SeedConnection {
  const c = ws.connections.find((x) => x.name === name);
  if (!c) {
    fail(404, "STREAM_CONNECTION_NOT_FOUND", `Stream connection ${name} not found in stream instance ${ws.name}.`, {
      parameters: [name, ws.name],
    });
  }
  return c;
}

/** Names of the workspace's processors whose definition names `connection`. */
export function processorsUsing(ws: WorkspaceRecord, connection: string): string[] {
  return [...ws.processors.values()]
    .filter((sp) => referencedConnections(sp.pipeline, sp.options).includes(connection))
    .map((sp) => sp.name);
}

/** Create: 409 for a name the workspace already has (code unverified; the spec declares a 409). */
export function createConnection(
  store: Store,
  groupId: string,
  ws: WorkspaceRecord,
  input: ConnectionInput,
  propagationMs: number,
  pendingMs: number,
): SeedConnection {
  const name = input.name!;
  if (ws.connections.some((c) => c.name === name) || BUILTIN_CONNECTIONS.includes(name)) {
    fail(409, "STREAM_CONNECTION_ALREADY_EXISTS", `A stream connection named ${name} already exists in stream instance ${ws.name}.`, {
      parameters: [name, ws.name],
    });
  }
  return addConnection(store, groupId, ws.name, { ...input.attributes, name, type: input.type! }, propagationMs, pendingMs);
}

/**
 * Update: the sent attributes replace the stored ones of the same name. A connection's name and
 * type are its identity (the Terraform provider replaces the resource when either changes), so a
 * different one is a 400.
 */
export function modifyConnection(ws: WorkspaceRecord, current: SeedConnection, input: ConnectionInput): SeedConnection {
  if (input.name !== undefined && input.name !== current.name)
    invalidField("name", `cannot be changed (the connection is ${current.name})`);
  if (input.type !== undefined && input.type !== current.type)
    invalidField("type", `cannot be changed (the connection is ${current.type})`);
  const next: SeedConnection = { ...current, ...input.attributes, name: current.name, type: current.type };
  const i = ws.connections.indexOf(current);
  ws.connections[i] = next;
  carryLife(current, next);
  return next;
}

/**
 * Delete: refused with 409 while a processor's definition names the connection (code unverified;
 * the spec declares a 409). Otherwise it reads DELETING for `deletingMs`, then is gone (at once
 * with 0); a DELETE while it is DELETING changes nothing.
 */
export function deleteConnection(ws: WorkspaceRecord, current: SeedConnection, now: number, deletingMs: number): void {
  const users = processorsUsing(ws, current.name);
  if (users.length) {
    fail(
      409,
      "STREAM_CONNECTION_HAS_STREAM_PROCESSORS",
      `Stream connection ${current.name} is used by stream processors: ${users.join(", ")}. Delete or modify them first.`,
      {
        parameters: [current.name, ...users],
      },
    );
  }
  if (!beginDeletion(current, now, deletingMs)) ws.connections.splice(ws.connections.indexOf(current), 1);
}
