// Which handler serves each Atlas operation (the route table, ../routes.ts, names the operations).
// The table's admin routes are served by admin.ts `ADMIN_HANDLERS`, its OAuth routes by ../oauth.ts
// `OAUTH_HANDLERS`.
import type { EndpointKey } from "../versioning";
import * as connections from "./connections";
import * as processors from "./processors";
import { listRateLimits } from "./rate-limits";
import type { Handler } from "./request";
import * as workspaces from "./workspaces";

export type { ApiDeps, ApiRequest, ApiResult } from "./request";

export const HANDLERS: Record<EndpointKey, Handler> = {
  ...workspaces,
  ...processors,
  ...connections,
  listRateLimits,
};
