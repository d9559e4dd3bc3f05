// Digest (with real curl), OAuth client credentials and project roles.
import { expect } from "chai";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { parseDigestParams } from "../../emulator/digest";
import {
  Client,
  G,
  OWNER,
  P,
  READONLY,
  SA,
  V_PROC,
  bearerClient,
  challenges,
  digestHeader,
  fetchToken,
  parseChallenge,
  rawRequest,
} from "../support/emulator-client";

const run = promisify(execFile);

async function curl(args: string[]): Promise<{ code: number; body: string }> {
  // -w appends the status so one call gives both.
  const { stdout } = await run("curl", ["-s", "-S", "--max-time", "10", "-w", "\n%{http_code}", ...args]);
  const i = stdout.lastIndexOf("\n");
  return { code: Number(stdout.slice(i + 1)), body: stdout.slice(0, i) };
}

describe("emulator: authentication and authorisation", function () {
  let emu: RunningEmulator;
  beforeEach(async () => {
    emu = await startEmulator({ nonceTtlMs: 300 });
  });
  afterEach(() => emu.close());

  describe("HTTP Digest", () => {
    it("accepts real `curl --digest` with the right key pair", async () => {
      const r = await curl([
        "--digest",
        "--user",
        `${OWNER.user}:${OWNER.pass}`,
        "-H",
        `Accept: ${V_PROC}`,
        `${emu.url}${P}/processor/orders`,
      ]);
      expect(r.code).to.equal(200);
      expect(JSON.parse(r.body).name).to.equal("orders");
    });

    it("lets real `curl --digest` start a processor (POST with the 2025-03-12 media type)", async () => {
      const r = await curl([
        "--digest",
        "--user",
        `${OWNER.user}:${OWNER.pass}`,
        "-X",
        "POST",
        "-H",
        "Accept: application/vnd.atlas.2025-03-12+json",
        `${emu.url}${P}/processor/orders:start`,
      ]);
      expect(r.code).to.equal(200);
      expect(emu.admin.getProcessor(G, "demo-workspace", "orders")!.state).to.equal("STARTED");
    });

    it("refuses real `curl --digest` with a wrong password", async () => {
      const r = await curl([
        "--digest",
        "--user",
        `${OWNER.user}:wrong-password`,
        "-H",
        `Accept: ${V_PROC}`,
        `${emu.url}${P}/processor/orders`,
      ]);
      expect(r.code).to.equal(401);
      expect(JSON.parse(r.body).errorCode).to.equal("UNEXPECTED_ERROR"); // Atlas' code for a 401, as recorded
    });

    it("with digest: rfc7616, challenges with MD5 and SHA-256, realm, qop=auth and opaque when no credentials are sent", async () => {
      await emu.close();
      emu = await startEmulator({ nonceTtlMs: 300, digest: "rfc7616" });
      const r = await rawRequest(emu.url, "GET", `${P}/processors`, { headers: { Accept: V_PROC } });
      expect(r.status).to.equal(401);
      const chs = challenges(r).map(parseChallenge);
      expect(chs.map((c) => c.algorithm)).to.deep.equal(["MD5", "SHA-256"]);
      for (const c of chs) {
        expect(c.realm).to.equal("MMS Public API");
        expect(c.qop).to.equal("auth");
        expect(c.opaque).to.match(/^[0-9a-f]+$/);
        expect(c.stale).to.equal("false");
      }
    });

    for (const algorithm of ["MD5", "SHA-256", "MD5-sess", "SHA-256-sess"] as const) {
      it(`with digest: rfc7616, accepts algorithm ${algorithm} and reuses the nonce with increasing nc`, async () => {
        await emu.close();
        emu = await startEmulator({ nonceTtlMs: 300, digest: "rfc7616" });
        const c = new Client(emu.url, { kind: "digest", ...OWNER, algorithm });
        for (let i = 0; i < 3; i++) expect((await c.request("GET", `${P}/processors`, { accept: V_PROC })).status).to.equal(200);
        const log = emu.admin.requests().filter((e) => e.status === 401);
        expect(log).to.have.length(1); // one challenge, then nonce reuse
      });
    }

    it("accepts an nc that arrives late (concurrent requests on one nonce) but never the same nc twice", async () => {
      const first = await rawRequest(emu.url, "GET", `${P}/processors`, { headers: { Accept: V_PROC } });
      const ch = parseChallenge(challenges(first)[0]!);
      const uri = `${P}/processors`;
      const h = (nc: number) => digestHeader("GET", uri, ch, OWNER.user, OWNER.pass, "MD5", nc, `c${nc}`);
      expect((await rawRequest(emu.url, "GET", uri, { headers: { Accept: V_PROC, Authorization: h(3) } })).status).to.equal(200);
      expect((await rawRequest(emu.url, "GET", uri, { headers: { Accept: V_PROC, Authorization: h(2) } })).status).to.equal(200);
      expect((await rawRequest(emu.url, "GET", uri, { headers: { Accept: V_PROC, Authorization: h(2) } })).status).to.equal(401);
      expect((await rawRequest(emu.url, "GET", uri, { headers: { Accept: V_PROC, Authorization: h(3) } })).status).to.equal(401);
    });

    it("rejects a replayed nc with 401", async () => {
      const first = await rawRequest(emu.url, "GET", `${P}/processors`, { headers: { Accept: V_PROC } });
      const ch = parseChallenge(challenges(first)[0]!);
      const uri = `${P}/processors`;
      const h1 = digestHeader("GET", uri, ch, OWNER.user, OWNER.pass, "MD5", 1, "abc");
      expect((await rawRequest(emu.url, "GET", uri, { headers: { Accept: V_PROC, Authorization: h1 } })).status).to.equal(200);
      const replay = await rawRequest(emu.url, "GET", uri, { headers: { Accept: V_PROC, Authorization: h1 } });
      expect(replay.status).to.equal(401);
      const h2 = digestHeader("GET", uri, ch, OWNER.user, OWNER.pass, "MD5", 2);
      expect((await rawRequest(emu.url, "GET", uri, { headers: { Accept: V_PROC, Authorization: h2 } })).status).to.equal(200);
    });

    it("answers stale=true for an expired nonce with a correct password, stale=false for a wrong one", async () => {
      const first = await rawRequest(emu.url, "GET", `${P}/processors`, { headers: { Accept: V_PROC } });
      const ch = parseChallenge(challenges(first)[0]!);
      await new Promise((r) => setTimeout(r, 400)); // nonceTtlMs is 300
      const uri = `${P}/processors`;
      const good = await rawRequest(emu.url, "GET", uri, {
        headers: { Accept: V_PROC, Authorization: digestHeader("GET", uri, ch, OWNER.user, OWNER.pass, "MD5", 1) },
      });
      expect(good.status).to.equal(401);
      expect(
        challenges(good)
          .map(parseChallenge)
          .every((c) => c.stale === "true"),
      ).to.equal(true);
      const bad = await rawRequest(emu.url, "GET", uri, {
        headers: { Accept: V_PROC, Authorization: digestHeader("GET", uri, ch, OWNER.user, "nope", "MD5", 2) },
      });
      expect(
        challenges(bad)
          .map(parseChallenge)
          .every((c) => c.stale === "false"),
      ).to.equal(true);
    });

    it("rejects a response computed for a different URI", async () => {
      const first = await rawRequest(emu.url, "GET", `${P}/processors`, { headers: { Accept: V_PROC } });
      const ch = parseChallenge(challenges(first)[0]!);
      const h = digestHeader("GET", `${P}/processor/orders`, ch, OWNER.user, OWNER.pass, "MD5", 1);
      expect((await rawRequest(emu.url, "GET", `${P}/processors`, { headers: { Accept: V_PROC, Authorization: h } })).status).to.equal(401);
    });

    it("parses quoted parameters with commas and escapes", () => {
      expect(parseDigestParams('Digest username="a\\"b", uri="/x?a=1,2", nc=00000001')).to.deep.equal({
        username: 'a"b',
        uri: "/x?a=1,2",
        nc: "00000001",
      });
      expect(parseDigestParams("Basic abc")).to.equal(undefined);
    });
  });

  describe("OAuth client credentials", () => {
    it("issues a Bearer token that authorises API calls", async () => {
      const t = await fetchToken(emu.url);
      expect(t.status).to.equal(200);
      expect(t.json.token_type).to.equal("Bearer");
      expect(t.json.expires_in).to.equal(3600);
      const c = new Client(emu.url, { kind: "bearer", token: t.json.access_token });
      expect((await c.request("GET", `${P}/processor/orders`, { accept: V_PROC })).status).to.equal(200);
    });

    it("refuses a wrong client secret and a wrong grant type", async () => {
      expect((await fetchToken(emu.url, SA.clientId, "wrong")).status).to.equal(401);
      const r = await rawRequest(emu.url, "POST", "/api/oauth/token", {
        headers: {
          Authorization: `Basic ${Buffer.from(`${SA.clientId}:${SA.clientSecret}`).toString("base64")}`,
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: "grant_type=password",
      });
      expect(r.status).to.equal(400);
      expect(r.json.error).to.equal("unsupported_grant_type");
    });

    it("rejects a revoked token with 401", async () => {
      const t = (await fetchToken(emu.url)).json.access_token as string;
      const c = new Client(emu.url, { kind: "bearer", token: t });
      expect((await c.request("GET", `${P}/processors`, { accept: V_PROC })).status).to.equal(200);
      const rv = await rawRequest(emu.url, "POST", "/api/oauth/revoke", {
        headers: {
          Authorization: `Basic ${Buffer.from(`${SA.clientId}:${SA.clientSecret}`).toString("base64")}`,
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: `token=${encodeURIComponent(t)}&token_type_hint=access_token`,
      });
      expect(rv.status).to.equal(200);
      const after = await c.request("GET", `${P}/processors`, { accept: V_PROC });
      expect(after.status).to.equal(401);
      expect(after.json.error).to.equal(401);
    });

    it("rejects an expired token with 401", async () => {
      const short = await startEmulator({ tokenTtlSeconds: 1 });
      try {
        const c = await bearerClient(short.url);
        expect((await c.request("GET", `${P}/processors`, { accept: V_PROC })).status).to.equal(200);
        await new Promise((r) => setTimeout(r, 1100));
        const r = await c.request("GET", `${P}/processors`, { accept: V_PROC });
        expect(r.status).to.equal(401);
        expect(r.json.detail).to.match(/expired/);
      } finally {
        await short.close();
      }
    });
  });

  describe("roles", () => {
    it("lets GROUP_READ_ONLY read but not start, stop, create, modify or delete (403)", async () => {
      const ro = new Client(emu.url, { kind: "digest", ...READONLY });
      expect((await ro.request("GET", `${P}/processor/orders`, { accept: V_PROC })).status).to.equal(200);
      expect((await ro.request("GET", `${P}/processors`, { accept: V_PROC })).status).to.equal(200);
      for (const [m, p, body] of [
        ["POST", `${P}/processor/orders:start`, undefined],
        ["POST", `${P}/processor/payments:stop`, undefined],
        ["POST", `${P}/processor`, { name: "x", pipeline: [{ $source: { connectionName: "sample_stream_solar" } }] }],
        ["PATCH", `${P}/processor/payments`, { tier: "SP5" }],
        ["DELETE", `${P}/processor/orders`, undefined],
      ] as const) {
        const r = await ro.request(m, p, { accept: V_PROC, ...(body ? { body } : {}) });
        expect(r.status, `${m} ${p}`).to.equal(403);
      }
      expect(emu.admin.getProcessor(G, "demo-workspace", "orders")!.state).to.equal("CREATED");
    });

    it("lets GROUP_STREAM_PROCESSING_OWNER (service account) start and stop", async () => {
      const c = await bearerClient(emu.url);
      expect((await c.request("POST", `${P}/processor/orders:start`, { accept: V_PROC })).status).to.equal(200);
      expect((await c.request("POST", `${P}/processor/orders:stop`, { accept: V_PROC })).status).to.equal(200);
      expect(emu.admin.getProcessor(G, "demo-workspace", "orders")!.state).to.equal("STOPPED");
    });

    it("answers 403 to a valid credential that has no role on the project", async () => {
      emu.admin.seed({
        projects: [{ id: "bbbbbbbbbbbbbbbbbbbbbbbb", name: "other" }],
        apiKeys: [
          { publicKey: "other-key", privateKey: "other-secret", roles: [{ groupId: "bbbbbbbbbbbbbbbbbbbbbbbb", roleName: "GROUP_OWNER" }] },
        ],
      });
      const c = new Client(emu.url, { kind: "digest", user: "other-key", pass: "other-secret" });
      expect((await c.request("GET", `${P}/processors`, { accept: V_PROC })).status).to.equal(403);
      expect(
        (
          await c.request("GET", `/api/atlas/v2/groups/bbbbbbbbbbbbbbbbbbbbbbbb/streams`, {
            accept: "application/vnd.atlas.2023-02-01+json",
          })
        ).status,
      ).to.equal(200);
    });

    it("does not accept Basic auth on the Admin API (401 with the Digest challenge)", async () => {
      const r = await rawRequest(emu.url, "GET", `${P}/processors`, {
        headers: { Accept: V_PROC, Authorization: `Basic ${Buffer.from(`${OWNER.user}:${OWNER.pass}`).toString("base64")}` },
      });
      expect(r.status).to.equal(401);
      expect(challenges(r)[0]).to.match(/^Digest /);
    });
  });

  it("never records a credential in the request log", async () => {
    const c = new Client(emu.url, { kind: "digest", ...OWNER });
    await c.request("GET", `${P}/processors`, { accept: V_PROC });
    const t = (await fetchToken(emu.url)).json.access_token as string;
    await new Client(emu.url, { kind: "bearer", token: t }).request("GET", `${P}/processors`, { accept: V_PROC });
    const text = JSON.stringify(emu.admin.requests());
    expect(text).to.not.include(OWNER.pass);
    expect(text).to.not.include(SA.clientSecret);
    expect(text).to.not.include(t);
    expect(text).to.include(OWNER.user);
    expect(text).to.include(SA.clientId);
    expect(emu.admin.requests().map((e) => e.authScheme)).to.include.members(["none", "digest", "basic", "bearer"]);
  });
});
