/**
 * No action twice, no false failure. Every unclear answer to an action (`:start`, `:stop`,
 * PATCH) — a 500, a 502 with a gateway's HTML page, a 503 with a plain-text body, a reset — is
 * settled by reading, whatever Atlas shows meanwhile: it shows the old state until the action
 * lands (no STARTING/STOPPING), so an old state right after the answer is no proof that nothing
 * happened. Driven as the engine drives the provider (test/support/engine.ts), in both action modes, with
 * the operations the emulator carried out counted and the requests on the wire asserted.
 */
import { expect } from "chai";
import type { FaultSpec, RunningEmulator } from "../../emulator";
import { EngineStack } from "../support/engine";
import { API_KEY, PROJECT, WORKSPACE, configureProvider, withEmulator } from "../support/helpers";
import { startRecordingProxy, type RecordingProxy } from "../support/recording-proxy";
import type { StreamProcessorArgs } from "../../provider/resource/stream-processor";

const SOURCE = { $source: { connectionName: "sample_stream_solar" } };
const EMIT = { $emit: { connectionName: "__testLog" } };
const PIPELINE = [SOURCE, { $match: { a: 1 } }, EMIT];
const CHANGED = [SOURCE, { $match: { a: 2 } }, EMIT];
/** The provider's settle window in these tests (the default is 3 s), and when a background action lands. */
const SETTLE_MS = 1500;
const LANDS_AFTER_MS = 700;

const args = (extra: Partial<StreamProcessorArgs>): StreamProcessorArgs => ({
  projectId: PROJECT,
  workspaceName: WORKSPACE,
  processorName: "fresh",
  pipeline: PIPELINE,
  timeoutSeconds: 30,
  ...extra,
});

type Answer = { name: string; status?: number; text?: string; type?: string };
const ANSWERS: Answer[] = [
  { name: "500", status: 500 },
  { name: "502 with an HTML body", status: 502, text: "<html><body><h1>502 Bad Gateway</h1></body></html>", type: "text/html" },
  {
    name: "503 with a plain-text body",
    status: 503,
    text: "upstream connect error or disconnect/reset before headers",
    type: "text/plain",
  },
  { name: "a reset" },
];
type Landing = "applied at once" | "applied in the background" | "not applied";
const LANDINGS: Landing[] = ["applied at once", "applied in the background", "not applied"];

function fault(method: string, path: string, a: Answer, landing: Landing): FaultSpec {
  const reset = a.status === undefined;
  const applied = landing !== "not applied";
  const spec: FaultSpec = {
    method,
    path,
    times: 1,
    kind: reset ? (applied ? "reset-after-apply" : "reset") : applied ? "status-after-apply" : "status",
  };
  if (a.status !== undefined) spec.status = a.status;
  if (a.text !== undefined) {
    spec.text = a.text;
    spec.headers = { "Content-Type": a.type ?? "text/plain" };
  }
  if (landing === "applied in the background") spec.landsAfterMs = LANDS_AFTER_MS;
  return spec;
}

interface Scenario {
  action: ":start" | ":stop" | "PATCH";
  operation: "start" | "stop" | "modify";
  method: string;
  suffix: string;
  before: Partial<StreamProcessorArgs>;
  after: Partial<StreamProcessorArgs>;
  /** What Atlas holds at the end. */
  check(emu: RunningEmulator): void;
}

const stored = (emu: RunningEmulator) => emu.admin.getProcessor(PROJECT, WORKSPACE, "fresh")!;
const SCENARIOS: Scenario[] = [
  {
    action: ":start",
    operation: "start",
    method: "POST",
    suffix: "/processor/fresh:start",
    before: { state: "STOPPED" },
    after: { state: "STARTED" },
    check: (emu) => expect(stored(emu).observedState).to.equal("STARTED"),
  },
  {
    action: ":stop",
    operation: "stop",
    method: "POST",
    suffix: "/processor/fresh:stop",
    before: { state: "STARTED" },
    after: { state: "STOPPED" },
    check: (emu) => expect(stored(emu).observedState).to.equal("STOPPED"),
  },
  {
    action: "PATCH",
    operation: "modify",
    method: "PATCH",
    suffix: "/processor/fresh",
    before: { state: "STOPPED" },
    after: { state: "STOPPED", pipeline: CHANGED },
    check: (emu) => expect(JSON.stringify(stored(emu).pipeline)).to.equal(JSON.stringify(CHANGED)),
  },
];

