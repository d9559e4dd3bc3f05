/**
 * Shared reads: the I/O half of read-batching.ts. Every resource of a deployment runs in one
 * provider process, so when several of them wait on processors of the same workspace, one
 * `GET …/processors` (every page) answers all of them instead of one GET each; a lone read
 * still goes out as its own GET. A read is only ever answered by a request sent after it
 * asked, so it sees what a GET of its own would have seen, never an older state.
 *
 * Reads wait for one another only when another is due: each wait says when its next look will
 * go (`expectRead`), and each action in flight is expected to end as long after it was sent as
 * recent actions of its kind took (`actionBegun`), since its wait reads at once when it ends.
 * A resource that finished, or whose next look is a second away, holds no read up.
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
  /**
   * Processor name → when its wait announced it will read next, while it is not waiting on a
   * read (a plain object: no Map/Set in closure-reachable state).
   */
  due: Record<string, number>;
  /** Processor name → when the request whose answer its last read got was sent. */
  seenSentAt: Record<string, number>;
  /** Processor name → the action in flight on it (its wait reads when the answer comes). */
  actions: Record<string, { kind: string; began: number }>;
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
  /** Action kind → how long its recent answered requests took, ms (the newest last). */
  actionMs: Record<string, number[]>;
}

/** How many recent action durations are remembered per kind. */
const ACTION_SAMPLES = 24;

function readsOf(http: AtlasHttpClient): ClientReads {
  const all = processSlot("shared-reads", () => new WeakMap<AtlasHttpClient, ClientReads>());
  let r = all.get(http);
  if (!r) {
    r = { workspaces: {}, stats: { lists: 0, listPages: 0, singles: 0, shared: 0 }, policy: { ...DEFAULT_BATCH_POLICY }, actionMs: {} };
    all.set(http, r);
    // Changes sent through this client from now on make older lists unfit to answer for them.
    http.onAttemptEnded((method, url, body) => noteChange(http, method, url, body));
  }
  return r;
}

/** This client's batching policy, to change in place (tests and experiments; defaults in read-batching.ts). */
export function batchPolicy(http: AtlasHttpClient): BatchPolicy {
  return readsOf(http).policy;
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
  const ws = workspaceOf(reads, ref, version);
  return new Promise<ReadAnswer>((resolve, reject) => {
    const now = Date.now();
    const name = ref.processorName;
    delete ws.due[name];
    const waiter: Waiter = { name, askedAt: now, single, resolve, reject };
    const serves = (round: ListRound) =>
      answerServes(
        { askedAt: now, listSentAt: round.sentAt, changedAt: ws.changedAt[name], seenSentAt: ws.seenSentAt[name] },
        reads.policy,
      );
    if (ws.latest?.byName && serves(ws.latest)) {
      reads.stats.shared += 1;
      ws.seenSentAt[name] = ws.latest.sentAt;
      resolve(answerFrom(ws.latest.byName, name));
      return;
    }
    if (ws.inFlight && serves(ws.inFlight)) {
      ws.inFlight.waiters.push(waiter);
      return;
    }
    ws.pending.push(waiter);
    // Decide again on the next turn of the event loop (a gathering timer is replaced: this read
    // may be the companion it waited for), so reads asked in the same turn (a refresh's burst) go
    // out together even when the first of them would otherwise look alone.
    if (!ws.listInFlight) {
      if (ws.timer) clearTimeout(ws.timer);
      ws.timer = setTimeout(() => pump(http, reads, ws), 0);
    }
  });
}

function workspaceOf(reads: ClientReads, ref: ProcessorRef, version: string): WorkspaceReads {
  const key = JSON.stringify([ref.projectId, ref.workspaceName, version]);
  return (reads.workspaces[key] ??= {
    projectId: ref.projectId,
    workspaceName: ref.workspaceName,
    version,
    pending: [],
    inFlight: undefined,
    latest: undefined,
    changedAt: {},
    due: {},
    seenSentAt: {},
    actions: {},
    listInFlight: false,
    timer: undefined,
  });
}

/**
 * Announces that the processor's wait will read it at `at` (ms epoch; undefined: it will not
 * read soon, e.g. its wait ended), so reads of its workspace asked just before wait for it and
 * share one list instead of each sending its own request.
 */
export function expectRead(http: AtlasHttpClient, ref: ProcessorRef, version: string, at: number | undefined): void {
  const ws = workspaceOf(readsOf(http), ref, version);
  if (at === undefined) delete ws.due[ref.processorName];
  else ws.due[ref.processorName] = at;
}

/**
 * Notes that an action (`kind`: start, stop) on the processor was sent: its wait will read when
 * the answer comes, which is expected as long after as recent answered actions of its kind took
 * (the median; the first action's end is not foreseen). Call the returned function when the
 * answer came (`answered`: Atlas said it is done, so the read follows at once) or not.
 */
export function actionBegun(http: AtlasHttpClient, ref: ProcessorRef, version: string, kind: string): (answered: boolean) => void {
  const reads = readsOf(http);
  const ws = workspaceOf(reads, ref, version);
  const action = { kind, began: Date.now() };
  ws.actions[ref.processorName] = action;
  return (answered) => {
    if (ws.actions[ref.processorName] === action) delete ws.actions[ref.processorName];
    if (!answered) return;
    const now = Date.now();
    reads.actionMs[kind] = [...(reads.actionMs[kind] ?? []), now - action.began].slice(-ACTION_SAMPLES);
    // Its wait reads next, at once (its first look after an answered action is immediate).
    ws.due[ref.processorName] = now;
  };
}

/** When the workspace's processors that are not waiting on a read are expected to ask. */
function companionsDue(reads: ClientReads, ws: WorkspaceReads): number[] {
  const out = Object.values(ws.due);
  const typical: Record<string, number | undefined> = {};
  for (const { kind, began } of Object.values(ws.actions)) {
    // The first answer of a run teaches the rest: actions sent with it are expected to end with it.
    if (!(kind in typical)) typical[kind] = median(reads.actionMs[kind] ?? []);
    const ms = typical[kind];
    if (ms !== undefined) out.push(began + ms);
  }
  return out;
}

function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
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
      companionsDue: companionsDue(reads, ws),
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
      ws.seenSentAt[w.name] = now;
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
            for (const w of round.waiters) {
              ws.seenSentAt[w.name] = Math.max(ws.seenSentAt[w.name] ?? 0, round.sentAt);
              w.resolve(answerFrom(byName, w.name));
            }
          },
          // The list failed after its own retries: each read falls back to its own GET, which
          // reports its own error (a 404 naming what is missing, a 403, …) if it fails too.
          () => {
            for (const w of round.waiters) {
              reads.stats.singles += 1;
              ws.seenSentAt[w.name] = Date.now();
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
