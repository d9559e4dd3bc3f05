// OAuth 2.0 client-credentials tokens for service accounts (`/api/oauth/token`, `/api/oauth/revoke`).
// Tokens are opaque random strings held in memory only (they need not survive a restart).
import { randomBytes } from "node:crypto";

interface TokenRecord {
  clientId: string;
  expiresAt: number;
}

export type TokenLookup = { ok: true; clientId: string } | { ok: false; reason: "expired" | "unknown"; clientId?: string };

export function parseBasic(header: string | undefined): { user: string; pass: string } | undefined {
  if (!header) return undefined;
  const m = /^\s*Basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  // Per RFC 6749 §2.3.1 the parts are form-urlencoded; tolerate bad escapes by using them raw.
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, " "));
    } catch {
      return s;
    }
  };
  return { user: dec(decoded.slice(0, colon)), pass: dec(decoded.slice(colon + 1)) };
}

export class TokenStore {
  private readonly tokens = new Map<string, TokenRecord>();
  constructor(
    private ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  get ttl(): number {
    return this.ttlSeconds;
  }

  issue(clientId: string): { token: string; expiresIn: number } {
    this.prune();
    const token = randomBytes(32).toString("base64url");
    this.tokens.set(token, { clientId, expiresAt: this.now() + this.ttlSeconds * 1000 });
    return { token, expiresIn: this.ttlSeconds };
  }

  lookup(token: string): TokenLookup {
    const rec = this.tokens.get(token);
    if (!rec) return { ok: false, reason: "unknown" };
    if (this.now() >= rec.expiresAt) return { ok: false, reason: "expired", clientId: rec.clientId };
    return { ok: true, clientId: rec.clientId };
  }

  /** RFC 7009: revoking an unknown token is not an error. Only the owner may revoke. */
  revoke(token: string, clientId: string): void {
    const rec = this.tokens.get(token);
    if (rec && rec.clientId === clientId) this.tokens.delete(token);
  }

  private prune(): void {
    if (this.tokens.size < 10_000) return;
    const t = this.now();
    for (const [k, v] of this.tokens) if (t >= v.expiresAt) this.tokens.delete(k);
  }
}
