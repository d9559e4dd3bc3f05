// Atlas' date-based API versioning: the client names a date in
// `Accept: application/vnd.atlas.YYYY-MM-DD+json` and gets the newest version of the endpoint
// released on or before that date. Versions per endpoint are taken from the OpenAPI spec.

import { apiError, type ApiErrorBody } from "./errors";

export type EndpointKey =
  | "listWorkspaces"
  | "createWorkspace"
  | "getWorkspace"
  | "deleteWorkspace"
  | "listProcessors"
  | "createProcessor"
  | "getProcessor"
  | "modifyProcessor"
  | "deleteProcessor"
  | "startProcessor"
  | "startProcessorWith"
  | "stopProcessor"
  | "listConnections"
  | "createConnection"
  | "getConnection"
  | "modifyConnection"
  | "deleteConnection"
  | "listRateLimits";

/** Versions each endpoint offers, oldest first (from the spec's `x-xgen-version`s). */
export const ENDPOINT_VERSIONS: Record<EndpointKey, readonly string[]> = {
  listWorkspaces: ["2023-02-01"],
  createWorkspace: ["2023-02-01"],
  getWorkspace: ["2023-02-01"],
  deleteWorkspace: ["2023-02-01"],
  listProcessors: ["2024-05-30"],
  createProcessor: ["2024-05-30"],
  getProcessor: ["2024-05-30"],
  modifyProcessor: ["2024-05-30"],
  deleteProcessor: ["2024-05-30"],
  startProcessor: ["2024-05-30"],
  startProcessorWith: ["2025-03-12"],
  stopProcessor: ["2024-05-30"],
  listConnections: ["2023-02-01"],
  createConnection: ["2023-02-01"],
  getConnection: ["2023-02-01"],
  modifyConnection: ["2023-02-01"],
  deleteConnection: ["2023-02-01"],
  listRateLimits: ["2025-03-12"],
};

const MEDIA_RE = /^application\/vnd\.atlas\.(\d{4}-\d{2}-\d{2})\+json$/i;

export function mediaTypeFor(version: string): string {
  return `application/vnd.atlas.${version}+json`;
}

function isRealDate(date: string): boolean {
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
}

/** Every Atlas version date named in an Accept header, in the order given. */
function requestedVersions(accept: string | undefined): string[] {
  if (!accept) return [];
  const out: string[] = [];
  for (const part of accept.split(",")) {
    const media = part.split(";")[0]!.trim();
    const m = MEDIA_RE.exec(media);
    if (m && isRealDate(m[1]!)) out.push(m[1]!);
  }
  return out;
}

/**
 * The version to serve, or undefined for 406. Dates compare correctly as strings (ISO format).
 * A date later than the newest version resolves to the newest (matching the public `:start`
 * sample that sends 2025-03-12 to a 2024-05-30 endpoint).
 */
export function resolveVersion(accept: string | undefined, available: readonly string[]): string | undefined {
  return negotiateVersion(accept, available)?.served;
}

/** The version served and the date the client asked for that led to it (Atlas names the latter in its answer). */
export function negotiateVersion(accept: string | undefined, available: readonly string[]): { served: string; asked: string } | undefined {
  for (const asked of requestedVersions(accept)) {
    let best: string | undefined;
    for (const v of available) if (v <= asked) best = v;
    if (best) return { served: best, asked };
  }
  return undefined;
}

/**
 * The Content-Type of a success. "atlas": as recorded, the date the client asked for with
 * `;charset=utf-8`; "classic": the served version's media type alone.
 */
export function successMediaType(version: { served: string; asked: string }, responses: ResponseStyle): string {
  return responses === "atlas" ? `application/vnd.atlas.${version.asked}+json;charset=utf-8` : mediaTypeFor(version.served);
}

/** "atlas": headers and bodies as recorded from Atlas; "classic": the emulator's earlier, spec-derived shapes. */
export type ResponseStyle = "atlas" | "classic";

/** Atlas' 406 for a missing or unusable version, as recorded: fixed detail, no parameters. */
export function invalidVersionError(): ApiErrorBody {
  return apiError(406, "INVALID_VERSION_DATE", "Invalid accept header or version date.", { parameters: [] });
}
