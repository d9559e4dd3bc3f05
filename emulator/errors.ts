// Atlas answers every failure with an `ApiError` JSON body. This module is the single place that
// builds those bodies, so that every path (API, OAuth, faults, crashes) shares one shape.
import { STATUS_CODES } from "node:http";

export interface FieldViolation {
  field: string;
  description: string;
}

export interface ApiErrorBody {
  detail?: string;
  error: number;
  errorCode: string;
  parameters?: unknown[];
  reason?: string;
  badRequestDetail?: { fields: FieldViolation[] };
}

/** Thrown by handlers and the store; the server turns it into a response. */
export class ApiException extends Error {
  constructor(
    readonly body: ApiErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${body.error} ${body.errorCode}: ${body.detail ?? ""}`);
  }
  get status(): number {
    return this.body.error;
  }
}

function reasonFor(status: number): string {
  return STATUS_CODES[status] ?? "Error";
}

export function apiError(
  status: number,
  errorCode: string,
  detail: string,
  extra: Partial<Pick<ApiErrorBody, "parameters" | "badRequestDetail">> = {},
): ApiErrorBody {
  // Key order as recorded from Atlas: detail, error, errorCode, parameters (always present, [] when
  // none), reason; anything else (badRequestDetail) after.
  const body: ApiErrorBody = { detail, error: status, errorCode, parameters: extra.parameters ?? [], reason: reasonFor(status) };
  if (extra.badRequestDetail) body.badRequestDetail = extra.badRequestDetail;
  return body;
}

export function fail(
  status: number,
  errorCode: string,
  detail: string,
  extra: Partial<Pick<ApiErrorBody, "parameters" | "badRequestDetail">> = {},
  headers: Record<string, string> = {},
): never {
  throw new ApiException(apiError(status, errorCode, detail, extra), headers);
}

/** 404 for a path the emulator does not serve. */
export function resourceNotFound(rawPath: string): ApiErrorBody {
  return apiError(404, "RESOURCE_NOT_FOUND", `Cannot find resource ${rawPath}.`);
}

/**
 * 405 for a method a path does not serve, with its `Allow` header. Two wordings, deliberately:
 * the Atlas API's names the method ("Method PUT is not allowed for …"); the admin API and the
 * OAuth endpoints, the emulator's own, say what to use ("Use GET or DELETE for …"), as each
 * has always answered.
 */
export function methodNotAllowed(voice: "atlas" | "emulator", method: string, rawPath: string, allow: readonly string[]): ApiException {
  const detail = voice === "atlas" ? `Method ${method} is not allowed for ${rawPath}.` : `Use ${allow.join(" or ")} for ${rawPath}.`;
  return new ApiException(apiError(405, "METHOD_NOT_ALLOWED", detail), { Allow: allow.join(", ") });
}

/** Default body for an injected status fault, or any status we have no specific error for. */
export function defaultErrorForStatus(status: number): ApiErrorBody {
  const codes: Record<number, string> = {
    400: "VALIDATION_ERROR",
    401: "UNAUTHORIZED",
    403: "USER_UNAUTHORIZED",
    404: "RESOURCE_NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "INVALID_VERSION_DATE",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    429: "RATE_LIMITED",
    500: "UNEXPECTED_ERROR",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
    504: "GATEWAY_TIMEOUT",
  };
  const code = codes[status] ?? (status >= 500 ? "UNEXPECTED_ERROR" : "ERROR");
  return apiError(status, code, `Injected or generic ${status} ${reasonFor(status)}.`);
}

/** 400 with `badRequestDetail` naming the offending field (Atlas' validation shape). */
export function invalidField(field: string, description: string, errorCode = "INVALID_ATTRIBUTE"): never {
  fail(400, errorCode, `Invalid attribute ${field} specified: ${description}`, {
    parameters: [field],
    badRequestDetail: { fields: [{ field, description }] },
  });
}

/** The documented Atlas shape for processor-level problems. */
export function processorProblemBody(name: string, message: string, status = 400): ApiErrorBody {
  return apiError(status, "STREAM_PROCESSOR_GENERIC_ERROR", `Streams Processor with this name (${name}) had a problem occur: ${message}`, {
    parameters: [name, message],
  });
}

export function processorProblem(name: string, message: string, status = 400): never {
  throw new ApiException(processorProblemBody(name, message, status));
}
