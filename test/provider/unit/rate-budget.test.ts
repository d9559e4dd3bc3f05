import { assert, expect } from "chai";
import {
  admissionDelayMs,
  answered,
  emptyBudget,
  estimatedTokens,
  measuredRefill,
  parseBucketParameters,
  projectOf,
  requestKind,
  type BudgetView,
} from "../../../provider/http/rate-budget";

const policy = { actionReserve: 0.2, assumedRefillShare: 0.1, assumedRefillMaxPerSecond: 1, readLagMs: 100 };
const view = (x: Partial<BudgetView>): BudgetView => ({ ...emptyBudget(0), ...x });

describe("budget", () => {
  describe("the refill measured before a 429 states one", () => {
    const cases: [string, { at: number; remaining: number; answers: number }, number, number, number | undefined][] = [
      ["no refill: every answer drew one", { at: 0, remaining: 1198, answers: 14 }, 1184, 51_000, 0],
      ["10 a second", { at: 0, remaining: 100, answers: 30 }, 90, 2000, 10],
      ["too short a span to say", { at: 0, remaining: 100, answers: 30 }, 90, 1999, undefined],
      ["too few answers to say", { at: 0, remaining: 100, answers: 4 }, 96, 5000, undefined],
    ];
    for (const [what, since, remaining, now, expected] of cases) {
      it(`measured from RateLimit-Remaining: ${what}`, () => expect(measuredRefill(since, remaining, now)).to.equal(expected));
    }
    it("answered measures it, and the estimate then uses it", () => {
      let v = view({});
      for (let i = 0; i <= 10; i++)
        v = answered({ ...v, outstanding: 1 }, { status: 200, limit: "100", remaining: String(100 - i + 2 * i) }, i * 250);
      // After 8 answers over 2 s, remaining is up by 8: each drew one, so 16 tokens came back in 2 s.
      expect(v.measuredRefillPerSecond).to.equal(8);
      expect(estimatedTokens({ ...v, remaining: 0, updatedAt: 0, outstanding: 0 }, 1000)).to.equal(8);
    });
  });

  describe("admissionDelayMs (capacity 100, refill 10/s)", () => {
    const bucket = { limit: 100, refillPerSecond: 10, updatedAt: 1000 };
    const cases: [string, BudgetView, "action" | "read", number][] = [
      ["nothing known yet: send", view({}), "read", 0],
      ["a full bucket: read now", view({ ...bucket, remaining: 100 }), "read", 0],
      ["a low bucket: an action still goes", view({ ...bucket, remaining: 5 }), "action", 0],
      ["a low bucket: a read waits until the action reserve (20) refills", view({ ...bucket, remaining: 5 }), "read", 1600],
      ["reads already admitted count against the bucket", view({ ...bucket, remaining: 25, outstanding: 10 }), "read", 600],
      ["an empty bucket: an action waits for one token", view({ ...bucket, remaining: 0 }), "action", 100],
      ["paused after a 429: an action waits out the pause", view({ ...bucket, remaining: 50, pausedUntil: 1500 }), "action", 500],
      ["paused after a 429: a read waits a little longer than actions", view({ ...bucket, remaining: 50, pausedUntil: 1500 }), "read", 600],
      ["a pause with no bucket known: only the pause", view({ pausedUntil: 3000 }), "action", 2000],
    ];
    for (const [what, v, kind, expected] of cases) {
      it(`${what} → ${expected} ms`, () => {
        expect(admissionDelayMs(v, kind, 1000, policy)).to.equal(expected);
      });
    }
  });

  describe("estimatedTokens", () => {
    it("adds the refill since the last answer, capped at the capacity", () => {
      expect(estimatedTokens(view({ limit: 100, remaining: 10, refillPerSecond: 10, updatedAt: 0 }), 2000, policy)).to.equal(30);
      expect(estimatedTokens(view({ limit: 100, remaining: 90, refillPerSecond: 10, updatedAt: 0 }), 5000, policy)).to.equal(100);
    });
    it("assumes a tenth of the capacity per second, at most 1 token a second, until the refill is measured or stated", () => {
      expect(estimatedTokens(view({ limit: 5, remaining: 0, updatedAt: 0 }), 10_000, policy)).to.equal(5);
      expect(estimatedTokens(view({ limit: 50, remaining: 0, updatedAt: 0 }), 1000, policy)).to.equal(1);
      // Atlas's streams bucket: 1200 tokens. A tenth of that per second would be 120/s; 1/s is assumed.
      expect(estimatedTokens(view({ limit: 1200, remaining: 0, updatedAt: 0 }), 10_000, policy)).to.equal(10);
    });
  });

  describe("answered", () => {
    it("takes RateLimit-Limit and RateLimit-Remaining", () => {
      const v = answered(view({ outstanding: 2 }), { status: 200, limit: "100", remaining: "42" }, 500);
      expect(v).to.include({ limit: 100, remaining: 42, updatedAt: 500, outstanding: 1 });
    });
    it("a 429 empties the bucket, learns capacity and refill, and pauses for Retry-After", () => {
      const body = { errorCode: "RATE_LIMITED_TOKEN_BUCKET", parameters: ["api/atlas/v2/groups/x/streams", 2, 100, 10, 1] };
      const bucket = parseBucketParameters(body);
      assert.exists(bucket, "the 429 body names its bucket");
      const v = answered(
        view({ outstanding: 1 }),
        {
          status: 429,
          limit: "100",
          remaining: "0",
          retryAfterMs: 2000,
          bucket,
        },
        1000,
      );
      expect(v).to.include({ limit: 100, remaining: 0, refillPerSecond: 10, pausedUntil: 3000, outstanding: 0 });
    });
    it("caps the pause at maxPauseMs", () => {
      expect(answered(view({}), { status: 429, retryAfterMs: 3_600_000 }, 0, 1500).pausedUntil).to.equal(1500);
    });
    it("a 429 without any rate-limit header only pauses", () => {
      const v = answered(view({}), { status: 429, retryAfterMs: 1000 }, 0);
      expect(v.remaining).to.equal(undefined);
      expect(v.pausedUntil).to.equal(1000);
    });
    it("no answer (a reset) only releases the request", () => {
      expect(answered(view({ outstanding: 3, remaining: 7 }), {}, 10)).to.include({ outstanding: 2, remaining: 7 });
    });
  });

  describe("parseBucketParameters", () => {
    const cases: [string, unknown, ReturnType<typeof parseBucketParameters>][] = [
      [
        "integers",
        { errorCode: "RATE_LIMITED_TOKEN_BUCKET", parameters: ["set", 3, 100, 10, 1] },
        { retryAfterMs: 3000, capacity: 100, refillPerSecond: 10 },
      ],
      [
        "strings",
        { errorCode: "RATE_LIMITED_TOKEN_BUCKET", parameters: ["set", "3", "100", "60", "60"] },
        { retryAfterMs: 3000, capacity: 100, refillPerSecond: 1 },
      ],
      ["another error code", { errorCode: "RATE_LIMITED", parameters: ["set", 3, 100, 10, 1] }, undefined],
      ["no body", undefined, undefined],
    ];
    for (const [what, body, expected] of cases) {
      it(what, () => {
        expect(parseBucketParameters(body)).to.deep.equal(expected);
      });
    }
  });

  describe("requestKind and projectOf", () => {
    it("GET is a read, the rest are actions", () => {
      expect(["GET", "get", "POST", "PATCH", "DELETE"].map(requestKind)).to.deep.equal(["read", "read", "action", "action", "action"]);
    });
    it("finds the groupId of an Admin API path", () => {
      expect(projectOf("/api/atlas/v2/groups/abc123/streams/w/processor/p:start")).to.equal("abc123");
      expect(projectOf("/api/oauth/token")).to.equal(undefined);
    });
  });
});
