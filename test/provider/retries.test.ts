import { expect } from "chai";
import { nth } from "../support/present";
import type { RunningEmulator } from "../../emulator";
import { isAtlasApiError } from "../../provider";
import { streamProcessorProvider as provider } from "../../provider/resource/dynamic-provider";
import {
  API_KEY,
  PROJECT,
  WORKSPACE,
  captureConsole,
  configureProvider,
  inputs,
  requestsTo,
  storedOutputs,
  withEmulator,
} from "../support/helpers";

const p = provider as Required<typeof provider>;
const START = "/processor/orders:start";
const STOP = "/processor/orders:stop";
const GET = "/processor/orders";

describe("StreamProcessor provider under faults (retries that never do harm twice)", function () {
  this.timeout(30_000);
  let emu: RunningEmulator;

  beforeEach(async () => {
    emu = await withEmulator({ transitionMs: 100 });
    await configureProvider(emu.url, { kind: "apiKey", ...API_KEY });
  });
  afterEach(async () => emu.close());

  const state = () => emu.admin.getProcessor(PROJECT, WORKSPACE, "orders")?.observedState;
  const log = () => emu.admin.requests();

  describe("when :start returns 500 twice before applying", () => {
    it("retries and ends STARTED after the third :start", async () => {
      emu.admin.injectFault({ method: "POST", path: `*${START}`, kind: "status", status: 500, times: 2 });
      const r = await p.create(inputs("orders"));
      expect(r.outs!.state).to.equal("STARTED");
      const starts = requestsTo(log(), "POST", START);
      expect(starts.map((s) => s.status)).to.deep.equal([500, 500, 200]);
    });
  });

  describe("when :start returns 500 after applying", () => {
    it("ends STARTED without a second start", async () => {
      emu.admin.injectFault({ method: "POST", path: `*${START}`, kind: "status-after-apply", status: 500, times: 1 });
      const { result, lines } = await captureConsole(() => p.create(inputs("orders")));
      expect(result!.outs!.state).to.equal("STARTED");
      expect(requestsTo(log(), "POST", START)).to.have.length(1);
      expect(lines.join("\n"))
        .to.include("orders: :start answered HTTP 500")
        .and.include("Atlas shows it applied, so it is not sent again");
    });
  });

  describe("when :stop returns 503 after applying", () => {
    it("ends STOPPED without a second stop", async () => {
      emu.admin.setProcessorState(PROJECT, WORKSPACE, "orders", "STARTED");
      emu.admin.injectFault({ method: "POST", path: `*${STOP}`, kind: "status-after-apply", status: 503, times: 1 });
      const r = await p.create(inputs("orders", { state: "STOPPED" }));
      expect(r.outs!.state).to.equal("STOPPED");
      expect(requestsTo(log(), "POST", STOP)).to.have.length(1);
    });
  });

  describe("when the connection resets on :start", () => {
    it("re-reads, sends :start again and ends STARTED", async () => {
      emu.admin.injectFault({ method: "POST", path: `*${START}`, kind: "reset", times: 1 });
      const r = await p.create(inputs("orders"));
      expect(r.outs!.state).to.equal("STARTED");
      expect(state()).to.equal("STARTED");
      // The reset request is never answered, so the log holds only the successful one, or both.
      const starts = requestsTo(log(), "POST", START).filter((s) => s.status === 200);
      expect(starts).to.have.length(1);
    });
  });

  describe("when GET resets or 502s", () => {
    it("retries the read", async () => {
      emu.admin.injectFault({ method: "GET", path: `*${GET}`, kind: "reset", times: 1 });
      emu.admin.injectFault({ method: "GET", path: `*${GET}`, kind: "status", status: 502, times: 1 });
      const r = await p.create(inputs("orders"));
      expect(r.outs!.state).to.equal("STARTED");
    });
  });

  describe("when the server hangs", () => {
    it("times the attempt out, reads until the action's effect window passes, and starts again", async () => {
      // :start is an action: its timeout is actionTimeoutMs, and a fresh read after that window decides.
      await configureProvider(
        emu.url,
        { kind: "apiKey", ...API_KEY },
        {
          "atlas-stream-processor:requestTimeoutMs": "300",
          "atlas-stream-processor:actionTimeoutMs": "300",
          "atlas-stream-processor:actionSettleMs": "300",
        },
      );
      emu.admin.injectFault({ method: "POST", path: `*${START}`, kind: "hang", times: 1 });
      const r = await p.create(inputs("orders"));
      expect(r.outs!.state).to.equal("STARTED");
    });
  });

  describe("when Atlas answers 429 with Retry-After", () => {
    it("waits at least Retry-After before the next attempt", async () => {
      emu.admin.injectFault({ method: "POST", path: `*${START}`, kind: "status", status: 429, times: 1, headers: { "Retry-After": "1" } });
      const r = await p.create(inputs("orders"));
      expect(r.outs!.state).to.equal("STARTED");
      const starts = requestsTo(log(), "POST", START);
      expect(starts.map((s) => s.status)).to.deep.equal([429, 200]);
      const gap = Date.parse(nth(starts, 1).time) - Date.parse(nth(starts, 0).time);
      expect(gap).to.be.at.least(950);
    });

    it("caps a huge Retry-After at maxDelayMs", async () => {
      emu.admin.injectFault({ method: "GET", path: `*${GET}`, kind: "status", status: 429, times: 1, headers: { "Retry-After": "3600" } });
      const started = Date.now();
      await p.read(`${PROJECT}/${WORKSPACE}/orders`, storedOutputs("orders"));
      expect(Date.now() - started).to.be.below(3000); // maxDelayMs is 1500 in the test config
    });
  });

  describe("when :start keeps returning 500", () => {
    it("fails within the retry budget with an AtlasApiError naming the call and the attempts", async () => {
      await configureProvider(
        emu.url,
        { kind: "apiKey", ...API_KEY },
        { "atlas-stream-processor:retryBudgetMs": "2000", "atlas-stream-processor:maxDelayMs": "400" },
      );
      emu.admin.injectFault({ method: "POST", path: `*${START}`, kind: "status", status: 500, times: 1000 });
      const started = Date.now();
      const err = await p.create(inputs("orders")).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(Date.now() - started).to.be.below(5000);
      expect(isAtlasApiError(err)).to.equal(true);
      const e = err as Error & { status: number; attempts: number };
      expect(e.status).to.equal(500);
      expect(e.attempts).to.be.greaterThan(1);
      expect(e.message).to.include("POST").and.include(":start").and.include("HTTP 500").and.include("attempts");
      expect(requestsTo(log(), "POST", START).length).to.equal(e.attempts);
    });
  });

  describe("4xx answers are never retried", () => {
    for (const status of [400, 401, 403, 404, 409]) {
      it(`sends :start once when it answers ${status}`, async () => {
        emu.admin.injectFault({ method: "POST", path: `*${START}`, kind: "status", status, times: 5 });
        const err = await p.create(inputs("orders")).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isAtlasApiError(err), String(err)).to.equal(true);
        expect((err as { status: number }).status).to.equal(status);
        expect(requestsTo(log(), "POST", START)).to.have.length(1);
      });
    }
  });

  describe("when :start is refused with 400 because the processor already runs", () => {
    it("treats the refusal as success once a fresh read shows it running, with no second start", async () => {
      // Another actor started it between our read and our :start: the emulator applies the start
      // and answers 400, exactly what a client sees when it loses that race.
      emu.admin.injectFault({ method: "POST", path: `*${START}`, kind: "status-after-apply", status: 400, times: 1 });
      const r = await p.create(inputs("orders"));
      expect(r.outs!.state).to.equal("STARTED");
      expect(requestsTo(log(), "POST", START)).to.have.length(1);
    });

    it("still fails on a 400 when the fresh read shows it did not start", async () => {
      emu.admin.injectFault({ method: "POST", path: `*${START}`, kind: "status", status: 400, times: 1 });
      const err = await p.create(inputs("orders")).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isAtlasApiError(err)).to.equal(true);
      expect(state()).to.equal("CREATED");
    });
  });

  describe("with envelope=true", () => {
    it("unwraps answers and still retries an enveloped 500", async () => {
      await configureProvider(emu.url, { kind: "apiKey", ...API_KEY }, { "atlas-stream-processor:envelope": "true" });
      emu.admin.injectFault({ method: "POST", path: `*${START}`, kind: "status", status: 500, times: 1 });
      const r = await p.create(inputs("orders"));
      expect(r.outs!.state).to.equal("STARTED");
      const starts = requestsTo(log(), "POST", START);
      expect(starts).to.have.length(2);
      expect(starts.every((s) => s.query.includes("envelope=true"))).to.equal(true);
    });
  });
});
