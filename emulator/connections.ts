// Connection references: Atlas refuses, at create and at modify, a pipeline that names a
// connection its workspace does not have, and a connection added moments ago may not be usable
// yet (it "propagates"). Pure except for the readiness times, which hang off the connection
// records themselves (a WeakMap, so a re-seeded connection starts ready and nothing leaks
// between emulator instances).
import { isPlainObject } from "./documents";
import { processorProblem } from "./errors";
import type { WorkspaceRecord } from "./records";
import type { Store } from "./store";
import type { SeedConnection } from "./types";

/** Always present in every workspace (Atlas' built-in log sink). */
const BUILTIN_CONNECTIONS: readonly string[] = ["__testLog"];

/** Epoch ms before which a connection added through the admin API is not yet usable. */
const availableAt = new WeakMap<SeedConnection, number>();

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

/** The first of `names` the workspace cannot use at `now` (missing or still propagating). */
function unavailableConnection(names: readonly string[], connections: readonly SeedConnection[], now: number): string | undefined {
  return names.find((n) => {
    if (BUILTIN_CONNECTIONS.includes(n)) return false;
    const c = connections.find((x) => x.name === n);
    return !c || now < (availableAt.get(c) ?? 0);
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

/** Adds (or replaces) a connection; it becomes usable `propagationMs` after `now`. */
export function addConnection(
  store: Store,
  groupId: string,
  workspaceName: string,
  conn: SeedConnection,
  propagationMs: number,
): SeedConnection {
  const ws = store.workspace(groupId, workspaceName);
  const rec: SeedConnection = { ...conn };
  const i = ws.connections.findIndex((c) => c.name === rec.name);
  if (i >= 0) ws.connections[i] = rec;
  else ws.connections.push(rec);
  if (propagationMs > 0) availableAt.set(rec, store.now() + propagationMs);
  return rec;
}
