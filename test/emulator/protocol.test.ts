// Versioning, envelope/pretty, bad input of every kind, and robustness against garbage.
import { expect } from "chai";
import * as net from "node:net";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { resolveVersion } from "../../emulator/versioning";
import { Client, P, V_PROC, V_START_WITH, bearerClient, rawRequest } from "../support/emulator-client";
import { PROJECT } from "../support/seed";

describe("emulator: versioning, envelope and bad input", function () {
  let emu: RunningEmulator;
  let c: Client;
  beforeEach(async () => {
    emu = await startEmulator();
    c = await bearerClient(emu.url);
  });
  afterEach(() => emu.close());

  describe("versioning", () => {
    it("resolves to the newest version not later than the date asked", () => {
      expect(resolveVersion("application/vnd.atlas.2024-05-30+json", ["2024-05-30"])).to.equal("2024-05-30");
      expect(resolveVersion("application/vnd.atlas.2099-01-01+json", ["2023-02-01", "2024-05-30"])).to.equal("2024-05-30");
      expect(resolveVersion("application/vnd.atlas.2024-01-01+json", ["2023-02-01", "2024-05-30"])).to.equal("2023-02-01");
      expect(resolveVersion("application/vnd.atlas.2024-05-29+json", ["2024-05-30"])).to.equal(undefined);
      expect(resolveVersion("application/json", ["2024-05-30"])).to.equal(undefined);
      expect(resolveVersion("application/vnd.atlas.2024-02-30+json", ["2023-02-01"])).to.equal(undefined);
      expect(resolveVersion("text/plain, application/vnd.atlas.2025-01-01+json;q=0.9", ["2024-05-30"])).to.equal("2024-05-30");
    });

    it("serves a later date with the endpoint's newest version and names the date asked for in Content-Type, as Atlas", async () => {
      const r = await c.request("GET", `${P}/processor/orders`, { accept: "application/vnd.atlas.2025-03-12+json" });
      expect(r.status).to.equal(200);
      expect(r.headers["content-type"]).to.equal("application/vnd.atlas.2025-03-12+json;charset=utf-8");
      const s = await c.request("POST", `${P}/processor/orders:start`, { accept: "application/vnd.atlas.2025-03-12+json" });
      expect(s.headers["content-type"]).to.equal("application/vnd.atlas.2025-03-12+json;charset=utf-8");
    });

    it("answers 406 ApiError without a versioned Accept or with a date before the first version", async () => {
      for (const accept of ["application/json", "*/*", "application/vnd.atlas.2024-05-29+json", "application/vnd.atlas.2024-13-01+json"]) {
        const r = await c.request("GET", `${P}/processor/orders`, { accept });
        expect(r.status, accept).to.equal(406);
        expect(r.json.error).to.equal(406);
        expect(r.json.errorCode, accept).to.equal("INVALID_VERSION_DATE");
      }
      expect((await c.request("GET", `${P}/processor/orders`)).status).to.equal(406);
      // startWith exists only from 2025-03-12.
      const sw = await c.request("POST", `${P}/processor/orders:startWith`, { accept: V_PROC });
      expect(sw.status).to.equal(406);
      expect(emu.admin.getProcessor(PROJECT, "demo-workspace", "orders")!.state).to.equal("CREATED");
      expect((await c.request("POST", `${P}/processor/orders:startWith`, { accept: V_START_WITH })).status).to.equal(200);
    });
  });

  describe("envelope and pretty", () => {
    it("wraps a single result as {status, content} with HTTP 200", async () => {
      const r = await c.request("GET", `${P}/processor/orders?envelope=true`, { accept: V_PROC });
      expect(r.status).to.equal(200);
      expect(r.json.status).to.equal(200);
      expect(r.json.content.name).to.equal("orders");
    });

    it("adds status into a list result", async () => {
      const r = await c.request("GET", `${P}/processors?envelope=true`, { accept: V_PROC });
      expect(r.json.status).to.equal(200);
      expect(r.json.results).to.have.length(3);
      expect(r.json).to.not.have.property("content");
    });

    it("envelopes errors too: HTTP 200 carrying the status and the ApiError", async () => {
      const r = await c.request("GET", `${P}/processor/nope?envelope=true`, { accept: V_PROC });
      expect(r.status).to.equal(200);
      expect(r.json.status).to.equal(404);
      expect(r.json.content.error).to.equal(404);
      const d = await c.request("DELETE", `${P}/processor/orders?envelope=true`, { accept: V_PROC });
      expect(d.status).to.equal(200);
      expect(d.json).to.deep.equal({ status: 204 });
    });

    it("indents with pretty=true and not otherwise", async () => {
      const p = await c.request("GET", `${P}/processor/orders?pretty=true`, { accept: V_PROC });
      expect(p.text).to.include('\n  "_id"');
      const n = await c.request("GET", `${P}/processor/orders`, { accept: V_PROC });
      expect(n.text).to.not.include("\n");
    });

    it("rejects a non-boolean envelope flag with 400", async () => {
      expect((await c.request("GET", `${P}/processor/orders?envelope=yes`, { accept: V_PROC })).status).to.equal(400);
    });
  });

  describe("bad input", () => {
    it("400 for an invalid group id, 404 for an unknown project, processor or route, 405 for a wrong method", async () => {
      const bad = await c.request("GET", `/api/atlas/v2/groups/XYZ/streams/demo-workspace/processors`, { accept: V_PROC });
      expect(bad.status).to.equal(400);
      expect(
        (await c.request("GET", `/api/atlas/v2/groups/aaaaaaaaaaaaaaaaaaaaaaaa/streams/demo-workspace/processors`, { accept: V_PROC }))
          .status,
      ).to.equal(404);
      const np = await c.request("GET", `${P}/processor/ghost`, { accept: V_PROC });
      expect(np.status).to.equal(404);
      expect(np.json.error).to.equal(404);
      expect((await c.request("GET", `${P}/nothing-here`, { accept: V_PROC })).status).to.equal(404);
      expect((await c.request("GET", `/elsewhere`, { accept: V_PROC })).status).to.equal(404);
      const m = await c.request("PUT", `${P}/processor/orders`, { accept: V_PROC, body: {} });
      expect(m.status).to.equal(405);
      expect(m.headers.allow).to.equal("GET, PATCH, DELETE");
      expect(m.json.error).to.equal(405);
      expect((await c.request("GET", `${P}/processor/orders:start`, { accept: V_PROC })).status).to.equal(405);
    });

    it("400 with badRequestDetail for malformed JSON and wrong field types", async () => {
      const cases: Array<[unknown, string]> = [
        ["{not json", "body"],
        ["[1,2]", "body"],
        [{ name: 42, pipeline: [] }, "name"],
        [{ name: "x" }, "pipeline"],
        [{ name: "x", pipeline: [] }, "pipeline"],
        [{ name: "x", pipeline: [1] }, "pipeline[0]"],
        [{ name: "x", pipeline: [{ $source: {} }], tier: "SP1000" }, "tier"],
        [{ name: "x", pipeline: [{ $source: {} }], options: { dlq: { db: 5 } } }, "options.dlq.db"],
        [{ name: "x", pipeline: [{ $source: {} }], surprise: true }, "surprise"],
        [{ name: "x", pipeline: [{ $source: {} }], failoverEnabled: "yes" }, "failoverEnabled"],
      ];
      for (const [body, field] of cases) {
        const r = await c.request("POST", `${P}/processor`, { accept: V_PROC, body });
        expect(r.status, JSON.stringify(body)).to.equal(400);
        expect(r.headers["content-type"]).to.equal("application/json");
        expect(r.json.badRequestDetail.fields[0].field, JSON.stringify(body)).to.equal(field);
      }
      const sw = await c.request("POST", `${P}/processor/orders:startWith`, {
        accept: V_START_WITH,
        body: { startAtOperationTime: "yesterday" },
      });
      expect(sw.status).to.equal(400);
      expect(sw.json.badRequestDetail.fields[0].field).to.equal("startAtOperationTime");
      const pa = await c.request("PATCH", `${P}/processor/payments`, { accept: V_PROC, body: { pipeline: "x" } });
      expect(pa.status).to.equal(400);
    });

    it("413 for a body over 1 MiB", async () => {
      const big = JSON.stringify({ name: "big", pipeline: [{ $source: { pad: "x".repeat(1024 * 1024 + 10) } }] });
      const r = await c.request("POST", `${P}/processor`, { accept: V_PROC, body: big });
      expect(r.status).to.equal(413);
      expect(r.json.error).to.equal(413);
      expect(emu.admin.getProcessor(PROJECT, "demo-workspace", "big")).to.equal(undefined);
    });

    it("survives garbage: bad escapes, odd methods, huge headers, raw junk, and keeps serving", async () => {
      const junk = [
        `${P}/processor/%zz`,
        `${P}/processor/%E0%A4%A`,
        `/api/atlas/v2/groups/%zz/streams`,
        `${P}/processor/${"a".repeat(5000)}`,
        `${P}/processors?itemsPerPage=%zz&pageNum=%`,
        `/api/atlas/v2/groups//streams//processor/`,
        `/admin/processors/%zz/x/y`,
      ];
      for (const p of junk) {
        const r = await c.request("GET", p, { accept: V_PROC });
        expect(r.status, p).to.be.within(400, 499);
        expect(r.json?.error, p).to.equal(r.status);
      }
      const weird = await c.request("BREW", `${P}/processor/orders`, { accept: V_PROC });
      expect(weird.status).to.be.within(400, 499);
      const huge = await rawRequest(emu.url, "GET", `${P}/processors`, {
        headers: { Accept: V_PROC, "X-Big": "y".repeat(64 * 1024) },
      }).catch((e: Error) => e);
      if (!(huge instanceof Error)) expect(huge.status).to.equal(431);
      for (const payload of ["GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\nHost: x\r\n\r\n", "\u0000\u0001\u0002\r\n\r\n"]) {
        await new Promise<void>((resolve) => {
          const s = net.connect(Number(new URL(emu.url).port), "127.0.0.1", () => s.end(payload));
          s.on("data", () => undefined);
          s.on("close", () => resolve());
          s.on("error", () => resolve());
        });
      }
      for (const body of [
        "\u0000\u00ff",
        "null",
        '{"name":"x","pipeline":[{"$source":{}}],"__proto__":{"polluted":true}}',
        "9".repeat(10000),
      ]) {
        const r = await c.request("POST", `${P}/processor`, { accept: V_PROC, body });
        expect(r.status, body.slice(0, 20)).to.equal(400);
      }
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
      expect((await c.request("GET", `${P}/processor/orders`, { accept: V_PROC })).status).to.equal(200);
    });
  });
});