for (const mode of ["async", "sync"] as const) {
  describe(`when an action's answer is unclear (${mode} action mode)`, function () {
    this.timeout(30_000);
    let emu: RunningEmulator;
    let proxy: RecordingProxy;
    beforeEach(async () => {
      emu = await withEmulator(mode === "async" ? { transitionMs: 150 } : { transitionMs: 150, actionMode: "sync", actionMs: 150 });
      proxy = await startRecordingProxy(emu.url);
      await configureProvider(proxy.url, { kind: "apiKey", ...API_KEY }, { "atlas-stream-processor:unclearSettleMs": String(SETTLE_MS) });
    });
    afterEach(async () => {
      await proxy.close();
      await emu.close();
    });
    const sent = (method: string, suffix: string) =>
      proxy.requests.filter((r) => r.method === method && r.path.replace(/\?.*/s, "").endsWith(suffix));

    for (const s of SCENARIOS) {
      for (const a of ANSWERS) {
        for (const landing of LANDINGS) {
          const times = landing === "not applied" ? 2 : 1;
          it(`${s.action} answered ${a.name}, ${landing}: up ends as declared, one ${s.operation} applied, ${times} sent`, async () => {
            const stack = new EngineStack();
            await stack.up(args(s.before));
            emu.admin.clearAppliedOperations();
            proxy.requests.length = 0;
            emu.admin.injectFault(fault(s.method, `*${s.suffix}`, a, landing));
            expect(await stack.up(args(s.after))).to.equal("update");
            s.check(emu);
            const applied = emu.admin.appliedOperations().filter((o) => o.operation === s.operation);
            expect(applied, "operations the emulator carried out").to.have.length(1);
            expect(sent(s.method, s.suffix), "requests sent").to.have.length(times);
          });
        }
      }
    }
  });
}

describe("restarting a FAILED processor whose :start answers 504 after applying", function () {
  this.timeout(30_000);
  let emu: RunningEmulator;
  let proxy: RecordingProxy;
  beforeEach(async () => {
    // Sync actions: FAILED stays visible until the start completes, 1 s after its 504.
    emu = await withEmulator({ transitionMs: 100, actionMode: "sync", actionMs: 1500, actionTimeoutMs: 500 });
    proxy = await startRecordingProxy(emu.url);
    // A shorter window for a timed-out action's effect than Atlas needs (120 s), to keep the test short.
    await configureProvider(proxy.url, { kind: "apiKey", ...API_KEY }, { "atlas-stream-processor:actionSettleMs": "3000" });
  });
  afterEach(async () => {
    await proxy.close();
    await emu.close();
  });

  it("ends STARTED, with one :start, and up succeeds", async () => {
    emu.admin.setActionMode({ actionMs: 0, actionTimeoutMs: null });
    const stack = new EngineStack();
    await stack.up(args({}));
    emu.admin.failProcessor(PROJECT, WORKSPACE, "fresh");
    await stack.refresh();
    expect(stack.outs!.state).to.equal("FAILED");
    emu.admin.setActionMode({ actionMs: 1500, actionTimeoutMs: 500 });
    emu.admin.clearAppliedOperations();
    proxy.requests.length = 0;
    expect(await stack.up(args({}))).to.equal("update");
    expect(stack.outs!.state).to.equal("STARTED");
    expect(emu.admin.appliedOperations().map((o) => o.operation)).to.deep.equal(["start"]);
    expect(proxy.requests.filter((r) => r.method === "POST").map((r) => r.path.split("/").pop())).to.deep.equal(["fresh:start"]);
  });

  it("a processor that stays FAILED after the settle window still fails the up, saying so", async () => {
    emu.admin.setActionMode({ actionMs: 0, actionTimeoutMs: null });
    const stack = new EngineStack();
    await stack.up(args({}));
    emu.admin.failProcessor(PROJECT, WORKSPACE, "fresh");
    await stack.refresh();
    // Its source is gone: every start of it ends FAILED again.
    emu.admin.failAfterStart(PROJECT, WORKSPACE, "fresh", 0);
    const err = await stack.up(args({})).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).to.include("is FAILED after :start");
  });
});
