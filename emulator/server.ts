// HTTP front end: request log, fault injection, authentication, rate limiting, routing,
// versioning and error wrapping. Everything that touches sockets is here; decisions are
// delegated to the pure modules (bodies: body.ts, answers on the wire: envelope.ts, OAuth: oauth.ts).
import * as http from "node:http";
import type { Socket } from "node:net";
import { afterApplyDefaultBody, holdAction } from "./actions";
import { createAdmin, handleAdminHttp, type EmulatorAdmin } from "./admin";
import { handleApi, type ApiResult } from "./api";
import { authorize, schemeOf } from "./auth";
import { parseJsonBody, payloadTooLarge, readBody, type Body } from "./body";
import type { EmulatorCore } from "./core";
import { PLAIN, parseFormat, wantsPretty, writeAnswer, type Outgoing } from "./envelope";
import { ApiException, apiError, resourceNotFound } from "./errors";
import { answersAfterApply, faultAnswer, type ActiveFault, type FaultTarget } from "./faults";
import { handleOAuth, isOAuthPath, parseBasic } from "./oauth";
import { handleRateLimits, RATE_LIMITS_PATH } from "./ratelimit-api";
import { OBJECT_ID_RE } from "./records";
import { matchRoute } from "./routes";
import type { RequestLogEntry } from "./types";
import { ENDPOINT_VERSIONS, invalidVersionError, negotiateVersion, successMediaType, type EndpointKey } from "./versioning";

/** Operations that read a JSON body (`:startWith`'s is optional). */
const WITH_BODY: readonly EndpointKey[] = [
  "createProcessor",
  "modifyProcessor",
  "createWorkspace",
  "startProcessorWith",
  "createConnection",
  "modifyConnection",
];

/** Atlas names an error's code in an `X-Error-Code` header too (recorded); an enveloped answer is a 200. */
function withErrorCodeHeader(out: Outgoing, envelope: boolean): Outgoing {
  const code = (out.body as { errorCode?: unknown } | undefined)?.errorCode;
  if (envelope || out.status < 400 || typeof code !== "string") return out;
  return { ...out, headers: { ...(out.headers ?? {}), "X-Error-Code": code } };
}

