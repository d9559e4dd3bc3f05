// HTTP front end: body limits, request log, fault injection, authentication, rate limiting,
// routing, versioning, envelope/pretty and error wrapping. Everything that touches sockets is
// here; decisions are delegated to the pure modules.
import * as http from "node:http";
import type { Socket } from "node:net";
import { createAdmin, handleAdminHttp, type EmulatorAdmin } from "./admin";
import { handleApi, parseBooleanParam, type ApiResult } from "./api";
import { authorize, schemeOf } from "./auth";
import type { EmulatorCore } from "./core";
import { ApiException, apiError, defaultErrorForStatus } from "./errors";
import { parseBasic } from "./oauth";
import { matchRoute } from "./routes";
import { GROUP_ID_RE } from "./store";
import { answersAfterApply, processorErrorBody, type ActiveFault } from "./faults";
import { handleRateLimits, RATE_LIMITS_PATH } from "./ratelimit-api";
import type { RequestLogEntry } from "./types";
import { ENDPOINT_VERSIONS, invalidVersionError, mediaTypeFor, resolveVersion } from "./versioning";

export const MAX_BODY_BYTES = 1024 * 1024;
/** Beyond this we stop draining an oversized body and drop the connection. */
const MAX_DRAIN_BYTES = 16 * 1024 * 1024;

interface Body {
  tooLarge: boolean;
  buf: Buffer;
}

function readBody(req: http.IncomingMessage): Promise<Body> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > MAX_DRAIN_BYTES) {
      resolve({ tooLarge: true, buf: Buffer.alloc(0) });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > MAX_BODY_BYTES;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      if (size > MAX_DRAIN_BYTES) {
        req.destroy();
        return;
      }
      if (!tooLarge) chunks.push(c);
    });
    req.on("end", () => resolve({ tooLarge, buf: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks) }));
    req.on("error", reject);
    req.on("close", () => {
      if (!req.complete) reject(new Error("request aborted"));
    });
  });
}

interface Outgoing {
  status: number;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string | string[]>;
}

