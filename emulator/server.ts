// HTTP front end: the request pipeline. Every request runs through PIPELINE (at the end of this
// file), a list of named steps, each for the kinds of path it applies to (routes.ts `pathKind`):
//   read body → admin body → log entry → body size → outside the API → format → authenticate →
//   fault → rate limit → route → answer.
// The route step finds every route in the one table (routes.ts `ROUTES`: the admin API, OAuth and
// the Atlas API alike) and hands it to its handler. Everything that touches sockets is here;
// decisions are delegated to the pure modules (the route table: routes.ts; the operations:
// handlers/; bodies: body.ts; answers on the wire: envelope.ts; OAuth: oauth.ts).
import * as http from "node:http";
import type { Socket } from "node:net";
import { afterApplyDefaultBody, holdAction, sleep } from "./actions";
import { authorize, schemeOf } from "./auth";
import { parseJsonBody, payloadTooLarge, readBody, type Body } from "./body";
import type { EmulatorCore } from "./core";
import { PLAIN, parseFormat, wantsPretty, writeAnswer, type Outgoing } from "./envelope";
import { ApiException, apiError, methodNotAllowed, resourceNotFound } from "./errors";
import { answersAfterApply, faultAnswer, faultStatus, type ActiveFault, type FaultTarget } from "./faults";
import { HANDLERS, type ApiResult } from "./handlers";
import { ADMIN_HANDLERS, createAdmin, type EmulatorAdmin } from "./handlers/admin";
import { OAUTH_HANDLERS, parseBasic } from "./oauth";
import { OBJECT_ID_RE } from "./records";
import { matchAtlasRoute, matchRoute, pathKind, streamsGroupOf, type PathKind } from "./routes";
import type { RequestLogEntry } from "./types";
import { ENDPOINT_VERSIONS, invalidVersionError, negotiateVersion, successMediaType } from "./versioning";

/** One request on its way through the pipeline: what the steps have learnt so far. */
interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  method: string;
  rawUrl: string;
  rawPath: string;
  rawQuery: string;
  kind: PathKind;
  body: Body;
  /** The admin API's JSON body, parsed before routing ("admin body"). */
  json?: unknown;
  entry: RequestLogEntry;
  query: URLSearchParams;
  pretty: boolean;
  envelope: boolean;
  send: (out: Outgoing, envelope?: boolean) => void;
  log: (status: number) => void;
  principal?: { kind: "apiKey" | "serviceAccount"; id: string };
  fault?: ActiveFault;
  rateHeaders: Record<string, string>;
  /** The operation's answer; undefined when it lands after the answer. */
  result?: Outgoing | undefined;
}

const NEXT = "next";
const DONE = "done";
type Verdict = typeof NEXT | typeof DONE;

interface Step {
  name: string;
  /** The kinds of path the step applies to. */
  for: readonly PathKind[];
  /** DONE once the request is answered (or reset, or hung); anything else goes on. */
  run(server: EmulatorServer, x: Exchange): Promise<Verdict | void> | Verdict | void;
}

/** Atlas names an error's code in an `X-Error-Code` header too (recorded); an enveloped answer is a 200. */
function withErrorCodeHeader(out: Outgoing, envelope: boolean): Outgoing {
  const code = (out.body as { errorCode?: unknown } | undefined)?.errorCode;
  if (envelope || out.status < 400 || typeof code !== "string") return out;
  return { ...out, headers: { ...(out.headers ?? {}), "X-Error-Code": code } };
}

/** The request a fault answers for: a processor-error names the processor of its path or body. */
function targetOf(x: Exchange): FaultTarget {
  return { rawPath: x.rawPath, body: x.body.buf };
}

/** Ends the request without an answer: the socket is reset (a fault's `reset` kinds), the log records 0. */
function resetConnection(x: Exchange): void {
  x.log(0);
  x.res.socket?.resetAndDestroy?.();
  x.res.destroy();
}

export class EmulatorServer {
  readonly http: http.Server;
  readonly admin: EmulatorAdmin;
  private readonly sockets = new Set<Socket>();
  /** Requests a fault carries out after answering (`landsAfterMs`); cancelled by close(). */
  private readonly landing = new Set<NodeJS.Timeout>();

