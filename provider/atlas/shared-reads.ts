/**
 * Shared reads: the I/O half of read-batching.ts. Every resource of a deployment runs in one
 * provider process, so when several of them wait on processors of the same workspace, one
 * `GET …/processors` (every page) answers all of them instead of one GET each; a lone read
 * still goes out as its own GET. A read is only ever answered by a request sent after it
 * asked, so it sees what a GET of its own would have seen, never an older state.
 *
 * Its times are real time (Date.now), not the client's clock, on purpose: they schedule real
 * gathering timers and must agree with them, and they decide only which request answers a read,
 * never how long anything waits for Atlas.
 *
 * The bookkeeping is kept per HTTP client (one per endpoint-and-credential, so a list is only
 * ever shared by callers with the same credential), in a process slot (process-slot.ts).
 */
import type { AtlasHttpClient } from "../http/client";
import { pagePath, readAllPages } from "./paging";
import { processorsPath } from "./paths";
import { DEFAULT_BATCH_POLICY, answerServes, planRead, type BatchPolicy } from "./read-batching";
import type { ProcessorRef } from "../types";
import { processSlot } from "../util/process-slot";

/** One read's answer: Atlas's body for the processor, or not found (404 / absent from the list). */
export type ReadAnswer = { found: true; data: unknown } | { found: false; errorCode?: string | undefined };

interface Waiter {
  name: string;
  askedAt: number;
  single: () => Promise<ReadAnswer>;
  resolve: (a: ReadAnswer) => void;
  reject: (e: unknown) => void;
}

/** One list request: when it was sent, who waits on it, and (once answered) what it showed. */
interface ListRound {
  sentAt: number;
  waiters: Waiter[];
  byName?: Record<string, unknown>;
}

