/**
 * The I/O half of rate-budget.ts: one budget view per Atlas project for the whole provider process,
 * consulted before every request (the HTTP client's request interceptor) and updated from every
 * answer. Kept in a process slot (process-slot.ts).
 */
import {
  DEFAULT_BUDGET_POLICY,
  admissionDelayMs,
  admitted,
  answered,
  emptyBudget,
  parseBucketParameters,
  projectOf,
  requestKind,
  type BudgetView,
} from "./rate-budget";
import { parseRetryAfter } from "./retry";
import { processSlot } from "../util/process-slot";

interface Budgets {
  views: Record<string, BudgetView>;
}

function budgets(): Budgets {
  return processSlot<Budgets>("project-budgets", () => ({ views: {} }));
}

/** The key of a request's project (endpoint and groupId), or undefined for paths outside a project. */
export function budgetKey(baseUrl: string, path: string): string | undefined {
  const project = projectOf(path);
  return project === undefined ? undefined : `${baseUrl}|${project}`;
}

/** Waits until the project's budget admits a request of this method; the caller must call `settle` once. */
export async function admit(key: string, method: string): Promise<void> {
  const b = budgets();
  const view = b.views[key] ?? emptyBudget(Date.now());
  const kind = requestKind(method);
  let delay = admissionDelayMs(view, kind, Date.now());
  b.views[key] = admitted(view);
  // A 429 that arrives while this request waits extends the pause for it too.
  while (delay > 0) {
    await new Promise<void>((resolve) => setTimeout(resolve, delay));
    const now = Date.now();
    const pausedUntil = b.views[key]?.pausedUntil ?? 0;
    delay = pausedUntil > now ? pausedUntil - now + (kind === "read" ? DEFAULT_BUDGET_POLICY.readLagMs : 0) : 0;
  }
}

/** Records the answer (or its absence) of a request `admit` let through. */
export function settle(
  key: string,
  status: number | undefined,
  headers: Record<string, unknown> | undefined,
  body: unknown,
  maxPauseMs: number,
): void {
  const b = budgets();
  const now = Date.now();
  const view = b.views[key] ?? emptyBudget(now);
  b.views[key] = answered(
    view,
    {
      status,
      limit: headers?.["ratelimit-limit"],
      remaining: headers?.["ratelimit-remaining"],
      retryAfterMs: status === 429 ? parseRetryAfter(headers?.["retry-after"], now) : undefined,
      bucket: status === 429 ? parseBucketParameters(body) : undefined,
    },
    now,
    maxPauseMs,
  );
}