  constructor(private readonly core: EmulatorCore) {
    this.admin = createAdmin(core);
    this.http = http.createServer({ maxHeaderSize: 16 * 1024 }, (req, res) => {
      this.handle(req, res).catch((e: unknown) => this.crash(res, e));
    });
    this.http.keepAliveTimeout = 5_000;
    this.http.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
    // Malformed HTTP (bad request line, oversized headers): answer an ApiError, never crash.
    this.http.on("clientError", (err: NodeJS.ErrnoException, socket: Socket) => {
      if (!socket.writable) {
        socket.destroy();
        return;
      }
      const status = err.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
      const body = JSON.stringify(
        apiError(status, status === 431 ? "HEADERS_TOO_LARGE" : "INVALID_REQUEST", "The HTTP request could not be parsed."),
      );
      socket.end(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    });
  }

  /** Stops listening and drops every connection (including hung ones). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      for (const t of this.landing) clearTimeout(t);
      this.landing.clear();
      this.http.close(() => resolve());
      this.http.closeAllConnections();
      for (const s of this.sockets) s.destroy();
    });
  }

  private crash(res: http.ServerResponse, e: unknown): void {
    if (process.env.ATLAS_EMULATOR_DEBUG) console.error(e);
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    try {
      const body = JSON.stringify(apiError(500, "UNEXPECTED_ERROR", "Unexpected error."));
      res.writeHead(500, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
      res.end(body);
    } catch {
      res.destroy();
    }
  }

  /** Runs a request through the pipeline: each step that applies to its path, in order, until one answers. */
  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const rawUrl = req.url ?? "/";
    const qi = rawUrl.indexOf("?");
    const rawPath = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
    const x: Exchange = {
      req,
      res,
      method,
      rawUrl,
      rawPath,
      rawQuery: qi < 0 ? "" : rawUrl.slice(qi + 1),
      kind: pathKind(rawPath),
      body: { tooLarge: false, buf: Buffer.alloc(0) },
      entry: undefined as unknown as RequestLogEntry, // set by "log entry", the first step of every logged kind
      query: new URLSearchParams(),
      pretty: false,
      envelope: false,
      // Unlogged, plain JSON, no X-Error-Code: the admin API's answers. "log entry" replaces it for every logged kind.
      send: (out) => void writeAnswer(res, out, PLAIN),
      log: () => undefined,
      rateHeaders: {},
    };
    for (const step of PIPELINE) {
      if (!step.for.includes(x.kind)) continue;
      if ((await step.run(this, x)) === DONE) return;
    }
  }

  // ---- the steps' bodies (PIPELINE, at the end of this file, lists them in order) ----

  /** The request log entry, and `send`/`log`, which record the status that went on the wire. */
  openLogEntry(x: Exchange): void {
    const { req } = x;
    const entry: RequestLogEntry = {
      time: new Date().toISOString(),
      method: x.method,
      path: x.rawPath,
      query: x.rawQuery,
      status: 0,
      authScheme: schemeOf(req.headers.authorization),
    };
    // What the client asked for and sent: neither ever carries a credential.
    if (req.headers.accept !== undefined) entry.accept = req.headers.accept;
    if (req.headers["content-type"] !== undefined) entry.contentType = req.headers["content-type"];
    x.entry = entry;
    let logged = false;
    x.log = (status: number) => {
      if (logged) return;
      logged = true;
      entry.status = status;
      this.core.log.add(entry);
    };
    try {
      x.query = new URLSearchParams(x.rawQuery);
    } catch {
      x.query = new URLSearchParams();
    }
    const atlasStyle = this.core.responses === "atlas";
    x.send = (out: Outgoing, envelope = false) => {
      // The log holds the status that went on the wire: an enveloped 404 is a 200 (its body's
      // status is kept apart), and nothing sent (the client left) is 0.
      const wire = writeAnswer(x.res, atlasStyle ? withErrorCodeHeader(out, envelope) : out, { envelope, pretty: x.pretty });
      if (envelope && wire !== 0) entry.envelopedStatus = out.status;
      x.log(wire);
    };
  }

