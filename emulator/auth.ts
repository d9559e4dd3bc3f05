// Authentication (who is calling: Digest API key or OAuth Bearer service account) and
// authorisation (may this principal read or change this project).
import { apiError, type ApiErrorBody } from "./errors";
import type { DigestAuthority } from "./digest";
import type { TokenStore } from "./oauth";
import type { Store } from "./store";
import type { AuthScheme, RoleAssignment } from "./types";

export interface Principal {
  kind: "apiKey" | "serviceAccount";
  /** Public key or client id: safe to log. */
  id: string;
}

export type AuthOutcome =
  | { ok: true; scheme: AuthScheme; principal: Principal }
  | { ok: false; scheme: AuthScheme; principalId?: string; body: ApiErrorBody; challenge: string[]; rawText?: string };

/**
 * Atlas' 401 to a Digest request or one without credentials, byte for byte as recorded
 * (pretty-printed, its own key order, `UNEXPECTED_ERROR`).
 */
export const ATLAS_UNAUTHORIZED_TEXT =
  '{\n  "error" : 401,\n  "reason" : "Unauthorized",\n  "detail" : "You are not authorized for this resource.",\n  "errorCode" : "UNEXPECTED_ERROR"\n}';

export function schemeOf(header: string | undefined): AuthScheme {
  if (!header) return "none";
  const s = header.trimStart().slice(0, 7).toLowerCase();
  if (s.startsWith("digest")) return "digest";
  if (s.startsWith("bearer")) return "bearer";
  if (s.startsWith("basic")) return "basic";
  return "none";
}

const WRITE_ROLES = new Set(["GROUP_OWNER", "GROUP_STREAM_PROCESSING_OWNER"]);
const READ_ROLES = new Set([...WRITE_ROLES, "GROUP_READ_ONLY"]);

export class Authenticator {
  constructor(
    private readonly store: Store,
    private readonly digest: DigestAuthority,
    private readonly tokens: TokenStore,
  ) {}

  private unauthorized(scheme: AuthScheme, detail: string, challenge: string[], principalId?: string): AuthOutcome {
    const out: AuthOutcome = { ok: false, scheme, body: apiError(401, "UNAUTHORIZED", detail), challenge };
    if (principalId !== undefined) out.principalId = principalId;
    return out;
  }

  /** The Digest (or no-credentials) 401: Atlas' recorded body in the "atlas" style. */
  private digestUnauthorized(scheme: AuthScheme, stale: boolean, principalId?: string): AuthOutcome {
    const out = this.unauthorized(scheme, "You are not authorized for this resource.", this.digest.challenges(stale), principalId);
    if (this.digest.style === "atlas" && !out.ok) {
      out.body = { error: 401, reason: "Unauthorized", detail: "You are not authorized for this resource.", errorCode: "UNEXPECTED_ERROR" };
      out.rawText = ATLAS_UNAUTHORIZED_TEXT;
    }
    return out;
  }

  authenticate(method: string, requestTarget: string, header: string | undefined): AuthOutcome {
    const scheme = schemeOf(header);
    if (scheme === "bearer") {
      const token = header!.trim().slice(6).trim();
      const found = this.tokens.lookup(token);
      if (found.ok && this.store.serviceAccounts.has(found.clientId)) {
        return { ok: true, scheme, principal: { kind: "serviceAccount", id: found.clientId } };
      }
      const why = !found.ok && found.reason === "expired" ? "The access token has expired." : "The access token is invalid or revoked.";
      return this.unauthorized(
        scheme,
        why,
        [`Bearer realm="MMS Public API", error="invalid_token"`],
        found.ok ? found.clientId : found.clientId,
      );
    }
    if (scheme === "digest") {
      const r = this.digest.verify(method, requestTarget, header!, (user) => this.store.apiKeys.get(user)?.privateKey);
      if (r.ok) return { ok: true, scheme, principal: { kind: "apiKey", id: r.username } };
      return this.digestUnauthorized(scheme, r.stale, r.username);
    }
    // No credentials, or a scheme Atlas does not accept for the Admin API (Basic): challenge.
    return this.digestUnauthorized(scheme, false);
  }

  roles(p: Principal): RoleAssignment[] {
    return this.store.rolesOf(p.kind, p.id);
  }
}

/**
 * Decides access to a project. Unverified: Atlas answers 401 or 403 for a credential without the
 * project; the emulator answers 403 so clients can tell "wrong key" (401) from "no access" (403).
 */
export function authorize(roles: RoleAssignment[], groupId: string, write: boolean): ApiErrorBody | undefined {
  const names = roles.filter((r) => r.groupId === groupId).map((r) => r.roleName);
  const allowed = write ? WRITE_ROLES : READ_ROLES;
  if (names.some((n) => allowed.has(n))) return undefined;
  if (names.length === 0) return apiError(403, "USER_UNAUTHORIZED", `Current user is not authorized to access group ${groupId}.`);
  return apiError(403, "USER_UNAUTHORIZED", "Current user is not authorized to perform this action.");
}
