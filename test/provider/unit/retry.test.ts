import { expect } from "chai";
import {
  decideRetry,
  isTransient,
  parseRetryAfter,
  retryDelayMs,
  withinBudget,
  type FailureFacts,
  type FailureReport,
  type RetryProgress,
} from "../../../provider/http/retry";

describe("retry", () => {
  describe("isTransient", () => {
    const cases: [string, FailureFacts, boolean][] = [
      ["400", { status: 400 }, false],
      ["401", { status: 401 }, false],
      ["403", { status: 403 }, false],
      ["404", { status: 404 }, false],
      ["409", { status: 409 }, false],
      ["501", { status: 501 }, false],
      ["429", { status: 429 }, true],
      ["500", { status: 500 }, true],
      ["502", { status: 502 }, true],
      ["503", { status: 503 }, true],
      ["504", { status: 504 }, true],
      ["ECONNRESET", { code: "ECONNRESET" }, true],
      ["ETIMEDOUT", { code: "ETIMEDOUT" }, true],
      ["ECONNABORTED (axios timeout)", { code: "ECONNABORTED" }, true],
      ["ECONNREFUSED", { code: "ECONNREFUSED" }, true],
      ["no status and no code", {}, true],
      ["an unrelated code (ERR_INVALID_URL)", { code: "ERR_INVALID_URL" }, false],
      ["a status wins over a code", { status: 400, code: "ECONNRESET" }, false],
    ];
    for (const [what, facts, expected] of cases) {
      it(`${what} → ${expected}`, () => {
        expect(isTransient(facts)).to.equal(expected);
      });
    }
  });

  describe("parseRetryAfter", () => {
    const now = Date.parse("2015-10-21T07:28:00Z");
    const cases: [string, unknown, number | undefined][] = [
      ["whole seconds", "120", 120_000],
      ["zero", "0", 0],
      ["decimal seconds", "1.5", 1500],
      ["seconds with spaces", " 5 ", 5000],
      ["a number", 3, 3000],
      ["an HTTP date 30 s ahead", "Wed, 21 Oct 2015 07:28:30 GMT", 30_000],
      ["an HTTP date in the past", "Wed, 21 Oct 2015 07:00:00 GMT", 0],
      ["garbage", "soon", undefined],
      ["an empty string", "", undefined],
      ["undefined", undefined, undefined],
      ["an array", ["5"], undefined],
      ["a negative number of seconds", "-1", undefined],
      ["garbage ending in a number", "wait 12", undefined],
    ];
    for (const [what, value, expected] of cases) {
      it(`${what} (${JSON.stringify(value)}) → ${String(expected)}`, () => {
        expect(parseRetryAfter(value, now)).to.equal(expected);
      });
    }
  });

  describe("retryDelayMs", () => {
    const policy = { backoffBaseMs: 500, maxDelayMs: 30_000 };
    const zero = () => 0;
    const one = () => 1;

    it("doubles from the base on each retry (no jitter)", () => {
      expect([1, 2, 3, 4].map((r) => retryDelayMs(r, undefined, policy, zero))).to.deep.equal([500, 1000, 2000, 4000]);
    });

    it("adds at most 20 % jitter", () => {
      expect([1, 2, 3].map((r) => retryDelayMs(r, undefined, policy, one))).to.deep.equal([600, 1200, 2400]);
    });

    it("stays within the jitter bounds with the real random", () => {
      for (let i = 0; i < 50; i++) {
        expect(retryDelayMs(3, undefined, policy)).to.be.within(2000, 2400);
      }
    });

    it("honours a Retry-After longer than the backoff", () => {
      expect(retryDelayMs(1, 7000, policy, one)).to.equal(7000);
    });

    it("keeps the backoff when Retry-After is shorter", () => {
      expect(retryDelayMs(3, 100, policy, zero)).to.equal(2000);
    });

    it("caps Retry-After at maxDelayMs", () => {
      expect(retryDelayMs(1, 3_600_000, policy, zero)).to.equal(30_000);
    });

    it("caps the backoff at maxDelayMs", () => {
      expect(retryDelayMs(20, undefined, policy, one)).to.equal(30_000);
    });

    it("treats retry 0 like retry 1", () => {
      expect(retryDelayMs(0, undefined, policy, zero)).to.equal(500);
    });
  });

  describe("withinBudget", () => {
    const cases: [string, [number, number, number, number, number], boolean][] = [
      ["first retry, plenty of time", [0, 6, 0, 500, 120_000], true],
      ["retries used up", [6, 6, 0, 500, 120_000], false],
      ["no retries allowed", [0, 0, 0, 500, 120_000], false],
      ["the delay ends exactly at the budget", [1, 6, 119_500, 500, 120_000], true],
      ["the delay would end past the budget", [1, 6, 119_501, 500, 120_000], false],
    ];
    for (const [what, args, expected] of cases) {
      it(`${what} → ${expected}`, () => {
        expect(withinBudget(...args)).to.equal(expected);
      });
    }
  });

  describe("decideRetry (the one decision for API calls and the token request)", () => {
    const policy = { backoffBaseMs: 500, maxDelayMs: 30_000, maxRetries: 6, retryBudgetMs: 120_000 };
    const fresh: RetryProgress = { retriesSoFar: 0, elapsedMs: 0 };
    const zero = () => 0;
    const cases: [string, FailureReport, RetryProgress, { failure: string; retry: boolean; delayMs: number }][] = [
      ["a 503 on the first attempt", { status: 503 }, fresh, { failure: "transient", retry: true, delayMs: 500 }],
      [
        "a reset on the third attempt",
        { code: "ECONNRESET" },
        { retriesSoFar: 2, elapsedMs: 2000 },
        { failure: "transient", retry: true, delayMs: 2000 },
      ],
      ["a 429 asking for 7 s", { status: 429 }, { ...fresh, retryAfterMs: 7000 }, { failure: "transient", retry: true, delayMs: 7000 }],
      [
        "a transient 400 (no healthy upstream)",
        { status: 400, errorCode: "STREAM_PROCESSOR_GENERIC_ERROR", detail: "no healthy upstream" },
        fresh,
        { failure: "transient-400", retry: true, delayMs: 500 },
      ],
      [
        "an OAuth invalid_client 400",
        { status: 400, errorCode: "invalid_client" },
        fresh,
        { failure: "definite", retry: false, delayMs: 500 },
      ],
      ["a 401", { status: 401 }, fresh, { failure: "definite", retry: false, delayMs: 500 }],
      ["a 504 on an action", { status: 504, action: true }, fresh, { failure: "action-timeout", retry: false, delayMs: 500 }],
      ["a 504 on a read", { status: 504 }, fresh, { failure: "transient", retry: true, delayMs: 500 }],
      [
        "a 500 with the retries used up",
        { status: 500 },
        { retriesSoFar: 6, elapsedMs: 0 },
        { failure: "transient", retry: false, delayMs: 30_000 },
      ],
      [
        "a 500 whose delay ends past the budget",
        { status: 500 },
        { retriesSoFar: 1, elapsedMs: 119_500 },
        { failure: "transient", retry: false, delayMs: 1000 },
      ],
    ];
    for (const [what, report, progress, expected] of cases) {
      it(`${what} → ${expected.retry ? `retry in ${expected.delayMs} ms` : `no retry (${expected.failure})`}`, () => {
        expect(decideRetry(report, progress, policy, zero)).to.deep.equal(expected);
      });
    }
  });
});