/** The request a fault answers for (a processor-error names its processor). */
interface FaultTarget {
  rawPath: string;
  body: Buffer;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

export class EmulatorServer {
  readonly http: http.Server;
  readonly admin: EmulatorAdmin;
  private readonly sockets = new Set<Socket>();

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
      if (!socket.writable) return socket.destroy();
      const status = err.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
      const body = JSON.stringify(apiError(status, status === 431 ? "HEADERS_TOO_LARGE" : "INVALID_REQUEST", "The HTTP request could not be parsed."));
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    });
  }

  /** Stops listening and drops every connection (including hung ones). */
  close(): Promise<void> {
    return new Promise((resolve) => {
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
    const send = (out: Outgoing, envelope = false) => {
      log(out.status);
      this.write(res, out, envelope, pretty);
    };

    if (body.tooLarge) {
      return send({ status: 413, body: apiError(413, "PAYLOAD_TOO_LARGE", `The request body exceeds the limit of ${MAX_BODY_BYTES} bytes.`), headers: { Connection: "close" } });
    }

    if (rawPath === "/api/oauth/token" || rawPath === "/api/oauth/revoke") {
      const basic = parseBasic(req.headers.authorization);
      if (basic) entry.principal = basic.user;
      const fault = this.core.faults.take(method, rawPath);
      if (fault) entry.fault = fault.id;
      if (fault && (await this.preFault(fault, res, send, log, { rawPath, body: body.buf }))) return;
      const result = this.handleOAuth(method, rawPath, basic, body.buf, req.headers["content-type"]);
      if (fault && answersAfterApply(fault.spec)) return send(this.faultResponse(fault, { rawPath, body: body.buf }));
      return send(result);
    }

    if (!rawPath.startsWith("/api/atlas/")) {
      return send({ status: 404, body: apiError(404, "RESOURCE_NOT_FOUND", `Cannot find resource ${rawPath}.`) });
    }

    // ---- Atlas Administration API ----
    let envelope = false;
    try {
      pretty = query.get("pretty") === "true";
      envelope = parseBooleanParam(query, "envelope", false);
      parseBooleanParam(query, "pretty", false);
    } catch (e) {
      if (e instanceof ApiException) return send({ status: e.status, body: e.body });
      throw e;
    }

    const auth = this.core.auth.authenticate(method, rawUrl, req.headers.authorization);
    if (!auth.ok) {
      if (auth.principalId) entry.principal = auth.principalId;
      // Never enveloped: a Digest handshake needs the real 401 and its challenge headers.
      return send({ status: 401, body: auth.body, headers: { "WWW-Authenticate": auth.challenge } });
    }
    entry.principal = auth.principal.id;

    const fault = this.core.faults.take(method, rawPath);
    if (fault) entry.fault = fault.id;
    const target: FaultTarget = { rawPath, body: body.buf };
    if (fault && (await this.preFault(fault, res, send, log, target))) return;

    // Only authenticated requests reach the buckets: a 401 (every Digest handshake's first leg) is free.
    const charged = this.core.limiter.charge(rawPath, auth.principal);
    const rateHeaders = charged?.headers ?? {};
    if (charged?.refusal) return send({ status: 429, body: charged.refusal, headers: rateHeaders }, envelope);

    const result = await this.atlas(method, rawPath, query, body.buf, req, auth.principal.id, auth.principal.kind);
    if (fault && answersAfterApply(fault.spec)) {
      const out = this.faultResponse(fault, target);
      return send({ ...out, headers: { ...rateHeaders, ...(out.headers ?? {}) } });
    }
    send({ ...result, headers: { ...rateHeaders, ...(result.headers ?? {}) } }, envelope);
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
    try {
      if (rawPath === RATE_LIMITS_PATH) {
        const host = (req.headers.host ?? "127.0.0.1").replace(/[^A-Za-z0-9.:[\]-]/g, "");
        const roles = this.core.auth.roles({ kind, id: principalId });
        return handleRateLimits(method, req.headers.accept, this.core.limiter.settings, { query, baseUrl: `http://${host}`, rawPath, roles, principalId });
      }
      let route;
      try {
        route = matchRoute(method, rawPath);
      } catch {
        route = { kind: "none" } as const; // undecodable escapes such as %zz
      }
      if (route.kind === "none") throw new ApiException(apiError(404, "RESOURCE_NOT_FOUND", `Cannot find resource ${rawPath}.`));
      if (route.kind === "method") {
        throw new ApiException(apiError(405, "METHOD_NOT_ALLOWED", `Method ${method} is not allowed for ${rawPath}.`), { Allow: route.allow.join(", ") });
      }
      const version = resolveVersion(req.headers.accept, ENDPOINT_VERSIONS[route.key]);
      if (!version) throw new ApiException(invalidVersionError());
      const { groupId } = route.params;
      // Unverified: Atlas' errorCode for a malformed project id.
      if (!GROUP_ID_RE.test(groupId)) {
        throw new ApiException(apiError(400, "INVALID_GROUP_ID", `The specified group ID ${groupId} is invalid.`, { parameters: [groupId] }));
      }
      this.core.store.project(groupId);
      const denied = authorize(this.core.auth.roles({ kind, id: principalId }), groupId, route.write);
      if (denied) throw new ApiException(denied);

      const needsBody = route.key === "createProcessor" || route.key === "modifyProcessor" || route.key === "createWorkspace" || route.key === "startProcessorWith";
      let parsed: unknown;
      if (needsBody) {
        const text = buf.toString("utf8");
        if (text.trim() === "") {
          if (route.key !== "startProcessorWith") {
            throw new ApiException(apiError(400, "VALIDATION_ERROR", "A request body is required.", { badRequestDetail: { fields: [{ field: "body", description: "is required" }] } }));
          }
        } else {
          try {
            parsed = JSON.parse(text);
          } catch (e) {
            throw new ApiException(
              apiError(400, "INVALID_JSON", `The request body is not valid JSON: ${(e as Error).message}`, {
                badRequestDetail: { fields: [{ field: "body", description: "must be valid JSON" }] },
              }),
            );
          }
        }
      }
      const host = (req.headers.host ?? "127.0.0.1").replace(/[^A-Za-z0-9.:[\]-]/g, "");
      const result: ApiResult = handleApi(this.core.store, {
        key: route.key,
        params: route.params,
        query,
        body: parsed,
        baseUrl: `http://${host}`,
        rawPath,
      });
      // Durability before acknowledgement: the client never sees a change that could be lost.
      if (result.mutated) await this.core.persist();
      return { status: result.status, body: result.body, contentType: mediaTypeFor(version) };
    } catch (e) {
      if (e instanceof ApiException) return { status: e.status, body: e.body, headers: e.headers };
      throw e;
    }
  }

  private handleOAuth(method: string, rawPath: string, basic: { user: string; pass: string } | undefined, buf: Buffer, contentType: string | undefined): Outgoing {
    // OAuth endpoints answer RFC 6749 error bodies (`error`, `error_description`), not ApiError:
    // that is what OAuth client libraries parse. (Unverified against Atlas.)
    const oauthError = (status: number, error: string, description: string, headers: Record<string, string> = {}): Outgoing => ({
      status,
      body: { error, error_description: description },
      headers: { "Cache-Control": "no-store", ...headers },
    });
    if (method !== "POST") return { status: 405, body: apiError(405, "METHOD_NOT_ALLOWED", `Use POST for ${rawPath}.`), headers: { Allow: "POST" } };
    const sa = basic ? this.core.store.serviceAccounts.get(basic.user) : undefined;
    if (!basic || !sa || sa.clientSecret !== basic.pass) {
      return oauthError(401, "invalid_client", "Client authentication failed.", { "WWW-Authenticate": 'Basic realm="MMS Public API"' });
    }
    if (!(contentType ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) {
      return oauthError(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded.");
    }
    const form = new URLSearchParams(buf.toString("utf8"));
    if (rawPath === "/api/oauth/token") {
      if (form.get("grant_type") !== "client_credentials") return oauthError(400, "unsupported_grant_type", "grant_type must be client_credentials.");
      const { token, expiresIn } = this.core.tokens.issue(sa.clientId);
      return { status: 200, body: { access_token: token, token_type: "Bearer", expires_in: expiresIn }, headers: { "Cache-Control": "no-store" } };
    }
    const token = form.get("token");
    if (!token) return oauthError(400, "invalid_request", "token is required.");
    this.core.tokens.revoke(token, sa.clientId);
    return { status: 200, body: {} };
  }

  /**
   * Performs the part of a fault that happens before the operation. Returns true when the
   * request is finished (answered, reset or hung).
   */
  private async preFault(fault: ActiveFault, res: http.ServerResponse, send: (o: Outgoing) => void, log: (s: number) => void, target: FaultTarget): Promise<boolean> {
    const { spec } = fault;
    switch (spec.kind) {
      case "latency":
        await sleep(spec.latencyMs ?? 0);
        return false;
      case "status":
        send(this.faultResponse(fault));
        return true;
      case "processor-error":
        if (spec.applied) return false; // answered after the operation
        send(this.faultResponse(fault, target));
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

  private faultResponse(fault: ActiveFault, target?: FaultTarget): Outgoing {
    if (fault.spec.kind === "processor-error") {
      return { status: 400, body: fault.spec.body ?? processorErrorBody(fault.spec, target?.rawPath ?? "", target?.body ?? Buffer.alloc(0)), headers: { ...(fault.spec.headers ?? {}) } };
    }
    const status = fault.spec.status ?? 500;
    return { status, body: fault.spec.body ?? defaultErrorForStatus(status), headers: { ...(fault.spec.headers ?? {}) } };
  }

  private async handleAdmin(res: http.ServerResponse, method: string, rawPath: string, body: Body): Promise<void> {
    let out: Outgoing;
    try {
      if (body.tooLarge) throw new ApiException(apiError(413, "PAYLOAD_TOO_LARGE", "The request body is too large."));
      let parsed: unknown;
      const text = body.buf.toString("utf8");
      if (text.trim()) {
        try {
          parsed = JSON.parse(text);
        } catch (e) {
          throw new ApiException(apiError(400, "INVALID_JSON", `The request body is not valid JSON: ${(e as Error).message}`));
        }
      }
      const r = await handleAdminHttp(this.core, this.admin, method, rawPath, parsed);
      out = { status: r.status, body: r.body };
    } catch (e) {
      if (e instanceof ApiException) out = { status: e.status, body: e.body, headers: e.headers };
      else if (e instanceof URIError) out = { status: 404, body: apiError(404, "RESOURCE_NOT_FOUND", `Cannot find resource ${rawPath}.`) };
      else throw e;
    }
    this.write(res, out, false, false);
  }

  private write(res: http.ServerResponse, out: Outgoing, envelope: boolean, pretty: boolean): void {
    if (res.destroyed || res.headersSent) return;
    let status = out.status;
    let payload = out.body;
    const isError = status >= 400;
    // Errors are served as application/json (as the spec declares); successes name their version.
    const contentType = isError || !out.contentType ? "application/json" : out.contentType;
    if (envelope) {
      // Atlas: HTTP 200 always; lists get `status` added, single results are wrapped in `content`.
      const b = payload as Record<string, unknown> | undefined;
      if (!isError && b && typeof b === "object" && Array.isArray(b.results)) payload = { ...b, status };
      else payload = payload === undefined ? { status } : { status, content: payload };
      status = 200;
    }
    const headers: Record<string, string | string[] | number> = { ...(out.headers ?? {}) };
    if (payload === undefined || status === 204) {
      res.writeHead(status, headers);
      res.end();
      return;
    }
    const text = pretty ? JSON.stringify(payload, null, 2) + "\n" : JSON.stringify(payload);
    headers["Content-Type"] = contentType;
    headers["Content-Length"] = Buffer.byteLength(text);
    res.writeHead(status, headers);
    res.end(text);
  }
}