/** The project a streams path names, decoded; undefined for other paths. */
function streamsGroupOf(rawPath: string): string | undefined {
  const m = /^\/api\/atlas\/v2\/groups\/([^/]+)\/streams(?:\/|$)/.exec(rawPath);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
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

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const rawUrl = req.url ?? "/";
    const qi = rawUrl.indexOf("?");
    const rawPath = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
    const rawQuery = qi < 0 ? "" : rawUrl.slice(qi + 1);

    let body: Body;
    try {
      body = await readBody(req);
    } catch {
      res.destroy(); // the client went away mid-body; nobody to answer
      return;
    }

    if (rawPath === "/admin" || rawPath.startsWith("/admin/")) return this.handleAdmin(res, method, rawPath, body);

    const entry: RequestLogEntry = {
      time: new Date().toISOString(),
      method,
      path: rawPath,
      query: rawQuery,
      status: 0,
      authScheme: schemeOf(req.headers.authorization),
    };
    // What the client asked for and sent: neither ever carries a credential.
    if (req.headers.accept !== undefined) entry.accept = req.headers.accept;
    if (req.headers["content-type"] !== undefined) entry.contentType = req.headers["content-type"];
    let logged = false;
    const log = (status: number) => {
      if (logged) return;
      logged = true;
      entry.status = status;
      this.core.log.add(entry);
    };

    let query: URLSearchParams;
    try {
      query = new URLSearchParams(rawQuery);
    } catch {
      query = new URLSearchParams();
    }
    let pretty = false;
    const atlasStyle = this.core.responses === "atlas";
    const send = (out: Outgoing, envelope = false) => {
      // The log holds the status that went on the wire: an enveloped 404 is a 200 (its body's
      // status is kept apart), and nothing sent (the client left) is 0.
      const wire = writeAnswer(res, atlasStyle ? withErrorCodeHeader(out, envelope) : out, { envelope, pretty });
      if (envelope && wire !== 0) entry.envelopedStatus = out.status;
      log(wire);
    };

    if (body.tooLarge) return send({ status: 413, body: payloadTooLarge(), headers: { Connection: "close" } });

    if (isOAuthPath(rawPath)) {
      const basic = parseBasic(req.headers.authorization);
      if (basic) entry.principal = basic.user;
      const fault = this.core.faults.take(method, rawPath);
      if (fault) entry.fault = fault.id;
      const target: FaultTarget = { rawPath, body: body.buf };
      if (fault && (await this.preFault(fault, res, send, log, target))) return;
      const deps = { secretOf: (id: string) => this.core.store.serviceAccounts.get(id)?.clientSecret, tokens: this.core.tokens };
      const result = handleOAuth(deps, { method, rawPath, basic, body: body.buf, contentType: req.headers["content-type"] });
      if (fault && answersAfterApply(fault.spec)) {
        await sleep(fault.spec.latencyMs ?? 0);
        return send(faultAnswer(fault.spec, target));
      }
      return send(result);
    }

    if (!rawPath.startsWith("/api/atlas/")) {
      return send({ status: 404, body: resourceNotFound(rawPath) });
    }

    // ---- Atlas Administration API ----
    let envelope: boolean;
    try {
      pretty = wantsPretty(query);
      envelope = parseFormat(query).envelope;
    } catch (e) {
      if (e instanceof ApiException) return send({ status: e.status, body: e.body });
      throw e;
    }

    const auth = this.core.auth.authenticate(method, rawUrl, req.headers.authorization);
    if (!auth.ok) {
      if (auth.principalId) entry.principal = auth.principalId;
      // Never enveloped: a Digest handshake needs the real 401 and its challenge headers.
      return send({
        status: 401,
        body: auth.body,
        headers: { "WWW-Authenticate": auth.challenge },
        ...(auth.rawText !== undefined ? { rawText: auth.rawText } : {}),
      });
    }
    entry.principal = auth.principal.id;

    const fault = this.core.faults.take(method, rawPath);
    if (fault) entry.fault = fault.id;
    const target: FaultTarget = { rawPath, body: body.buf };
    if (fault && (await this.preFault(fault, res, send, log, target))) return;

    // Only authenticated requests reach the buckets: a 401 (every Digest handshake's first leg) is free.
    // Atlas' 404 GROUP_NOT_FOUND carries no RateLimit-* headers (recorded): an unknown project has no bucket.
    const groupId = streamsGroupOf(rawPath);
    const unknownProject = atlasStyle && groupId !== undefined && OBJECT_ID_RE.test(groupId) && !this.core.store.projects.has(groupId);
    const charged = unknownProject ? undefined : this.core.limiter.charge(rawPath, auth.principal);
    const rateHeaders = charged?.headers ?? {};
    if (charged?.refusal) return send({ status: 429, body: charged.refusal, headers: rateHeaders }, envelope);

    const carryOut = () => this.atlas(method, rawPath, query, body.buf, req, auth.principal.id, auth.principal.kind);
    const landsAfterMs = fault && answersAfterApply(fault.spec) ? (fault.spec.landsAfterMs ?? 0) : 0;
    // With landsAfterMs the change lands in the background after the answer: a read right after
    // the answer still shows the old state, as with an Atlas action whose answer was lost.
    const result = landsAfterMs > 0 ? this.carryOutLater(carryOut, landsAfterMs) : await carryOut();
    if (fault && answersAfterApply(fault.spec)) {
      // The answer comes `latencyMs` later (a slow, unclear answer), or the connection is reset.
      await sleep(fault.spec.latencyMs ?? 0);
      if (fault.spec.kind === "reset-after-apply") {
        log(0);
        res.socket?.resetAndDestroy?.();
        res.destroy();
        return;
      }
      const out = faultAnswer(fault.spec, target, afterApplyDefaultBody(method, rawPath, fault.spec.status ?? 500));
      return send({ ...out, headers: { ...rateHeaders, ...(out.headers ?? {}) } });
    }
    if (result) send({ ...result, headers: { ...rateHeaders, ...(result.headers ?? {}) } }, envelope);
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

  private async atlas(
    method: string,
    rawPath: string,
    query: URLSearchParams,
    buf: Buffer,
    req: http.IncomingMessage,
    principalId: string,
    kind: "apiKey" | "serviceAccount",
  ): Promise<Outgoing> {
    const host = (req.headers.host ?? "127.0.0.1").replace(/[^A-Za-z0-9.:[\]-]/g, "");
    try {
      if (rawPath === RATE_LIMITS_PATH) {
        const roles = this.core.auth.roles({ kind, id: principalId });
        return handleRateLimits(
          method,
          req.headers.accept,
          this.core.limiter.settings,
          {
            query,
            baseUrl: `http://${host}`,
            rawPath,
            roles,
            principalId,
          },
          this.core.responses,
        );
      }
      let route;
      try {
        route = matchRoute(method, rawPath);
      } catch {
        route = { kind: "none" } as const; // undecodable escapes such as %zz
      }
      if (route.kind === "none") throw new ApiException(resourceNotFound(rawPath));
      if (route.kind === "method") {
        throw new ApiException(apiError(405, "METHOD_NOT_ALLOWED", `Method ${method} is not allowed for ${rawPath}.`), {
          Allow: route.allow.join(", "),
        });
      }
      const version = negotiateVersion(req.headers.accept, ENDPOINT_VERSIONS[route.key]);
      if (!version) throw new ApiException(invalidVersionError());
      const { groupId } = route.params;
      // Unverified: Atlas' errorCode for a malformed project id.
      if (!OBJECT_ID_RE.test(groupId)) {
        throw new ApiException(
          apiError(400, "INVALID_GROUP_ID", `The specified group ID ${groupId} is invalid.`, { parameters: [groupId] }),
        );
      }
      this.core.store.project(groupId);
      const denied = authorize(this.core.auth.roles({ kind, id: principalId }), groupId, route.write);
      if (denied) throw new ApiException(denied);

      const parsed = WITH_BODY.includes(route.key) ? parseJsonBody(buf) : undefined;
      if (parsed === undefined && WITH_BODY.includes(route.key) && route.key !== "startProcessorWith") {
        throw new ApiException(
          apiError(400, "VALIDATION_ERROR", "A request body is required.", {
            badRequestDetail: { fields: [{ field: "body", description: "is required" }] },
          }),
        );
      }
      const result: ApiResult = handleApi(this.core.store, {
        key: route.key,
        params: route.params,
        query,
        body: parsed,
        baseUrl: `http://${host}`,
        rawPath,
        connectionPropagationMs: this.core.connectionPropagationMs,
        connectionPendingMs: this.core.connectionPendingMs,
        responses: this.core.responses,
      });
      // Durability before acknowledgement: the client never sees a change that could be lost.
      if (result.mutated) await this.core.persist();
      const timedOut = await holdAction(this.core.store.actions, route.key, route.params);
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
  private async preFault(
    fault: ActiveFault,
    res: http.ServerResponse,
    send: (o: Outgoing) => void,
    log: (s: number) => void,
    target: FaultTarget,
  ): Promise<boolean> {
    const { spec } = fault;
    switch (spec.kind) {
      case "latency":
        await sleep(spec.latencyMs ?? 0);
        return false;
      case "status":
        await sleep(spec.latencyMs ?? 0);
        send(faultAnswer(spec));
        return true;
      case "processor-error":
        if (spec.applied) return false; // answered after the operation
        await sleep(spec.latencyMs ?? 0);
        send(faultAnswer(spec, target));
        return true;
      case "reset":
        log(0);
        res.socket?.resetAndDestroy?.();
        res.destroy();
        return true;
      case "hang":
        log(0); // never answered; the socket is dropped when the client gives up or we close
        return true;
      default:
        return false; // status-after-apply: answered after the operation
    }
  }

  private async handleAdmin(res: http.ServerResponse, method: string, rawPath: string, body: Body): Promise<void> {
    let out: Outgoing;
    try {
      if (body.tooLarge) throw new ApiException(payloadTooLarge());
      const r = await handleAdminHttp(this.core, this.admin, method, rawPath, parseJsonBody(body.buf));
      out = { status: r.status, body: r.body };
    } catch (e) {
      if (e instanceof ApiException) out = { status: e.status, body: e.body, headers: e.headers };
      else if (e instanceof URIError) out = { status: 404, body: resourceNotFound(rawPath) };
      else throw e;
    }
    writeAnswer(res, out, PLAIN);
  }
}
