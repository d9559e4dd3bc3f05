// Rate limits as Atlas describes them (token buckets per endpoint set × project, the documented 429
// body and headers, GET /api/atlas/v2/rateLimits), the transient processor-error fault and the 406,
// all over real HTTP on 127.0.0.1.
import { expect } from "chai";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import { parseArgs } from "../../emulator/cli";
import { RateLimiter, refillTerms } from "../../emulator/ratelimit";
import {
  Client,
  G,
  OWNER,
  P,
  V_PROC,
  admin,
  bearerClient,
  fetchToken,
  rawRequest,
  responseValidator,
  specErrors,
  type Resp,
} from "../support/emulator-client";

const SET = "api/atlas/v2/groups/{groupId}/streams";
const G2 = "5f0000000000000000000002";
const P2 = `/api/atlas/v2/groups/${G2}/streams/other-ws`;
const OTHER = { user: "other-public-key", pass: "other-private-key" };
const V_RATE = "application/vnd.atlas.2025-03-12+json";
const pipeline = [{ $source: { connectionName: "sample_stream_solar" } }, { $emit: { connectionName: "__testLog" } }];

/** A second project with its own workspace and key, beside the default seed. */
function seedOtherProject(emu: RunningEmulator): void {
  emu.admin.seed({
    projects: [{ id: G2, name: "other-project", workspaces: [{ name: "other-ws" }] }],
    apiKeys: [{ publicKey: OTHER.user, privateKey: OTHER.pass, roles: [{ groupId: G2, roleName: "GROUP_OWNER" }] }],
  });
}

const limited = (r: Resp) => ({
  limit: r.headers["ratelimit-limit"],
  remaining: r.headers["ratelimit-remaining"],
  retryAfter: r.headers["retry-after"],
});