  /** Atlas API: Digest or Bearer, else 401 (never enveloped: a Digest handshake needs the real 401 and its challenge). */
  authenticate(x: Exchange): Verdict {
    const auth = this.core.auth.authenticate(x.method, x.rawUrl, x.req.headers.authorization);
    if (!auth.ok) {
      if (auth.principalId) x.entry.principal = auth.principalId;
      x.send({
        status: 401,
        body: auth.body,
        headers: { "WWW-Authenticate": auth.challenge },
        ...(auth.rawText !== undefined ? { rawText: auth.rawText } : {}),
      });
      return DONE;
    }
    x.entry.principal = auth.principal.id;
    x.principal = auth.principal;
    return NEXT;
  }

  /**
   * One fault per request, for OAuth and the Atlas API alike (on the API it comes after
   * authentication, so a Digest challenge never uses one up). Performs what happens before the operation.
   */
  async takeFault(x: Exchange): Promise<Verdict> {
    const fault = this.core.faults.take(x.method, x.rawPath);
    if (!fault) return NEXT;
    x.entry.fault = fault.id;
    x.fault = fault;
    return (await this.preFault(fault, x)) ? DONE : NEXT;
  }

  /**
   * Only authenticated requests reach the buckets: a 401 (every Digest handshake's first leg) is free.
   * Atlas' 404 GROUP_NOT_FOUND carries no RateLimit-* headers (recorded): an unknown project has no bucket.
   */
  chargeRateLimit(x: Exchange): Verdict {
    const groupId = streamsGroupOf(x.rawPath)?.groupId;
    const atlasStyle = this.core.responses === "atlas";
    const unknownProject = atlasStyle && groupId !== undefined && OBJECT_ID_RE.test(groupId) && !this.core.store.projects.has(groupId);
    const charged = unknownProject ? undefined : this.core.limiter.charge(x.rawPath, x.principal!);
    x.rateHeaders = charged?.headers ?? {};
    if (charged?.refusal) {
      x.send({ status: 429, body: charged.refusal, headers: x.rateHeaders }, x.envelope);
      return DONE;
    }
    return NEXT;
  }

  /**
   * Carries the request out by its route in the table. The Atlas API: now, or (a fault's
   * `landsAfterMs`) in the background after the answer. The admin API and OAuth: 404 and 405 in
   * the emulator's own words, then the route's handler.
   */
  async route(x: Exchange): Promise<void> {
    if (x.kind !== "atlas") {
      try {
        const m = matchRoute(x.method, x.rawPath);
        if (m.kind === "none") throw new ApiException(resourceNotFound(x.rawPath));
        if (m.kind === "method") throw methodNotAllowed("emulator", x.method, x.rawPath, m.allow);
        if (m.route.surface === "oauth") {
          const deps = { secretOf: (id: string) => this.core.store.serviceAccounts.get(id)?.clientSecret, tokens: this.core.tokens };
          const basic = parseBasic(x.req.headers.authorization);
          x.result = OAUTH_HANDLERS[m.route.key](deps, { basic, body: x.body.buf, contentType: x.req.headers["content-type"] });
        } else if (m.route.surface === "admin") {
          const r = await ADMIN_HANDLERS[m.route.key](this.core, this.admin, { params: m.params, body: x.json });
          x.result = { status: r.status, body: r.body };
        }
      } catch (e) {
        if (!(e instanceof ApiException)) throw e;
        x.result = { status: e.status, body: e.body, headers: e.headers };
      }
      return;
    }
    const carryOut = () => this.atlas(x);
    // With landsAfterMs the change lands in the background after the answer: a read right after
    // the answer still shows the old state, as with an Atlas action whose answer was lost.
    const landsAfterMs = x.fault && answersAfterApply(x.fault.spec) ? (x.fault.spec.landsAfterMs ?? 0) : 0;
    x.result = landsAfterMs > 0 ? this.carryOutLater(carryOut, landsAfterMs) : await carryOut();
  }

