import { expect } from "chai";
import { nth } from "../support/present";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunningEmulator } from "../../emulator";
import { isAtlasApiError } from "../../provider";
import { resolveSettings } from "../../provider/config/settings";
import { AtlasHttpClient } from "../../provider/http/client";
import { FakeClock } from "../support/fake-clock";
import { streamProcessorProvider as provider } from "../../provider/resource/dynamic-provider";
import {
  API_KEY,
  PROJECT,
  READONLY_KEY,
  SERVICE_ACCOUNT,
  WORKSPACE,
  configureProvider,
  failureOf,
  inputs,
  storedOutputs,
  requestsTo,
  withEmulator,
} from "../support/helpers";

const p = provider as Required<typeof provider>;

describe("StreamProcessor provider authentication", function () {
  this.timeout(20_000);
  let emu: RunningEmulator;
  afterEach(async () => emu?.close());

  describe("API key (HTTP Digest)", () => {
    beforeEach(async () => {
      emu = await withEmulator();
    });

    it("takes one challenge, then reuses the nonce for every later request", async () => {
      await configureProvider(emu.url, { kind: "apiKey", ...API_KEY });
      await Promise.all(["orders", "inventory"].map((n) => p.create(inputs(n))));
      await p.read(`${PROJECT}/${WORKSPACE}/payments`, storedOutputs("payments"));
      const log = emu.admin.requests();
      const unauthorized = log.filter((r) => r.status === 401);
      expect(unauthorized.length, "Digest challenges").to.be.at.most(2); // one per concurrent first call at most
      expect(log.filter((r) => r.status !== 401).every((r) => r.authScheme === "digest" && r.principal === API_KEY.publicKey)).to.equal(
        true,
      );
    });

    it("refuses a wrong private key after one challenge, with a hint naming the keys", async () => {
      await configureProvider(emu.url, { kind: "apiKey", publicKey: API_KEY.publicKey, privateKey: "wrong-private-key" });
      const err = await failureOf(p.read(`${PROJECT}/${WORKSPACE}/orders`, storedOutputs("orders")), "the call fails");
      expect(isAtlasApiError(err)).to.equal(true);
      const e = err as Error & { status: number };
      expect(e.status).to.equal(401);
      expect(e.message).to.include("API key").and.include("stack config");
      expect(e.message).to.not.include("wrong-private-key");
      expect(emu.admin.requests()).to.have.length(2); // the challenge, then the refused answer
    });

    it("answers 403 for a read-only key on :start, naming the roles it needs", async () => {
      await configureProvider(emu.url, { kind: "apiKey", ...READONLY_KEY });
      const err = await failureOf(p.create(inputs("orders")), "the call fails");
      const e = err as Error & { status: number };
      expect(e.status).to.equal(403);
      expect(e.message).to.include("Project Owner").and.include("Project Stream Processing Owner").and.include(PROJECT);
    });

    it("takes a fresh challenge when the nonce goes stale", async () => {
      await emu.close();
      const clock = new FakeClock();
      emu = await withEmulator({ nonceTtlMs: 300, now: clock.now });
      await configureProvider(emu.url, { kind: "apiKey", ...API_KEY });
      await p.read(`${PROJECT}/${WORKSPACE}/orders`, storedOutputs("orders"));
      clock.advance(400); // the emulator's nonce is now past its life
      const read = await p.read(`${PROJECT}/${WORKSPACE}/orders`, storedOutputs("orders"));
      expect(read.props!.state).to.equal("CREATED");
      expect(emu.admin.requests().filter((r) => r.status === 401)).to.have.length(2); // first challenge + stale
    });
  });

  describe("service account (OAuth client credentials)", () => {
    it("shares one token among parallel creates", async () => {
      emu = await withEmulator();
      await configureProvider(emu.url, { kind: "serviceAccount", ...SERVICE_ACCOUNT });
      const outs = await Promise.all(["orders", "payments", "inventory"].map((n) => p.create(inputs(n))));
      expect(outs.map((o) => o.outs!.state)).to.deep.equal(["STARTED", "STARTED", "STARTED"]);
      const log = emu.admin.requests();
      expect(requestsTo(log, "POST", "/api/oauth/token")).to.have.length(1);
      expect(log.filter((r) => r.path.includes("/processor/")).every((r) => r.authScheme === "bearer")).to.equal(true);
    });

    describe("on a virtual clock shared with the emulator (a token of one hour)", () => {
      const path = `/api/atlas/v2/groups/${PROJECT}/streams/${WORKSPACE}/processor/orders`;
      const clientOn = (clock: FakeClock) =>
        new AtlasHttpClient(
          resolveSettings(
            {
              "mongodbatlas:baseUrl": emu.url,
              "mongodbatlas:clientId": SERVICE_ACCOUNT.clientId,
              "mongodbatlas:clientSecret": SERVICE_ACCOUNT.clientSecret,
            },
            {},
          ),
          () => undefined,
          clock,
        );

      it("keeps the token until 10 minutes before it expires, then renews it before sending", async () => {
        const clock = new FakeClock();
        emu = await withEmulator({ tokenTtlSeconds: 3600, now: clock.now });
        const client = clientOn(clock);
        await client.call({ method: "GET", path, version: "2024-05-30" });
        clock.advance(49 * 60_000); // 11 minutes left: the token is still used
        await client.call({ method: "GET", path, version: "2024-05-30" });
        expect(requestsTo(emu.admin.requests(), "POST", "/api/oauth/token")).to.have.length(1);
        clock.advance(2 * 60_000); // 9 minutes left: renewed first
        await client.call({ method: "GET", path, version: "2024-05-30" });
        const log = emu.admin.requests();
        expect(requestsTo(log, "POST", "/api/oauth/token")).to.have.length(2);
        expect(log.filter((r) => r.status === 401)).to.have.length(0);
      });

      it("renews once after a 401 when the clock ran past the token's life unseen", async () => {
        const clock = new FakeClock();
        emu = await withEmulator({ tokenTtlSeconds: 3600, now: clock.now });
        const client = clientOn(clock);
        await client.call({ method: "GET", path, version: "2024-05-30" });
        // The emulator's time moves on, the client's token bookkeeping thinks it still valid.
        const skewed = new FakeClock(clock.now());
        const stale = clientOn(skewed);
        await stale.call({ method: "GET", path, version: "2024-05-30" });
        clock.advance(2 * 3600_000);
        const res = await stale.call({ method: "GET", path, version: "2024-05-30" });
        expect(res.status).to.equal(200);
        const log = emu.admin.requests();
        expect(log.filter((r) => r.status === 401)).to.have.length(1);
        expect(requestsTo(log, "POST", "/api/oauth/token")).to.have.length(3);
      });
    });

    it("renews once after a 401 (a token the server forgot after a restart)", async () => {
      const dir = mkdtempSync(join(tmpdir(), "asp-auth-"));
      try {
        emu = await withEmulator({ dataFile: join(dir, "data.json") });
        const port = new URL(emu.url).port;
        await configureProvider(emu.url, { kind: "serviceAccount", ...SERVICE_ACCOUNT });
        await p.read(`${PROJECT}/${WORKSPACE}/orders`, storedOutputs("orders"));
        await emu.close();
        emu = await withEmulator({ dataFile: join(dir, "data.json"), port: Number(port) });
        const read = await p.read(`${PROJECT}/${WORKSPACE}/orders`, storedOutputs("orders"));
        expect(read.props!.state).to.equal("CREATED");
        const log = emu.admin.requests();
        expect(log.map((r) => `${r.method} ${r.path.split("/").pop()} ${r.status}`)).to.deep.equal([
          "GET orders 401",
          "POST token 200",
          "GET orders 200",
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("reports a wrong client secret as a 401 naming the config keys, without the secret", async () => {
      emu = await withEmulator();
      await configureProvider(emu.url, {
        kind: "serviceAccount",
        clientId: SERVICE_ACCOUNT.clientId,
        clientSecret: "mdb_sa_sk_wrong_secret",
      });
      const err = await failureOf(p.create(inputs("orders")), "the call fails");
      const e = err as Error & { status: number };
      expect(isAtlasApiError(err)).to.equal(true);
      expect(e.status).to.equal(401);
      expect(e.message).to.include("mongodbatlas:clientSecret").and.not.include("mdb_sa_sk_wrong_secret");
      expect(requestsTo(emu.admin.requests(), "POST", "/api/oauth/token")).to.have.length(1);
    });
  });

  describe("when the OAuth token endpoint fails", () => {
    const TOKEN = "/api/oauth/token";

    it("retries a 503 like any API call and creates with the third token request", async () => {
      emu = await withEmulator();
      await configureProvider(emu.url, { kind: "serviceAccount", ...SERVICE_ACCOUNT });
      emu.admin.injectFault({ method: "POST", path: TOKEN, kind: "status", status: 503, times: 2 });
      const out = await p.create(inputs("orders"));
      expect(out.outs?.state).to.equal("STARTED");
      expect(requestsTo(emu.admin.requests(), "POST", TOKEN).map((r) => r.status)).to.deep.equal([503, 503, 200]);
    });

    it("retries a connection reset", async () => {
      emu = await withEmulator();
      await configureProvider(emu.url, { kind: "serviceAccount", ...SERVICE_ACCOUNT });
      emu.admin.injectFault({ method: "POST", path: TOKEN, kind: "reset", times: 1 });
      const read = await p.read(`${PROJECT}/${WORKSPACE}/orders`, storedOutputs("orders"));
      expect(read.props!.state).to.equal("CREATED");
      expect(requestsTo(emu.admin.requests(), "POST", TOKEN)).to.have.length(2);
    });

    it("reports a 400 invalid_client once, naming the config keys and the OAuth error, without retrying", async () => {
      emu = await withEmulator();
      await configureProvider(emu.url, { kind: "serviceAccount", ...SERVICE_ACCOUNT });
      emu.admin.injectFault({
        method: "POST",
        path: TOKEN,
        kind: "status",
        status: 400,
        body: { error: "invalid_client", error_description: "Client authentication failed." },
      });
      const err = await failureOf(p.create(inputs("orders")), "the call fails");
      expect(isAtlasApiError(err)).to.equal(true);
      const e = err as Error & { status: number; errorCode?: string };
      expect(e.status).to.equal(400);
      expect(e.errorCode).to.equal("invalid_client");
      expect(e.message)
        .to.include("Client authentication failed")
        .and.include("mongodbatlas:clientSecret")
        .and.not.include(SERVICE_ACCOUNT.clientSecret);
      expect(requestsTo(emu.admin.requests(), "POST", TOKEN)).to.have.length(1);
      expect(emu.admin.requests().filter((r) => r.path.includes("/processor/"))).to.have.length(0);
    });

    it("ends with the network error and the attempt count when the endpoint never answers", async () => {
      emu = await withEmulator();
      await configureProvider(
        emu.url,
        {
          kind: "serviceAccount",
          ...SERVICE_ACCOUNT,
        },
        { "atlas-stream-processor:maxRetries": "2" },
      );
      emu.admin.injectFault({ method: "POST", path: TOKEN, kind: "reset", times: 5 });
      const err = await failureOf(p.read(`${PROJECT}/${WORKSPACE}/orders`, storedOutputs("orders")), "the call fails");
      expect((err as Error).name).to.equal("AtlasNetworkError");
      expect((err as Error).message)
        .to.include("POST /api/oauth/token")
        .and.include("after 3 attempts");
      expect(requestsTo(emu.admin.requests(), "POST", TOKEN)).to.have.length(3);
    });
  });

  describe("access token (Bearer)", () => {
    it("sends the token as is and refuses an unknown one without retrying", async () => {
      emu = await withEmulator();
      await configureProvider(emu.url, { kind: "accessToken", token: "not-a-real-token" });
      const err = await failureOf(p.read(`${PROJECT}/${WORKSPACE}/orders`, storedOutputs("orders")), "the call fails");
      expect((err as Error & { status: number }).status).to.equal(401);
      const log = emu.admin.requests();
      expect(log).to.have.length(1);
      expect(nth(log, 0).authScheme).to.equal("bearer");
      expect((err as Error).message).to.not.include("not-a-real-token");
    });
  });

  describe("no credentials", () => {
    it("fails with 401 and says which keys to set", async () => {
      emu = await withEmulator();
      await configureProvider(emu.url, { kind: "none" });
      const saved = { ...process.env };
      for (const k of Object.keys(process.env)) if (k.startsWith("MONGODB_ATLAS_")) delete process.env[k];
      try {
        const err = await failureOf(p.read(`${PROJECT}/${WORKSPACE}/orders`, storedOutputs("orders")), "the call fails");
        expect((err as Error & { status: number }).status).to.equal(401);
        expect((err as Error).message)
          .to.include("mongodbatlas:clientId")
          .and.include("MONGODB_ATLAS_");
      } finally {
        Object.assign(process.env, saved);
      }
    });

    it("reads credentials from the environment at call time when stack config has none", async () => {
      emu = await withEmulator();
      await configureProvider(emu.url, { kind: "none" });
      process.env.MONGODB_ATLAS_PUBLIC_API_KEY = API_KEY.publicKey;
      process.env.MONGODB_ATLAS_PRIVATE_API_KEY = API_KEY.privateKey;
      try {
        const read = await p.read(`${PROJECT}/${WORKSPACE}/orders`, storedOutputs("orders"));
        expect(read.props!.state).to.equal("CREATED");
        expect(emu.admin.requests().at(-1)!.principal).to.equal(API_KEY.publicKey);
      } finally {
        delete process.env.MONGODB_ATLAS_PUBLIC_API_KEY;
        delete process.env.MONGODB_ATLAS_PRIVATE_API_KEY;
      }
    });
  });

  describe("endpoint safety", () => {
    it("refuses plain http to a non-loopback host before any request", async () => {
      emu = await withEmulator();
      await configureProvider("http://atlas.example.com", { kind: "apiKey", ...API_KEY });
      const err = await failureOf(p.read(`${PROJECT}/${WORKSPACE}/orders`, storedOutputs("orders")), "the call fails");
      expect((err as Error).name).to.equal("AtlasConfigError");
      expect((err as Error).message)
        .to.include("mongodbatlas:baseUrl")
        .and.include("https://");
    });
  });
});
