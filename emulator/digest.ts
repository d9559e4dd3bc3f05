// HTTP Digest for Atlas API keys, qop=auth, expiring nonces (stale=true) and nonce-count replay
// protection. Two styles: "atlas" (default), the one challenge recorded from Atlas (MD5 only, no
// opaque, a 32-character base64 nonce that may hold `+` and `/`); "rfc7616", MD5 and SHA-256 (and
// their -sess variants) with an opaque value. Pure logic: no sockets; the server passes in the
// method, request-target and header.
import { createHash, randomBytes } from "node:crypto";

const REALM = "MMS Public API";
const ALGORITHMS = ["MD5", "SHA-256", "MD5-sess", "SHA-256-sess"] as const;
type Algorithm = (typeof ALGORITHMS)[number];

interface NonceRecord {
  issuedAt: number;
  /** Highest nc accepted so far. */
  highestNc: number;
  /** nc values accepted within the window below highestNc (replay detection). */
  seenNc: Set<number>;
}

/**
 * How far below the highest nc seen a late nc may still arrive. A client that sends concurrent
 * requests on one nonce over several connections (Pulumi runs resources in parallel) has them
 * arrive out of order; RFC 7616 asks the server to refuse a *repeated* nc, not a late one.
 */
const NC_WINDOW = 1024;

export type DigestStyle = "atlas" | "rfc7616";

export type DigestResult = { ok: true; username: string } | { ok: false; stale: boolean; username?: string; reason: string };

/** Parses `Digest k=v, k2="quoted, \"v\""` into a map (keys lower-cased). */
export function parseDigestParams(header: string): Record<string, string> | undefined {
  const m = /^\s*Digest\s+/i.exec(header);
  if (!m) return undefined;
  const s = header.slice(m[0].length);
  const out: Record<string, string> = {};
  let i = 0;
  while (i < s.length) {
    while (i < s.length && (s[i] === "," || s[i] === " " || s[i] === "\t")) i++;
    if (i >= s.length) break;
    const eq = s.indexOf("=", i);
    if (eq < 0) return undefined;
    const key = s.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    let value = "";
    if (s[i] === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === "\\" && i + 1 < s.length) i++;
        value += s[i];
        i++;
      }
      if (s[i] !== '"') return undefined;
      i++;
    } else {
      const end = s.indexOf(",", i);
      value = (end < 0 ? s.slice(i) : s.slice(i, end)).trim();
      i = end < 0 ? s.length : end;
    }
    if (!key) return undefined;
    out[key] = value;
  }
  return out;
}

function hashFn(algorithm: Algorithm): (s: string) => string {
  const name = algorithm.startsWith("SHA-256") ? "sha256" : "md5";
  return (s: string) => createHash(name).update(s, "utf8").digest("hex");
}

export interface DigestOptions {
  nonceTtlMs: number;
  now?: () => number;
  /** Bound on remembered nonces, so a flood of unauthenticated requests cannot grow memory. */
  maxNonces?: number;
  /** Default "atlas". */
  style?: DigestStyle;
}

export class DigestAuthority {
  readonly opaque = randomBytes(16).toString("hex");
  private readonly nonces = new Map<string, NonceRecord>();
  // HA1 = H(user:realm:password) is the expensive-ish part; cache it per key+algorithm.
  private readonly ha1Cache = new Map<string, { secret: string; ha1: string }>();
  private readonly now: () => number;
  private readonly maxNonces: number;
  readonly style: DigestStyle;

  constructor(private readonly options: DigestOptions) {
    this.now = options.now ?? Date.now;
    this.maxNonces = options.maxNonces ?? 50_000;
    this.style = options.style ?? "atlas";
  }

  /**
   * Issues a nonce and returns the challenges. "atlas": exactly the one recorded from Atlas, in its
   * parameter order. "rfc7616": MD5 first, then SHA-256, both with `opaque`.
   */
  challenges(stale = false): string[] {
    if (this.style === "atlas") {
      // 24 random bytes in standard base64: 32 characters, `+` and `/` included, as Atlas' nonces.
      const nonce = randomBytes(24).toString("base64");
      this.remember(nonce);
      return [`Digest realm="${REALM}", domain="", nonce="${nonce}", algorithm=MD5, qop="auth", stale=${stale}`];
    }
    const nonce = randomBytes(18).toString("base64url");
    this.remember(nonce);
    const common = `realm="${REALM}", domain="", nonce="${nonce}", opaque="${this.opaque}", qop="auth", stale=${stale}`;
    return [`Digest ${common}, algorithm=MD5`, `Digest ${common}, algorithm=SHA-256`];
  }

