// Fault injection (every kind, via HTTP admin and in-process), the request log, and rate limits.
import { expect } from "chai";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { globToRegExp } from "../../emulator/faults";
import { Client, G, OWNER, P, V_PROC, admin, bearerClient, fetchToken, rawRequest } from "../support/emulator-client";

describe("emulator: fault injection, request log and rate limiting", function () {
  let emu: RunningEmulator;
  let c: Client;
  beforeEach(async () => {
    emu = await startEmulator();
    c = new Client(emu.url, { kind: "digest", ...OWNER });
  });
  afterEach(() => emu.close());

  const startPath = `${P}/processor/orders:start`;

  it("status: answers the status (with headers and body) for the next N requests without applying", async () => {
    const f = await admin(emu.url, "POST", "/admin/faults", {
      method: "POST",
      path: "*/processor/orders:start",
      kind: "status",
      status: 503,
      times: 2,
      headers: { "Retry-After": "1" },
    });
    expect(f.status).to.equal(201);
    expect(f.json.id).to.be.a("string");
    for (let i = 0; i < 2; i++) {
      const r = await c.request("POST", startPath, { accept: V_PROC });
      expect(r.status).to.equal(503);
      expect(r.headers["retry-after"]).to.equal("1");
      expect(r.json.errorCode).to.equal("SERVICE_UNAVAILABLE");
      expect(emu.admin.getProcessor(G, "demo-workspace", "orders")!.state).to.equal("CREATED");
    }
    expect((await c.request("POST", startPath, { accept: V_PROC })).status).to.equal(200);
    const log = emu.admin.requests().filter((e) => e.path === startPath && e.authScheme === "digest");
    expect(log.map((e) => e.status)).to.deep.equal([503, 503, 200]);
    expect(log[0]!.fault).to.equal(f.json.id);
  });

  it("status with a custom body", async () => {
    emu.admin.injectFault({
      method: "GET",
      path: `${P}/processor/orders`,
      kind: "status",
      status: 429,
      body: { error: 429, errorCode: "RATE_LIMITED_TOKEN_BUCKET", detail: "slow down" },
    });
    const r = await c.request("GET", `${P}/processor/orders`, { accept: V_PROC });
    expect(r.status).to.equal(429);
    expect(r.json.errorCode).to.equal("RATE_LIMITED_TOKEN_BUCKET");
  });

  it("status-after-apply: the start takes effect, then the status is answered", async () => {
    emu.admin.injectFault({ method: "POST", path: startPath, kind: "status-after-apply", status: 500 });
    const r = await c.request("POST", startPath, { accept: V_PROC });
    expect(r.status).to.equal(500);
    expect(emu.admin.getProcessor(G, "demo-workspace", "orders")!.state).to.equal("STARTED");
    // A retry then meets the "already started" answer, as against Atlas.
    expect((await c.request("POST", startPath, { accept: V_PROC })).status).to.equal(400);
  });

  it("latency: delays, then proceeds normally", async () => {
    emu.admin.injectFault({ method: "GET", path: `${P}/processor/*`, kind: "latency", latencyMs: 300 });
    const t0 = Date.now();
    const r = await c.request("GET", `${P}/processor/orders`, { accept: V_PROC });
    expect(Date.now() - t0).to.be.at.least(290);
    expect(r.status).to.equal(200);
  });

  it("reset: destroys the connection without a response and without applying", async () => {
    emu.admin.injectFault({ method: "POST", path: startPath, kind: "reset" });
    const err = await c.request("POST", startPath, { accept: V_PROC }).then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e,
    );
    expect(err).to.be.instanceOf(Error);
    expect(err!.code).to.be.oneOf(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET"]);
    expect(emu.admin.getProcessor(G, "demo-workspace", "orders")!.state).to.equal("CREATED");
    expect(emu.admin.requests().some((e) => e.status === 0 && e.fault)).to.equal(true);
  });

  it("hang: never answers until the client gives up; close() still completes", async () => {
    emu.admin.injectFault({ method: "GET", path: `${P}/processors`, kind: "hang" });
    const token = (await fetchToken(emu.url)).json.access_token as string;
    const t0 = Date.now();
    const err = await rawRequest(emu.url, "GET", `${P}/processors`, {
      headers: { Accept: V_PROC, Authorization: `Bearer ${token}` },
      timeoutMs: 400,
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).to.equal("client timeout");
    expect(Date.now() - t0).to.be.at.least(390);
    // A second, hung request is still pending when the emulator closes: close() must not wait for it.
    emu.admin.injectFault({ method: "GET", path: `${P}/processors`, kind: "hang" });
    const pending = rawRequest(emu.url, "GET", `${P}/processors`, { headers: { Accept: V_PROC, Authorization: `Bearer ${token}` } }).catch(
      (e: Error) => e,
    );
    await new Promise((r) => setTimeout(r, 50));
    await emu.close();
    expect(await pending).to.be.instanceOf(Error);
  });

  it("faults apply to /api/oauth/token too", async () => {
    emu.admin.injectFault({ method: "POST", path: "/api/oauth/token", kind: "status", status: 502 });
    expect((await fetchToken(emu.url)).status).to.equal(502);
    expect((await fetchToken(emu.url)).status).to.equal(200);
  });

  it("lists, resets and validates faults over HTTP", async () => {
    await admin(emu.url, "POST", "/admin/faults", { method: "*", path: "/x", kind: "status", status: 500, times: 3 });
    const l = await admin(emu.url, "GET", "/admin/faults");
    expect(l.json.faults).to.have.length(1);
    expect(l.json.faults[0].remaining).to.equal(3);
    expect((await admin(emu.url, "DELETE", "/admin/faults")).status).to.equal(200);
    expect((await admin(emu.url, "GET", "/admin/faults")).json.faults).to.have.length(0);
    const bad = await admin(emu.url, "POST", "/admin/faults", { method: "GET", path: "/x", kind: "explode" });
    expect(bad.status).to.equal(400);
    expect(bad.json.detail).to.match(/kind/);
  });

  it("glob paths: * matches any run of characters, anchored at both ends", () => {
    expect(globToRegExp("*/processor/orders:start").test(startPath)).to.equal(true);
    expect(globToRegExp("*/processor/orders:start").test(`${startPath}With`)).to.equal(false);
    expect(globToRegExp("/a.b").test("/aXb")).to.equal(false);
  });

  it("admin reset clears faults and the request log; the log survives normal traffic bounded", async () => {
    emu.admin.injectFault({ method: "GET", path: "*", kind: "status", status: 500, times: 5 });
    await c.request("GET", `${P}/processors`, { accept: V_PROC });
    expect((await admin(emu.url, "POST", "/admin/reset")).status).to.equal(200);
    expect(emu.admin.requests()).to.have.length(0);
    expect((await c.request("GET", `${P}/processors`, { accept: V_PROC })).status).to.equal(200);
    const log = await admin(emu.url, "GET", "/admin/requests");
    expect(log.json.requests.at(-1)).to.include({
      method: "GET",
      path: `${P}/processors`,
      status: 200,
      authScheme: "digest",
      principal: "demo-public-key",
    });
    expect((await admin(emu.url, "DELETE", "/admin/requests")).status).to.equal(200);
    expect((await admin(emu.url, "GET", "/admin/requests")).json.requests).to.have.length(0);
  });

  it("admin state, seed, processor state and settings over HTTP", async () => {
    const st = await admin(emu.url, "GET", "/admin/state");
    expect(JSON.stringify(st.json)).to.not.include("demo-private-key");
    expect(JSON.stringify(st.json)).to.not.include("mdb_sa_sk_demo");
    expect(st.json.projects[0].workspaces[0].processors.map((p: any) => p.name)).to.deep.equal(["orders", "payments", "inventory"]);
    const seeded = await admin(emu.url, "POST", "/admin/seed", {
      projects: [
        {
          id: G,
          workspaces: [
            {
              name: "demo-workspace",
              processors: [{ name: "extra", pipeline: [{ $source: { connectionName: "sample_stream_solar" } }], state: "STOPPED" }],
            },
          ],
        },
      ],
    });
    expect(seeded.status).to.equal(200);
    expect((await c.request("GET", `${P}/processor/extra`, { accept: V_PROC })).json.state).to.equal("STOPPED");
    const put = await admin(emu.url, "PUT", `/admin/processors/${G}/demo-workspace/extra/state`, { state: "STARTED" });
    expect(put.status).to.equal(200);
    expect((await admin(emu.url, "GET", `/admin/processors/${G}/demo-workspace/extra`)).json.state).to.equal("STARTED");
    expect((await admin(emu.url, "GET", `/admin/processors/${G}/demo-workspace/ghost`)).status).to.equal(404);
    expect((await admin(emu.url, "POST", "/admin/seed", { projects: [{ id: "bad" }] })).status).to.equal(400);
    expect((await admin(emu.url, "PUT", "/admin/settings", { transitionMs: 10000, transitionalStates: true })).status).to.equal(200);
    await c.request("POST", startPath, { accept: V_PROC });
    expect((await c.request("GET", `${P}/processor/orders`, { accept: V_PROC })).json.state).to.equal("STARTING");
    expect((await admin(emu.url, "GET", "/admin/nothing")).status).to.equal(404);
    expect((await rawRequest(emu.url, "POST", "/admin/seed", { body: "{oops" })).status).to.equal(400);
  });

  describe("rate limiting", () => {
    it("is off by default", async () => {
      const b = await bearerClient(emu.url);
      for (let i = 0; i < 50; i++) expect((await b.request("GET", `${P}/processors`, { accept: V_PROC })).status).to.equal(200);
    });

    it("with scope credential: answers 429 RATE_LIMITED_TOKEN_BUCKET with Retry-After and RateLimit headers, per credential, and refills", async () => {
      await admin(emu.url, "PUT", "/admin/settings", { rateLimit: { capacity: 3, refillPerSecond: 5, scope: "credential" } });
      const b = await bearerClient(emu.url);
      const seen = [];
      for (let i = 0; i < 4; i++) seen.push(await b.request("GET", `${P}/processors`, { accept: V_PROC }));
      expect(seen.map((r) => r.status)).to.deep.equal([200, 200, 200, 429]);
      expect(seen.map((r) => r.headers["ratelimit-remaining"])).to.deep.equal(["2", "1", "0", "0"]);
      expect(seen[3]!.headers["ratelimit-limit"]).to.equal("3");
      expect(seen[3]!.headers["retry-after"]).to.equal("1");
      expect(seen[3]!.json.errorCode).to.equal("RATE_LIMITED_TOKEN_BUCKET");
      // Another credential has its own bucket.
      expect((await c.request("GET", `${P}/processors`, { accept: V_PROC })).status).to.equal(200);
      await new Promise((r) => setTimeout(r, 250));
      expect((await b.request("GET", `${P}/processors`, { accept: V_PROC })).status).to.equal(200);
      emu.admin.setRateLimit(false);
      for (let i = 0; i < 5; i++) expect((await b.request("GET", `${P}/processors`, { accept: V_PROC })).status).to.equal(200);
    });
  });
});
