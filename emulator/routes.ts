// Route table for the Atlas paths the emulator serves. Matching works on the raw (still
// percent-encoded) path so that a processor named `a%3Astart` is not mistaken for `a:start`.
import type { EndpointKey } from "./versioning";

export interface RouteParams {
  groupId: string;
  tenantName?: string;
  processorName?: string;
  connectionName?: string;
}

export type RouteMatch =
  { kind: "ok"; key: EndpointKey; params: RouteParams; write: boolean } | { kind: "method"; allow: string[] } | { kind: "none" };

const PREFIX = "/api/atlas/v2/groups/";

/** Throws URIError on bad escapes; the caller answers 404 for those. */
function dec(s: string): string {
  return decodeURIComponent(s);
}

export function matchRoute(method: string, rawPath: string): RouteMatch {
  if (!rawPath.startsWith(PREFIX)) return { kind: "none" };
  const segs = rawPath.slice(PREFIX.length).split("/");
  if (segs.some((s) => s === "")) return { kind: "none" };
  let table: Array<[string, EndpointKey, boolean]>;
  const params: RouteParams = { groupId: dec(segs[0]!) };
  if (segs[1] !== "streams") return { kind: "none" };
  if (segs.length === 2) {
    table = [
      ["GET", "listWorkspaces", false],
      ["POST", "createWorkspace", true],
    ];
  } else {
    params.tenantName = dec(segs[2]!);
    if (segs.length === 3) {
      // Workspace update exists in Atlas but is outside what the emulator needs.
      table = [
        ["GET", "getWorkspace", false],
        ["DELETE", "deleteWorkspace", true],
      ];
    } else if (segs.length === 4 && segs[3] === "processors") {
      table = [["GET", "listProcessors", false]];
    } else if (segs.length === 4 && segs[3] === "connections") {
      table = [
        ["GET", "listConnections", false],
        ["POST", "createConnection", true],
      ];
    } else if (segs.length === 5 && segs[3] === "connections") {
      params.connectionName = dec(segs[4]!);
      table = [
        ["GET", "getConnection", false],
        ["PATCH", "modifyConnection", true],
        ["DELETE", "deleteConnection", true],
      ];
    } else if (segs.length === 4 && segs[3] === "processor") {
      table = [["POST", "createProcessor", true]];
    } else if (segs.length === 5 && segs[3] === "processor") {
      const raw = segs[4]!;
      const m = /^(.+):(start|startWith|stop)$/.exec(raw);
      if (m) {
        params.processorName = dec(m[1]!);
        const key: EndpointKey = m[2] === "start" ? "startProcessor" : m[2] === "stop" ? "stopProcessor" : "startProcessorWith";
        table = [["POST", key, true]];
      } else {
        params.processorName = dec(raw);
        table = [
          ["GET", "getProcessor", false],
          ["PATCH", "modifyProcessor", true],
          ["DELETE", "deleteProcessor", true],
        ];
      }
    } else return { kind: "none" };
  }
  const hit = table.find(([m]) => m === method);
  if (!hit) return { kind: "method", allow: table.map(([m]) => m) };
  return { kind: "ok", key: hit[1], params, write: hit[2] };
}
