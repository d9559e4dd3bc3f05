// Workspace, connection and processor bodies as recorded from Atlas (key order, fields always
// present, no `links`), workspace delete, and connections that read PENDING before READY.
import { expect } from "chai";
import { G, P, V_PROC, V_WS, emulatorPerTest } from "../support/emulator-client";

const STREAMS = `/api/atlas/v2/groups/${G}/streams`;
const KAFKA = {
  name: "kafka1",
  type: "Kafka",
  bootstrapServers: "broker:9092",
  authentication: { mechanism: "PLAIN", username: "u", password: "secret-pw" },
  security: { protocol: "SASL_SSL" },
};

describe("bodies as Atlas answers them", function () {
  const f = emulatorPerTest();

  describe("Workspace bodies as recorded", () => {
    it("keys _id, dataProcessRegion, failoverRegions, groupId, hostnames, name, streamConfig; failoverRegions [] when none; no links", async () => {
      await f.start();
      const r = await f.c.request("GET", P, { accept: V_WS });
      expect(Object.keys(r.json)).to.deep.equal([
        "_id",
        "dataProcessRegion",
        "failoverRegions",
        "groupId",
        "hostnames",
        "name",
        "streamConfig",
      ]);
      expect(r.json.failoverRegions).to.deep.equal([]);
      expect(r.json.streamConfig).to.deep.equal({ tier: "SP30" });
      const list = await f.c.request("GET", STREAMS, { accept: V_WS });
      expect(list.json.results[0]).to.not.have.property("links");
      expect(list.json.results[0].failoverRegions).to.deep.equal([]);
    });

    it("the create answer has neither links nor connections", async () => {
      await f.start();
      const r = await f.c.request("POST", STREAMS, {
        accept: V_WS,
        body: {
          name: "ws2",
          dataProcessRegion: { cloudProvider: "AWS", region: "OHIO_USA" },
          failoverRegions: [{ cloudProvider: "AWS", region: "OREGON_USA" }],
        },
      });
      expect(r.status).to.equal(200);
      expect(Object.keys(r.json)).to.deep.equal([
        "_id",
        "dataProcessRegion",
        "failoverRegions",
        "groupId",
        "hostnames",
        "name",
        "streamConfig",
      ]);
      expect(r.json.failoverRegions).to.deep.equal([{ cloudProvider: "AWS", region: "OREGON_USA" }]);
    });

    it("responses: classic keeps links and leaves failoverRegions out when there are none", async () => {
      await f.start({ responses: "classic" });
      const r = await f.c.request("GET", P, { accept: V_WS });
      expect(r.json).to.not.have.property("failoverRegions");
      expect(r.json.links).to.deep.equal([{ href: `${f.emu.url}${P}`, rel: "self" }]);
      const sp = await f.c.request("GET", `${P}/processor/orders`, { accept: V_PROC });
      expect(sp.json.links).to.have.length(1);
    });
  });

  describe("Workspace delete", () => {
    it("answers 202 {} for a workspace without processors; it is then gone", async () => {
      await f.start();
      await f.c.request("POST", STREAMS, {
        accept: V_WS,
        body: { name: "empty", dataProcessRegion: { cloudProvider: "AWS", region: "OHIO_USA" } },
      });
      const r = await f.c.request("DELETE", `${STREAMS}/empty`, { accept: V_WS });
      expect(r.status).to.equal(202);
      expect(r.text).to.equal("{}");
      expect((await f.c.request("GET", `${STREAMS}/empty`, { accept: V_WS })).status).to.equal(404);
    });

    it("answers 403 STREAM_TENANT_HAS_STREAM_PROCESSORS while processors remain, and deletes nothing", async () => {
      await f.start();
      const r = await f.c.request("DELETE", P, { accept: V_WS });
      expect(r.status).to.equal(403);
      expect(r.headers["x-error-code"]).to.equal("STREAM_TENANT_HAS_STREAM_PROCESSORS");
      expect(r.json.errorCode).to.equal("STREAM_TENANT_HAS_STREAM_PROCESSORS");
      expect(r.json.parameters).to.deep.equal(["demo-workspace"]);
      expect((await f.c.request("GET", P, { accept: V_WS })).status).to.equal(200);
    });
  });

  describe("Connection bodies as recorded", () => {
    it("carry id (24 hex), the workspace's region, networking PUBLIC by default and state; no links, no secrets", async () => {
      await f.start();
      const list = await f.c.request("GET", `${P}/connections`, { accept: V_WS });
      const [sample] = list.json.results;
      expect(sample).to.deep.equal({
        id: sample.id,
        name: "sample_stream_solar",
        type: "Sample",
        networking: { access: { type: "PUBLIC" } },
        region: "VIRGINIA_USA",
        state: "READY",
      });
      expect(sample.id).to.match(/^[a-f0-9]{24}$/);
      const created = await f.c.request("POST", `${P}/connections`, { accept: V_WS, body: KAFKA });
      expect(created.status).to.equal(200);
      expect(created.json.id).to.match(/^[a-f0-9]{24}$/);
      expect(created.json.state).to.equal("READY");
      expect(created.json.region).to.equal("VIRGINIA_USA");
      expect(created.json.networking).to.deep.equal({ access: { type: "PUBLIC" } });
      expect(created.json).to.not.have.property("links");
      expect(created.text).to.not.include("secret-pw");
      const got = await f.c.request("GET", `${P}/connections/kafka1`, { accept: V_WS });
      expect(got.json.id).to.equal(created.json.id);
    });

    it("a PATCH answer has no state; the id stays", async () => {
      await f.start();
      const created = await f.c.request("POST", `${P}/connections`, { accept: V_WS, body: KAFKA });
      const r = await f.c.request("PATCH", `${P}/connections/kafka1`, { accept: V_WS, body: { bootstrapServers: "other:9092" } });
      expect(r.status).to.equal(200);
      expect(r.json).to.not.have.property("state");
      expect(r.json.bootstrapServers).to.equal("other:9092");
      expect(r.json.id).to.equal(created.json.id);
    });

    it("responses: classic keeps links and state READY, without id", async () => {
      await f.start({ responses: "classic" });
      const list = await f.c.request("GET", `${P}/connections`, { accept: V_WS });
      expect(list.json.results[0]).to.deep.equal({
        name: "sample_stream_solar",
        type: "Sample",
        state: "READY",
        links: [{ href: `${f.emu.url}${P}/connections/sample_stream_solar`, rel: "self" }],
      });
    });
  });

  describe("Connection states PENDING then READY", () => {
    it("with connectionPendingMs a new connection reads PENDING and a processor naming it is refused, then READY and accepted", async () => {
      let t = Date.parse("2026-01-01T00:00:00Z");
      await f.start({ connectionPendingMs: 30_000, now: () => t });
      const created = await f.c.request("POST", `${P}/connections`, { accept: V_WS, body: KAFKA });
      expect(created.json.state).to.equal("PENDING");
      const ws = await f.c.request("GET", `${P}?includeConnections=true`, { accept: V_WS });
      expect(ws.json.connections.find((x: { name: string }) => x.name === "kafka1").state).to.equal("PENDING");
      const body = {
        name: "reader",
        pipeline: [{ $source: { connectionName: "kafka1", topic: "t" } }, { $emit: { connectionName: "__testLog" } }],
      };
      const refused = await f.c.request("POST", `${P}/processor`, { accept: V_PROC, body });
      expect(refused.status).to.equal(400);
      expect(refused.json.detail).to.equal(
        "Streams Processor with this name (reader) had a problem occur: connection named kafka1 does not exist. Check sp.listConnections() for available connections.",
      );
      t += 30_000;
      expect((await f.c.request("GET", `${P}/connections/kafka1`, { accept: V_WS })).json.state).to.equal("READY");
      expect((await f.c.request("POST", `${P}/processor`, { accept: V_PROC, body })).status).to.equal(200);
    });

    it("by default a connection is READY and usable at once", async () => {
      await f.start();
      const created = await f.c.request("POST", `${P}/connections`, { accept: V_WS, body: KAFKA });
      expect(created.json.state).to.equal("READY");
      const body = { name: "reader", pipeline: [{ $source: { connectionName: "kafka1" } }, { $emit: { connectionName: "__testLog" } }] };
      expect((await f.c.request("POST", `${P}/processor`, { accept: V_PROC, body })).status).to.equal(200);
    });
  });

  describe("Processor bodies as recorded", () => {
    it("carry no links, on GET, list, create and PATCH", async () => {
      await f.start();
      expect((await f.c.request("GET", `${P}/processor/orders`, { accept: V_PROC })).json).to.not.have.property("links");
      const list = await f.c.request("GET", `${P}/processors`, { accept: V_PROC });
      expect(list.json.results.some((x: Record<string, unknown>) => "links" in x)).to.equal(false);
      const body = {
        name: "fresh",
        pipeline: [{ $source: { connectionName: "sample_stream_solar" } }, { $emit: { connectionName: "__testLog" } }],
      };
      expect((await f.c.request("POST", `${P}/processor`, { accept: V_PROC, body })).json).to.not.have.property("links");
      expect((await f.c.request("PATCH", `${P}/processor/fresh`, { accept: V_PROC, body: { tier: "SP10" } })).json).to.not.have.property(
        "links",
      );
    });
  });
});
