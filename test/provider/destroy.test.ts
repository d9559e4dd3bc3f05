/**
 * `pulumi destroy` through the provider against the emulator, counting requests: a processor
 * this resource created is deleted with one DELETE, running or not (Atlas stops a running
 * processor as part of its deletion); an unclear answer to that DELETE is settled by a fresh
 * read, never by a blind second DELETE; an adopted processor is only stopped.
 */
import { expect } from "chai";
import type { RunningEmulator } from "../../emulator";
import type { StreamProcessorArgs } from "../../provider/resource/stream-processor";
import { atlasGenericError } from "../support/atlas-errors";
import { EngineStack } from "../support/engine";
import {
  API_KEY,
  PROJECT,
  WORKSPACE,
  atlasCurl,
  captureConsole,
  configureProvider,
  processorApiPath,
  withEmulator,
} from "../support/helpers";

const PIPELINE = [{ $source: { connectionName: "sample_stream_solar" } }, { $emit: { connectionName: "__testLog" } }];
const PROCESSORS = `/api/atlas/v2/groups/${PROJECT}/streams/${WORKSPACE}/processor`;

const args = (processorName: string, extra: Partial<StreamProcessorArgs> = {}): StreamProcessorArgs => ({
  projectId: PROJECT,
  workspaceName: WORKSPACE,
  processorName,
  timeoutSeconds: 10,
  ...extra,
});

describe("destroy (through the engine's steps, against the emulator)", function () {
  this.timeout(20_000);
  let emu: RunningEmulator;
  const state = (name: string) => emu.admin.getProcessor(PROJECT, WORKSPACE, name)?.observedState;
  /** The requests sent since the log was last cleared, as `METHOD last-path-segment` (challenges left out). */
  const sent = () =>
    emu.admin
      .requests()
      .filter((r) => r.status !== 401)
      .map((r) => `${r.method} ${r.path.split("/").pop()}`);

  for (const mode of ["async", "sync"] as const) {
    describe(`with ${mode} actions`, () => {
      beforeEach(async () => {
        emu = await withEmulator({ transitionMs: 100, actionMode: mode, actionMs: mode === "sync" ? 150 : 0 });
        await configureProvider(emu.url, { kind: "apiKey", ...API_KEY });
      });
      afterEach(async () => emu.close());

      it("deletes a running processor it created with one DELETE: no :stop, no read", async () => {
        const stack = new EngineStack();
        await stack.up(args("fresh", { pipeline: PIPELINE }));
        expect(stack.outs).to.include({ state: "STARTED", createdByResource: true });
        emu.admin.clearRequests();
        const { error, lines } = await captureConsole(() => stack.destroy());
        expect(error).to.equal(undefined);
        expect(sent()).to.deep.equal(["DELETE fresh"]);
        expect(state("fresh")).to.equal(undefined);
        expect(lines.join("\n")).to.include("fresh: deleted");
      });

      it("deletes a stopped processor it created with one DELETE too", async () => {
        const stack = new EngineStack();
        await stack.up(args("fresh", { pipeline: PIPELINE, state: "STOPPED" }));
        emu.admin.clearRequests();
        await stack.destroy();
        expect(sent()).to.deep.equal(["DELETE fresh"]);
        expect(state("fresh")).to.equal(undefined);
      });

      it("only stops a processor it adopted: :stop, reads, and no DELETE", async () => {
        const stack = new EngineStack();
        await stack.up(args("orders"));
        expect(stack.outs).to.include({ state: "STARTED", createdByResource: false });
        emu.admin.clearRequests();
        await stack.destroy();
        const writes = sent().filter((w) => !w.startsWith("GET "));
        expect(writes).to.deep.equal(["POST orders:stop"]);
        expect(state("orders")).to.equal("STOPPED");
      });
    });
  }

  describe("an unclear answer to the DELETE", () => {
    beforeEach(async () => {
      emu = await withEmulator({ transitionMs: 100 });
      await configureProvider(emu.url, { kind: "apiKey", ...API_KEY });
    });
    afterEach(async () => emu.close());

    it("a 500 after Atlas deleted it: one fresh read shows it gone, and no second DELETE", async () => {
      const stack = new EngineStack();
      await stack.up(args("fresh", { pipeline: PIPELINE }));
      emu.admin.clearRequests();
      emu.admin.injectFault({ method: "DELETE", path: `${PROCESSORS}/fresh`, kind: "status-after-apply", status: 500, times: 1 });
      await stack.destroy();
      const log = sent();
      expect(log.filter((w) => w.startsWith("DELETE"))).to.deep.equal(["DELETE fresh"]);
      expect(log[0]).to.equal("DELETE fresh");
      expect(
        log.slice(1).every((w) => w.startsWith("GET ")),
        `only reads after the DELETE: ${log.join(", ")}`,
      ).to.equal(true);
      expect(log.length).to.equal(2);
      expect(state("fresh")).to.equal(undefined);
    });

    it("a reset before Atlas acted: a fresh read shows it still there, and only then is the DELETE sent again", async () => {
      const stack = new EngineStack();
      await stack.up(args("fresh", { pipeline: PIPELINE }));
      emu.admin.clearRequests();
      emu.admin.injectFault({ method: "DELETE", path: `${PROCESSORS}/fresh`, kind: "reset", times: 1 });
      await stack.destroy();
      const log = sent();
      const deletes = log.flatMap((w, i) => (w === "DELETE fresh" ? [i] : []));
      expect(deletes).to.have.length(2);
      expect(
        log.slice(deletes[0]! + 1, deletes[1]).some((w) => w.startsWith("GET ")),
        `a read between the DELETEs: ${log.join(", ")}`,
      ).to.equal(true);
      expect(state("fresh")).to.equal(undefined);
    });

    it("a DELETE refused with a 400 (should Atlas insist on a stop): stopped, then deleted", async () => {
      const stack = new EngineStack();
      await stack.up(args("fresh", { pipeline: PIPELINE }));
      emu.admin.clearRequests();
      emu.admin.injectFault({
        method: "DELETE",
        path: `${PROCESSORS}/fresh`,
        kind: "status",
        status: 400,
        times: 1,
        body: atlasGenericError("fresh", "processor must be stopped before it can be deleted"),
      });
      await stack.destroy();
      const writes = sent().filter((w) => !w.startsWith("GET "));
      expect(writes).to.deep.equal(["DELETE fresh", "POST fresh:stop", "DELETE fresh"]);
      expect(state("fresh")).to.equal(undefined);
    });

    it("a 404 counts as deleted", async () => {
      const stack = new EngineStack();
      await stack.up(args("fresh", { pipeline: PIPELINE }));
      expect(await atlasCurl(emu.url, "DELETE", processorApiPath("fresh"))).to.equal(204);
      emu.admin.clearRequests();
      const { error } = await captureConsole(() => stack.destroy());
      expect(error).to.equal(undefined);
      expect(sent()).to.deep.equal(["DELETE fresh"]);
    });
  });
});