  private remember(nonce: string): void {
    if (this.nonces.size >= this.maxNonces) {
      const cutoff = this.now() - this.options.nonceTtlMs;
      for (const [n, rec] of this.nonces) if (rec.issuedAt < cutoff) this.nonces.delete(n);
      // Still full: drop the oldest (Map iterates in insertion order).
      while (this.nonces.size >= this.maxNonces) {
        const first = this.nonces.keys().next().value as string;
        this.nonces.delete(first);
      }
    }
    this.nonces.set(nonce, { issuedAt: this.now(), highestNc: 0, seenNc: new Set() });
  }

  private ha1(algorithm: Algorithm, username: string, secret: string): string {
    const key = `${algorithm.replace("-sess", "")}\u0000${username}`;
    const hit = this.ha1Cache.get(key);
    if (hit && hit.secret === secret) return hit.ha1;
    const ha1 = hashFn(algorithm)(`${username}:${REALM}:${secret}`);
    this.ha1Cache.set(key, { secret, ha1 });
    return ha1;
  }

  /**
   * Verifies an Authorization header. `requestTarget` is the raw request-target (path + query),
   * which the `uri` directive must equal. `secretFor` returns the private key of a public key.
   */
  verify(method: string, requestTarget: string, header: string, secretFor: (user: string) => string | undefined): DigestResult {
    const p = parseDigestParams(header);
    if (!p) return { ok: false, stale: false, reason: "malformed Digest header" };
    const { username, nonce, uri, response, nc, cnonce, qop } = p;
    if (!username || !nonce || !uri || !response) return { ok: false, stale: false, reason: "missing Digest parameters" };
    const asked = (p.algorithm ?? "MD5").toUpperCase();
    const algorithm = ALGORITHMS.find((a) => a.toUpperCase() === asked);
    // Atlas offers MD5 alone; answering with an algorithm it never offered is refused (unverified).
    if (!algorithm || (this.style === "atlas" && algorithm !== "MD5"))
      return { ok: false, stale: false, username, reason: "unsupported algorithm" };
    if (qop !== "auth" || !nc || !cnonce || !/^[0-9a-fA-F]{1,8}$/.test(nc)) {
      return { ok: false, stale: false, username, reason: "qop=auth with nc and cnonce is required" };
    }
    // Atlas sends no opaque, so there is nothing to echo; only the rfc7616 style checks it.
    if (this.style === "rfc7616" && p.opaque !== undefined && p.opaque !== this.opaque)
      return { ok: false, stale: false, username, reason: "opaque mismatch" };
    if (uri !== requestTarget) return { ok: false, stale: false, username, reason: "uri does not match the request" };
    const secret = secretFor(username);
    if (secret === undefined) return { ok: false, stale: false, username, reason: "unknown API key" };

    const H = hashFn(algorithm);
    let ha1 = this.ha1(algorithm, username, secret);
    if (algorithm.endsWith("-sess")) ha1 = H(`${ha1}:${nonce}:${cnonce}`);
    const ha2 = H(`${method}:${uri}`);
    const expected = H(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`);
    if (expected !== response.toLowerCase()) return { ok: false, stale: false, username, reason: "wrong credentials" };

    // Only now is the nonce judged: stale=true tells the client its password was right.
    const rec = this.nonces.get(nonce);
    if (!rec || this.now() - rec.issuedAt > this.options.nonceTtlMs) {
      if (rec) this.nonces.delete(nonce);
      return { ok: false, stale: true, username, reason: "nonce expired" };
    }
    const count = parseInt(nc, 16);
    if (count < 1 || rec.seenNc.has(count) || count <= rec.highestNc - NC_WINDOW) {
      return { ok: false, stale: false, username, reason: "nonce count replayed" };
    }
    rec.seenNc.add(count);
    if (count > rec.highestNc) {
      rec.highestNc = count;
      if (rec.seenNc.size > 2 * NC_WINDOW) for (const n of rec.seenNc) if (n <= count - NC_WINDOW) rec.seenNc.delete(n);
    }
    return { ok: true, username };
  }
}
