import { assert, expect } from "chai";
import { nth } from "../../support/present";
import { createHash } from "node:crypto";
import {
  digestAuthorization,
  DigestSession,
  nonceOf,
  parseChallenges,
  pickDigestChallenge,
  retryAfterDigest401,
  type DigestChallenge,
} from "../../../provider/http/digest";

/** Parses `Digest k=v, k="v"` into its parameters (for checking what was sent). */
function authParams(header: string): Record<string, string> {
  expect(header.startsWith("Digest ")).to.equal(true);
  return nth(parseChallenges(header), 0, "the challenge").params;
}

// RFC 7616 §3.9.1.
const RFC = {
  username: "Mufasa",
  password: "Circle of Life",
  realm: "http-auth@example.org",
  nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
  opaque: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
  uri: "/dir/index.html",
  cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
};
const RFC_HEADER =
  `Digest realm="${RFC.realm}", qop="auth, auth-int", algorithm=SHA-256, nonce="${RFC.nonce}", opaque="${RFC.opaque}", ` +
  `Digest realm="${RFC.realm}", qop="auth, auth-int", algorithm=MD5, nonce="${RFC.nonce}", opaque="${RFC.opaque}"`;

describe("digest", () => {
  describe("parseChallenges", () => {
    it("splits several challenges in one header", () => {
      const out = parseChallenges(
        `Basic realm="b", Digest realm="d1", nonce="n1", algorithm=SHA-256, Digest realm="d2", nonce=n2, Bearer realm="x"`,
      );
      expect(out.map((c) => c.scheme)).to.deep.equal(["Basic", "Digest", "Digest", "Bearer"]);
      expect(nth(out, 1).params).to.deep.equal({ realm: "d1", nonce: "n1", algorithm: "SHA-256" });
      expect(nth(out, 2).params).to.deep.equal({ realm: "d2", nonce: "n2" });
    });

    const values: [string, string, string][] = [
      ["a comma inside quotes", `Digest realm="a, b", nonce="n"`, "a, b"],
      ["escaped quotes", `Digest realm="say \\"hi\\"", nonce="n"`, 'say "hi"'],
      ["an escaped backslash", `Digest realm="a\\\\b", nonce="n"`, "a\\b"],
      ["a challenge-looking text inside quotes", `Digest realm="Digest realm=x", nonce="n"`, "Digest realm=x"],
    ];
    for (const [what, header, realm] of values) {
      it(`keeps ${what} in a quoted value`, () => {
        const out = parseChallenges(header);
        expect(out).to.have.lengthOf(1);
        expect(nth(out, 0).params.realm).to.equal(realm);
        expect(nth(out, 0).params.nonce).to.equal("n");
      });
    }

    it("keeps '=' inside a quoted nonce", () => {
      expect(nth(parseChallenges(`Digest nonce="YWJj==", realm="r"`), 0).params).to.deep.equal({ nonce: "YWJj==", realm: "r" });
    });

    it("keeps '=' inside an unquoted nonce", () => {
      expect(nth(parseChallenges(`Digest nonce=YWJj==, realm="r"`), 0).params).to.deep.equal({ nonce: "YWJj==", realm: "r" });
    });

    it("lower-cases parameter names and tolerates spaces around '='", () => {
      expect(nth(parseChallenges(`Digest Realm = "r", NONCE= "n"`), 0).params).to.deep.equal({ realm: "r", nonce: "n" });
    });

    it("returns nothing for an empty header", () => {
      expect(parseChallenges("")).to.deep.equal([]);
    });
  });

  describe("pickDigestChallenge", () => {
    it("prefers SHA-256 over MD5 whatever the order", () => {
      const md5First = `Digest realm="r", nonce="n1", qop="auth", algorithm=MD5, Digest realm="r", nonce="n2", qop="auth", algorithm=SHA-256`;
      const c = pickDigestChallenge(md5First);
      expect(c?.algorithm).to.equal("SHA-256");
      expect(c?.nonce).to.equal("n2");
      expect(pickDigestChallenge(RFC_HEADER)?.algorithm).to.equal("SHA-256");
    });

    it("prefers SHA-256 over SHA-256-sess and MD5-sess", () => {
      const h = `Digest realm="r", nonce="a", algorithm=MD5-sess, Digest realm="r", nonce="b", algorithm=SHA-256-sess, Digest realm="r", nonce="c", algorithm=SHA-256`;
      expect(pickDigestChallenge(h)?.nonce).to.equal("c");
    });

    it("reads every field of the RFC example", () => {
      expect(pickDigestChallenge(RFC_HEADER)).to.deep.equal({
        realm: RFC.realm,
        nonce: RFC.nonce,
        opaque: RFC.opaque,
        algorithm: "SHA-256",
        qop: "auth",
        stale: false,
      } satisfies DigestChallenge);
    });

    it("skips a challenge whose qop offers only auth-int", () => {
      const h = `Digest realm="r", nonce="a", qop="auth-int", algorithm=SHA-256, Digest realm="r", nonce="b", qop="auth", algorithm=MD5`;
      const c = pickDigestChallenge(h);
      expect(c?.nonce).to.equal("b");
      expect(c?.algorithm).to.equal("MD5");
    });

    it("returns undefined when only auth-int is offered", () => {
      expect(pickDigestChallenge(`Digest realm="r", nonce="a", qop="auth-int"`)).to.equal(undefined);
    });

    it("defaults to MD5 and no qop when the challenge names neither", () => {
      const c = pickDigestChallenge(`Digest realm="r", nonce="n"`);
      expect(c?.algorithm).to.equal("MD5");
      expect(c?.qop).to.equal(undefined);
    });

    const unusable: [string, string | string[] | undefined][] = [
      ["no header", undefined],
      ["an empty header", ""],
      ["only Basic", `Basic realm="r"`],
      ["no nonce", `Digest realm="r"`],
      ["no realm", `Digest nonce="n"`],
      ["an unknown algorithm", `Digest realm="r", nonce="n", algorithm=SHA-512-256`],
    ];
    for (const [what, header] of unusable) {
      it(`returns undefined for ${what}`, () => {
        expect(pickDigestChallenge(header)).to.equal(undefined);
      });
    }

    it("reads stale=true, case-insensitively", () => {
      expect(pickDigestChallenge(`Digest realm="r", nonce="n", stale=TRUE`)?.stale).to.equal(true);
      expect(pickDigestChallenge(`Digest realm="r", nonce="n", stale=false`)?.stale).to.equal(false);
    });

    it("accepts repeated headers as an array", () => {
      expect(
        pickDigestChallenge([`Digest realm="r", nonce="m", algorithm=MD5`, `Digest realm="r", nonce="s", algorithm=SHA-256`])?.nonce,
      ).to.equal("s");
    });
  });

  describe("digestAuthorization", () => {
    const vectors: [DigestChallenge["algorithm"], string][] = [
      ["MD5", "8ca523f5e9506fed4657c9700eebdbec"],
      ["SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"],
    ];
    for (const [algorithm, response] of vectors) {
      it(`computes the RFC 7616 §3.9.1 ${algorithm} response`, () => {
        const header = digestAuthorization({
          challenge: { realm: RFC.realm, nonce: RFC.nonce, opaque: RFC.opaque, algorithm, qop: "auth", stale: false },
          username: RFC.username,
          password: RFC.password,
          method: "GET",
          uri: RFC.uri,
          nc: 1,
          cnonce: RFC.cnonce,
        });
        expect(authParams(header)).to.deep.equal({
          username: RFC.username,
          realm: RFC.realm,
          nonce: RFC.nonce,
          uri: RFC.uri,
          algorithm,
          response,
          qop: "auth",
          nc: "00000001",
          cnonce: RFC.cnonce,
          opaque: RFC.opaque,
        });
      });
    }

    it("upper-cases the method", () => {
      const x = {
        challenge: { realm: RFC.realm, nonce: RFC.nonce, algorithm: "MD5" as const, qop: "auth" as const, stale: false },
        username: RFC.username,
        password: RFC.password,
        uri: RFC.uri,
        nc: 1,
        cnonce: RFC.cnonce,
      };
      expect(digestAuthorization({ ...x, method: "get" })).to.equal(digestAuthorization({ ...x, method: "GET" }));
    });

    it("uses the RFC 2069 form without qop, and omits qop, nc, cnonce and opaque", () => {
      const challenge: DigestChallenge = { realm: "r", nonce: "n", algorithm: "MD5", stale: false };
      const p = authParams(
        digestAuthorization({ challenge, username: "u", password: "p", method: "POST", uri: "/x?y=1", nc: 1, cnonce: "c" }),
      );
      const md5 = (s: string) => createHash("md5").update(s).digest("hex");
      expect(p.response).to.equal(md5(`${md5("u:r:p")}:n:${md5("POST:/x?y=1")}`));
      expect(p).to.not.have.any.keys("qop", "nc", "cnonce", "opaque");
    });

    it("hashes HA1 with nonce and cnonce for -sess algorithms", () => {
      const challenge: DigestChallenge = { realm: "r", nonce: "n", algorithm: "SHA-256-sess", qop: "auth", stale: false };
      const p = authParams(digestAuthorization({ challenge, username: "u", password: "p", method: "GET", uri: "/", nc: 2, cnonce: "c" }));
      const sha = (s: string) => createHash("sha256").update(s).digest("hex");
      const ha1 = sha(`${sha("u:r:p")}:n:c`);
      expect(p.response).to.equal(sha(`${ha1}:n:00000002:c:auth:${sha("GET:/")}`));
      expect(p.algorithm).to.equal("SHA-256-sess");
    });

    it("writes nc as 8 hex digits", () => {
      const challenge: DigestChallenge = { realm: "r", nonce: "n", algorithm: "MD5", qop: "auth", stale: false };
      const p = authParams(digestAuthorization({ challenge, username: "u", password: "p", method: "GET", uri: "/", nc: 255, cnonce: "c" }));
      expect(p.nc).to.equal("000000ff");
    });

    it("escapes quotes and backslashes in quoted values", () => {
      const challenge: DigestChallenge = { realm: 'a"b\\c', nonce: "n", algorithm: "MD5", stale: false };
      const header = digestAuthorization({ challenge, username: 'us"er', password: "p", method: "GET", uri: "/", nc: 1, cnonce: "c" });
      expect(header).to.include(`realm="a\\"b\\\\c"`);
      expect(authParams(header)).to.include({ realm: 'a"b\\c', username: 'us"er' });
    });

    it("never includes the password", () => {
      const challenge: DigestChallenge = { realm: "r", nonce: "n", algorithm: "SHA-256", qop: "auth", stale: false };
      expect(
        digestAuthorization({ challenge, username: "u", password: "s3cr3t-pass", method: "GET", uri: "/", nc: 1, cnonce: "c" }),
      ).to.not.include("s3cr3t-pass");
    });
  });

  describe("DigestSession", () => {
    const challenge = `Digest realm="${RFC.realm}", nonce="${RFC.nonce}", qop="auth", algorithm=SHA-256, opaque="${RFC.opaque}"`;

    it("sends no header before a challenge", () => {
      expect(new DigestSession("u", "p").authorize("GET", "/")).to.equal(undefined);
    });

    it("answers a challenge, counting nc up from 00000001", () => {
      const s = new DigestSession(RFC.username, RFC.password);
      expect(s.accept(challenge)).to.deep.equal({ usable: true, stale: false });
      const first = authParams(s.authorize("GET", RFC.uri)!);
      const second = authParams(s.authorize("GET", RFC.uri)!);
      expect(first.nc).to.equal("00000001");
      expect(second.nc).to.equal("00000002");
      expect(first.nonce).to.equal(RFC.nonce);
      expect(first.opaque).to.equal(RFC.opaque);
      expect(first.username).to.equal(RFC.username);
      expect(first.cnonce).to.not.equal(second.cnonce);
    });

    it("produces a response the RFC formula verifies", () => {
      const s = new DigestSession(RFC.username, RFC.password);
      s.accept(challenge);
      const p = authParams(s.authorize("GET", RFC.uri)!);
      assert.exists(p.cnonce, "the Authorization header carries a cnonce");
      const expected = digestAuthorization({
        challenge: pickDigestChallenge(challenge)!,
        username: RFC.username,
        password: RFC.password,
        method: "GET",
        uri: RFC.uri,
        nc: 1,
        cnonce: p.cnonce,
      });
      expect(p.response).to.equal(authParams(expected).response);
    });

    it("reports a stale challenge and restarts nc", () => {
      const s = new DigestSession("u", "p");
      s.accept(challenge);
      s.authorize("GET", "/");
      s.authorize("GET", "/");
      expect(s.accept(`Digest realm="r", nonce="fresh", qop="auth", algorithm=SHA-256, stale=true`)).to.deep.equal({
        usable: true,
        stale: true,
      });
      const p = authParams(s.authorize("GET", "/")!);
      expect(p.nc).to.equal("00000001");
      expect(p.nonce).to.equal("fresh");
      expect(s.challenges).to.equal(2);
    });

    it("reports an unusable challenge and keeps the previous one", () => {
      const s = new DigestSession("u", "p");
      expect(s.accept(`Basic realm="r"`)).to.deep.equal({ usable: false, stale: false });
      expect(s.authorize("GET", "/")).to.equal(undefined);
      expect(s.challenges).to.equal(0);
      s.accept(challenge);
      expect(s.accept(undefined)).to.deep.equal({ usable: false, stale: false });
      expect(authParams(s.authorize("GET", "/")!).nonce).to.equal(RFC.nonce);
    });
  });
});

