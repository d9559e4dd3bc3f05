/**
 * The I/O half of rate-budget.ts: one budget view per Atlas project for the whole provider process,
 * consulted before every request (the HTTP client's request interceptor) and updated from every
 * answer. Kept in a process slot (process-slot.ts).
 */
import {
  admissionDelayMs,
  admitted,
  answered,
  emptyBudget,
  parseBucketParameters,
  projectOf,
  requestKind,
  type BudgetView,
  pauseDelayMs,
} from "./rate-budget";
import { parseRetryAfter } from "./retry";
import { processSlot } from "../util/process-slot";
import { systemClock, type Clock } from "../util/clock";

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
export async function admit(key: string, method: string, clock: Clock = systemClock): Promise<void> {
  const b = budgets();
  const view = b.views[key] ?? emptyBudget(clock.now());
  const kind = requestKind(method);
  let delay = admissionDelayMs(view, kind, clock.now());
  b.views[key] = admitted(view);
  // A 429 that arrives while this request waits extends the pause for it too.
  while (delay > 0) {
    await clock.sleep(delay);
    delay = pauseDelayMs(b.views[key] ?? emptyBudget(0), kind, clock.now());
  }
}

/** Records the answer (or its absence) of a request `admit` let through. */
export function settle(
  key: string,
  status: number | undefined,
  headers: Record<string, unknown> | undefined,
  body: unknown,
  maxPauseMs: number,
  now: number = Date.now(),
): void {
  const b = budgets();
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
