/**
 * The HTTP transport to the Atlas Admin API: one axios instance per endpoint-and-credential,
 * reused across calls, with a per-attempt timeout, axios-retry configured deliberately
 * (see retry.ts), per-attempt authentication (auth.ts), versioned media types and optional
 * `envelope=true` unwrapping. Errors leave as AtlasApiError / AtlasNetworkError built from
 * method, path, status and Atlas's body; an AxiosError never escapes (it carries credentials).
 */
import axios, { type AxiosError, type AxiosInstance, type AxiosResponse } from "axios";
import { createHash } from "node:crypto";
import { createAuthenticator, type Authenticator } from "./auth";
import { CallContext, progressOf, wireRetries, type ApiCall, type ApiResult } from "./call";
import { systemClock, type Clock } from "../util/clock";
import type { UnclearAnswer } from "../model/state";
import { failureReportOf, toCallError } from "./error-mapping";
import { asError, redact, UnverifiedActionError } from "../errors";
import { fromValue, parseToPlain, stringifyJson } from "../util/ordered-json";
import { admit, budgetKey, settle } from "./project-budgets";
import { decideRetry, TIMEOUT_CODES } from "./retry";
import { clientKey, secretsOf, type ConnectionSettings } from "../config/settings";
import { processSlot } from "../util/process-slot";
import { logLine } from "../util/log";

type Log = (line: string) => void;

/** What an attempt sent: the method, the URL and the body text. */
export type AttemptListener = (method: string, url: string, body: unknown) => void;

export class AtlasHttpClient {
  private readonly http: AxiosInstance;
  private readonly auth: Authenticator;
  private readonly secrets: string[];
  private readonly basePath: string;
  /** Requests sent, for the benchmark and the tests. */
  requests = 0;
  /** Called after every attempt, answered or not (the shared reads learn of changes this way). */
  private readonly attemptListeners: AttemptListener[] = [];

  constructor(
    readonly settings: ConnectionSettings,
    private readonly log: Log = logLine,
    /** The time of token renewal, retry budgets and the project budget (a test may pass a virtual one). */
    readonly clock: Clock = systemClock,
  ) {
    const { options } = settings;
    this.secrets = secretsOf(settings.credentials);
    this.basePath = new URL(settings.baseUrl).pathname.replace(/\/+$/, "");
    this.auth = createAuthenticator(settings.baseUrl, settings.credentials, options, clock);
    this.http = axios.create({
      baseURL: settings.baseUrl,
      timeout: options.requestTimeoutMs,
      // Let axios treat only 2xx as success; everything else flows through axios-retry.
      validateStatus: (s) => s >= 200 && s < 300,
      maxRedirects: 0, // never follow a redirect with credentials
      transitional: { clarifyTimeoutError: true }, // timeouts as ETIMEDOUT, distinct from aborts
    });
    this.http.interceptors.request.use(async (config) => {
      // One budget per Atlas project for the whole process (project-budgets.ts): wait for it.
      const budget = budgetKey(settings.baseUrl, String(config.url ?? ""));
      if (budget) {
        await admit(budget, String(config.method ?? "get"), clock);
        (config as { atlasBudget?: string }).atlasBudget = budget;
      }
      this.requests += 1;
      // The Digest `uri` is the request-target exactly as sent: the base URL's path, then ours.
      const uri = this.basePath + String(config.url ?? "");
      const header = await this.auth.header(String(config.method ?? "get").toUpperCase(), uri);
      if (header) config.headers.set("Authorization", header);
      else config.headers.delete("Authorization");
      return config;
    });
    if (options.envelope) {
      // Registered before axios-retry so an enveloped 500 is retried like a real one.
      this.http.interceptors.response.use((res) => unwrapEnvelope(res));
    }
    // Every attempt's answer (or its absence) updates the project's budget and the auth session.
    this.http.interceptors.response.use(
      (res) => {
        this.afterAttempt(res.config, res.status, res.headers, res.data);
        return res;
      },
      (error: unknown) => {
        if (axios.isAxiosError(error))
          this.afterAttempt(error.config, error.response?.status, error.response?.headers, error.response?.data);
        return Promise.reject(error);
      },
    );
    // Last: axios runs response interceptors in the order registered, and the retry decision
    // must come after the attempt's answer was noted above.
    wireRetries(this.http, options.maxRetries, (error, call) => this.shouldRetry(error, call));
  }

