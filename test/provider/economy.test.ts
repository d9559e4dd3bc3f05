import { expect } from "chai";
import { nth } from "../support/present";
import type { RunningEmulator } from "../../emulator";
import { streamProcessorProvider as provider } from "../../provider/resource/dynamic-provider";
import { AtlasHttpClient } from "../../provider/http/client";
import { resolveSettings } from "../../provider/config/settings";
import { API_KEY, FAST_OPTIONS, PROJECT, WORKSPACE, configureProvider, inputs, storedOutputs, withEmulator } from "../support/helpers";

const p = provider as Required<typeof provider>;
const LIST = `/api/atlas/v2/groups/${PROJECT}/streams/${WORKSPACE}/processors`;
const ONE = `/api/atlas/v2/groups/${PROJECT}/streams/${WORKSPACE}/processor/`;
const names = (n: number) => Array.from({ length: n }, (_, i) => `econ-${String(i).padStart(2, "0")}`);

function seedProcessors(emu: RunningEmulator, list: string[], state = "CREATED"): void {
  emu.admin.seed({
    projects: [
      {
        id: PROJECT,
        workspaces: [
          {
            name: WORKSPACE,
            processors: list.map((name) => ({
              name,
              state,
              pipeline: [{ $source: { connectionName: "sample_stream_solar" } }, { $emit: { connectionName: "__testLog" } }],
            })),
          },
        ],
      },
    ],
  });
}