  /** The answer: the operation's, or an after-apply fault's (`latencyMs` later, or a reset). */
  async answer(x: Exchange): Promise<void> {
    const spec = x.fault?.spec;
    if (spec && answersAfterApply(spec)) {
      await sleep(spec.latencyMs ?? 0);
      // On OAuth an after-apply fault has always answered its status, reset-after-apply included
      // (and landsAfterMs is not applied there); kept as it was. The API resets the socket.
      if (spec.kind === "reset-after-apply" && x.kind === "atlas") return resetConnection(x);
      const out = faultAnswer(spec, targetOf(x), afterApplyDefaultBody(x.method, x.rawPath, faultStatus(spec)));
      return x.send({ ...out, headers: { ...x.rateHeaders, ...(out.headers ?? {}) } });
    }
    if (x.result) x.send({ ...x.result, headers: { ...x.rateHeaders, ...(x.result.headers ?? {}) } }, x.envelope);
  }

  /** Runs a request `ms` from now (its answer is discarded: the client was answered already). */
  private carryOutLater(run: () => Promise<Outgoing>, ms: number): undefined {
    const t = setTimeout(() => {
      this.landing.delete(t);
      run().catch((e: unknown) => {
        if (process.env.ATLAS_EMULATOR_DEBUG) console.error(e);
      });
    }, ms);
    t.unref();
    this.landing.add(t);
    return undefined;
  }

  /**
   * An Atlas operation, in order: the route (404, 405), the version (406), the project id (400)
   * and the project (404), the role (403), the body the route needs (400), the handler, then
   * persistence and a sync-mode action's hold. Refusals come back as answers.
   */
  private async atlas(x: Exchange): Promise<Outgoing> {
    const host = (x.req.headers.host ?? "127.0.0.1").replace(/[^A-Za-z0-9.:[\]-]/g, "");
    const principal = x.principal!;
    try {
      const route = matchAtlasRoute(x.method, x.rawPath);
      if (route.kind === "none") throw new ApiException(resourceNotFound(x.rawPath));
      if (route.kind === "method") throw methodNotAllowed("atlas", x.method, x.rawPath, route.allow);
      const { key } = route.route;
      const version = negotiateVersion(x.req.headers.accept, ENDPOINT_VERSIONS[key]);
      if (!version) throw new ApiException(invalidVersionError());
      const roles = this.core.auth.roles(principal);
      const { groupId } = route.params;
      // Every route but /rateLimits names a project (that one authorizes by its query: handlers/rate-limits.ts).
      if (groupId !== undefined) {
        // Unverified: Atlas' errorCode for a malformed project id.
        if (!OBJECT_ID_RE.test(groupId)) {
          throw new ApiException(
            apiError(400, "INVALID_GROUP_ID", `The specified group ID ${groupId} is invalid.`, { parameters: [groupId] }),
          );
        }
        this.core.store.project(groupId);
        const denied = authorize(roles, groupId, route.route.write);
        if (denied) throw new ApiException(denied);
      }

      const parsed = route.route.body === "none" ? undefined : parseJsonBody(x.body.buf);
      if (parsed === undefined && route.route.body === "required") {
        throw new ApiException(
          apiError(400, "VALIDATION_ERROR", "A request body is required.", {
            badRequestDetail: { fields: [{ field: "body", description: "is required" }] },
          }),
        );
      }
      const deps = { store: this.core.store, rateLimit: this.core.limiter.settings };
      const result: ApiResult = HANDLERS[key](deps, {
        key,
        params: route.params,
        query: x.query,
        body: parsed,
        baseUrl: `http://${host}`,
        rawPath: x.rawPath,
        connectionPropagationMs: this.core.connectionPropagationMs,
        connectionPendingMs: this.core.connectionPendingMs,
        connectionDeletingMs: this.core.connectionDeletingMs,
        responses: this.core.responses,
        principalId: principal.id,
        roles,
      });
      // Durability before acknowledgement: the client never sees a change that could be lost.
      if (result.mutated) await this.core.persist();
      const timedOut = await holdAction(this.core.store.actions, key, route.params);
      if (timedOut) return { status: 504, body: timedOut };
      return { status: result.status, body: result.body, contentType: successMediaType(version, this.core.responses) };
    } catch (e) {
      if (e instanceof ApiException) return { status: e.status, body: e.body, headers: e.headers };
      throw e;
    }
  }

