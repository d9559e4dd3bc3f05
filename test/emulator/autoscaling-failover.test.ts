// Vertical autoscaling (`options.autoscaling`, `:startWith`'s `autoscaling`), the read-only
// `effectiveTier` and `eligibleForFailover`, and PATCH's "left out is kept, null resets".
import { expect } from "chai";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { G, P, V_PROC, V_START_WITH, WS, admin, bearerClient, type Client } from "../support/emulator-client";

const PIPELINE = [{ $source: { connectionName: "sample_stream_solar" } }, { $emit: { connectionName: "__testLog" } }];
const AUTO = { enabled: true, minTier: "SP5", maxTier: "SP30" };
const DLQ = { connectionName: "__testLog", db: "d", coll: "c" };

describe("processor autoscaling, effectiveTier and eligibleForFailover", function () {
  let emu: RunningEmulator;
  let c: Client;
  beforeEach(async () => {
    emu = await startEmulator({ quiet: true });
    c = await bearerClient(emu.url);
  });
  afterEach(() => emu.close());

  const create = (body: Record<string, unknown>, base = P) =>
    c.request("POST", `${base}/processor`, { accept: V_PROC, body: { name: "auto", pipeline: PIPELINE, ...body } });
  const get = (name = "auto", base = P) => c.request("GET", `${base}/processor/${name}`, { accept: V_PROC });
  const patch = (body: unknown, name = "auto") => c.request("PATCH", `${P}/processor/${name}`, { accept: V_PROC, body });
  const invalid = (r: { status: number; json: any }, field: string) => {
    expect(r.status).to.equal(400);
    expect(r.json.errorCode).to.equal("INVALID_ATTRIBUTE");
    expect(r.json.parameters).to.deep.equal([field]);
  };

  describe("options.autoscaling on create and PATCH", () => {
    it("is stored and shown back as {enabled, minTier, maxTier}, in that order", async () => {
      const r = await create({ options: { autoscaling: { maxTier: "SP30", enabled: true, minTier: "SP5" } } });
      expect(r.status, r.text).to.equal(200);
      const g = await get();
      expect(g.text).to.include('"autoscaling":{"enabled":true,"minTier":"SP5","maxTier":"SP30"}');
      expect(g.json.options).to.deep.equal({ autoscaling: AUTO });
    });

    it("needs all three fields, tiers from the enum, and minTier not above maxTier (400 INVALID_ATTRIBUTE naming the field)", async () => {
      invalid(await create({ options: { autoscaling: { enabled: true, minTier: "SP5" } } }), "options.autoscaling.maxTier");
      invalid(await create({ options: { autoscaling: { minTier: "SP5", maxTier: "SP10" } } }), "options.autoscaling.enabled");
      invalid(
        await create({ options: { autoscaling: { enabled: "yes", minTier: "SP5", maxTier: "SP10" } } }),
        "options.autoscaling.enabled",
      );
      invalid(
        await create({ options: { autoscaling: { enabled: true, minTier: "SP3", maxTier: "SP10" } } }),
        "options.autoscaling.minTier",
      );
      invalid(await create({ options: { autoscaling: { enabled: true, minTier: "SP5", maxTier: "M10" } } }), "options.autoscaling.maxTier");
      invalid(
        await create({ options: { autoscaling: { enabled: true, minTier: "SP30", maxTier: "SP10" } } }),
        "options.autoscaling.minTier",
      );
      invalid(await create({ options: { autoscaling: { ...AUTO, extra: 1 } } }), "options.autoscaling.extra");
      invalid(await create({ options: { autoscaling: "on" } }), "options.autoscaling");
      expect((await get()).status).to.equal(404);
    });

    it("refuses a maxTier above the workspace's maxTierSize (400 STREAM_PROCESSOR_GENERIC_ERROR), on create and PATCH", async () => {
      emu.admin.seed({
        projects: [
          { id: G, workspaces: [{ name: "capped", maxTierSize: "SP10", connections: [{ name: "sample_stream_solar", type: "Sample" }] }] },
        ],
      });
      const base = `/api/atlas/v2/groups/${G}/streams/capped`;
      const r = await create({ options: { autoscaling: AUTO } }, base);
      expect(r.status).to.equal(400);
      expect(r.json.errorCode).to.equal("STREAM_PROCESSOR_GENERIC_ERROR");
      expect(r.json.detail).to.equal(
        "Streams Processor with this name (auto) had a problem occur: autoscaling maxTier SP30 exceeds the maxTierSize SP10 of stream workspace capped",
      );
      expect((await create({ options: { autoscaling: { ...AUTO, maxTier: "SP10" } } }, base)).status).to.equal(200);
      const p = await c.request("PATCH", `${base}/processor/auto`, { accept: V_PROC, body: { options: { autoscaling: AUTO } } });
      expect(p.status).to.equal(400);
      expect(p.json.errorCode).to.equal("STREAM_PROCESSOR_GENERIC_ERROR");
    });

    it("PATCH: a field left out is kept, an explicit null resets it (autoscaling and dlq), dlq {} removes too", async () => {
      await create({ options: { dlq: DLQ, autoscaling: AUTO } });
      expect((await patch({ tier: "SP10" })).json.options).to.deep.equal({ dlq: DLQ, autoscaling: AUTO });
      expect((await patch({ options: { dlq: DLQ } })).json.options).to.deep.equal({ dlq: DLQ, autoscaling: AUTO });
      expect((await patch({ options: { autoscaling: null } })).json.options).to.deep.equal({ dlq: DLQ });
      expect((await patch({ options: { dlq: null } })).json).to.not.have.property("options");
      await patch({ options: { dlq: DLQ, autoscaling: { ...AUTO, enabled: false } } });
      expect((await get()).json.options).to.deep.equal({ dlq: DLQ, autoscaling: { ...AUTO, enabled: false } });
      expect((await patch({ options: { dlq: {} } })).json.options).to.deep.equal({ autoscaling: { ...AUTO, enabled: false } });
      expect((await patch({ options: null })).json).to.not.have.property("options");
    });

    it("PATCH validates autoscaling as create does", async () => {
      await create({});
      invalid(await patch({ options: { autoscaling: { enabled: true, minTier: "SP50", maxTier: "SP5" } } }), "options.autoscaling.minTier");
      expect((await get()).json).to.not.have.property("options");
    });
  });

  describe("effectiveTier", () => {
    it("without autoscaling: the processor's tier, else the workspace's; on every GET and list item", async () => {
      await create({ tier: "SP10" });
      expect((await get()).json.effectiveTier).to.equal("SP10");
      const list = await c.request("GET", `${P}/processors`, { accept: V_PROC });
      for (const item of list.json.results) expect(item.effectiveTier, item.name).to.equal(item.tier);
      emu.admin.seed({
        projects: [{ id: G, workspaces: [{ name: "big", tier: "SP50", processors: [{ name: "untiered", pipeline: PIPELINE }] }] }],
      });
      expect((await get("untiered", `/api/atlas/v2/groups/${G}/streams/big`)).json.effectiveTier).to.equal("SP50");
    });

    it("with autoscaling: minTier before the first start and after it; the admin API moves it within [minTier, maxTier]", async () => {
      await create({ tier: "SP10", options: { autoscaling: AUTO } });
      expect((await get()).json.effectiveTier).to.equal("SP5");
      expect((await c.request("POST", `${P}/processor/auto:start`, { accept: V_PROC })).status).to.equal(200);
      const started = await get();
      expect(started.json.state).to.equal("STARTED");
      expect(started.json.effectiveTier).to.equal("SP5");
      emu.admin.setEffectiveTier(G, WS, "auto", "SP10");
      expect((await get()).json.effectiveTier).to.equal("SP10");
      const http = await admin(emu.url, "POST", `/admin/processors/${G}/${WS}/auto/effectiveTier`, { tier: "SP30" });
      expect(http.status).to.equal(200);
      expect((await get()).json.effectiveTier).to.equal("SP30");
      const outside = await admin(emu.url, "POST", `/admin/processors/${G}/${WS}/auto/effectiveTier`, { tier: "SP50" });
      expect(outside.status).to.equal(400);
      expect(() => emu.admin.setEffectiveTier(G, WS, "auto", "SP2")).to.throw(/outside the autoscaling range SP5..SP30/);
      expect((await get()).json.effectiveTier).to.equal("SP30");
      await c.request("POST", `${P}/processor/auto:stop`, { accept: V_PROC });
      expect((await get()).json.effectiveTier).to.equal("SP5"); // the tier it would start on
    });

    it("the admin API refuses a processor without enabled autoscaling", async () => {
      await create({ options: { autoscaling: { ...AUTO, enabled: false } } });
      expect((await get()).json.effectiveTier).to.equal("SP30");
      const r = await admin(emu.url, "POST", `/admin/processors/${G}/${WS}/auto/effectiveTier`, { tier: "SP10" });
      expect(r.status).to.equal(400);
    });

    it("a seed may carry autoscaling and effectiveTier", async () => {
      emu.admin.seed({
        projects: [
          {
            id: G,
            workspaces: [
              {
                name: WS,
                processors: [
                  { name: "seeded", pipeline: PIPELINE, state: "STARTED", options: { autoscaling: AUTO }, effectiveTier: "SP10" },
                ],
              },
            ],
          },
        ],
      });
      const g = await get("seeded");
      expect(g.json.options.autoscaling).to.deep.equal(AUTO);
      expect(g.json.effectiveTier).to.equal("SP10");
      expect(() =>
        emu.admin.seed({
          projects: [
            { id: G, workspaces: [{ name: WS, processors: [{ name: "x", pipeline: PIPELINE, options: { autoscaling: true } }] }] },
          ],
        }),
      ).to.throw(/options.autoscaling must be/);
    });
  });

  describe(":startWith autoscaling", () => {
    it("replaces the stored autoscaling for that start and starts on its minTier", async () => {
      await create({ options: { autoscaling: AUTO } });
      const r = await c.request("POST", `${P}/processor/auto:startWith`, {
        accept: V_START_WITH,
        body: { autoscaling: { enabled: true, minTier: "SP10", maxTier: "SP50" } },
      });
      expect(r.status, r.text).to.equal(200);
      const g = await get();
      expect(g.json.options.autoscaling).to.deep.equal({ enabled: true, minTier: "SP10", maxTier: "SP50" });
      expect(g.json.effectiveTier).to.equal("SP10");
    });

    it("is validated as options.autoscaling is, naming autoscaling.<field>", async () => {
      await create({});
      const r = await c.request("POST", `${P}/processor/auto:startWith`, {
        accept: V_START_WITH,
        body: { autoscaling: { enabled: true, minTier: "SP10" } },
      });
      invalid(r, "autoscaling.maxTier");
      expect((await get()).json.state).to.equal("CREATED");
    });
  });

  describe("eligibleForFailover", () => {
    it("is true only with failoverEnabled on a workspace with failover regions", async () => {
      expect((await get("orders")).json.eligibleForFailover).to.equal(false);
      emu.admin.seed({ projects: [{ id: G, workspaces: [{ name: WS, failoverRegions: ["OREGON_USA"] }] }] });
      await create({ failoverEnabled: true });
      await create({ name: "plain" });
      expect((await get()).json.eligibleForFailover).to.equal(true);
      expect((await get("plain")).json.eligibleForFailover).to.equal(false);
      const list = await c.request("GET", `${P}/processors`, { accept: V_PROC });
      expect(list.json.results.find((x: { name: string }) => x.name === "auto").eligibleForFailover).to.equal(true);
    });
  });
});
