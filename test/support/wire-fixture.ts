/**
 * The emulator behind a recording proxy, with the provider configured against the proxy, so a
 * test sees every body exactly as it crossed the wire. Call `wireFixture()` inside a `describe`:
 * it registers the hooks that start both before each test and close them after it.
 */
import { assert } from "chai";
import type { EmulatorOptions, RunningEmulator } from "../../emulator";
import { API_KEY, PROJECT, WORKSPACE, configureProvider, withEmulator } from "./helpers";
import { startRecordingProxy, type RecordingProxy } from "./recording-proxy";

export interface WireFixture {
  /** The emulator of the running test. */
  readonly emu: RunningEmulator;
  /** The recording proxy in front of it. */
  readonly proxy: RecordingProxy;
  /** The processor the emulator holds in the seed's workspace. */
  stored(name: string): ReturnType<RunningEmulator["admin"]["getProcessor"]>;
  /** Requests with that method whose path (without the query) ends with `suffix`. */
  sent(method: string, suffix: string): RecordingProxy["requests"];
  /** Replaces the running emulator and proxy with ones started with `options` (e.g. a virtual clock's `now`). */
  restart(options: EmulatorOptions): Promise<void>;
}

export function wireFixture(transitionMs: number): WireFixture {
  let emu: RunningEmulator | undefined;
  let proxy: RecordingProxy | undefined;
  const start = async (options: EmulatorOptions) => {
    emu = await withEmulator(options);
    proxy = await startRecordingProxy(emu.url);
    await configureProvider(proxy.url, { kind: "apiKey", ...API_KEY });
  };
  const stop = async () => {
    await proxy?.close();
    await emu?.close();
  };
  beforeEach(() => start({ transitionMs }));
  afterEach(stop);
  const fixture: WireFixture = {
    get emu() {
      assert.exists(emu, "the emulator (started before each test)");
      return emu;
    },
    get proxy() {
      assert.exists(proxy, "the recording proxy (started before each test)");
      return proxy;
    },
    stored: (name) => fixture.emu.admin.getProcessor(PROJECT, WORKSPACE, name),
    sent: (method, suffix) => fixture.proxy.requests.filter((r) => r.method === method && r.path.replace(/\?.*/s, "").endsWith(suffix)),
    restart: async (options) => {
      await stop();
      await start(options);
    },
  };
  return fixture;
}
