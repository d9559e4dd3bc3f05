// Recorded slow answers: PATCH's 504 after applying (sync mode), create's late "internal error"
// 400 (a processor-error fault with a delay, applied or not), and the recorded rate-limit numbers.
import { expect } from "chai";
import { parseArgs } from "../../emulator/cli";
import { P, V_PROC, WS, admin, emulatorPerTest } from "../support/emulator-client";

const PIPELINE = [{ $source: { connectionName: "sample_stream_solar" } }, { $emit: { connectionName: "__testLog" } }];

describe("timeouts, refusals and rate limits as recorded", function () {
  const f = emulatorPerTest();

  describe("PATCH times out after applying (sync mode, modifyTimeoutMs)", () => {
    it("answers 504 STREAM_PROCESSOR_TIMEOUT after modifyTimeoutMs, naming the workspace; the change is made", async () => {
      await f.start({ actionMode: "sync", modifyTimeoutMs: 80 });
      const t0 = Date.now();
      const r = await f.c.request("PATCH", `${P}/processor/orders`, { accept: V_PROC, body: { tier: "SP50" } });
      expect(Date.now() - t0).to.be.at.least(75);
      expect(r.status).to.equal(504);
      expect(r.headers["x-error-code"]).to.equal("STREAM_PROCESSOR_TIMEOUT");
      expect(r.text).to.equal(
        JSON.stringify({
          detail: `Streams Processor with this name (${WS}) timed out while processing.`,
          error: 504,
          errorCode: "STREAM_PROCESSOR_TIMEOUT",
          parameters: [WS, "orders"],
          reason: "Gateway Timeout",
        }),
      );
      expect((await f.c.request("GET", `${P}/processor/orders`, { accept: V_PROC })).json.tier).to.equal("SP50");
    });

    it("a refused PATCH answers at once; async mode never times out; null turns it off", async () => {
      await f.start({ actionMode: "sync", modifyTimeoutMs: 5_000 });
      const bad = await f.c.request("PATCH", `${P}/processor/orders`, { accept: V_PROC, body: { tier: "SP7" } });
      expect(bad.status).to.equal(400);
      expect(f.emu.admin.setActionMode({ modifyTimeoutMs: null })).to.not.have.property("modifyTimeoutMs");
      expect((await f.c.request("PATCH", `${P}/processor/orders`, { accept: V_PROC, body: { tier: "SP10" } })).status).to.equal(200);
      const s = await admin(f.emu.url, "PUT", "/admin/settings", { mode: "async", modifyTimeoutMs: 10 });
      expect(s.json).to.include({ actionMode: "async", modifyTimeoutMs: 10 });
      expect((await f.c.request("PATCH", `${P}/processor/orders`, { accept: V_PROC, body: { tier: "SP5" } })).status).to.equal(200);
    });

    it("the CLI takes --modify-timeout-ms", () => {
      expect(parseArgs(["--action-mode", "sync", "--modify-timeout-ms", "45000"])).to.include({
        actionMode: "sync",
        modifyTimeoutMs: 45000,
      });
    });
  });

  describe("create answers the late 'An internal error occurred' 400 (processor-error with latencyMs)", () => {
    const fault = (applied: boolean) => ({
      method: "POST",
      path: "*/processor",
      kind: "processor-error" as const,
      message: "An internal error occurred",
      latencyMs: 120,
      applied,
    });
    const expected = JSON.stringify({
      detail: "Streams Processor with this name (late) had a problem occur: An internal error occurred",
      error: 400,
      errorCode: "STREAM_PROCESSOR_GENERIC_ERROR",
      parameters: ["late", "An internal error occurred"],
      reason: "Bad Request",
    });

    for (const applied of [true, false]) {
      it(`answers after latencyMs with the recorded body; applied: ${applied} ${applied ? "creates it anyway" : "creates nothing"}`, async () => {
        await f.start();
        f.emu.admin.injectFault(fault(applied));
        const t0 = Date.now();
        const r = await f.c.request("POST", `${P}/processor`, { accept: V_PROC, body: { name: "late", pipeline: PIPELINE } });
        expect(Date.now() - t0).to.be.at.least(115);
        expect(r.status).to.equal(400);
        expect(r.text).to.equal(expected);
        const g = await f.c.request("GET", `${P}/processor/late`, { accept: V_PROC });
        expect(g.status).to.equal(applied ? 200 : 404);
      });
    }

    it("latencyMs also delays a status fault, and must be a number >= 0", async () => {
      await f.start();
      f.emu.admin.injectFault({ method: "GET", path: "*/processor/orders", kind: "status", status: 503, latencyMs: 100 });
      const t0 = Date.now();
      expect((await f.c.request("GET", `${P}/processor/orders`, { accept: V_PROC })).status).to.equal(503);
      expect(Date.now() - t0).to.be.at.least(95);
      const bad = await admin(f.emu.url, "POST", "/admin/faults", { method: "GET", path: "*", kind: "status", status: 500, latencyMs: -1 });
      expect(bad.status).to.equal(400);
    });
  });

  describe("Rate limits with the recorded numbers (rateLimit: atlas)", () => {
    it("capacity 1200 in one bucket per project, then 429 with a refill of 1 per 60 seconds", async () => {
      let t = Date.parse("2026-01-01T00:00:00Z");
      await f.start({ rateLimit: "atlas", now: () => t });
      const first = await f.c.request("GET", `${P}/processors`, { accept: V_PROC });
      expect(first.headers["ratelimit-limit"]).to.equal("1200");
      expect(first.headers["ratelimit-remaining"]).to.equal("1199");
      for (let sent = 1; sent < 1200; sent += 50) {
        const batch = Array.from({ length: Math.min(50, 1200 - sent) }, () =>
          f.c.request("GET", `${P}/processor/orders`, { accept: V_PROC }),
        );
        for (const r of await Promise.all(batch)) expect(r.status).to.equal(200);
      }
      const refused = await f.c.request("GET", `${P}/processors`, { accept: V_PROC });
      expect(refused.status).to.equal(429);
      expect(refused.headers["retry-after"]).to.equal("60");
      expect(refused.json.detail).to.equal(
        "Rate limit exceeded for api/atlas/v2/groups/{groupId}/streams. Please retry after 60 seconds. Request capacity: 1200. Refill rate: 1 per 60 seconds.",
      );
      t += 60_000;
      expect((await f.c.request("GET", `${P}/processors`, { accept: V_PROC })).status).to.equal(200);
      const limits = await f.c.request("GET", "/api/atlas/v2/rateLimits", { accept: "application/vnd.atlas.2025-03-12+json" });
      expect(limits.json.results[0]).to.deep.include({
        capacity: { value: 1200 },
        refillRate: { value: 1 },
        refillDurationSeconds: { value: 60 },
        scope: "GROUP",
      });
    });

    it("is available from the CLI (--rate-limit atlas, scope flag included), setRateLimit and /admin/settings", async () => {
      expect(parseArgs(["--rate-limit", "atlas"])).to.deep.include({
        rateLimit: { capacity: 1200, refillPerSecond: 1 / 60, scope: "project" },
      });
      expect(parseArgs(["--rate-limit", "atlas", "--rate-limit-scope", "credential"])).to.deep.include({
        rateLimit: { capacity: 1200, refillPerSecond: 1 / 60, scope: "credential" },
      });
      await f.start();
      f.emu.admin.setRateLimit("atlas");
      expect((await f.c.request("GET", `${P}/processors`, { accept: V_PROC })).headers["ratelimit-limit"]).to.equal("1200");
      const s = await admin(f.emu.url, "PUT", "/admin/settings", { rateLimit: "atlas" });
      expect(s.status).to.equal(200);
      expect((await f.c.request("GET", `${P}/processors`, { accept: V_PROC })).headers["ratelimit-remaining"]).to.equal("1199");
    });
  });
});
