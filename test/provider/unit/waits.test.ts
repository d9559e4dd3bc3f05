/**
 * The provider's waiting loops on a virtual clock: converge's polling and its deadline, the
 * effect window of a timed-out action, the verifySeconds watch and the connection wait. A
 * scripted processor stands in for Atlas (its state is a function of virtual time), so minutes
 * of waiting take milliseconds and every look is counted.
 */
import { expect } from "chai";
import type { AtlasHttpClient } from "../../../provider/http/client";
import { converge, pollUntil, type ConvergeContext } from "../../../provider/converge/converge";
import { AtlasApiError, isAtlasApiError, ProcessorStateError } from "../../../provider/errors";
import { verifyRunning } from "../../../provider/converge/health";
import { ProcessorApi, type ActionOutcome } from "../../../provider/atlas/processors";
import { DEFAULT_CLIENT_OPTIONS } from "../../../provider/config/options";
import { pollDelayMs } from "../../../provider/model/state";
import type { ObservedProcessor, ProcessorRef } from "../../../provider/types";
import { FakeClock } from "../../support/fake-clock";

const REF: ProcessorRef = { projectId: "p1", workspaceName: "ws", processorName: "orders" };

const observed = (state: string): ObservedProcessor => ({ id: "id-1", name: REF.processorName, state, pipeline: [] });

/**
 * A processor whose state at virtual time `t` (ms since the wait began) is `stateAt(t, applied)`,
 * `applied` being when the :start calls that answered "sent" were made; it records when each
 * read and :start was sent. `actions` are the :start outcomes in turn ("sent" after them);
 * `readMs` is how long a read takes (virtual).
 */
function scripted(
  clock: FakeClock,
  stateAt: (t: number, applied: number[]) => string | undefined,
  actions: ActionOutcome[] = [],
  readMs = 0,
) {
  const t0 = clock.now();
  const reads: number[] = [];
  const starts: number[] = [];
  const applied: number[] = [];
  const api = {
    get: async (): Promise<ObservedProcessor | undefined> => {
      reads.push(clock.now() - t0);
      clock.advance(readMs);
      const state = stateAt(clock.now() - t0, applied);
      return state === undefined ? undefined : observed(state);
    },
    start: async (): Promise<ActionOutcome> => {
      starts.push(clock.now() - t0);
      const outcome = actions.shift() ?? "sent";
      if (outcome === "sent") applied.push(clock.now() - t0);
      return outcome;
    },
    missingParent: () => undefined,
    expectLook: () => undefined,
  };
  return { api: api as unknown as ProcessorApi, reads, starts, t0 };
}

function contextOn(clock: FakeClock, api: ProcessorApi, timeoutSeconds: number, lines: string[] = []): ConvergeContext {
  const startedAt = clock.now();
  return { api, clock, startedAt, deadline: startedAt + timeoutSeconds * 1000, log: (l) => lines.push(l) };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as Error,
  );

