// A connection's life in time: PENDING while it is provisioned, READY, and after a DELETE,
// DELETING until it is gone. The times hang off the connection records themselves (a WeakMap, so
// a re-seeded or replaced record starts READY and nothing leaks between emulator instances), and
// states are computed from them at `now`, with no timers. A leaf (it imports types only), so the
// Store can sweep finished deletions out of a workspace whenever it hands one out, and every
// reader of `ws.connections` sees the same connections.
import type { SeedConnection } from "./types";

interface Times {
  /** Epoch ms before which processors may not name it ("does not exist"): propagation, pending. */
  usableAt?: number;
  /** Epoch ms before which it reads PENDING. */
  pendingUntil?: number;
  /** Epoch ms at which a deletion in progress is over and the connection is gone. */
  deletingUntil?: number;
}

const times = new WeakMap<SeedConnection, Times>();

export type ConnectionState = "PENDING" | "READY" | "DELETING";

/** The state at `now` of a connection still in its workspace (a finished deletion is swept out first). */
export function connectionState(c: SeedConnection, now: number): ConnectionState {
  const t = times.get(c);
  if (t?.deletingUntil !== undefined) return "DELETING";
  return now < (t?.pendingUntil ?? 0) ? "PENDING" : "READY";
}

/** Whether a processor may name it at `now`: READY and done propagating. */
export function isUsable(c: SeedConnection, now: number): boolean {
  return connectionState(c, now) === "READY" && now >= (times.get(c)?.usableAt ?? 0);
}

/**
 * A new connection: unusable for `propagationMs`, PENDING for `pendingMs` (a PENDING connection is
 * unusable too, so it counts toward the "does not exist" window).
 */
export function startLife(c: SeedConnection, now: number, propagationMs: number, pendingMs: number): void {
  const unusable = Math.max(propagationMs, pendingMs);
  const t: Times = {};
  if (unusable > 0) t.usableAt = now + unusable;
  if (pendingMs > 0) t.pendingUntil = now + pendingMs;
  if (t.usableAt !== undefined) times.set(c, t);
}

/** A record that replaces `from` (an update) keeps its times. */
export function carryLife(from: SeedConnection, to: SeedConnection): void {
  const t = times.get(from);
  if (t) times.set(to, { ...t });
}

/**
 * Begins the deletion: DELETING for `ms`, then gone. False when there is nothing to wait for
 * (`ms` 0: the caller removes it at once). A deletion already under way keeps its end.
 */
export function beginDeletion(c: SeedConnection, now: number, ms: number): boolean {
  const t = times.get(c) ?? {};
  if (t.deletingUntil !== undefined) return true;
  if (!(ms > 0)) return false;
  times.set(c, { ...t, deletingUntil: now + ms });
  return true;
}

/** Whether a deletion has been asked for (the data file leaves such a connection out: it has settled as gone). */
export function deletionBegun(c: SeedConnection): boolean {
  return times.get(c)?.deletingUntil !== undefined;
}

/** Removes the connections whose deletion is over at `now`. */
export function sweepDeleted(ws: { readonly connections: SeedConnection[] }, now: number): void {
  for (let i = ws.connections.length - 1; i >= 0; i--) {
    const until = times.get(ws.connections[i]!)?.deletingUntil;
    if (until !== undefined && now >= until) ws.connections.splice(i, 1);
  }
}
