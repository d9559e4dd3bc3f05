/**
 * The data functions, called as a program calls them: settings from `pulumi.Config` (stack config
 * set through the runtime, as the engine does) or the environment, against the emulator.
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import type { RunningEmulator } from "../../emulator";
import { getStreamProcessor, getStreamProcessorOutput, getStreamProcessors, getStreamProcessorsOutput } from "../../provider";
import { allConfigKeys } from "../../provider/config/settings";
import { ATLAS_STATS_KEYS } from "../support/atlas-stats-keys";
import {
  API_KEY,
  FAST_OPTIONS,
  PROJECT,
  SERVICE_ACCOUNT,
  WORKSPACE,
  forgetSharedClients,
  unchecked,
  withEmulator,
} from "../support/helpers";

const ENV_KEYS = ["MONGODB_ATLAS_BASE_URL", "MONGODB_ATLAS_PUBLIC_KEY", "MONGODB_ATLAS_PRIVATE_KEY"];

/** Sets the program's stack config (every key the provider reads; unset ones blank). */
function stackConfig(values: Record<string, string>): void {
  for (const key of allConfigKeys()) pulumi.runtime.setConfig(key, values[key] ?? "");
}

const outputValue = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply((v) => resolve(v)));

describe("data functions getStreamProcessor / getStreamProcessors", function () {
  this.timeout(30_000);
  let emu: RunningEmulator;
  const apiRequests = () => emu.admin.requests().filter((r) => r.path.startsWith("/api/"));

  beforeEach(async () => {
    emu = await withEmulator({ transitionMs: 0 });
    stackConfig({
      "mongodbatlas:baseUrl": emu.url,
      "mongodbatlas:clientId": SERVICE_ACCOUNT.clientId,
      "mongodbatlas:clientSecret": SERVICE_ACCOUNT.clientSecret,
      ...FAST_OPTIONS,
    });
  });
  afterEach(async () => {
    stackConfig({});
    for (const k of ENV_KEYS) delete process.env[k];
    await emu.close();
    forgetSharedClients();
  });

  describe("getStreamProcessor", () => {
    it("reads state, pipeline, tier and failoverEnabled with the stack config's credential", async () => {
      emu.admin.setProcessorState(PROJECT, WORKSPACE, "orders", "STARTED");
      const r = await getStreamProcessor({ projectId: PROJECT, workspaceName: WORKSPACE, processorName: "orders" });
      const seen = emu.admin.getProcessor(PROJECT, WORKSPACE, "orders")!;
      expect(r).to.deep.include({ projectId: PROJECT, workspaceName: WORKSPACE, processorName: "orders", state: "STARTED", tier: "SP10" });
      expect(r.processorId).to.be.a("string").and.not.equal("");
      expect(JSON.stringify(r.pipeline)).to.equal(JSON.stringify(seen.pipeline));
      const gets = apiRequests().filter((q) => q.path.endsWith("/processor/orders"));
      expect(gets.map((q) => `${q.method} ${q.authScheme}`)).to.deep.equal(["GET bearer"]);
    });

    it("returns typed stats with Atlas's keys and integer counts that grow while the processor runs", async () => {
      emu.admin.setProcessorState(PROJECT, WORKSPACE, "orders", "STARTED");
      await new Promise((r) => setTimeout(r, 60));
      const first = (await getStreamProcessor({ projectId: PROJECT, workspaceName: WORKSPACE, processorName: "orders" })).stats!;
      expect(Object.keys(first)).to.have.members(ATLAS_STATS_KEYS);
      expect(first).to.include({ name: "orders", status: "running", ok: true });
      for (const k of ["inputMessageCount", "inputMessageSize", "outputMessageCount", "dlqMessageCount", "memoryTrackerBytes"] as const) {
        expect(Number.isInteger(first[k]), k).to.equal(true);
      }
      expect(first.inputMessageCount).to.be.greaterThan(0);
      expect(first.operatorStats.map((o) => o.name)).to.have.length(3);
      await new Promise((r) => setTimeout(r, 60));
      const second = (await getStreamProcessor({ projectId: PROJECT, workspaceName: WORKSPACE, processorName: "orders" })).stats!;
      expect(second.inputMessageCount).to.be.greaterThan(first.inputMessageCount);
    });

    it("falls back to the environment when stack config holds no credential", async () => {
      stackConfig({ ...FAST_OPTIONS });
      Object.assign(process.env, {
        MONGODB_ATLAS_BASE_URL: emu.url,
        MONGODB_ATLAS_PUBLIC_KEY: API_KEY.publicKey,
        MONGODB_ATLAS_PRIVATE_KEY: API_KEY.privateKey,
      });
      const r = await getStreamProcessor({ projectId: PROJECT, workspaceName: WORKSPACE, processorName: "payments" });
      expect(r.state).to.equal("STOPPED");
      expect(apiRequests().some((q) => q.authScheme === "digest" && q.status === 200)).to.equal(true);
    });

    it("retries a 500 like the resource does (two GETs, one answer)", async () => {
      emu.admin.injectFault({ method: "GET", path: "*/processor/orders", kind: "status", status: 500, times: 1 });
      const r = await getStreamProcessor({ projectId: PROJECT, workspaceName: WORKSPACE, processorName: "orders" });
      expect(r.state).to.equal("CREATED");
      expect(
        apiRequests()
          .filter((q) => q.path.endsWith("/processor/orders"))
          .map((q) => q.status),
      ).to.deep.equal([500, 200]);
    });

    it("a missing processor is an error saying which name is missing", async () => {
      const err = await getStreamProcessor({ projectId: PROJECT, workspaceName: WORKSPACE, processorName: "nope" }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err!.message).to.include("getStreamProcessor").and.include('"nope" does not exist');
    });

    const bad: [string, Record<string, unknown>][] = [
      ["projectId", { projectId: "not-hex", workspaceName: WORKSPACE, processorName: "orders" }],
      ["workspaceName", { projectId: PROJECT, workspaceName: " ", processorName: "orders" }],
      ["processorName", { projectId: PROJECT, workspaceName: WORKSPACE, processorName: "a\u0007b" }],
      ["processorName", { projectId: PROJECT, workspaceName: WORKSPACE }],
      ["processName", { projectId: PROJECT, workspaceName: WORKSPACE, processorName: "orders", processName: "x" }],
    ];
    for (const [field, args] of bad) {
      it(`refuses a bad ${field} with check's rule, naming it, before any request`, async () => {
        const err = await getStreamProcessor(unchecked(args)).then(
          () => undefined,
          (e: Error) => e,
        );
        expect(err!.message).to.include("getStreamProcessor").and.include(field);
        expect(apiRequests()).to.deep.equal([]);
      });
    }
  });

  describe("getStreamProcessors", () => {
    const LIST_PAGE_SIZE = 500; // the API's maximum, which the provider asks for
    it(`follows every page (${LIST_PAGE_SIZE} per page)`, async () => {
      const extra = Array.from({ length: 2 * LIST_PAGE_SIZE + 7 }, (_, i) => ({
        name: `p${String(i).padStart(3, "0")}`,
        state: "CREATED",
        pipeline: [{ $source: { connectionName: "sample_stream_solar" } }, { $emit: { connectionName: "__testLog" } }],
      }));
      emu.admin.seed({ projects: [{ id: PROJECT, workspaces: [{ name: WORKSPACE, processors: extra }] }] });
      const before = emu.admin.requests().length;
      const r = await getStreamProcessors({ projectId: PROJECT, workspaceName: WORKSPACE });
      const names = r.results.map((x) => x.processorName);
      expect(names).to.include.members(["orders", "payments", "inventory", "p000", "p206"]);
      expect(names).to.have.length(3 + extra.length);
      expect(new Set(names).size).to.equal(names.length);
      const pages = emu.admin
        .requests()
        .slice(before)
        .filter((q) => q.path.endsWith("/processors"));
      expect(pages.map((q) => q.query)).to.deep.equal([1, 2, 3].map((n) => `pageNum=${n}&itemsPerPage=${LIST_PAGE_SIZE}`));
      expect(r.results.find((x) => x.processorName === "orders")).to.deep.include({ state: "CREATED", tier: "SP10" });
      // A processor created without a tier reports its workspace's; every result carries typed stats.
      expect(r.results.find((x) => x.processorName === "p000")!.tier).to.equal("SP30");
      expect(r.results.every((x) => x.stats === undefined || Number.isInteger(x.stats.inputMessageCount))).to.equal(true);
    });

    it("a missing workspace is an error naming workspaceName", async () => {
      const err = await getStreamProcessors({ projectId: PROJECT, workspaceName: "nope" }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err!.message).to.include("workspaceName");
    });

    it("refuses a bad projectId before any request", async () => {
      const err = await getStreamProcessors({ projectId: "x", workspaceName: WORKSPACE }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err!.message).to.include("getStreamProcessors").and.include("projectId");
      expect(apiRequests()).to.deep.equal([]);
    });
  });

  describe("the Output forms", () => {
    it("resolve from Inputs like the Promise forms", async () => {
      const one = await outputValue(
        getStreamProcessorOutput({ projectId: pulumi.output(PROJECT), workspaceName: WORKSPACE, processorName: Promise.resolve("orders") }),
      );
      expect(one.state).to.equal("CREATED");
      const all = await outputValue(getStreamProcessorsOutput({ projectId: PROJECT, workspaceName: pulumi.output(WORKSPACE) }));
      expect(all.results.map((x) => x.processorName)).to.include("payments");
    });

    it("send nothing while an input is unknown (preview)", async () => {
      const unknown = pulumi.output(pulumi.unknown as unknown as string);
      const one = getStreamProcessorOutput({ projectId: PROJECT, workspaceName: WORKSPACE, processorName: unknown });
      const all = getStreamProcessorsOutput({ projectId: unknown, workspaceName: WORKSPACE });
      const known = async (o: pulumi.Output<unknown>) => (o as unknown as { isKnown: Promise<boolean> }).isKnown;
      expect(await known(one)).to.equal(false);
      expect(await known(all)).to.equal(false);
      expect(apiRequests()).to.deep.equal([]);
    });
  });
});
