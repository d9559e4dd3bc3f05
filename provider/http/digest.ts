/**
 * HTTP Digest access authentication (RFC 7616) for Atlas API keys: MD5 and SHA-256 (and their
 * -sess variants), qop=auth, opaque echoed, the server nonce reused with an increasing nc, and a
 * fresh challenge taken on stale=true. Our own module because no npm package does this right
 * for axios (RFC 7616: https://www.rfc-editor.org/rfc/rfc7616).
 */
import { createHash, randomBytes } from "node:crypto";

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string | undefined;
  algorithm: "MD5" | "SHA-256" | "MD5-sess" | "SHA-256-sess";
  qop?: "auth" | undefined;
  stale: boolean;
}

/** One `WWW-Authenticate` challenge: scheme plus parameters. */
interface RawChallenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses a WWW-Authenticate value, which may hold several challenges (Node joins repeated
 * headers with ", "): `Digest realm="a", nonce="b", algorithm=SHA-256, Digest realm=…`.
 * Quoted strings may contain commas, `=` and escaped quotes.
 */
export function parseChallenges(header: string): RawChallenge[] {
  const out: RawChallenge[] = [];
  let i = 0;
  const n = header.length;
  const skipWs = () => {
    while (i < n && (header[i] === " " || header[i] === "\t" || header[i] === ",")) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < n && /[!#$%&'*+\-.^_`|~0-9A-Za-z]/.test(header.charAt(i))) i++;
    return header.slice(start, i);
  };
  let current: RawChallenge | undefined;
  while (i < n) {
    skipWs();
    if (i >= n) break;
    const token = readToken();
    if (!token) {
      i++; // unexpected character: skip it rather than loop forever
      continue;
    }
    let j = i;
    while (j < n && (header[j] === " " || header[j] === "\t")) j++;
    if (header[j] === "=" && current) {
      i = j + 1;
      while (i < n && (header[i] === " " || header[i] === "\t")) i++;
      let value = "";
      if (header[i] === '"') {
        i++;
        while (i < n && header[i] !== '"') {
          if (header[i] === "\\" && i + 1 < n) i++;
          value += header[i++];
        }
        i++; // closing quote
      } else {
        const start = i;
        while (i < n && header[i] !== "," && header[i] !== " ") i++;
        value = header.slice(start, i);
      }
      current.params[token.toLowerCase()] = value;
    } else {
      current = { scheme: token, params: {} };
      out.push(current);
      i = j;
    }
  }
  return out;
}

const ALGORITHMS = ["SHA-256-sess", "SHA-256", "MD5-sess", "MD5"] as const;
const PREFERENCE: Record<DigestChallenge["algorithm"], number> = { "SHA-256": 0, "SHA-256-sess": 1, MD5: 2, "MD5-sess": 3 };

/** The strongest usable Digest challenge in a WWW-Authenticate value, or undefined. */
export function pickDigestChallenge(header: string | string[] | undefined): DigestChallenge | undefined {
  if (!header) return undefined;
  const text = Array.isArray(header) ? header.join(", ") : header;
  const usable: DigestChallenge[] = [];
  for (const c of parseChallenges(text)) {
    if (c.scheme.toLowerCase() !== "digest") continue;
    const { realm, nonce } = c.params;
    if (realm === undefined || !nonce) continue;
    const algoRaw = (c.params.algorithm ?? "MD5").toUpperCase();
    const algorithm = ALGORITHMS.find((a) => a.toUpperCase() === algoRaw);
    if (!algorithm) continue;
    const qops = (c.params.qop ?? "").split(",").map((q) => q.trim().toLowerCase());
    if (c.params.qop !== undefined && !qops.includes("auth")) continue; // only qop=auth is supported
    usable.push({
      realm,
      nonce,
      opaque: c.params.opaque,
      algorithm,
      qop: c.params.qop !== undefined ? "auth" : undefined,
      stale: (c.params.stale ?? "").toLowerCase() === "true",
    });
  }
  usable.sort((a, b) => PREFERENCE[a.algorithm] - PREFERENCE[b.algorithm]);
  return usable[0];
}

function h(algorithm: DigestChallenge["algorithm"], text: string): string {
  return createHash(algorithm.startsWith("SHA-256") ? "sha256" : "md5")
    .update(text, "utf8")
    .digest("hex");
}

const quote = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

export interface DigestInput {
  challenge: DigestChallenge;
  username: string;
  password: string;
  method: string;
  /** The request-target: path plus query, exactly as sent. */
  uri: string;
  nc: number;
  cnonce: string;
}

/** Builds the `Authorization: Digest …` value (RFC 7616 §3.4). Pure. */
export function digestAuthorization(x: DigestInput): string {
  const { challenge: c } = x;
  let ha1 = h(c.algorithm, `${x.username}:${c.realm}:${x.password}`);
  if (c.algorithm.endsWith("-sess")) ha1 = h(c.algorithm, `${ha1}:${c.nonce}:${x.cnonce}`);
  const ha2 = h(c.algorithm, `${x.method.toUpperCase()}:${x.uri}`);
  const nc = x.nc.toString(16).padStart(8, "0");
  const response = c.qop ? h(c.algorithm, `${ha1}:${c.nonce}:${nc}:${x.cnonce}:auth:${ha2}`) : h(c.algorithm, `${ha1}:${c.nonce}:${ha2}`);
  const parts = [
    `username=${quote(x.username)}`,
    `realm=${quote(c.realm)}`,
    `nonce=${quote(c.nonce)}`,
    `uri=${quote(x.uri)}`,
    `algorithm=${c.algorithm}`,
    `response=${quote(response)}`,
  ];
  if (c.qop) parts.push(`qop=auth`, `nc=${nc}`, `cnonce=${quote(x.cnonce)}`);
  if (c.opaque !== undefined) parts.push(`opaque=${quote(c.opaque)}`);
  return `Digest ${parts.join(", ")}`;
}

/**
 * The client side of one API key's Digest conversation: remembers the last challenge so every
 * later request authenticates up front (one challenge per process, not one per request).
 */
export class DigestSession {
  private challenge: DigestChallenge | undefined;
  private nc = 0;
  /** How many challenges this session has taken (the benchmark reports it). */
  challenges = 0;

  constructor(
    private readonly username: string,
    private readonly password: string,
  ) {}

  /** Whether the server has answered a request signed with the current challenge (not with 401). */
  acceptedByServer = false;

  /** Whether a challenge has been taken (requests can be signed up front). */
  get ready(): boolean {
    return this.challenge !== undefined;
  }

  /** The nonce requests are signed with now. */
  get nonce(): string | undefined {
    return this.challenge?.nonce;
  }

  /** Notes that the server answered (not 401) a request carrying `sent`. */
  markAccepted(sent: string): void {
    if (this.challenge && nonceOf(sent) === this.challenge.nonce) this.acceptedByServer = true;
  }

  /** The header for a request, or undefined until a challenge has been seen. */
  authorize(method: string, uri: string): string | undefined {
    if (!this.challenge) return undefined;
    this.nc += 1;
    return digestAuthorization({
      challenge: this.challenge,
      username: this.username,
      password: this.password,
      method,
      uri,
      nc: this.nc,
      cnonce: randomBytes(12).toString("hex"),
    });
  }

  /**
   * Takes the challenge of a 401 and reports whether it was usable and stale. The caller
   * decides whether to retry: after the first challenge of a call, or on stale=true; a second
   * non-stale 401 in one call means the key itself was refused.
   */
  accept(header: string | string[] | undefined): { usable: boolean; stale: boolean } {
    const c = pickDigestChallenge(header);
    if (!c) return { usable: false, stale: false };
    this.challenge = c;
    this.nc = 0;
    this.acceptedByServer = false;
    this.challenges += 1;
    return { usable: true, stale: c.stale };
  }
}

/** The nonce an `Authorization: Digest …` value was signed with. */
export function nonceOf(authorization: string | undefined): string | undefined {
  if (!authorization || !/^Digest\s/i.test(authorization)) return undefined;
  const c = parseChallenges(authorization)[0];
  return c?.params.nonce;
}

export interface Digest401Facts {
  /** The request was signed with an older nonce than the session holds now (or sent unsigned). */
  sentWithOlderNonce: boolean;
  /** The 401 carried a usable Digest challenge. */
  usable: boolean;
  stale: boolean;
  /** First 401 of this API call. */
  firstInCall: boolean;
  /** The server had accepted requests signed with the nonce this request used. */
  nonceAcceptedBefore: boolean;
}

/**
 * Whether a 401 to a Digest-signed request earns another attempt. A request signed with a
 * nonce another request has already replaced simply goes again with the current one (no new
 * challenge). Otherwise a usable challenge is worth one more attempt on the first 401 of a
 * call, on stale=true, and when the refused nonce had been accepted before (a server strict
 * about nonce counts, an expired nonce): only a key never accepted with a fresh challenge is
 * blamed, so a wrong key fails after one challenge as before.
 */
export function retryAfterDigest401(f: Digest401Facts): boolean {
  if (f.sentWithOlderNonce) return true;
  return f.usable && (f.firstInCall || f.stale || f.nonceAcceptedBefore);
}
