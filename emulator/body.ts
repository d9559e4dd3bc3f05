// Request bodies: read with a size limit, then parsed as JSON by the one parser both the Atlas
// routes and the admin routes use.
import type * as http from "node:http";
import { ApiException, apiError, type ApiErrorBody } from "./errors";

const MAX_BODY_BYTES = 1024 * 1024;
/** Beyond this we stop draining an oversized body and drop the connection. */
const MAX_DRAIN_BYTES = 16 * 1024 * 1024;

export interface Body {
  tooLarge: boolean;
  buf: Buffer;
}

/** Reads the whole body; one over `MAX_BODY_BYTES` is drained (up to a point) and reported too large. */
export function readBody(req: http.IncomingMessage): Promise<Body> {
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

/** The 413 for a body over `MAX_BODY_BYTES`. */
export function payloadTooLarge(): ApiErrorBody {
  return apiError(413, "PAYLOAD_TOO_LARGE", `The request body exceeds the limit of ${MAX_BODY_BYTES} bytes.`);
}

/**
 * The body as JSON: undefined when it is empty (or only white space), otherwise the parsed value.
 * Throws 400 INVALID_JSON naming the field `body` when it does not parse.
 */
export function parseJsonBody(buf: Buffer): unknown {
  const text = buf.toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiException(
      apiError(400, "INVALID_JSON", `The request body is not valid JSON: ${(e as Error).message}`, {
        badRequestDetail: { fields: [{ field: "body", description: "must be valid JSON" }] },
      }),
    );
  }
}
