// The connections API (`…/streams/{tenantName}/connections`), as Atlas's SDK and the official
// Terraform resource use it: list, get, create, update and delete, with the propagation delay a
// new connection has before processors may name it.
import { expect } from "chai";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { Client, OWNER, P, READONLY, V_PROC, V_WS, bearerClient } from "../support/emulator-client";

const C = `${P}/connections`;
const KAFKA = {
  name: "orders_kafka",
  type: "Kafka",
  bootstrapServers: "broker-1:9092,broker-2:9092",
  authentication: { mechanism: "PLAIN", username: "streams", password: "kafka-secret-password" },
  security: { protocol: "SASL_SSL" },
  config: { "auto.offset.reset": "earliest" },
};

describe("emulator: the connections API", function () {
  let emu: RunningEmulator;
  let c: Client;
  let now = Date.now();
  const get = (name: string) => c.request("GET", `${C}/${name}`, { accept: V_WS });
  const create = (body: unknown) => c.request("POST", C, { accept: V_WS, body });
  const update = (name: string, body: unknown) => c.request("PATCH", `${C}/${name}`, { accept: V_WS, body });
  const remove = (name: string) => c.request("DELETE", `${C}/${name}`, { accept: V_WS });
  const names = async () => (await c.request("GET", C, { accept: V_WS })).json.results.map((x: { name: string }) => x.name);

  async function start(options: Parameters<typeof startEmulator>[0] = {}) {
    emu = await startEmulator({ quiet: true, ...options });
    c = new Client(emu.url, { kind: "digest", ...OWNER });
  }
  afterEach(() => emu?.close());

  describe("list and get", () => {
    beforeEach(() => start());

    it("lists the seeded connection as READY, with Atlas's page links and totalCount", async () => {
      const r = await c.request("GET", `${C}?itemsPerPage=1`, { accept: V_WS });
      expect(r.status).to.equal(200);
      expect(r.headers["content-type"]).to.equal(`${V_WS};charset=utf-8`);
      expect(r.json.totalCount).to.equal(1);
      expect(r.json.results).to.have.length(1);
      expect(r.json.results[0]).to.include({ name: "sample_stream_solar", type: "Sample", state: "READY" });
      expect(r.json.links.map((l: { rel: string }) => l.rel)).to.deep.equal(["self"]);
    });

    it("gets one connection, and answers 404 naming an unknown one", async () => {
      expect((await get("sample_stream_solar")).json).to.include({ name: "sample_stream_solar", type: "Sample" });
      const r = await get("nope");
      expect(r.status).to.equal(404);
      expect(r.json.parameters).to.deep.equal(["nope", "demo-workspace"]);
    });

    it("serves a later Accept date with the connections' 2023-02-01 version, naming the date asked for", async () => {
      const r = await c.request("GET", C, { accept: V_PROC });
      expect(r.status).to.equal(200);
      expect(r.headers["content-type"]).to.equal(`${V_PROC};charset=utf-8`);
    });
  });

  describe("create", () => {
    beforeEach(() => start());

    it("stores the connection and never shows its password", async () => {
      const r = await create(KAFKA);
      expect(r.status).to.equal(200);
      expect(r.json).to.include({ name: KAFKA.name, type: "Kafka", bootstrapServers: KAFKA.bootstrapServers, state: "READY" });
      expect(r.json.authentication).to.deep.equal({ mechanism: "PLAIN", username: "streams" });
      expect(r.json.config).to.deep.equal(KAFKA.config);
      const read = await get(KAFKA.name);
      expect(read.json).to.deep.equal(r.json);
      expect(read.text + r.text).not.to.include(KAFKA.authentication.password);
      expect(await names()).to.deep.equal(["sample_stream_solar", KAFKA.name]);
    });

    it("answers 409 for a name the workspace has, and keeps the first", async () => {
      await create(KAFKA);
      const r = await create({ ...KAFKA, bootstrapServers: "other:9092" });
      expect(r.status).to.equal(409);
      expect(r.json.errorCode).to.equal("STREAM_CONNECTION_ALREADY_EXISTS");
      expect((await get(KAFKA.name)).json.bootstrapServers).to.equal(KAFKA.bootstrapServers);
    });

    const refusals: { name: string; body: unknown; field: string; errorCode: string; says: string }[] = [
      { name: "no name", body: { type: "Sample" }, field: "name", errorCode: "MISSING_ATTRIBUTE", says: "is required" },
      { name: "no type", body: { name: "x" }, field: "type", errorCode: "MISSING_ATTRIBUTE", says: "is required" },
      { name: "an unknown type", body: { name: "x", type: "Mqtt" }, field: "type", errorCode: "INVALID_ATTRIBUTE", says: "must be one of" },
      {
        name: "an attribute of another type",
        body: { name: "x", type: "Sample", clusterName: "Cluster0" },
        field: "clusterName",
        errorCode: "INVALID_ATTRIBUTE",
        says: "belongs to Cluster",
      },
      {
        name: "an unknown attribute",
        body: { name: "x", type: "Sample", colour: "red" },
        field: "colour",
        errorCode: "INVALID_ATTRIBUTE",
        says: "not a recognised",
      },
      { name: "a bad name", body: { name: "a b", type: "Sample" }, field: "name", errorCode: "INVALID_ATTRIBUTE", says: "letters, digits" },
      {
        name: "a Schema Registry without its URLs",
        body: { name: "x", type: "SchemaRegistry", provider: "CONFLUENT", schemaRegistryAuthentication: { type: "USER_INFO" } },
        field: "schemaRegistryUrls",
        errorCode: "MISSING_ATTRIBUTE",
        says: "is required for a SchemaRegistry connection",
      },
      {
        name: "a Kafka config value that is not a string",
        body: { name: "x", type: "Kafka", config: { "linger.ms": 5 } },
        field: "config.linger.ms",
        errorCode: "INVALID_ATTRIBUTE",
        says: "must be a string",
      },
    ];
    for (const t of refusals) {
      it(`answers 400 naming ${t.field} for ${t.name}, and creates nothing`, async () => {
        const r = await create(t.body);
        expect(r.status).to.equal(400);
        expect(r.json.errorCode).to.equal(t.errorCode);
        expect(r.json.badRequestDetail.fields[0].field).to.equal(t.field);
        expect(r.json.parameters).to.deep.equal([t.field]);
        expect(r.json.detail).to.include(t.says);
        expect(await names()).to.deep.equal(["sample_stream_solar"]);
      });
    }

    it("refuses a read-only key with 403, and lets it read", async () => {
      const ro = new Client(emu.url, { kind: "digest", ...READONLY });
      expect((await ro.request("POST", C, { accept: V_WS, body: KAFKA })).status).to.equal(403);
      expect((await ro.request("GET", C, { accept: V_WS })).status).to.equal(200);
      expect(await names()).to.deep.equal(["sample_stream_solar"]);
    });

    it("works with a service account's bearer token too", async () => {
      const b = await bearerClient(emu.url);
      expect((await b.request("POST", C, { accept: V_WS, body: { name: "solar2", type: "Sample" } })).status).to.equal(200);
      expect((await b.request("GET", `${C}/solar2`, { accept: V_WS })).json.type).to.equal("Sample");
    });
  });

  describe("when a processor names a connection created moments ago", () => {
    it("refuses the processor until the propagation delay has passed", async () => {
      now = 1_800_000_000_000;
      await start({ connectionPropagationMs: 5_000, now: () => now });
      expect((await create({ name: "fresh_source", type: "Sample" })).status).to.equal(200);
      const processor = {
        name: "p1",
        pipeline: [{ $source: { connectionName: "fresh_source" } }, { $emit: { connectionName: "__testLog" } }],
      };
      const early = await c.request("POST", `${P}/processor`, { accept: V_PROC, body: processor });
      expect(early.status).to.equal(400);
      expect(early.json.detail).to.include("connection named fresh_source does not exist");
      now += 5_000;
      expect((await c.request("POST", `${P}/processor`, { accept: V_PROC, body: processor })).status).to.equal(200);
    });
  });

  describe("update", () => {
    beforeEach(() => start());

    it("replaces the attributes it is sent and keeps the others", async () => {
      await create(KAFKA);
      const r = await update(KAFKA.name, { bootstrapServers: "broker-3:9092" });
      expect(r.status).to.equal(200);
      expect(r.json.bootstrapServers).to.equal("broker-3:9092");
      expect(r.json.security).to.deep.equal(KAFKA.security);
      expect((await get(KAFKA.name)).json.bootstrapServers).to.equal("broker-3:9092");
    });

    it("refuses a new name or type with 400 naming the field, and changes nothing", async () => {
      await create(KAFKA);
      for (const [field, body] of [
        ["name", { name: "renamed" }],
        ["type", { type: "Cluster" }],
      ] as const) {
        const r = await update(KAFKA.name, body);
        expect(r.status).to.equal(400);
        expect(r.json.badRequestDetail.fields[0].field).to.equal(field);
      }
      expect(await names()).to.deep.equal(["sample_stream_solar", KAFKA.name]);
      expect((await get(KAFKA.name)).json.type).to.equal("Kafka");
    });

    it("judges attributes by the stored type", async () => {
      await create(KAFKA);
      const r = await update(KAFKA.name, { clusterName: "Cluster0" });
      expect(r.status).to.equal(400);
      expect(r.json.detail).to.include("not an attribute of a Kafka connection");
    });

    it("answers 404 for an unknown connection", async () => {
      expect((await update("nope", { bootstrapServers: "x:1" })).status).to.equal(404);
    });
  });

  describe("delete", () => {
    beforeEach(() => start());

    it("answers 202 and the connection is gone", async () => {
      await create(KAFKA);
      const r = await remove(KAFKA.name);
      expect(r.status).to.equal(202);
      expect((await get(KAFKA.name)).status).to.equal(404);
      expect(await names()).to.deep.equal(["sample_stream_solar"]);
    });

    it("refuses with 409 naming the processors that use it, and keeps it", async () => {
      const r = await remove("sample_stream_solar");
      expect(r.status).to.equal(409);
      expect(r.json.detail).to.include("orders");
      expect(r.json.parameters[0]).to.equal("sample_stream_solar");
      expect((await get("sample_stream_solar")).status).to.equal(200);
    });

    it("answers 404 for an unknown connection", async () => {
      expect((await remove("nope")).status).to.equal(404);
    });
  });
});
