/**
 * The three ways to authenticate to the Atlas Admin API, behind one small interface the HTTP
 * client calls for every attempt (so a retried request gets a fresh Digest `nc` or a renewed
 * token). Service accounts (OAuth 2.0 client credentials), API keys (HTTP Digest) and a plain
 * Bearer access token, as the Atlas Admin API v2 accepts them
 * (https://www.mongodb.com/docs/api/doc/atlas-admin-api-v2/).
 */
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import { DigestSession, nonceOf, retryAfterDigest401 } from "./digest";
import { failureReportOf, toCallError } from "./error-mapping";
import { AtlasApiError } from "../errors";
import { decideRetry } from "./retry";
import type { ClientOptions } from "../config/options";
import type { AuthScheme, Credentials } from "../config/settings";
import { CallContext, progressOf, wireRetries } from "./call";
import { systemClock, type Clock } from "../util/clock";

export interface Authenticator {
  readonly scheme: AuthScheme;
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
    private readonly credentials: Extract<Credentials, { kind: "serviceAccount" }>,
    options: ClientOptions,
    private readonly clock: Clock = systemClock,
  ) {
    this.http = axios.create({ baseURL: baseUrl, timeout: options.requestTimeoutMs, validateStatus: (s) => s >= 200 && s < 300 });
    // The same retry decision as every API call (retry.ts). Asking for a token twice does no
    // harm, so no fresh read is needed before sending it again.
    wireRetries(this.http, options.maxRetries, (error, call) => {
      const decision = decideRetry(failureReportOf(error), progressOf(call, error), options);
      call.nextDelayMs = decision.delayMs;
      return decision.retry;
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
    if (this.token && this.clock.now() < this.token.renewAt) return Promise.resolve(this.token.value);
    if (!this.inFlight) {
      this.inFlight = this.fetchToken().finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }

  private async fetchToken(): Promise<string> {
    const path = "/api/oauth/token";
    const basic = Buffer.from(`${this.credentials.clientId}:${this.credentials.clientSecret}`, "utf8").toString("base64");
    const call = new CallContext(this.clock);
    this.tokenRequests += 1;
    let res: AxiosResponse;
    try {
      res = await this.http.post(path, "grant_type=client_credentials", {
        atlasCall: call,
        headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      });
    } catch (e) {
      throw await toCallError(
        e,
        {
          method: "POST",
          path,
          exchangesCredential: true,
          authHint: `Check mongodbatlas:clientId / mongodbatlas:clientSecret (or MONGODB_ATLAS_CLIENT_ID / MONGODB_ATLAS_CLIENT_SECRET) and that the secret has not expired.`,
        },
        call.attempts,
        { scheme: this.scheme, credentialSource: this.credentials.source, baseUrl: this.baseUrl, secrets: [this.credentials.clientSecret] },
      );
    }
    const body = res.data as { access_token?: unknown; expires_in?: unknown } | undefined;
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
    this.token = { value: body.access_token, renewAt: this.clock.now() + ttlMs - margin };
    return body.access_token;
  }
}

export function createAuthenticator(
  baseUrl: string,
  credentials: Credentials | undefined,
  options: ClientOptions,
  clock: Clock = systemClock,
): Authenticator {
  if (!credentials) return new NoAuth();
  switch (credentials.kind) {
    case "serviceAccount":
      return new ServiceAccountAuth(baseUrl, credentials, options, clock);
    case "apiKey":
      return new DigestAuth(credentials.publicKey, credentials.privateKey);
    case "accessToken":
      return new BearerAuth(credentials.token);
  }
}