  private afterAttempt(config: unknown, status: number | undefined, headers: unknown, body: unknown): void {
    const c = config as
      | { atlasBudget?: string | undefined; headers?: { Authorization?: unknown }; method?: string; url?: string; data?: unknown }
      | undefined;
    if (c?.method && c.url) for (const listener of this.attemptListeners) listener(c.method, c.url, c.data);
    if (c?.atlasBudget) {
      settle(
        c.atlasBudget,
        status,
        headers as Record<string, unknown> | undefined,
        body,
        this.settings.options.maxDelayMs,
        this.clock.now(),
      );
      c.atlasBudget = undefined;
    }
    const sent = c?.headers?.Authorization;
    this.auth.attemptEnded?.(status, typeof sent === "string" ? sent : undefined);
  }

  /**
   * Registers a listener for the end of every attempt. The transport knows nothing of what
   * listens: the layers above (the shared processor reads) subscribe themselves.
   */
  onAttemptEnded(listener: AttemptListener): void {
    this.attemptListeners.push(listener);
  }

  /** Token requests and Digest challenges so far. */
  authStats(): { tokenRequests: number; digestChallenges: number; requests: number } {
    return { ...this.auth.stats(), requests: this.requests };
  }

  private async shouldRetry(error: AxiosError, call: CallContext): Promise<boolean> {
    const api = (error.config as { atlasApi?: ApiCall } | undefined)?.atlasApi;
    if (!api) return false;
    const report = failureReportOf(error, api.action);
    const { status, code, errorCode, detail } = report;
    const retriesSoFar = call.attempts - 1;
    const { failure, retry, delayMs: delay } = decideRetry(report, progressOf(call, error), this.settings.options);
    const outcome = status !== undefined ? `HTTP ${status}${errorCode ? ` ${errorCode}` : ""}` : String(code ?? "no answer");
    if (failure === "action-timeout") {
      // Atlas may still apply it, showing the previous state meanwhile: a re-send could act twice.
      call.timedOut = status !== undefined ? outcome : `no answer within ${this.settings.options.actionTimeoutMs} ms (${code})`;
      return false;
    }
    if (!retry) return false;
    const label = api.label ?? `${api.method} ${api.path}`;
    const why = failure === "transient-400" && detail ? ` (${redact(detail, this.secrets)})` : "";
    // A 429 means "not done"; anything else may have been applied before the answer was lost:
    // reading settles it (state.ts, settleVerdict) before anything is sent a second time.
    if (api.tookEffect && status !== 429) {
      const answer: UnclearAnswer =
        status === 504 || (status === undefined && code !== undefined && TIMEOUT_CODES.includes(code)) ? "timeout" : "error";
      let applied: boolean;
      try {
        applied = await api.tookEffect(answer);
      } catch (e) {
        // axios-retry would swallow this and report the earlier failure: keep the read's error.
        call.readFailure = { outcome, error: asError(e) };
        return false;
      }
      if (applied) {
        call.applied = true;
        this.log(`[atlas] ${label} answered ${outcome}${why}; Atlas shows it applied, so it is not sent again`);
        return false;
      }
      call.nextDelayMs = delay;
      this.log(
        `[atlas] ${label} answered ${outcome}${why}; Atlas shows it not applied: sending it again (retry ${retriesSoFar + 1} in ${delay} ms)`,
      );
      return true;
    }
    call.nextDelayMs = delay;
    this.log(`[atlas] ${label}: ${outcome}${why}; retry ${retriesSoFar + 1} in ${delay} ms`);
    return true;
  }