interface WorkspaceReads {
  projectId: string;
  workspaceName: string;
  version: string;
  pending: Waiter[];
  /** The list being answered, and the newest answered one. */
  inFlight: ListRound | undefined;
  latest: ListRound | undefined;
  /** Processor name → when the last change request for it ended. */
  changedAt: Record<string, number>;
  /** Processor name → when it last asked (a plain object: no Map/Set in closure-reachable state). */
  lastAsk: Record<string, number>;
  listInFlight: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** Figures for the tests and the benchmark. */
export interface ReadStats {
  lists: number;
  listPages: number;
  singles: number;
  /** Reads answered by a list. */
  shared: number;
}

interface ClientReads {
  workspaces: Record<string, WorkspaceReads>;
  stats: ReadStats;
  policy: BatchPolicy;
}

function readsOf(http: AtlasHttpClient): ClientReads {
  const all = processSlot("shared-reads", () => new WeakMap<AtlasHttpClient, ClientReads>());
  let r = all.get(http);
  if (!r) {
    r = { workspaces: {}, stats: { lists: 0, listPages: 0, singles: 0, shared: 0 }, policy: { ...DEFAULT_BATCH_POLICY } };
    all.set(http, r);
    // Changes sent through this client from now on make older lists unfit to answer for them.
    http.onAttemptEnded((method, url, body) => noteChange(http, method, url, body));
  }
  return r;
}

/** How many lists, pages and single GETs this client's reads used so far. */
export function readStats(http: AtlasHttpClient): ReadStats {
  return { ...readsOf(http).stats };
}

/**
 * Reads one processor, sharing a list with concurrent reads of the same workspace when that
 * pays; `single` is the plain GET (used alone, and as the fallback when a list fails).
 */
export function sharedRead(
  http: AtlasHttpClient,
  ref: ProcessorRef,
  version: string,
  single: () => Promise<ReadAnswer>,
): Promise<ReadAnswer> {
  const reads = readsOf(http);
  const key = JSON.stringify([ref.projectId, ref.workspaceName, version]);
  const ws = (reads.workspaces[key] ??= {
    projectId: ref.projectId,
    workspaceName: ref.workspaceName,
    version,
    pending: [],
    inFlight: undefined,
    latest: undefined,
    changedAt: {},
    lastAsk: {},
    listInFlight: false,
    timer: undefined,
  });
  return new Promise<ReadAnswer>((resolve, reject) => {
    const now = Date.now();
    ws.lastAsk[ref.processorName] = now;
    const waiter: Waiter = { name: ref.processorName, askedAt: now, single, resolve, reject };
    const serves = (round: ListRound) =>
      answerServes({ askedAt: now, listSentAt: round.sentAt, changedAt: ws.changedAt[ref.processorName] }, reads.policy);
    if (ws.latest?.byName && serves(ws.latest)) {
      reads.stats.shared += 1;
      resolve(answerFrom(ws.latest.byName, ref.processorName));
      return;
    }
    if (ws.inFlight && serves(ws.inFlight)) {
      ws.inFlight.waiters.push(waiter);
      return;
    }
    ws.pending.push(waiter);
    // Decide on the next turn of the event loop, so reads asked in the same turn (a refresh's
    // burst) go out together even when the first of them would otherwise look alone.
    if (!ws.timer && !ws.listInFlight) ws.timer = setTimeout(() => pump(http, reads, ws), 0);
  });
}

function othersActive(ws: WorkspaceReads, now: number, windowMs: number): number {
  const waiting = ws.pending.map((w) => w.name);
  let n = 0;
  for (const [name, at] of Object.entries(ws.lastAsk)) {
    if (now - at > windowMs) delete ws.lastAsk[name];
    else if (!waiting.includes(name)) n += 1;
  }
  return n;
}

/** Decides and sends; called when a read asks, a list ends, or a gathering timer fires. */
function pump(http: AtlasHttpClient, reads: ClientReads, ws: WorkspaceReads): void {
  if (ws.timer) {
    clearTimeout(ws.timer);
    ws.timer = undefined;
  }
  const now = Date.now();
  const plan = planRead(
    {
      now,
      pending: ws.pending.length,
      oldestPendingAt: ws.pending[0]?.askedAt ?? now,
      othersActive: othersActive(ws, now, reads.policy.activeWindowMs),
      listInFlight: ws.listInFlight,
    },
    reads.policy,
  );
  switch (plan.kind) {
    case "idle":
      return;
    case "wait":
      ws.timer = setTimeout(() => pump(http, reads, ws), plan.ms);
      return;
    case "get": {
      const w = ws.pending.shift()!;
      reads.stats.singles += 1;
      w.single().then(w.resolve, w.reject);
      return;
    }
    case "list": {
      const round: ListRound = { sentAt: Date.now(), waiters: ws.pending.splice(0) };
      ws.listInFlight = true;
      ws.inFlight = round;
      reads.stats.lists += 1;
      listAll(http, reads, ws)
        .then(
          (byName) => {
            round.byName = byName;
            if (!ws.latest || ws.latest.sentAt <= round.sentAt) ws.latest = round;
            reads.stats.shared += round.waiters.length;
            for (const w of round.waiters) w.resolve(answerFrom(byName, w.name));
          },
          // The list failed after its own retries: each read falls back to its own GET, which
          // reports its own error (a 404 naming what is missing, a 403, …) if it fails too.
          () => {
            for (const w of round.waiters) {
              reads.stats.singles += 1;
              w.single().then(w.resolve, w.reject);
            }
          },
        )
        .finally(() => {
          ws.listInFlight = false;
          ws.inFlight = undefined;
          pump(http, reads, ws);
        });
      return;
    }
  }
}

function answerFrom(byName: Record<string, unknown>, name: string): ReadAnswer {
  const data = byName[name];
  return data === undefined ? { found: false } : { found: true, data };
}

// The processor paths that paths.ts builds, read back from what the client sent (the attempt
// observer sees URLs, not refs).
const CHANGE_PATH = /\/api\/atlas\/v2\/groups\/([^/?#]+)\/streams\/([^/?#]+)\/processor(?:\/([^/?#]+))?(?:[?#]|$)/;

/**
 * Notes that a change request (POST, PATCH, DELETE) for a processor ended, answered or not:
 * from then on only lists sent later may answer reads of that processor. The client calls it
 * after every attempt; `body` is the JSON sent (a create names its processor there).
 */
export function noteChange(http: AtlasHttpClient, method: string, path: string, body: unknown): void {
  if (method.toUpperCase() === "GET") return;
  const m = CHANGE_PATH.exec(path);
  if (!m) return;
  let name: string | undefined;
  try {
    // Names are percent-encoded in paths, so a literal ':' can only start an action suffix.
    name =
      m[3] !== undefined
        ? decodeURIComponent(m[3].replace(/:(start|startWith|stop)$/, ""))
        : ((JSON.parse(String(body)) as { name?: unknown }).name as string | undefined);
  } catch {
    name = undefined;
  }
  const [, projectPart = "", workspacePart = ""] = m;
  const projectId = decodeURIComponent(projectPart);
  const workspaceName = decodeURIComponent(workspacePart);
  const reads = readsOf(http);
  const now = Date.now();
  for (const ws of Object.values(reads.workspaces)) {
    if (ws.projectId !== projectId || ws.workspaceName !== workspaceName) continue;
    if (typeof name === "string") ws.changedAt[name] = now;
    // A create whose name cannot be read: no earlier list may answer for anything of the workspace.
    else ws.latest = undefined;
  }
}

/** Every page of `GET …/processors`, by processor name. */
async function listAll(http: AtlasHttpClient, reads: ClientReads, ws: WorkspaceReads): Promise<Record<string, unknown>> {
  const base = processorsPath(ws);
  const items = await readAllPages(async (pageNum) => {
    reads.stats.listPages += 1;
    return (await http.call({ method: "GET", path: pagePath(base, pageNum), version: ws.version })).data;
  });
  const out: Record<string, unknown> = {};
  for (const item of items as Record<string, unknown>[]) if (item && typeof item.name === "string") out[item.name] = item;
  return out;
}
