/**
 * Credentials live only in memory at call time: they never reach an error message, an error's
 * own properties (as `util.inspect` or `JSON.stringify` would print them), a log line, or the
 * resource's outputs — whatever fails.
 */
import { expect } from "chai";
import { inspect } from "node:util";
import type { RunningEmulator } from "../../emulator";
import { streamProcessorProvider as provider } from "../../provider/resource/dynamic-provider";
import {
  API_KEY,
  PROJECT,
  SERVICE_ACCOUNT,
  WORKSPACE,
  captureConsole,
  configureProvider,
  inputs,
  storedOutputs,
  withEmulator,
  type Creds,
} from "../support/helpers";

const p = provider as Required<typeof provider>;
const schemes: [string, (emu: RunningEmulator) => Promise<[Creds, string]>][] = [
  ["an API key", async () => [{ kind: "apiKey", ...API_KEY }, API_KEY.privateKey]],
  ["a service account", async () => [{ kind: "serviceAccount", ...SERVICE_ACCOUNT }, SERVICE_ACCOUNT.clientSecret]],
  [
    "an access token",
    async (emu) => {
      // A real token from the emulator's OAuth endpoint, used as a plain Bearer token.
      const basic = Buffer.from(`${SERVICE_ACCOUNT.clientId}:${SERVICE_ACCOUNT.clientSecret}`).toString("base64");
      const res = await fetch(`${emu.url}/api/oauth/token`, {
        method: "POST",
        headers: { Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded" },
        body: "grant_type=client_credentials",
      });
      const token = ((await res.json()) as { access_token: string }).access_token;
      return [{ kind: "accessToken", token }, token];
    },
  ],
];

function everythingPrinted(e: unknown): string {
  return [String(e), inspect(e, { depth: 10, showHidden: true }), JSON.stringify(e, Object.getOwnPropertyNames(e as object))].join("\n");
}

describe("StreamProcessor provider keeps credentials out of errors, logs and outputs", function () {
  this.timeout(30_000);
  let emu: RunningEmulator;
  beforeEach(async () => {
    emu = await withEmulator({ transitionMs: 50 });
  });
  afterEach(async () => emu.close());

  for (const [label, credentials] of schemes) {
    it(`with ${label}, through successes, retries and every kind of failure`, async () => {
      const [creds, secret] = await credentials(emu);
      await configureProvider(emu.url, creds, {
        "atlas-stream-processor:retryBudgetMs": "1500",
        "atlas-stream-processor:requestTimeoutMs": "300",
      });
      const { lines, error: unexpected } = await captureConsole(async () => {
        const failures: unknown[] = [];
        emu.admin.injectFault({ method: "POST", path: "*:start", kind: "status", status: 500, times: 1 });
        emu.admin.injectFault({ method: "GET", path: "*/processor/orders", kind: "reset", times: 1 });
        const ok = await p.create(inputs("orders"));
        expect(JSON.stringify(ok)).to.not.include(secret);
        // Persistent 500, a hang, a 404 with its probes, a 403-like refusal and a network error.
        emu.admin.injectFault({ method: "POST", path: "*/processor/payments:start", kind: "status", status: 500, times: 100 });
        failures.push(await p.create(inputs("payments")).catch((e: unknown) => e));
        emu.admin.injectFault({ method: "GET", path: "*/processor/inventory", kind: "hang", times: 100 });
        failures.push(await p.create(inputs("inventory")).catch((e: unknown) => e));
        emu.admin.clearFaults();
        failures.push(await p.create(inputs("ghost", { workspaceName: "no-such-workspace" })).catch((e: unknown) => e));
        emu.admin.injectFault({ method: "POST", path: "*:stop", kind: "status", status: 403, times: 1 });
        failures.push(await p.delete(ok.id, ok.outs!).catch((e: unknown) => e));
        await configureProvider("http://127.0.0.1:1", creds, { "atlas-stream-processor:retryBudgetMs": "300" });
        failures.push(await p.read(`${PROJECT}/${WORKSPACE}/orders`, storedOutputs("orders")).catch((e: unknown) => e));
        for (const f of failures) {
          expect(f, "each of these calls fails").to.be.instanceOf(Error);
          expect(everythingPrinted(f)).to.not.include(secret);
          expect(everythingPrinted(f)).to.not.match(/authorization|Digest username|Bearer /i);
        }
      });
      expect(unexpected, String(unexpected)).to.equal(undefined);
      expect(lines.length, "progress lines were printed").to.be.greaterThan(0);
      expect(lines.join("\n")).to.not.include(secret);
    });
  }
});
