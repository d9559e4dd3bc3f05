// The wire as recorded from Atlas (Digest challenge, 401 body, error headers and key order,
// success media type) and the request log's account of it. The earlier shapes stay behind
// `digest: "rfc7616"` and `responses: "classic"`.
import { expect } from "chai";
import { parseArgs } from "../../emulator/cli";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator";
import {
  Client,
  G,
  OWNER,
  P,
  V_PROC,
  bearerClient,
  challenges,
  digestHeader,
  parseChallenge,
  rawRequest,
} from "../support/emulator-client";

const ATLAS_401 =
  '{\n  "error" : 401,\n  "reason" : "Unauthorized",\n  "detail" : "You are not authorized for this resource.",\n  "errorCode" : "UNEXPECTED_ERROR"\n}';
const CHALLENGE_RE =
  /^Digest realm="MMS Public API", domain="", nonce="([A-Za-z0-9+/]{32})", algorithm=MD5, qop="auth", stale=(true|false)$/;
const UNKNOWN_GROUP = "0123456789abcdef01234567";

describe("the wire as Atlas answers", function () {
  let emu: RunningEmulator;
  const start = async (o: EmulatorOptions = {}) => {
    emu = await startEmulator({ quiet: true, ...o });
    return emu;
  };
  afterEach(() => emu?.close());

  describe("Digest challenge as Atlas sends it", () => {
    it("offers MD5 only, without opaque, in Atlas' parameter order", async () => {
      await start();
      const r = await rawRequest(emu.url, "GET", `${P}/processors`, { headers: { Accept: V_PROC } });
      expect(r.status).to.equal(401);
      const chs = challenges(r);
      expect(chs).to.have.length(1);
      expect(chs[0]).to.match(CHALLENGE_RE);
      expect(chs[0]).to.not.include("opaque");
      expect(chs[0]).to.include("stale=false");
    });

    it("answers the recorded 401 body byte for byte, as application/json, without RateLimit headers", async () => {
      await start({ rateLimit: { capacity: 10, refillPerSecond: 1 } });
      const r = await rawRequest(emu.url, "GET", `${P}/processors`, { headers: { Accept: V_PROC } });
      expect(r.status).to.equal(401);
      expect(r.text).to.equal(ATLAS_401);
      expect(r.headers["content-type"]).to.equal("application/json");
      expect(r.headers["x-error-code"]).to.equal("UNEXPECTED_ERROR");
      expect(r.headers["ratelimit-limit"]).to.equal(undefined);
      expect(r.headers["ratelimit-remaining"]).to.equal(undefined);
      // A wrong password gets the same body.
      const ch = parseChallenge(challenges(r)[0]!);
      const bad = await rawRequest(emu.url, "GET", `${P}/processors`, {
        headers: { Accept: V_PROC, Authorization: digestHeader("GET", `${P}/processors`, ch, OWNER.user, "wrong", "MD5", 1) },
      });
      expect(bad.status).to.equal(401);
      expect(bad.text).to.equal(ATLAS_401);
    });

    it("issues nonces with + and / that a client can answer", async () => {
      await start();
      const nonces: string[] = [];
      for (let i = 0; i < 40; i++) {
        const r = await rawRequest(emu.url, "GET", `${P}/processors`, { headers: { Accept: V_PROC } });
        nonces.push(CHALLENGE_RE.exec(challenges(r)[0]!)![1]!);
      }
      const special = nonces.find((n) => /[+/]/.test(n));
      expect(special, "40 nonces of 32 base64 characters, none with + or /").to.not.equal(undefined);
      // Answer exactly that nonce (no opaque to echo): accepted.
      const ch = { realm: "MMS Public API", nonce: special! };
      const ok = await rawRequest(emu.url, "GET", `${P}/processors`, {
        headers: { Accept: V_PROC, Authorization: digestHeader("GET", `${P}/processors`, ch, OWNER.user, OWNER.pass, "MD5", 1) },
      });
      expect(ok.status, ok.text).to.equal(200);
    });

    it("answers stale=true for an expired nonce when the password was right", async () => {
      await start({ nonceTtlMs: 100 });
      const first = await rawRequest(emu.url, "GET", `${P}/processors`, { headers: { Accept: V_PROC } });
      const ch = parseChallenge(challenges(first)[0]!);
      await new Promise((r) => setTimeout(r, 200));
      const r = await rawRequest(emu.url, "GET", `${P}/processors`, {
        headers: { Accept: V_PROC, Authorization: digestHeader("GET", `${P}/processors`, ch, OWNER.user, OWNER.pass, "MD5", 1) },
      });
      expect(r.status).to.equal(401);
      const chs = challenges(r);
      expect(chs).to.have.length(1);
      expect(CHALLENGE_RE.exec(chs[0]!)?.[2]).to.equal("true");
      // The fresh nonce works.
      const fresh = parseChallenge(chs[0]!);
      const ok = await rawRequest(emu.url, "GET", `${P}/processors`, {
        headers: { Accept: V_PROC, Authorization: digestHeader("GET", `${P}/processors`, fresh, OWNER.user, OWNER.pass, "MD5", 1) },
      });
      expect(ok.status).to.equal(200);
    });

    it("refuses an algorithm it did not offer (SHA-256, MD5-sess)", async () => {
      await start();
      const first = await rawRequest(emu.url, "GET", `${P}/processors`, { headers: { Accept: V_PROC } });
      const ch = parseChallenge(challenges(first)[0]!);
      for (const [i, alg] of ["SHA-256", "MD5-sess"].entries()) {
        const r = await rawRequest(emu.url, "GET", `${P}/processors`, {
          headers: { Accept: V_PROC, Authorization: digestHeader("GET", `${P}/processors`, ch, OWNER.user, OWNER.pass, alg, i + 1) },
        });
        expect(r.status, alg).to.equal(401);
      }
    });

    it("keeps the RFC 7616 pair with opaque behind digest: rfc7616", async () => {
      await start({ digest: "rfc7616" });
      const r = await rawRequest(emu.url, "GET", `${P}/processors`, { headers: { Accept: V_PROC } });
      const chs = challenges(r).map(parseChallenge);
      expect(chs.map((c) => c.algorithm)).to.deep.equal(["MD5", "SHA-256"]);
      expect(chs.every((c) => /^[0-9a-f]{32}$/.test(c.opaque ?? ""))).to.equal(true);
      expect(r.json).to.deep.equal({
        detail: "You are not authorized for this resource.",
        error: 401,
        errorCode: "UNAUTHORIZED",
        parameters: [],
        reason: "Unauthorized",
      });
      const c = new Client(emu.url, { kind: "digest", ...OWNER, algorithm: "SHA-256" });
      expect((await c.request("GET", `${P}/processors`, { accept: V_PROC })).status).to.equal(200);
    });
  });

  describe("Error answers as Atlas sends them", () => {
    it("404 for an unknown workspace: application/json, X-Error-Code, keys detail, error, errorCode, parameters, reason", async () => {
      await start();
      const c = new Client(emu.url, { kind: "digest", ...OWNER });
      const r = await c.request("GET", `/api/atlas/v2/groups/${G}/streams/nope`, { accept: "application/vnd.atlas.2023-02-01+json" });
      expect(r.status).to.equal(404);
      expect(r.headers["content-type"]).to.equal("application/json");
      expect(r.headers["x-error-code"]).to.equal("STREAM_TENANT_NOT_FOUND_FOR_NAME");
      expect(r.text).to.equal(
        JSON.stringify({
          detail: `Stream instance for project ${G} and name nope not found.`,
          error: 404,
          errorCode: "STREAM_TENANT_NOT_FOUND_FOR_NAME",
          parameters: [G, "nope"],
          reason: "Not Found",
        }),
      );
    });

    it("a validation 400 keeps the recorded keys first and badRequestDetail after them", async () => {
      await start();
      const c = new Client(emu.url, { kind: "digest", ...OWNER });
      const r = await c.request("POST", `${P}/processor`, { accept: V_PROC, body: { name: "x", pipeline: [], bogus: 1 } });
      expect(r.status).to.equal(400);
      expect(r.headers["x-error-code"]).to.equal("INVALID_ATTRIBUTE");
      expect(Object.keys(r.json)).to.deep.equal(["detail", "error", "errorCode", "parameters", "reason", "badRequestDetail"]);
    });

    it("an error without parameters still carries parameters: []", async () => {
      await start();
      const c = new Client(emu.url, { kind: "digest", ...OWNER });
      const r = await c.request("GET", `${P}/processors`, { accept: "application/json" });
      expect(r.status).to.equal(406);
      expect(r.headers["x-error-code"]).to.equal("INVALID_VERSION_DATE");
      expect(r.text).to.equal(
        '{"detail":"Invalid accept header or version date.","error":406,"errorCode":"INVALID_VERSION_DATE","parameters":[],"reason":"Not Acceptable"}',
      );
    });

    it("404 GROUP_NOT_FOUND carries no RateLimit-* headers; a known project's answers do", async () => {
      await start({ rateLimit: { capacity: 10, refillPerSecond: 1 } });
      const c = await bearerClient(emu.url);
      const missing = await c.request("GET", `/api/atlas/v2/groups/${UNKNOWN_GROUP}/streams`, {
        accept: "application/vnd.atlas.2023-02-01+json",
      });
      expect(missing.status).to.equal(404);
      expect(missing.headers["x-error-code"]).to.equal("GROUP_NOT_FOUND");
      expect(missing.headers["ratelimit-limit"]).to.equal(undefined);
      expect(missing.headers["ratelimit-remaining"]).to.equal(undefined);
      const known = await c.request("GET", `${P}/processors`, { accept: V_PROC });
      expect(known.headers["ratelimit-limit"]).to.equal("10");
      expect(known.headers["ratelimit-remaining"]).to.equal("9"); // the unknown project took no token
    });

    it("success: Content-Type names the date asked for, with charset=utf-8", async () => {
      await start();
      const c = await bearerClient(emu.url);
      const r = await c.request("GET", `${P}/processors`, { accept: V_PROC });
      expect(r.headers["content-type"]).to.equal("application/vnd.atlas.2024-05-30+json;charset=utf-8");
      expect(r.headers["x-error-code"]).to.equal(undefined);
    });

    it("responses: classic keeps the served version's media type, no X-Error-Code, and RateLimit-* on GROUP_NOT_FOUND", async () => {
      await start({ responses: "classic", rateLimit: { capacity: 10, refillPerSecond: 1 } });
      const c = await bearerClient(emu.url);
      const ok = await c.request("GET", `${P}/processor/orders`, { accept: "application/vnd.atlas.2025-03-12+json" });
      expect(ok.headers["content-type"]).to.equal("application/vnd.atlas.2024-05-30+json");
      const missing = await c.request("GET", `/api/atlas/v2/groups/${UNKNOWN_GROUP}/streams`, {
        accept: "application/vnd.atlas.2023-02-01+json",
      });
      expect(missing.status).to.equal(404);
      expect(missing.headers["x-error-code"]).to.equal(undefined);
      expect(missing.headers["ratelimit-limit"]).to.equal("10");
    });
  });

  describe("The request log tells the truth", () => {
    it("logs an enveloped 404 as the 200 that went on the wire, with the enveloped status beside it", async () => {
      await start();
      const c = await bearerClient(emu.url);
      emu.admin.clearRequests();
      const r = await c.request("GET", `${P}/processor/nope?envelope=true`, { accept: V_PROC });
      expect(r.status).to.equal(200);
      expect(r.json.status).to.equal(404);
      const [entry] = emu.admin.requests();
      expect(entry!.status).to.equal(200);
      expect(entry!.envelopedStatus).to.equal(404);
      const plain = await c.request("GET", `${P}/processor/nope`, { accept: V_PROC });
      expect(plain.status).to.equal(404);
      const last = emu.admin.requests().at(-1)!;
      expect(last.status).to.equal(404);
      expect(last).to.not.have.property("envelopedStatus");
    });

    it("records the Accept and Content-Type sent, never the Authorization header (also over GET /admin/requests)", async () => {
      await start();
      const c = new Client(emu.url, { kind: "digest", ...OWNER });
      emu.admin.clearRequests();
      await c.request("PATCH", `${P}/processor/orders`, {
        accept: V_PROC,
        headers: { "Content-Type": "application/vnd.atlas.2024-05-30+json" },
        body: { tier: "SP10" },
      });
      const r = await rawRequest(emu.url, "GET", "/admin/requests");
      const entries = r.json.requests as Array<Record<string, unknown>>;
      expect(entries.map((e) => e.status)).to.deep.equal([401, 200]);
      for (const e of entries) {
        expect(e.accept).to.equal(V_PROC);
        expect(e.contentType).to.equal("application/vnd.atlas.2024-05-30+json");
      }
      expect(r.text).to.not.include(OWNER.pass);
      expect(r.text).to.not.match(/response=|Digest username/);
    });
  });

  it("the CLI takes --digest, --responses and --connection-pending-ms", () => {
    const o = parseArgs(["--digest", "rfc7616", "--responses=classic", "--connection-pending-ms", "1500"]);
    expect(o).to.include({ digest: "rfc7616", responses: "classic", connectionPendingMs: 1500 });
    expect(() => parseArgs(["--digest", "sha"])).to.throw(/--digest needs atlas or rfc7616/);
    expect(() => parseArgs(["--responses", "spec"])).to.throw(/--responses needs atlas or classic/);
  });
});