  /** Sends one API call with retries and re-authentication; throws AtlasApiError/AtlasNetworkError. */
  async call(api: ApiCall): Promise<ApiResult> {
    const call = new CallContext(this.clock);
    const url = api.path + (this.settings.options.envelope ? (api.path.includes("?") ? "&" : "?") + "envelope=true" : "");
    const mediaType = `application/vnd.atlas.${api.version}+json`;
    let firstUnauthorized = true;
    let authRounds = 0;
    for (;;) {
      try {
        const res = await this.http.request({
          method: api.method,
          url,
          data: api.body === undefined ? undefined : bodyText(api.body),
          headers: api.body === undefined ? { Accept: mediaType } : { Accept: mediaType, "Content-Type": mediaType },
          timeout: api.slow ? this.settings.options.actionTimeoutMs : this.settings.options.requestTimeoutMs,
          atlasCall: call,
          atlasApi: api,
          transformResponse: [(text: unknown) => parseJson(text)],
        } as Parameters<AxiosInstance["request"]>[0] & { atlasApi: ApiCall });
        return { status: res.status, data: res.data, appliedAfterFailure: false, attempts: call.attempts };
      } catch (e) {
        if (call.applied) return { status: 0, data: undefined, appliedAfterFailure: true, attempts: call.attempts };
        if (call.timedOut)
          return { status: 0, data: undefined, appliedAfterFailure: false, attempts: call.attempts, timedOut: call.timedOut };
        if (call.readFailure)
          throw new UnverifiedActionError(`Atlas API ${api.method} ${api.path}`, call.readFailure.outcome, call.readFailure.error);
        if (axios.isAxiosError(e) && e.response?.status === 401) {
          const sent = e.config?.headers?.Authorization;
          const retry = this.auth.retryAfterUnauthorized(
            e.response.headers?.["www-authenticate"],
            firstUnauthorized,
            typeof sent === "string" ? sent : undefined,
          );
          firstUnauthorized = false;
          // The first 401 of a call (no or an old challenge, an expired token) and a stale
          // Digest nonce earn one more attempt each; three rounds at most.
          if (retry && ++authRounds <= 3) continue;
        }
        throw await toCallError(e, api, call.attempts, {
          scheme: this.auth.scheme,
          credentialSource: this.settings.credentials?.source,
          baseUrl: this.settings.baseUrl,
          secrets: this.secrets,
        });
      }
    }
  }
}

/** The request body as JSON text; pipelines (Json values) keep the order they were declared in. */
export function bodyText(body: unknown): string {
  return stringifyJson(fromValue(body, "body"));
}

function parseJson(text: unknown): unknown {
  if (typeof text !== "string" || text.trim() === "") return undefined;
  try {
    // Keeps the answer's key order even where a JavaScript object would not (integer-like keys).
    return parseToPlain(text);
  } catch {
    return { detail: text.slice(0, 300) };
  }
}

/**
 * `envelope=true`: Atlas answers 200 and puts the status in the body — `{status, content}` for
 * single results, `status` beside `results` for lists (the Admin API's `envelope` query parameter).
 * Restores the real status so errors are handled (and retried) as without the envelope.
 */
export function unwrapEnvelope(res: AxiosResponse): AxiosResponse {
  const body = res.data as Record<string, unknown> | undefined;
  if (!body || typeof body !== "object" || typeof body.status !== "number") return res;
  const { status, content, ...rest } = body;
  const inner = content !== undefined ? content : rest;
  const unwrapped: AxiosResponse = { ...res, status, data: inner };
  if (status >= 200 && status < 300) return unwrapped;
  // axios.AxiosError, not a named import: a named value import makes TypeScript wrap the module in a fresh object, which closure serialization copies by value, walking into axios internals.
  throw new axios.AxiosError(
    `Request failed with status code ${status}`,
    status >= 500 ? "ERR_BAD_RESPONSE" : "ERR_BAD_REQUEST",
    res.config,
    res.request,
    unwrapped,
  );
}

/**
 * One client per endpoint-and-credential for the life of the process, so the OAuth token and
 * the Digest nonce are shared by concurrent operations (a process slot: see process-slot.ts).
 */
export function sharedClient(settings: ConnectionSettings): AtlasHttpClient {
  const cache = processSlot("clients", () => new Map<string, AtlasHttpClient>());
  const key = clientKey(settings, (text) => createHash("sha256").update(text).digest("hex"));
  let client = cache.get(key);
  if (!client) {
    client = new AtlasHttpClient(settings);
    cache.set(key, client);
  }
  return client;
}