describe("the waiting loops on a virtual clock", () => {
  describe("pollUntil: a processor that stays STARTING", () => {
    // The poll schedule (250 ms, then ×1.5 up to 3 s) fits this many looks in the timeout,
    // the last one at the deadline itself.
    const cases: [timeoutSeconds: number, looks: number][] = [
      [1, 4],
      [10, 9],
      [60, 26],
      [600, 206],
    ];
    for (const [timeoutSeconds, looks] of cases) {
      it(`gives up at the deadline after ${timeoutSeconds} s with ${looks} looks, the error naming timeoutSeconds`, async () => {
        const clock = new FakeClock();
        const p = scripted(clock, () => "STARTING");
        const err = await failure(pollUntil(REF, contextOn(clock, p.api, timeoutSeconds), "STARTED", (s) => s === "STARTED"));
        expect(err).to.be.instanceOf(ProcessorStateError);
        expect(err!.message)
          .to.include(`Timed out after ${timeoutSeconds}s`)
          .and.include("last observed state: STARTING")
          .and.include("Raise timeoutSeconds");
        expect(clock.now() - p.t0, "ends at the deadline, not later").to.equal(timeoutSeconds * 1000);
        expect(p.reads).to.have.length(looks);
        expect(p.reads[p.reads.length - 1]).to.equal(timeoutSeconds * 1000);
      });
    }
  });

  describe("pollUntil: the poll schedule", () => {
    it("counts each delay from when the previous look was sent, so slow reads do not push looks later", async () => {
      const clock = new FakeClock();
      const p = scripted(clock, (t) => (t < 9000 ? "STARTING" : "STARTED"), [], 100);
      const seen = await pollUntil(REF, contextOn(clock, p.api, 600), "STARTED", (s) => s === "STARTED");
      expect(seen!.state).to.equal("STARTED");
      const expected: number[] = [];
      for (let attempt = 0, at = 0; expected.length < p.reads.length; attempt++) expected.push((at += pollDelayMs(attempt)));
      expect(p.reads).to.deep.equal(expected);
      expect(p.reads).to.deep.equal([250, 500, 875, 1438, 2282, 3548, 5446, 8294, 11294]);
    });

    it("prints a state once it settles, and a 'still' line at most every 5 s while it does not", async () => {
      const clock = new FakeClock();
      const lines: string[] = [];
      const p = scripted(clock, (t) => (t < 20_000 ? "STARTING" : "STARTED"));
      await pollUntil(REF, contextOn(clock, p.api, 600, lines), "STARTED", (s) => s === "STARTED");
      expect(lines).to.deep.equal([
        "[atlas] orders: STARTING (5.4s)",
        "[atlas] orders: still STARTING (11.3s)",
        "[atlas] orders: still STARTING (17.3s)",
        "[atlas] orders: STARTED (20.3s)",
      ]);
    });
  });

  describe("converge after :start timed out (Atlas may still apply it)", () => {
    it("reads through the effect window (pendingMs), then a fresh read decides to start once more", async () => {
      const clock = new FakeClock();
      const lines: string[] = [];
      const p = scripted(
        clock,
        (t, [firstStart]) => (firstStart === undefined ? "STOPPED" : t < firstStart + 1000 ? "STARTING" : "STARTED"),
        ["timed-out"],
      );
      const ctx = { ...contextOn(clock, p.api, 600, lines), pendingMs: 120_000 };
      const done = await converge(REF, "STARTED", ctx, undefined, observed("STOPPED"));
      expect(done.state).to.equal("STARTED");
      expect(p.starts).to.have.length(2);
      expect(p.starts[0]).to.equal(0);
      expect(p.starts[1], "the second :start only after the window").to.be.at.least(120_000);
      expect(lines.join("\n")).to.include("still STOPPED 120s after :start timed out; it did not take effect");
    });

    it("sends no second :start when the effect shows within the window", async () => {
      const clock = new FakeClock();
      const p = scripted(clock, (t) => (t < 30_000 ? "STOPPED" : "STARTED"), ["timed-out"]);
      const ctx = { ...contextOn(clock, p.api, 600), pendingMs: 120_000 };
      const done = await converge(REF, "STARTED", ctx, undefined, observed("STOPPED"));
      expect(done.state).to.equal("STARTED");
      expect(p.starts).to.deep.equal([0]);
    });

    it("still gives up at the deadline when the window is longer than the timeout", async () => {
      const clock = new FakeClock();
      const p = scripted(clock, () => "STOPPED", ["timed-out"]);
      const ctx = { ...contextOn(clock, p.api, 60), pendingMs: 120_000 };
      const err = await failure(converge(REF, "STARTED", ctx, undefined, observed("STOPPED")));
      expect(err!.message).to.include("Timed out after 60s").and.include(":start timed out and was not sent again");
      expect(p.starts).to.have.length(1);
      expect(clock.now() - p.t0).to.equal(60_000);
    });
  });

  describe("verifyRunning (verifySeconds)", () => {
    // Ten looks per window, between 25 ms and 3 s apart; the last one at the window's end.
    const cases: [verifySeconds: number, looks: number][] = [
      [0.3, 10],
      [5, 10],
      [60, 20],
    ];
    for (const [verifySeconds, looks] of cases) {
      it(`passes a processor that stays STARTED for ${verifySeconds} s after ${looks} looks, at the window's end`, async () => {
        const clock = new FakeClock();
        const p = scripted(clock, () => "STARTED");
        const seen = await verifyRunning(REF, contextOn(clock, p.api, 600), verifySeconds, observed("STARTED"));
        expect(seen.state).to.equal("STARTED");
        expect(p.reads).to.have.length(looks);
        expect(clock.now() - p.t0).to.equal(verifySeconds * 1000);
      });
    }

    it("fails at the first look that sees FAILED, saying when, and looks no more", async () => {
      const clock = new FakeClock();
      const p = scripted(clock, (t) => (t < 2300 ? "STARTED" : "FAILED"));
      const err = await failure(verifyRunning(REF, contextOn(clock, p.api, 600), 5, observed("STARTED")));
      expect(err).to.be.instanceOf(ProcessorStateError);
      expect(err!.message).to.include("is FAILED 2.5s after it reported STARTED (watched for verifySeconds: 5)");
      expect(p.reads).to.deep.equal([500, 1000, 1500, 2000, 2500]);
    });
  });

  describe("the connection wait (connectionWaitMs)", () => {
    const missing = () =>
      new AtlasApiError({
        method: "POST",
        path: "/api/atlas/v2/groups/p1/streams/ws/processor",
        status: 400,
        errorCode: "STREAM_PROCESSOR_GENERIC_ERROR",
        detail: "connection named kafka1 does not exist",
      });
    /** A transport whose create answers "does not exist" until `availableAt` (virtual ms), counting sends. */
    function transport(clock: FakeClock, availableAt: number) {
      const t0 = clock.now();
      const sends: number[] = [];
      const http = {
        settings: { options: DEFAULT_CLIENT_OPTIONS },
        call: async () => {
          sends.push(clock.now() - t0);
          if (clock.now() - t0 < availableAt) throw missing();
          return { data: { _id: "id-1", name: "orders", state: "CREATED", pipeline: [] } };
        },
      };
      return { http: http as unknown as AtlasHttpClient, sends, t0 };
    }

    it("gives up with the defaults (60 s) after 7 sends, naming the connection, the workspace and connectionWaitMs", async () => {
      const clock = new FakeClock();
      const t = transport(clock, Infinity);
      const lines: string[] = [];
      const err = await failure(new ProcessorApi(t.http, (l) => lines.push(l), clock).create(REF, { pipeline: [] }));
      expect(isAtlasApiError(err)).to.equal(true);
      expect(err!.message)
        .to.include('The connection "kafka1" does not exist in stream workspace "ws"')
        .and.include("connectionWaitMs (now 60000 ms)");
      // Backoff 500 ms doubling (+ up to 20 % jitter), capped at 30 s: the next wait would pass 60 s.
      expect(t.sends).to.have.length(7);
      expect(clock.now() - t.t0).to.be.within(31_500, 37_800);
      expect(lines).to.have.length(6);
    });

    it("creates the processor once the connection is there, after waiting for it", async () => {
      const clock = new FakeClock();
      const t = transport(clock, 5000);
      const lines: string[] = [];
      const made = await new ProcessorApi(t.http, (l) => lines.push(l), clock).create(REF, { pipeline: [] });
      expect(made.state).to.equal("CREATED");
      expect(t.sends[t.sends.length - 1]).to.be.at.least(5000);
      expect(lines.every((l) => l.includes("waiting for connection kafka1"))).to.equal(true);
      expect(lines).to.have.length(t.sends.length - 1);
    });
  });
});