describe("request economy (one provider process, many resources)", function () {
  this.timeout(30_000);
  let emu: RunningEmulator;
  afterEach(async () => emu?.close());

  describe("when ten resources of one workspace are created at once", () => {
    it("answers their first looks and polls with shared lists, not one GET per read", async () => {
      emu = await withEmulator({ transitionMs: 300 });
      const list = names(10);
      seedProcessors(emu, list);
      await configureProvider(emu.url, { kind: "serviceAccount", clientId: "mdb_sa_id_demo", clientSecret: "mdb_sa_sk_demo" });
      emu.admin.clearRequests();
      const outs = await Promise.all(list.map((n) => p.create(inputs(n))));
      expect(outs.map((o) => o.outs!.state)).to.deep.equal(list.map(() => "STARTED"));
      const log = emu.admin.requests();
      const lists = log.filter((r) => r.method === "GET" && r.path === LIST);
      const singles = log.filter((r) => r.method === "GET" && r.path.startsWith(ONE));
      const starts = log.filter((r) => r.method === "POST" && r.path.endsWith(":start"));
      expect(starts).to.have.length(10);
      // Each resource reads at least three times (first look, STARTING, STARTED): 30 GETs unshared.
      expect(lists.length, "list requests").to.be.at.least(1);
      expect(lists.length + singles.length, "reads sent for 10 processors").to.be.at.most(10);
    });
  });

  describe("when a refresh reads ten processors of one workspace", () => {
    it("sends one list request and no GET per processor", async () => {
      emu = await withEmulator();
      const list = names(10);
      seedProcessors(emu, list, "STARTED");
      await configureProvider(emu.url, { kind: "apiKey", ...API_KEY });
      const reads = await Promise.all(list.map((n) => p.read(`${PROJECT}/${WORKSPACE}/${n}`, storedOutputs(n))));
      expect(reads.map((r) => r.props!.state)).to.deep.equal(list.map(() => "STARTED"));
      const log = emu.admin.requests().filter((r) => r.status !== 401);
      expect(log.map((r) => `${r.method} ${r.path}`)).to.deep.equal([`GET ${LIST}`]);
    });

    it("reads a processor missing from the list as not found (removed from the stack)", async () => {
      emu = await withEmulator();
      seedProcessors(emu, names(3), "STARTED");
      await configureProvider(emu.url, { kind: "apiKey", ...API_KEY });
      const reads = await Promise.all([...names(3), "econ-gone"].map((n) => p.read(`${PROJECT}/${WORKSPACE}/${n}`, storedOutputs(n))));
      expect(reads.map((r) => r.id)).to.deep.equal([...names(3).map((n) => `${PROJECT}/${WORKSPACE}/${n}`), undefined]);
      expect(emu.admin.requests().filter((r) => r.status !== 401)).to.have.length(1);
    });

    it("falls back to one GET per processor when the list fails", async () => {
      emu = await withEmulator();
      seedProcessors(emu, names(3), "STARTED");
      await configureProvider(emu.url, { kind: "apiKey", ...API_KEY }, { "atlas-stream-processor:maxRetries": "0" });
      emu.admin.injectFault({ method: "GET", path: "*/processors", kind: "status", status: 500, times: 1 });
      const reads = await Promise.all(names(3).map((n) => p.read(`${PROJECT}/${WORKSPACE}/${n}`, storedOutputs(n))));
      expect(reads.map((r) => r.props!.state)).to.deep.equal(["STARTED", "STARTED", "STARTED"]);
      const log = emu.admin.requests().filter((r) => r.status !== 401);
      expect(log.filter((r) => r.path === LIST).map((r) => r.status)).to.deep.equal([500]);
      expect(log.filter((r) => r.path.startsWith(ONE)).map((r) => r.status)).to.deep.equal([200, 200, 200]);
    });
  });

  describe("when reads follow a refresh within two seconds", () => {
    it("answers a read of an unchanged processor from that list, but waits for a new one after :start", async () => {
      emu = await withEmulator({ transitionMs: 50 });
      seedProcessors(emu, names(3));
      await configureProvider(emu.url, { kind: "apiKey", ...API_KEY });
      await Promise.all(names(3).map((n) => p.read(`${PROJECT}/${WORKSPACE}/${n}`, storedOutputs(n))));
      const afterRefresh = emu.admin.requests().length;
      const again = await p.read(`${PROJECT}/${WORKSPACE}/econ-01`, storedOutputs("econ-01"));
      expect(again.props!.state).to.equal("CREATED");
      expect(emu.admin.requests(), "no request for the second read").to.have.length(afterRefresh);
      // The create's first look may use the list; its polls after :start may not.
      const out = await p.create(inputs("econ-01"));
      expect(out.outs!.state).to.equal("STARTED");
      const log = emu.admin.requests().slice(afterRefresh);
      const start = log.findIndex((r) => r.method === "POST");
      expect(
        log.slice(0, start).map((r) => r.method),
        "before :start",
      ).to.deep.equal([]);
      expect(log.slice(start + 1).filter((r) => r.method === "GET").length, "reads after :start").to.be.at.least(1);
    });
  });

  describe("when a lone resource reads its processor", () => {
    it("uses a single GET of that processor", async () => {
      emu = await withEmulator();
      await configureProvider(emu.url, { kind: "apiKey", ...API_KEY });
      await p.read(`${PROJECT}/${WORKSPACE}/orders`, storedOutputs("orders"));
      const log = emu.admin.requests().filter((r) => r.status !== 401);
      expect(log.map((r) => `${r.method} ${r.path}`)).to.deep.equal([`GET ${ONE}orders`]);
    });
  });

  describe("when Atlas answers one resource's :start with 429 and Retry-After: 1", () => {
    it("sends nothing to that project from any resource until the second has passed", async () => {
      emu = await withEmulator({ transitionMs: 200 });
      const list = names(4);
      seedProcessors(emu, list);
      await configureProvider(emu.url, { kind: "apiKey", ...API_KEY });
      emu.admin.injectFault({
        method: "POST",
        path: `*/processor/${list[0]}:start`,
        kind: "status",
        status: 429,
        times: 1,
        headers: { "Retry-After": "1" },
      });
      emu.admin.clearRequests();
      // The others start while the first waits out its 429.
      const first = p.create(inputs(nth(list, 0)));
      await new Promise((r) => setTimeout(r, 150));
      const outs = [await first, ...(await Promise.all(list.slice(1).map((n) => p.create(inputs(n)))))];
      expect(outs.map((o) => o.outs!.state)).to.deep.equal(list.map(() => "STARTED"));
      const log = emu.admin.requests().filter((r) => r.path.startsWith(`/api/atlas/v2/groups/${PROJECT}/`));
      const i = log.findIndex((r) => r.status === 429);
      expect(i, "the 429").to.be.at.least(0);
      const at = Date.parse(nth(log, i).time);
      const during = log.filter((r) => Date.parse(r.time) > at && Date.parse(r.time) < at + 1000);
      expect(
        during.map((r) => `${r.method} ${r.path}`),
        "requests during the pause",
      ).to.deep.equal([]);
      // The other resources were still working after the pause, so it was theirs too.
      const after = log.slice(i + 1).map((r) => r.path);
      expect(after.some((path) => path !== `${ONE}${list[0]}:start`)).to.equal(true);
    });
  });

  describe("when the project's bucket is small (capacity 10, refill 1/s)", () => {
    it("starts twelve processors with polls slowed instead of failed resources", async () => {
      emu = await withEmulator({ transitionMs: 200, rateLimit: { capacity: 10, refillPerSecond: 1 } });
      const list = names(12);
      seedProcessors(emu, list);
      await configureProvider(emu.url, { kind: "apiKey", ...API_KEY });
      const outs = await Promise.all(list.map((n) => p.create(inputs(n))));
      expect(outs.map((o) => o.outs!.state)).to.deep.equal(list.map(() => "STARTED"));
      const log = emu.admin.requests().filter((r) => r.path.startsWith("/api/atlas/v2/groups/"));
      expect(log.filter((r) => r.method === "POST" && r.status === 200)).to.have.length(12);
      expect(
        log.filter((r) => r.status === 429),
        "refused requests",
      ).to.deep.equal([]);
      // Actions first: no poll went out between the first and the last :start.
      const firstStart = log.findIndex((r) => r.method === "POST");
      const lastStart = log.map((r) => r.method).lastIndexOf("POST");
      expect(log.slice(firstStart, lastStart).filter((r) => r.method === "GET")).to.deep.equal([]);
    });
  });

  describe("API key (Digest) with eight concurrent first requests", () => {
    it("takes exactly one challenge: the others wait for it", async () => {
      emu = await withEmulator();
      const client = new AtlasHttpClient(
        resolveSettings(
          {
            "mongodbatlas:baseUrl": emu.url,
            "mongodbatlas:publicKey": API_KEY.publicKey,
            "mongodbatlas:privateKey": API_KEY.privateKey,
            ...FAST_OPTIONS,
          },
          {},
        ),
        () => undefined,
      );
      const results = await Promise.all(
        Array.from({ length: 8 }, () => client.call({ method: "GET", path: `${ONE}orders`, version: "2024-05-30" })),
      );
      expect(results.map((r) => r.status)).to.deep.equal(Array(8).fill(200));
      const log = emu.admin.requests();
      expect(
        log.filter((r) => r.status === 401),
        "challenges",
      ).to.have.length(1);
      expect(log).to.have.length(9);
      expect(client.authStats().digestChallenges).to.equal(1);
    });

    it("answers a 401 on a nonce the server had accepted with one fresh challenge, then succeeds", async () => {
      emu = await withEmulator();
      await configureProvider(emu.url, { kind: "apiKey", ...API_KEY });
      await p.read(`${PROJECT}/${WORKSPACE}/orders`, storedOutputs("orders")); // challenge, then accepted
      // A server strict about nonce counts (or one that forgot the nonce) refuses the next request
      // with a fresh, valid challenge that is not marked stale.
      const fresh = await fetch(`${emu.url}${ONE}orders`);
      const challenge = fresh.headers.get("www-authenticate")!;
      emu.admin.clearRequests();
      emu.admin.injectFault({
        method: "GET",
        path: `*/processor/orders`,
        kind: "status",
        status: 401,
        times: 1,
        headers: { "WWW-Authenticate": challenge },
      });
      const read = await p.read(`${PROJECT}/${WORKSPACE}/orders`, storedOutputs("orders"));
      expect(read.props!.state).to.equal("CREATED");
      expect(emu.admin.requests().map((r) => r.status)).to.deep.equal([401, 200]);
    });
  });
});
