/**
 * Turns a failed call into the package's own error: built from the method, the path, the HTTP
 * status and Atlas's error body, with a hint saying what to do. An AxiosError never leaves (its
 * config carries the Authorization header and, with Basic auth, the password).
 */
import axios, { type AxiosError } from "axios";
import type { AuthScheme } from "../config/settings";
import type { ApiCall } from "./call";
import { AtlasApiError, AtlasNetworkError, redact } from "../errors";
import type { FailureReport } from "./retry";

/** What a failed request needs to be explained: the Admin API's own call, or the OAuth token request. */
export type FailedCall = Pick<ApiCall, "method" | "path" | "authHint" | "explainNotFound"> & {
  /**
   * The request exchanges the credential itself (the OAuth token request): a 400 there means the
   * credential was refused, as a 401 does (RFC 6749 section 5.2, `invalid_client`).
   */
  exchangesCredential?: boolean;
};

/**
 * Atlas's errorCode and detail from an error body: the Admin API's `{errorCode, detail}` (or
 * `reason`), or an OAuth endpoint's `{error, error_description}`.
 */
export function errorBodyFacts(data: unknown): { errorCode: string | undefined; detail: string | undefined } {
  const body = (data ?? {}) as Record<string, unknown>;
  const text = (...keys: string[]) => keys.map((k) => body[k]).find((v): v is string => typeof v === "string");
  return { errorCode: text("errorCode", "error"), detail: text("detail", "reason", "error_description") };
}

/** The facts a retry decision needs from a failed attempt: its status (or no-answer code), errorCode and detail. */
export function failureReportOf(error: AxiosError, action?: boolean): FailureReport {
  const status = error.response?.status;
  if (status === undefined) return { code: error.code, action };
  return { status, ...errorBodyFacts(error.response?.data), action };
}

export interface ErrorContext {
  scheme: AuthScheme;
  /** Where the credential came from ("stack config" or "environment"). */
  credentialSource: string | undefined;
  baseUrl: string;
  /** Secrets to redact from server-echoed text. */
  secrets: readonly string[];
}

export async function toCallError(e: unknown, api: FailedCall, attempts: number, ctx: ErrorContext): Promise<Error> {
  if (!axios.isAxiosError(e)) {
    // Our own errors (e.g. a token request that failed) pass; anything else is re-described
    // without its object graph, which may hold request headers.
    if (e instanceof AtlasApiError || e instanceof AtlasNetworkError) return e;
    return new Error(`Atlas API ${api.method} ${api.path} failed: ${redact(e instanceof Error ? e.message : String(e), ctx.secrets)}`);
  }
  if (!e.response) {
    return new AtlasNetworkError({
      method: api.method,
      path: api.path,
      code: e.code ?? "ERR_NETWORK",
      baseUrl: ctx.baseUrl,
      attempts: attempts,
    });
  }
  const status = e.response.status;
  const { errorCode, detail: detailRaw } = errorBodyFacts(e.response.data);
  let hint: string | undefined;
  if (status === 401 || (status === 400 && api.exchangesCredential)) {
    hint =
      ctx.scheme === "none"
        ? "No Atlas credentials were found: set mongodbatlas:clientId and mongodbatlas:clientSecret (service account), mongodbatlas:publicKey and mongodbatlas:privateKey (API key) or mongodbatlas:accessToken in stack config (with --secret), or the MONGODB_ATLAS_* environment variables."
        : `Atlas refused the ${describeScheme(ctx.scheme)} from ${ctx.credentialSource}: check that it is correct, not expired or revoked, and that this machine's IP is on the key's access list. ${api.authHint ?? ""}`.trim();
  } else if (status === 403) {
    hint = `The credential lacks permission for this operation. ${api.authHint ?? ""}`.trim();
  } else if (status === 404 && api.explainNotFound) {
    hint = await api.explainNotFound(errorCode).catch(() => undefined);
  } else if (status === 429) {
    hint =
      "Atlas rate-limited the requests and the retry budget ran out: run again later or with lower parallelism (pulumi up --parallel).";
  } else if (status >= 500) {
    hint = "Atlas failed on its side and retries did not help: try again later; if it persists, check https://status.mongodb.com.";
  }
  return new AtlasApiError({
    method: api.method,
    path: api.path,
    status,
    errorCode,
    detail: detailRaw === undefined ? undefined : redact(detailRaw, ctx.secrets),
    hint,
    attempts,
  });
}

function describeScheme(s: AuthScheme): string {
  return s === "serviceAccount" ? "service account" : s === "apiKey" ? "API key" : "access token";
}
