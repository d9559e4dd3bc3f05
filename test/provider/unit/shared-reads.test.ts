import { expect } from "chai";
import type { AtlasHttpClient } from "../../../provider/http/client";
import { actionBegun, batchPolicy, expectRead, readStats, sharedRead, type ReadAnswer } from "../../../provider/atlas/shared-reads";
import type { ProcessorRef } from "../../../provider/types";

/**
 * The shared reads against a stand-in transport that answers a list at once with every processor
 * CREATED, and records when each request was sent. The gathering window is 1 s here, so "sent at
 * once" and "waited for a companion" are seconds apart rather than milliseconds.
 */
const PROJECT = "6650f1a2b3c4d5e6f7a8b9c0";
const WORKSPACE = "ws";
const VERSION = "2023-02-01";
const ref = (processorName: string): ProcessorRef => ({ projectId: PROJECT, workspaceName: WORKSPACE, processorName });
const CHANGE = `/api/atlas/v2/groups/${PROJECT}/streams/${WORKSPACE}/processor/`;

interface Sent {
  at: number;
  path: string;
}

function transport(names: string[]) {
  const sent: Sent[] = [];
  const listeners: ((method: string, url: string, body: unknown) => void)[] = [];
  const http = {
    onAttemptEnded: (l: (method: string, url: string, body: unknown) => void) => listeners.push(l),
    call: async (c: { path: string }) => {
      sent.push({ at: Date.now(), path: c.path });
      await new Promise((r) => setTimeout(r, 20));
      return { data: { results: names.map((name) => ({ name, state: "CREATED" })), totalCount: names.length } };
    },
  } as unknown as AtlasHttpClient;
  batchPolicy(http).gatherMs = 1000;
  batchPolicy(http).overdueMs = 1000;
  /** A change request for the processor ended now (what the client tells every listener). */
  const changed = (name: string) => listeners.forEach((l) => l("POST", `${CHANGE}${name}:start`, undefined));
  return { http, sent, changed };
}

function read(http: AtlasHttpClient, sent: Sent[], name: string): Promise<ReadAnswer> {
  return sharedRead(http, ref(name), VERSION, async () => {
    sent.push({ at: Date.now(), path: `GET ${name}` });
    return { found: true, data: { name, state: "CREATED" } };
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("shared reads", function () {
  this.timeout(10_000);

  describe("when a companion's wait announced a look within the gathering window", () => {
    it("waits for it, and both reads share one list", async () => {
      const { http, sent } = transport(["a", "b"]);
      const t0 = Date.now();
      expectRead(http, ref("b"), VERSION, t0 + 300);
      const first = read(http, sent, "a");
      await sleep(300);
      const second = read(http, sent, "b");
      await Promise.all([first, second]);
      expect(sent.map((s) => s.path)).to.have.length(1);
      expect(sent[0]!.path).to.contain("/processors?");
      expect(sent[0]!.at - t0, "sent once the companion asked").to.be.within(280, 900);
      expect(readStats(http)).to.include({ lists: 1, singles: 0, shared: 2 });
    });
  });

  describe("when the only other processor's wait has ended", () => {
    it("sends the read at once as its own GET", async () => {
      const { http, sent } = transport(["a", "b"]);
      expectRead(http, ref("b"), VERSION, Date.now() + 300);
      expectRead(http, ref("b"), VERSION, undefined);
      const t0 = Date.now();
      await read(http, sent, "a");
      expect(sent.map((s) => s.path)).to.deep.equal(["GET a"]);
      expect(sent[0]!.at - t0, "no wait for a finished wait").to.be.below(500);
    });
  });

  describe("when the other processor's next look is beyond the gathering window", () => {
    it("does not hold the read for it", async () => {
      const { http, sent } = transport(["a", "b"]);
      const t0 = Date.now();
      expectRead(http, ref("b"), VERSION, t0 + 3000);
      await read(http, sent, "a");
      expect(sent.map((s) => s.path)).to.deep.equal(["GET a"]);
      expect(sent[0]!.at - t0).to.be.below(500);
    });
  });

  describe("when actions sent together answer one after another", () => {
    it("holds the first answered one's read for the other, expected from the first's duration", async () => {
      const { http, sent } = transport(["a", "b"]);
      const endA = actionBegun(http, ref("a"), VERSION, "start");
      const endB = actionBegun(http, ref("b"), VERSION, "start");
      await sleep(200);
      endA(true);
      const t0 = Date.now();
      const first = read(http, sent, "a");
      await sleep(250);
      endB(true);
      const second = read(http, sent, "b");
      await Promise.all([first, second]);
      expect(sent, "one list for both").to.have.length(1);
      expect(sent[0]!.at - t0).to.be.within(230, 900);
    });

    it("does not wait for an action that did not answer (timed out or failed)", async () => {
      const { http, sent } = transport(["a", "b"]);
      const endA = actionBegun(http, ref("a"), VERSION, "start");
      const endB = actionBegun(http, ref("b"), VERSION, "start");
      await sleep(100);
      endA(true);
      endB(false);
      const t0 = Date.now();
      await read(http, sent, "a");
      expect(sent.map((s) => s.path)).to.deep.equal(["GET a"]);
      expect(sent[0]!.at - t0).to.be.below(500);
    });
  });

  describe("when a processor being changed is polled right after a list answered it", () => {
    it("sends a new request rather than repeat the answer its previous look got", async () => {
      const { http, sent, changed } = transport(["a", "b"]);
      // The first looks (a list), then a :start of each.
      await Promise.all([read(http, sent, "a"), read(http, sent, "b")]);
      changed("a");
      changed("b");
      await sleep(5);
      // Two reads in one turn: one list answers both.
      await Promise.all([read(http, sent, "a"), read(http, sent, "b")]);
      expect(sent).to.have.length(2);
      // The next look of "a" comes within a request's latency of that list: it must not get it again.
      await read(http, sent, "a");
      expect(sent, "a new request for the poll").to.have.length(3);
    });
  });

  describe("when an unchanged processor is read again shortly after a list answered it", () => {
    it("answers it from that list (a refresh, then the up's first look)", async () => {
      const { http, sent } = transport(["a", "b"]);
      await Promise.all([read(http, sent, "a"), read(http, sent, "b")]);
      await read(http, sent, "a");
      expect(sent).to.have.length(1);
    });
  });
});
