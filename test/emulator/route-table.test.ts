// The route table owns every route: the admin API's, the OAuth endpoints and every Atlas operation
// (`/rateLimits` included). Walks `ROUTES` and asks the running emulator about each path, so a
// route dispatched anywhere else, or a table entry nothing serves, fails here.
import { expect } from "chai";
import { STREAMS_ENDPOINT_SET } from "../../emulator/ratelimit";
import {
  ACTION_KEYS,
  ADMIN_ROUTES,
  ATLAS_ROUTES,
  OAUTH_ROUTES,
  PROCESSOR_ACTIONS,
  ROUTES,
  STREAMS_PATH,
  pathKind,
  type RouteParams,
} from "../../emulator/routes";
import { G, WS, admin, bearerClient, emulatorPerTest, rawRequest } from "../support/emulator-client";

const PARAMS: Required<RouteParams> = { groupId: G, tenantName: WS, processorName: "orders", connectionName: "sample_stream_solar" };
const filled = (path: string) => path.replace(/\{(\w+)\}/g, (_, name: keyof RouteParams) => PARAMS[name]);

/** The admin API as emulator/README.md's admin table lists it, in the order of each path's `Allow`. */
const DOCUMENTED_ADMIN = [
  "GET /admin/faults",
  "POST /admin/faults",
  "DELETE /admin/faults",
  "GET /admin/requests",
  "DELETE /admin/requests",
  "GET /admin/applied",
  "DELETE /admin/applied",
  "POST /admin/seed",
  "PUT /admin/settings",
  "POST /admin/settings",
  "GET /admin/state",
  "POST /admin/reset",
  "POST /admin/connections/{groupId}/{tenantName}",
  "GET /admin/processors/{groupId}/{tenantName}/{processorName}",
  "POST /admin/processors/{groupId}/{tenantName}/{processorName}/fail",
  "POST /admin/processors/{groupId}/{tenantName}/{processorName}/fail-after-start",
  "POST /admin/processors/{groupId}/{tenantName}/{processorName}/effectiveTier",
  "PUT /admin/processors/{groupId}/{tenantName}/{processorName}/effectiveTier",
  "PUT /admin/processors/{groupId}/{tenantName}/{processorName}/state",
];

/** Each path of `routes` with the methods the table serves on it, in table order. */
function methodsByPath(routes: ReadonlyArray<{ method: string; path: string }>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of routes) out.set(r.path, [...(out.get(r.path) ?? []), r.method]);
  return out;
}

describe("emulator: the route table owns every route", function () {
  const f = emulatorPerTest();

  it("lists every admin route the README documents, and no other", () => {
    expect(ADMIN_ROUTES.map((r) => `${r.method} ${r.path}`)).to.deep.equal(DOCUMENTED_ADMIN);
  });

  it("holds the admin, OAuth and Atlas routes, each under the kind of path it serves", () => {
    expect(ROUTES).to.have.length(ADMIN_ROUTES.length + OAUTH_ROUTES.length + ATLAS_ROUTES.length);
    for (const r of ROUTES) expect(pathKind(filled(r.path)), `${r.method} ${r.path}`).to.equal(r.surface);
    expect(OAUTH_ROUTES.map((r) => `${r.method} ${r.path}`)).to.deep.equal(["POST /api/oauth/token", "POST /api/oauth/revoke"]);
    expect(ATLAS_ROUTES.some((r) => r.path === "/api/atlas/v2/rateLimits")).to.equal(true);
  });

  it("the path grammar's pieces come from it: the action keys, one per action suffix; the streams endpoint set", () => {
    expect(ACTION_KEYS).to.deep.equal(["startProcessor", "startProcessorWith", "stopProcessor"]);
    expect(PROCESSOR_ACTIONS).to.have.length(ACTION_KEYS.length);
    expect([STREAMS_PATH, STREAMS_ENDPOINT_SET]).to.deep.equal([
      "/api/atlas/v2/groups/{groupId}/streams",
      "api/atlas/v2/groups/{groupId}/streams",
    ]);
  });

  it("over HTTP, every admin route is served, and each admin path answers another method 405 with the table's methods", async () => {
    await f.start();
    for (const r of ADMIN_ROUTES) {
      const res = await admin(f.emu.url, r.method, filled(r.path), r.method === "GET" ? undefined : {});
      expect(res.status, `${r.method} ${r.path}: ${res.text}`).to.not.be.oneOf([404, 405]);
    }
    f.emu.admin.clearRequests();
    for (const [path, methods] of methodsByPath(ADMIN_ROUTES)) {
      const res = await admin(f.emu.url, "PATCH", filled(path));
      expect([res.status, res.headers.allow], path).to.deep.equal([405, methods.join(", ")]);
      expect(res.json.detail).to.equal(`Use ${methods.join(" or ")} for ${filled(path)}.`);
    }
    expect(f.emu.admin.requests(), "the admin API is never logged").to.deep.equal([]);
  });

  it("an unknown admin path answers as before: a plain 404 RESOURCE_NOT_FOUND, not logged", async () => {
    await f.start();
    f.emu.admin.clearRequests();
    for (const path of [
      "/admin",
      "/admin/nope",
      "/admin/faults/x",
      `/admin/processors/${G}/${WS}/orders/bogus`,
      `/admin/processors/${G}/${WS}`,
    ]) {
      const res = await admin(f.emu.url, "GET", path);
      expect(res.status, path).to.equal(404);
      expect(res.headers["x-error-code"], path).to.equal(undefined);
      expect(res.json).to.deep.equal({
        detail: `Cannot find resource ${path}.`,
        error: 404,
        errorCode: "RESOURCE_NOT_FOUND",
        parameters: [],
        reason: "Not Found",
      });
    }
    expect(f.emu.admin.requests()).to.deep.equal([]);
  });

  it("over HTTP, the OAuth endpoints and every Atlas path answer another method 405 with the table's methods", async () => {
    await f.start();
    for (const r of OAUTH_ROUTES) {
      const res = await rawRequest(f.emu.url, "GET", r.path);
      expect([res.status, res.headers.allow, res.json.detail]).to.deep.equal([405, "POST", `Use POST for ${r.path}.`]);
    }
    const c = await bearerClient(f.emu.url);
    for (const [path, methods] of methodsByPath(ATLAS_ROUTES)) {
      const res = await c.request("PUT", filled(path), { accept: "application/vnd.atlas.2025-03-12+json" });
      expect([res.status, res.headers.allow], path).to.deep.equal([405, methods.join(", ")]);
      expect(res.json.detail).to.equal(`Method PUT is not allowed for ${filled(path)}.`);
    }
  });
});