describe("retryAfterDigest401", () => {
  const f = { sentWithOlderNonce: false, usable: true, stale: false, firstInCall: false, nonceAcceptedBefore: false };
  const cases: [string, Partial<typeof f>, boolean][] = [
    ["signed with a nonce another request already replaced: go again, no new challenge", { sentWithOlderNonce: true, usable: false }, true],
    ["first 401 of a call with a usable challenge", { firstInCall: true }, true],
    ["stale=true", { stale: true }, true],
    ["a nonce the server had accepted before, now refused (strict nonce counts, expiry)", { nonceAcceptedBefore: true }, true],
    ["a second 401 on a fresh, never accepted nonce: the key is wrong", {}, false],
    ["no usable challenge", { firstInCall: true, usable: false }, false],
  ];
  for (const [what, x, expected] of cases) {
    it(`${what} → ${expected}`, () => {
      expect(retryAfterDigest401({ ...f, ...x })).to.equal(expected);
    });
  }

  it("nonceOf reads the nonce of a Digest Authorization value", () => {
    expect(nonceOf('Digest username="u", realm="r", nonce="abc=", uri="/x", response="1"')).to.equal("abc=");
    expect(nonceOf("Bearer t")).to.equal(undefined);
    expect(nonceOf(undefined)).to.equal(undefined);
  });
});
