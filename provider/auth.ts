/**
 * The three ways to authenticate to the Atlas Admin API, behind one small interface the HTTP
 * client calls for every attempt (so a retried request gets a fresh Digest `nc` or a renewed
 * token). Service accounts (OAuth 2.0 client credentials), API keys (HTTP Digest) and a plain
 * Bearer access token, as the Atlas Admin API v2 accepts them
 * (https://www.mongodb.com/docs/api/doc/atlas-admin-api-v2/).
 */
import axios, { type AxiosInstance } from "axios";
import axiosRetry from "axios-retry";
import { DigestSession, nonceOf, retryAfterDigest401 } from "./digest";
import { AtlasApiError, AtlasNetworkError, redact } from "./errors";
import { isTransient, parseRetryAfter, retryDelayMs, withinBudget } from "./retry";
import type { ClientOptions, Credentials } from "./settings";
import { CallContext } from "./call-context";

export interface Authenticator {
  readonly scheme: "serviceAccount" | "apiKey" | "accessToken" | "none";
  /** The Authorization value for one attempt, or undefined to send none. */
  header(method: string, uri: string): Promise<string | undefined>;
  /**
   * After a 401: whether one more attempt can succeed. `firstInCall` is true for the first 401
   * of one API call; `sent` is the Authorization value that was refused.
   */
  retryAfterUnauthorized(wwwAuthenticate: string | string[] | undefined, firstInCall: boolean, sent: string | undefined): boolean;
  /** Figures for the benchmark: token requests made, Digest challenges taken. */
  stats(): { tokenRequests: number; digestChallenges: number };
  /** Told after every attempt: its status (undefined when no answer came) and the Authorization sent. */
  attemptEnded?(status: number | undefined, sent: string | undefined): void;
}

class NoAuth implements Authenticator {
  readonly scheme = "none" as const;
  async header(): Promise<undefined> {
    return undefined;
  }
  retryAfterUnauthorized(): boolean {
    return false;
  }
  stats() {
    return { tokenRequests: 0, digestChallenges: 0 };
  }
}

class BearerAuth implements Authenticator {
  readonly scheme = "accessToken" as const;
  constructor(private readonly token: string) {}
  async header(): Promise<string> {
    return `Bearer ${this.token}`;
  }
  retryAfterUnauthorized(): boolean {
    return false; // a fixed token cannot be renewed
  }
  stats() {
    return { tokenRequests: 0, digestChallenges: 0 };
  }
}

/**
 * API keys: one Digest session per key for the whole process. Until the first challenge, one
 * request goes unsigned to fetch it and every concurrent request waits for that one, so a
 * hundred resources starting at once take one challenge, not a hundred.
 */
class DigestAuth implements Authenticator {
  readonly scheme = "apiKey" as const;
  private readonly session: DigestSession;
  /** Resolves when the unsigned request fetching the first challenge has its answer. */
  private probe: Promise<void> | undefined;
  private releaseProbe: (() => void) | undefined;
  constructor(publicKey: string, privateKey: string) {
    this.session = new DigestSession(publicKey, privateKey);
  }
  async header(method: string, uri: string): Promise<string | undefined> {
    while (!this.session.ready && this.probe) await this.probe;
    if (!this.session.ready) {
      this.probe = new Promise<void>((resolve) => (this.releaseProbe = resolve));
      return undefined; // this request fetches the challenge
    }
    return this.session.authorize(method, uri);
  }
  private endProbe(): void {
    const release = this.releaseProbe;
    this.probe = undefined;
    this.releaseProbe = undefined;
    release?.();
  }
  attemptEnded(status: number | undefined, sent: string | undefined): void {
    if (status === 401) return; // retryAfterUnauthorized takes the challenge, then releases
    if (sent === undefined)
      this.endProbe(); // the probe ended without a challenge: let another try
    else if (status !== undefined) this.session.markAccepted(sent);
  }
  retryAfterUnauthorized(www: string | string[] | undefined, firstInCall: boolean, sent: string | undefined): boolean {
    const sentNonce = nonceOf(sent);
    const sentWithOlderNonce = this.session.ready && sentNonce !== this.session.nonce;
    const nonceAcceptedBefore = sentNonce !== undefined && this.session.acceptedByServer;
    const { usable, stale } = sentWithOlderNonce ? { usable: true, stale: false } : this.session.accept(www);
    this.endProbe();
    return retryAfterDigest401({ sentWithOlderNonce, usable, stale, firstInCall, nonceAcceptedBefore });
  }
  stats() {
    return { tokenRequests: 0, digestChallenges: this.session.challenges };
  }
}

/**
 * OAuth 2.0 client credentials with one cached token shared by every concurrent operation of
 * the process: concurrent callers await the same in-flight request, the token is renewed
 * before it expires (10 minutes early as the Terraform provider does, or a quarter of its
 * lifetime when that is shorter), and renewed once more after a 401.
 */
