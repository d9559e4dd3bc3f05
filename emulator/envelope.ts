// How an answer is put on the wire: Atlas' `envelope=true` (HTTP 200 always, the real status in
// the body) and `pretty=true` (indented JSON). `render` is pure; `writeAnswer` sends its result.
import type * as http from "node:http";
import { parseBooleanParam } from "./validation";

/** An answer before rendering. */
export interface Outgoing {
  status: number;
  body?: unknown;
  /** The versioned media type of a success; errors are always application/json. */
  contentType?: string;
  headers?: Record<string, string | string[]>;
  /** Sent byte for byte instead of serialising `body` (an answer recorded verbatim, e.g. Atlas' 401). */
  rawText?: string;
}

export interface Format {
  envelope: boolean;
  pretty: boolean;
}

export const PLAIN: Readonly<Format> = { envelope: false, pretty: false };

/** `pretty=true`, read leniently so that even the error about a bad parameter is indented when asked. */
export function wantsPretty(query: URLSearchParams): boolean {
  return query.get("pretty") === "true";
}

/** `envelope` and `pretty`, each `true` or `false` (default false); anything else is a 400 naming it. */
export function parseFormat(query: URLSearchParams): Format {
  const envelope = parseBooleanParam(query, "envelope", false);
  const pretty = parseBooleanParam(query, "pretty", false);
  return { envelope, pretty };
}

export interface Rendered {
  status: number;
  headers: Record<string, string | string[] | number>;
  /** Absent for an answer without a body (204, or no body at all). */
  text?: string;
}

function render(out: Outgoing, format: Format): Rendered {
  let status = out.status;
  let payload = out.body;
  const isError = status >= 400;
  // Errors are served as application/json (as the spec declares); successes name their version.
  const contentType = isError || !out.contentType ? "application/json" : out.contentType;
  if (format.envelope) {
    // Atlas: HTTP 200 always; lists get `status` added, single results are wrapped in `content`.
    const b = payload as Record<string, unknown> | undefined;
    if (!isError && b && typeof b === "object" && Array.isArray(b.results)) payload = { ...b, status };
    else payload = payload === undefined ? { status } : { status, content: payload };
    status = 200;
  }
  const headers: Record<string, string | string[] | number> = { ...(out.headers ?? {}) };
  if (out.rawText !== undefined && !format.envelope) {
    // A verbatim answer may bring its own type (a proxy's HTML error page, a plain-text 503).
    if (!Object.keys(headers).some((k) => k.toLowerCase() === "content-type")) headers["Content-Type"] = contentType;
    headers["Content-Length"] = Buffer.byteLength(out.rawText);
    return { status, headers, text: out.rawText };
  }
  if (payload === undefined || status === 204) return { status, headers };
  const text = format.pretty ? JSON.stringify(payload, null, 2) + "\n" : JSON.stringify(payload);
  headers["Content-Type"] = contentType;
  headers["Content-Length"] = Buffer.byteLength(text);
  return { status, headers, text };
}

/** Sends the rendered answer, unless the response is already gone or begun; returns the status sent (0: none). */
export function writeAnswer(res: http.ServerResponse, out: Outgoing, format: Format): number {
  if (res.destroyed || res.headersSent) return 0;
  const r = render(out, format);
  res.writeHead(r.status, r.headers);
  if (r.text === undefined) res.end();
  else res.end(r.text);
  return r.status;
}