describe("emulator: Atlas rate limits, transient processor errors and the 406", function () {
  let emu: RunningEmulator | undefined;
  const start = async (options: EmulatorOptions = {}): Promise<RunningEmulator> => {
    emu = await startEmulator(options);
    seedOtherProject(emu);
    return emu;
  };
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
  });

  describe("with a project bucket (the default scope)", () => {
    it("two credentials of one project draw on one bucket; another project has its own", async () => {
      const e = await start({ rateLimit: { capacity: 3, refillPerSecond: 0.001 } });
      const digest = new Client(e.url, { kind: "digest", ...OWNER });
      const bearer = await bearerClient(e.url);
      const other = new Client(e.url, { kind: "digest", ...OTHER });

      const seen = [
        await digest.request("GET", `${P}/processors`, { accept: V_PROC }),
        await bearer.request("GET", `${P}/processor/orders`, { accept: V_PROC }),
        await digest.request("GET", `/api/atlas/v2/groups/${G}/streams`, { accept: "application/vnd.atlas.2023-02-01+json" }),
        await bearer.request("POST", `${P}/processor/orders:start`, { accept: V_PROC }),
      ];
      expect(seen.map((r) => r.status)).to.deep.equal([200, 200, 200, 429]);
      expect(seen.map(limited)).to.deep.equal([
        { limit: "3", remaining: "2", retryAfter: undefined },
        { limit: "3", remaining: "1", retryAfter: undefined },
        { limit: "3", remaining: "0", retryAfter: undefined },
        { limit: "3", remaining: "0", retryAfter: "1000" },
      ]);
      // A refused action did nothing.
      expect(e.admin.getProcessor(G, "demo-workspace", "orders")!.state).to.equal("CREATED");

      const mine = await other.request("GET", `${P2}/processors`, { accept: V_PROC });
      expect(mine.status, mine.text).to.equal(200);
      expect(limited(mine)).to.deep.equal({ limit: "3", remaining: "2", retryAfter: undefined });
      // The first project's bucket is still empty, for the Digest key too.
      expect((await digest.request("GET", `${P}/processors`, { accept: V_PROC })).status).to.equal(429);
    });

    it("answers 429 with the documented body: the set, then integers for the wait, capacity and refill", async () => {
      const e = await start({ rateLimit: { capacity: 1, refillPerSecond: 0.5 } });
      const c = new Client(e.url, { kind: "digest", ...OWNER });
      expect((await c.request("GET", `${P}/processors`, { accept: V_PROC })).status).to.equal(200);
      const r = await c.request("GET", `${P}/processors`, { accept: V_PROC });
      expect(r.status).to.equal(429);
      expect(r.json).to.deep.equal({
        detail: `Rate limit exceeded for ${SET}. Please retry after 2 seconds. Request capacity: 1. Refill rate: 1 per 2 seconds.`,
        error: 429,
        errorCode: "RATE_LIMITED_TOKEN_BUCKET",
        parameters: [SET, 2, 1, 1, 2],
        reason: "Too Many Requests",
      });
      expect(r.json.parameters.map((p: unknown) => typeof p)).to.deep.equal(["string", "number", "number", "number", "number"]);
      expect(limited(r)).to.deep.equal({ limit: "1", remaining: "0", retryAfter: "2" });
      expect(r.headers["content-type"]).to.equal("application/json");
      expect(specErrors("getGroupStreamProcessors", r)).to.equal(undefined);
    });

    it("refills lazily from elapsed time", async () => {
      const e = await start({ rateLimit: { capacity: 2, refillPerSecond: 20 } }); // one token per 50 ms
      const c = await bearerClient(e.url);
      const get = () => c.request("GET", `${P}/processor/orders`, { accept: V_PROC });
      expect([(await get()).status, (await get()).status]).to.deep.equal([200, 200]);
      const refused = await get();
      expect(refused.status).to.equal(429);
      expect(refused.json.parameters).to.deep.equal([SET, 1, 2, 20, 1]);
      await new Promise((r) => setTimeout(r, 120));
      const again = await get();
      expect(again.status).to.equal(200);
      expect(again.headers["ratelimit-limit"]).to.equal("2");
    });

    it("charges nothing for a 401 or the OAuth token endpoint, and only authenticated streams requests carry the headers", async () => {
      const e = await start({ rateLimit: { capacity: 1, refillPerSecond: 0.001 } });
      for (let i = 0; i < 3; i++) {
        const t = await fetchToken(e.url);
        expect(t.status).to.equal(200);
        expect(t.headers["ratelimit-limit"]).to.equal(undefined);
      }
      const anonymous = await rawRequest(e.url, "GET", `${P}/processors`, { headers: { Accept: V_PROC } });
      expect(anonymous.status).to.equal(401);
      expect(anonymous.headers["ratelimit-limit"]).to.equal(undefined);
      // The Digest handshake's first leg is a free 401 too: the one token pays for the real request.
      const c = new Client(e.url, { kind: "digest", ...OWNER });
      const ok = await c.request("GET", `${P}/processors`, { accept: V_PROC });
      expect(ok.status).to.equal(200);
      expect(ok.headers["ratelimit-remaining"]).to.equal("0");
      const log = e.admin.requests().filter((x) => x.path === `${P}/processors`);
      expect(log.map((x) => x.status)).to.deep.equal([401, 401, 200]);
      // A 404 outside any endpoint set is not limited.
      const outside = await c.request("GET", `/api/atlas/v2/groups/${G}/clusters`, { accept: V_PROC });
      expect(outside.status).to.equal(404);
      expect(outside.headers["ratelimit-limit"]).to.equal(undefined);
    });

    it("refills as a pure bucket with an injected clock", () => {
      let now = 1_000;
      const rl = new RateLimiter({ capacity: 2, refillPerSecond: 10 }, () => now);
      const takes = () => rl.take("k")!;
      expect([takes(), takes(), takes()].map((d) => [d.allowed, d.remaining, d.retryAfterSeconds])).to.deep.equal([
        [true, 1, 0],
        [true, 0, 0],
        [false, 0, 1],
      ]);
      now += 100; // one token
      expect(takes().allowed).to.equal(true);
      expect(takes().allowed).to.equal(false);
      now += 60_000; // never above capacity
      expect([takes().remaining, takes().remaining, takes().allowed]).to.deep.equal([1, 0, false]);
    });

    it("states the refill as integers per whole seconds", () => {
      const table: Array<[number, { rate: number; durationSeconds: number }]> = [
        [10, { rate: 10, durationSeconds: 1 }],
        [0.5, { rate: 1, durationSeconds: 2 }],
        [2.5, { rate: 5, durationSeconds: 2 }],
        [0.001, { rate: 1, durationSeconds: 1000 }],
        [0, { rate: 0, durationSeconds: 60 }],
      ];
      for (const [perSecond, terms] of table) expect(refillTerms(perSecond), String(perSecond)).to.deep.equal(terms);
    });
  });

  describe("with scope credential", () => {
    it("gives each credential of a project its own bucket", async () => {
      const e = await start({ rateLimit: { capacity: 1, refillPerSecond: 0.001, scope: "credential" } });
      const digest = new Client(e.url, { kind: "digest", ...OWNER });
      const bearer = await bearerClient(e.url);
      expect((await digest.request("GET", `${P}/processors`, { accept: V_PROC })).status).to.equal(200);
      expect((await bearer.request("GET", `${P}/processors`, { accept: V_PROC })).status).to.equal(200);
      expect((await digest.request("GET", `${P}/processors`, { accept: V_PROC })).status).to.equal(429);
    });

    it("is set by the CLI's --rate-limit-scope, by setRateLimit and by the admin settings", async () => {
      expect(parseArgs(["--rate-limit", "100/10", "--rate-limit-scope", "credential"])).to.include({ transitionMs: 500 });
      expect((parseArgs(["--rate-limit-scope=credential", "--rate-limit", "100/10"]) as EmulatorOptions).rateLimit).to.deep.equal({
        capacity: 100,
        refillPerSecond: 10,
        scope: "credential",
      });
      expect((parseArgs(["--rate-limit", "100/10"]) as EmulatorOptions).rateLimit).to.deep.equal({ capacity: 100, refillPerSecond: 10 });
      expect(() => parseArgs(["--rate-limit-scope", "credential"])).to.throw(/needs --rate-limit/);
      expect(() => parseArgs(["--rate-limit", "100/10", "--rate-limit-scope", "org"])).to.throw(/project or credential/);

      const e = await start();
      expect(() => e.admin.setRateLimit({ capacity: 1, refillPerSecond: 1, scope: "org" as "project" })).to.throw(/scope/);
      e.admin.setRateLimit({ capacity: 1, refillPerSecond: 0.001, scope: "credential" });
      const digest = new Client(e.url, { kind: "digest", ...OWNER });
      const bearer = await bearerClient(e.url);
      expect((await digest.request("GET", `${P}/processors`, { accept: V_PROC })).status).to.equal(200);
      expect((await bearer.request("GET", `${P}/processors`, { accept: V_PROC })).status).to.equal(200);
      expect(
        (await admin(e.url, "PUT", "/admin/settings", { rateLimit: { capacity: 1, refillPerSecond: 0.001, scope: "project" } })).status,
      ).to.equal(200);
      expect((await digest.request("GET", `${P}/processors`, { accept: V_PROC })).status).to.equal(200);
      expect((await bearer.request("GET", `${P}/processors`, { accept: V_PROC })).status).to.equal(429);
      expect(
        (await admin(e.url, "PUT", "/admin/settings", { rateLimit: { capacity: 1, refillPerSecond: 1, scope: "everyone" } })).status,
      ).to.equal(400);
    });
  });

  describe("GET /api/atlas/v2/rateLimits", () => {
    it("lists the streams endpoint set with its capacity and refill, in the Admin API's shape", async () => {
      const e = await start({ rateLimit: { capacity: 100, refillPerSecond: 10 } });
      const c = new Client(e.url, { kind: "digest", ...OWNER });
      const r = await c.request("GET", "/api/atlas/v2/rateLimits", { accept: V_RATE });
      expect(r.status, r.text).to.equal(200);
      expect(r.headers["content-type"]).to.equal(`${V_RATE};charset=utf-8`);
      expect(r.json.totalCount).to.equal(1);
      expect(r.json.links).to.deep.equal([{ href: `${e.url}/api/atlas/v2/rateLimits?pageNum=1&itemsPerPage=100`, rel: "self" }]);
      const [set] = r.json.results;
      expect({ ...set, endpoints: undefined }).to.deep.equal({
        capacity: { value: 100 },
        endpointSetId: "streams_group",
        endpointSetName: SET,
        endpoints: undefined,
        refillDurationSeconds: { value: 1 },
        refillRate: { value: 10 },
        scope: "GROUP",
      });
      expect(set.endpoints).to.have.length(11);
      expect(set.endpoints).to.deep.include({
        method: "POST",
        path: "/api/atlas/v2/groups/{groupId}/streams/{tenantName}/processor/{processorName}:start",
      });
      // Reading the limits costs no token.
      expect(r.headers["ratelimit-limit"]).to.equal(undefined);
    });

    it("filters by scope, checks the caller's access, and is empty when nothing is limited", async () => {
      const e = await start({ rateLimit: { capacity: 5, refillPerSecond: 1, scope: "credential" } });
      const c = new Client(e.url, { kind: "digest", ...OWNER });
      const list = async (q: string) => c.request("GET", `/api/atlas/v2/rateLimits${q}`, { accept: V_RATE });
      expect((await list("")).json.results.map((s: { scope: string }) => s.scope)).to.deep.equal(["USER"]);
      expect((await list(`?userId=${OWNER.user}`)).json.results).to.have.length(1);
      expect((await list("?userId=someone-else")).status).to.equal(403);
      expect((await list(`?groupId=${G}`)).json.results).to.deep.equal([]);
      expect((await list(`?groupId=${G2}`)).status).to.equal(403);
      expect((await list("?groupId=nope")).status).to.equal(400);
      expect((await list(`?orgId=${G}`)).json).to.include({ totalCount: 0 });
      e.admin.setRateLimit(false);
      expect((await list("")).json.results).to.deep.equal([]);
    });

    it("is authenticated and versioned like every other API call", async () => {
      const e = await start({ rateLimit: { capacity: 5, refillPerSecond: 1 } });
      expect((await rawRequest(e.url, "GET", "/api/atlas/v2/rateLimits", { headers: { Accept: V_RATE } })).status).to.equal(401);
      const c = new Client(e.url, { kind: "digest", ...OWNER });
      const old = await c.request("GET", "/api/atlas/v2/rateLimits", { accept: V_PROC });
      expect(old.status).to.equal(406);
      expect(old.json.errorCode).to.equal("INVALID_VERSION_DATE");
      const post = await c.request("POST", "/api/atlas/v2/rateLimits", { accept: V_RATE });
      expect(post.status).to.equal(405);
      expect(post.headers.allow).to.equal("GET");
    });
  });

  describe("the processor-error fault", () => {
    it("without applied: answers Atlas' generic processor error with `no healthy upstream`, and nothing changes", async () => {
      const e = await start();
      const c = new Client(e.url, { kind: "digest", ...OWNER });
      const startPath = `${P}/processor/orders:start`;
      const id = e.admin.injectFault({ method: "POST", path: "*/processor/orders:start", kind: "processor-error" });
      const r = await c.request("POST", startPath, { accept: V_PROC });
      expect(r.status).to.equal(400);
      expect(r.json).to.deep.equal({
        detail: "Streams Processor with this name (orders) had a problem occur: no healthy upstream",
        error: 400,
        errorCode: "STREAM_PROCESSOR_GENERIC_ERROR",
        parameters: ["orders", "no healthy upstream"],
        reason: "Bad Request",
      });
      expect((await c.request("GET", `${P}/processor/orders`, { accept: V_PROC })).json.state).to.equal("CREATED");
      // Transient: the next attempt goes through.
      expect((await c.request("POST", startPath, { accept: V_PROC })).status).to.equal(200);
      expect((await c.request("GET", `${P}/processor/orders`, { accept: V_PROC })).json.state).to.equal("STARTED");
      const log = e.admin.requests().filter((x) => x.path === startPath && x.status !== 401);
      expect(log.map((x) => [x.status, x.fault])).to.deep.equal([
        [400, id],
        [200, undefined],
      ]);
    });

    it("with applied: carries the change out, then answers the given message", async () => {
      const e = await start();
      const c = new Client(e.url, { kind: "digest", ...OWNER });
      const message = "failed to acquire resources for the stream processor: internal error";
      await admin(e.url, "POST", "/admin/faults", {
        method: "PATCH",
        path: `${P}/processor/payments`,
        kind: "processor-error",
        message,
        applied: true,
      });
      const r = await c.request("PATCH", `${P}/processor/payments`, { accept: V_PROC, body: { pipeline, tier: "SP30" } });
      expect(r.status).to.equal(400);
      expect(r.json.parameters).to.deep.equal(["payments", message]);
      expect(r.json.detail).to.equal(`Streams Processor with this name (payments) had a problem occur: ${message}`);
      expect(specErrors("updateGroupStreamProcessor", r)).to.equal(undefined);
      const after = await c.request("GET", `${P}/processor/payments`, { accept: V_PROC });
      expect(after.json.tier).to.equal("SP30");
      expect(e.admin.requests().filter((x) => x.method === "PATCH" && x.status !== 401)).to.have.length(1);
    });

    it("names the processor of a create from its body, and creates nothing when not applied", async () => {
      const e = await start();
      const c = new Client(e.url, { kind: "digest", ...OWNER });
      e.admin.injectFault({ method: "POST", path: `${P}/processor`, kind: "processor-error" });
      const r = await c.request("POST", `${P}/processor`, { accept: V_PROC, body: { name: "fresh", pipeline } });
      expect(r.json.parameters).to.deep.equal(["fresh", "no healthy upstream"]);
      expect(specErrors("createGroupStreamProcessor", r)).to.equal(undefined);
      expect((await c.request("GET", `${P}/processor/fresh`, { accept: V_PROC })).status).to.equal(404);
    });

    it("refuses a malformed spec", async () => {
      const e = await start();
      expect(() => e.admin.injectFault({ method: "POST", path: "*", kind: "processor-error", message: "" })).to.throw(/message/);
      const bad = await admin(e.url, "POST", "/admin/faults", { method: "POST", path: "*", kind: "processor-error", applied: "yes" });
      expect(bad.status).to.equal(400);
      expect(bad.json.detail).to.match(/applied/);
    });
  });

  describe("a missing or unusable version", () => {
    it("answers 406 INVALID_VERSION_DATE with Atlas' fixed detail and no parameters", async () => {
      const e = await start();
      const c = new Client(e.url, { kind: "digest", ...OWNER });
      for (const accept of [undefined, "application/json", "application/vnd.atlas.2020-01-01+json"]) {
        const r = await c.request("GET", `${P}/processor/orders`, accept === undefined ? {} : { accept });
        expect(r.status, String(accept)).to.equal(406);
        expect(r.json).to.deep.equal({
          detail: "Invalid accept header or version date.",
          error: 406,
          errorCode: "INVALID_VERSION_DATE",
          parameters: [],
          reason: "Not Acceptable",
        });
        // The spec declares no 406; its ApiError schema is the one every error answer shares.
        const apiError = responseValidator("getGroupStreamProcessor", 400, "application/json")!;
        expect(apiError(r.json), JSON.stringify(apiError.errors)).to.equal(true);
      }
    });
  });
});
