// OAuth 2.0 client-credentials tokens for service accounts (`/api/oauth/token`, `/api/oauth/revoke`).
// Tokens are opaque random strings held in memory only (they need not survive a restart).
import { randomBytes } from "node:crypto";
import type { Outgoing } from "./envelope";
import type { OAuthKey } from "./routes";

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
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

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

export interface OAuthRequest {
  /** The parsed `Authorization: Basic` credentials, if any. */
  basic: { user: string; pass: string } | undefined;
  body: Buffer;
  contentType: string | undefined;
}

/** What the endpoints need: a service account's secret by client id, and the token store. */
export interface OAuthDeps {
  secretOf(clientId: string): string | undefined;
  tokens: TokenStore;
}

// OAuth endpoints answer RFC 6749 error bodies (`error`, `error_description`), not ApiError:
// that is what OAuth client libraries parse. (Unverified against Atlas.)
function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}): Outgoing {
  return { status, body: { error, error_description: description }, headers: { "Cache-Control": "no-store", ...headers } };
}

/** What both endpoints check first: the client's Basic credentials (401), then a form body (400). */
function clientForm(deps: OAuthDeps, req: OAuthRequest): { refused: Outgoing } | { clientId: string; form: URLSearchParams } {
  const { basic } = req;
  const secret = basic ? deps.secretOf(basic.user) : undefined;
  if (!basic || secret === undefined || secret !== basic.pass) {
    return {
      refused: oauthError(401, "invalid_client", "Client authentication failed.", { "WWW-Authenticate": 'Basic realm="MMS Public API"' }),
    };
  }
  if (!(req.contentType ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    return { refused: oauthError(400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded.") };
  }
  return { clientId: basic.user, form: new URLSearchParams(req.body.toString("utf8")) };
}

export type OAuthHandler = (deps: OAuthDeps, req: OAuthRequest) => Outgoing;

/** The OAuth routes (routes.ts `OAUTH_ROUTES`): `POST /api/oauth/token` (client credentials) and `POST /api/oauth/revoke`. */
export const OAUTH_HANDLERS: Record<OAuthKey, OAuthHandler> = {
  issueToken(deps, req) {
    const client = clientForm(deps, req);
    if ("refused" in client) return client.refused;
    if (client.form.get("grant_type") !== "client_credentials")
      return oauthError(400, "unsupported_grant_type", "grant_type must be client_credentials.");
    const { token, expiresIn } = deps.tokens.issue(client.clientId);
    return {
      status: 200,
      body: { access_token: token, token_type: "Bearer", expires_in: expiresIn },
      headers: { "Cache-Control": "no-store" },
    };
  },
  revokeToken(deps, req) {
    const client = clientForm(deps, req);
    if ("refused" in client) return client.refused;
    const token = client.form.get("token");
    if (!token) return oauthError(400, "invalid_request", "token is required.");
    deps.tokens.revoke(token, client.clientId);
    return { status: 200, body: {} };
  },
};