export class ServiceAccountAuth implements Authenticator {
  readonly scheme = "serviceAccount" as const;
  private token: { value: string; renewAt: number } | undefined;
  private inFlight: Promise<string> | undefined;
  private tokenRequests = 0;
  private readonly http: AxiosInstance;

  constructor(
    private readonly baseUrl: string,
    private readonly clientId: string,
    private readonly clientSecret: string,
    options: ClientOptions,
  ) {
    this.http = axios.create({ baseURL: baseUrl, timeout: options.requestTimeoutMs, validateStatus: (s) => s >= 200 && s < 300 });
    // Asking for a token twice does no harm: retry every transient failure within the budget.
    axiosRetry(this.http, {
      retries: options.maxRetries,
      shouldResetTimeout: true,
      retryCondition: (error) => {
        const facts = { status: error.response?.status, code: error.code };
        const count = (error.config?.["axios-retry"] as { retryCount?: number } | undefined)?.retryCount ?? 0;
        const delay = retryDelayMs(count + 1, parseRetryAfter(error.response?.headers?.["retry-after"]), options);
        const elapsed = Date.now() - (error.config?.atlasCall?.startedAt ?? Date.now());
        return isTransient(facts) && withinBudget(count, options.maxRetries, elapsed, delay, options.retryBudgetMs);
      },
      retryDelay: (count, error) => retryDelayMs(count, parseRetryAfter(error.response?.headers?.["retry-after"]), options),
    });
  }

  async header(): Promise<string> {
    return `Bearer ${await this.accessToken()}`;
  }

  retryAfterUnauthorized(_www: string | string[] | undefined, firstInCall: boolean, sent: string | undefined): boolean {
    if (!firstInCall) return false;
    // Drop the refused token unless a concurrent call has already replaced it.
    if (this.token && sent === `Bearer ${this.token.value}`) this.token = undefined;
    return true;
  }

  stats() {
    return { tokenRequests: this.tokenRequests, digestChallenges: 0 };
  }

  private accessToken(): Promise<string> {
    if (this.token && Date.now() < this.token.renewAt) return Promise.resolve(this.token.value);
    if (!this.inFlight) {
      this.inFlight = this.fetchToken().finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  private async fetchToken(): Promise<string> {
    const path = "/api/oauth/token";
    const basic = Buffer.from(`${this.clientId}:${this.clientSecret}`, "utf8").toString("base64");
    this.tokenRequests += 1;
    try {
      const res = await this.http.post(path, "grant_type=client_credentials", {
        atlasCall: new CallContext(),
        headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      });
      const body = res.data as { access_token?: unknown; expires_in?: unknown };
      if (typeof body?.access_token !== "string" || body.access_token === "") {
        throw new AtlasApiError({
          method: "POST",
          path,
          status: res.status,
          detail: "the token response has no access_token",
          hint: "Check mongodbatlas:baseUrl points at Atlas.",
        });
      }
      const ttlMs = (typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 3600) * 1000;
      const margin = Math.min(10 * 60_000, ttlMs / 4);
      this.token = { value: body.access_token, renewAt: Date.now() + ttlMs - margin };
      return body.access_token;
    } catch (e) {
      if (e instanceof AtlasApiError) throw e;
      if (axios.isAxiosError(e)) {
        const count = (e.config?.["axios-retry"] as { retryCount?: number } | undefined)?.retryCount ?? 0;
        if (!e.response)
          throw new AtlasNetworkError({ method: "POST", path, code: e.code ?? "ERR_NETWORK", baseUrl: this.baseUrl, attempts: count + 1 });
        const data = (e.response.data ?? {}) as Record<string, unknown>;
        const detail =
          typeof data.detail === "string" ? data.detail : typeof data.error_description === "string" ? data.error_description : undefined;
        throw new AtlasApiError({
          method: "POST",
          path,
          status: e.response.status,
          errorCode: typeof data.errorCode === "string" ? data.errorCode : typeof data.error === "string" ? data.error : undefined,
          detail: detail === undefined ? undefined : redact(detail, [this.clientSecret]),
          attempts: count + 1,
          hint:
            e.response.status === 400 || e.response.status === 401
              ? `The service account was refused: check mongodbatlas:clientId / mongodbatlas:clientSecret (or MONGODB_ATLAS_CLIENT_ID / MONGODB_ATLAS_CLIENT_SECRET) and that its secret has not expired.`
              : undefined,
        });
      }
      throw e;
    }
  }
}

export function createAuthenticator(baseUrl: string, credentials: Credentials | undefined, options: ClientOptions): Authenticator {
  if (!credentials) return new NoAuth();
  switch (credentials.kind) {
    case "serviceAccount":
      return new ServiceAccountAuth(baseUrl, credentials.clientId, credentials.clientSecret, options);
    case "apiKey":
      return new DigestAuth(credentials.publicKey, credentials.privateKey);
    case "accessToken":
      return new BearerAuth(credentials.token);
  }
}