  /**
   * Performs the part of a fault that happens before the operation. Returns true when the
   * request is finished (answered, reset or hung).
   */
  private async preFault(fault: ActiveFault, x: Exchange): Promise<boolean> {
    const { spec } = fault;
    switch (spec.kind) {
      case "latency":
        await sleep(spec.latencyMs ?? 0);
        return false;
      case "status":
        await sleep(spec.latencyMs ?? 0);
        x.send(faultAnswer(spec));
        return true;
      case "processor-error":
        if (spec.applied) return false; // answered after the operation
        await sleep(spec.latencyMs ?? 0);
        x.send(faultAnswer(spec, targetOf(x)));
        return true;
      case "reset":
        resetConnection(x);
        return true;
      case "hang":
        x.log(0); // never answered; the socket is dropped when the client gives up or we close
        return true;
      default:
        return false; // status-after-apply: answered after the operation
    }
  }
}

const API: readonly PathKind[] = ["oauth", "atlas"];
const ROUTED: readonly PathKind[] = ["admin", ...API];
const LOGGED: readonly PathKind[] = ["oauth", "atlas", "none"];

/** The pipeline, in order: every request passes through the steps that apply to its kind of path. */
const PIPELINE: readonly Step[] = [
  {
    name: "read body",
    for: ["admin", ...LOGGED],
    async run(_s, x) {
      try {
        x.body = await readBody(x.req);
      } catch {
        x.res.destroy(); // the client went away mid-body; nobody to answer
        return DONE;
      }
      return NEXT;
    },
  },
  // The admin API, a loopback tool (no log entry, no authentication, no faults, no rate limit),
  // reads a JSON body on every request, before routing, as it always has.
  {
    name: "admin body",
    for: ["admin"],
    run(_s, x) {
      try {
        if (x.body.tooLarge) throw new ApiException(payloadTooLarge());
        x.json = parseJsonBody(x.body.buf);
      } catch (e) {
        if (!(e instanceof ApiException)) throw e;
        x.send({ status: e.status, body: e.body, headers: e.headers });
        return DONE;
      }
      return NEXT;
    },
  },
  { name: "log entry", for: LOGGED, run: (s, x) => s.openLogEntry(x) },
  {
    name: "body size",
    for: LOGGED,
    run(_s, x) {
      if (!x.body.tooLarge) return NEXT;
      x.send({ status: 413, body: payloadTooLarge(), headers: { Connection: "close" } });
      return DONE;
    },
  },
  {
    name: "outside the API",
    for: ["none"],
    run(_s, x) {
      x.send({ status: 404, body: resourceNotFound(x.rawPath) });
      return DONE;
    },
  },
  {
    name: "format",
    for: ["atlas"],
    run(_s, x) {
      try {
        x.pretty = wantsPretty(x.query);
        x.envelope = parseFormat(x.query).envelope;
      } catch (e) {
        if (!(e instanceof ApiException)) throw e;
        x.send({ status: e.status, body: e.body });
        return DONE;
      }
      return NEXT;
    },
  },
  {
    name: "authenticate",
    for: API,
    run(s, x) {
      if (x.kind === "atlas") return s.authenticate(x);
      // OAuth: the endpoint itself checks the client's Basic credentials; the log names the client.
      const basic = parseBasic(x.req.headers.authorization);
      if (basic) x.entry.principal = basic.user;
      return NEXT;
    },
  },
  { name: "fault", for: API, run: (s, x) => s.takeFault(x) },
  { name: "rate limit", for: ["atlas"], run: (s, x) => s.chargeRateLimit(x) },
  { name: "route", for: ROUTED, run: (s, x) => s.route(x) },
  { name: "answer", for: ROUTED, run: (s, x) => s.answer(x) },
];
