import { expect } from "chai";
import { nth } from "../../support/present";
import { createHash } from "node:crypto";
import { AtlasConfigError } from "../../../provider/errors";
import {
  allConfigKeys,
  clientKey,
  CONFIG_KEYS,
  DEFAULT_BASE_URL,
  normalizeBaseUrl,
  resolveSettings,
  secretsOf,
} from "../../../provider/config/settings";
import { DEFAULT_CLIENT_OPTIONS, OPTION_KEYS } from "../../../provider/config/options";

type Src = Record<string, string | undefined>;
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

/** Runs `fn` and returns the AtlasConfigError it throws (fails otherwise). */
function configError(fn: () => unknown): AtlasConfigError {
  try {
    fn();
  } catch (e) {
    expect(e).to.be.instanceOf(AtlasConfigError);
    return e as AtlasConfigError;
  }
  expect.fail("expected an AtlasConfigError");
}

describe("settings", () => {
  describe("resolveSettings", () => {
    describe("base URL", () => {
      it("defaults to https://cloud.mongodb.com", () => {
        expect(resolveSettings({}, {}).baseUrl).to.equal("https://cloud.mongodb.com").and.equal(DEFAULT_BASE_URL);
      });

      it("takes MONGODB_ATLAS_BASE_URL from the environment", () => {
        expect(resolveSettings({}, { MONGODB_ATLAS_BASE_URL: "https://atlas.example.com" }).baseUrl).to.equal("https://atlas.example.com");
      });

      it("lets stack config win over the environment", () => {
        const s = resolveSettings(
          { "mongodbatlas:baseUrl": "https://cfg.example.com" },
          { MONGODB_ATLAS_BASE_URL: "https://env.example.com" },
        );
        expect(s.baseUrl).to.equal("https://cfg.example.com");
      });

      it("ignores a blank config value and falls back to the environment", () => {
        const s = resolveSettings({ "mongodbatlas:baseUrl": "  " }, { MONGODB_ATLAS_BASE_URL: "https://env.example.com" });
        expect(s.baseUrl).to.equal("https://env.example.com");
      });

      const allowed: [string, string][] = [
        ["http://127.0.0.1:8080", "http://127.0.0.1:8080"],
        ["http://localhost:9000/", "http://localhost:9000"],
        ["http://[::1]:7000", "http://[::1]:7000"],
        ["https://cloud.mongodb.com/", "https://cloud.mongodb.com"],
        ["https://gateway.example.com/atlas//", "https://gateway.example.com/atlas"],
      ];
      for (const [raw, normalized] of allowed) {
        it(`accepts ${raw} as ${normalized}`, () => {
          expect(resolveSettings({ "mongodbatlas:baseUrl": raw }, {}).baseUrl).to.equal(normalized);
        });
      }

      const refused: [string, string, RegExp][] = [
        ["plain http to a remote host", "http://example.com", /plain http to example\.com/],
        ["plain http to a host that starts like localhost", "http://localhost.example.com", /plain http/],
        ["ftp", "ftp://example.com", /must be an https:\/\/ URL/],
        ["a URL with user:pass", "https://user:pass@cloud.mongodb.com", /must not contain credentials/],
        ["a URL with a query", "https://cloud.mongodb.com/?x=1", /query or fragment/],
        ["not a URL", "cloud.mongodb.com", /not a valid URL/],
      ];
      for (const [what, raw, reason] of refused) {
        it(`refuses ${what}, naming the config key`, () => {
          const e = configError(() => resolveSettings({ "mongodbatlas:baseUrl": raw }, {}));
          expect(e.message).to.match(reason);
          expect(e.message).to.include("mongodbatlas:baseUrl");
        });
      }

      it("names MONGODB_ATLAS_BASE_URL when the environment's URL is refused", () => {
        expect(configError(() => resolveSettings({}, { MONGODB_ATLAS_BASE_URL: "http://example.com" })).message).to.include(
          "MONGODB_ATLAS_BASE_URL",
        );
      });

      it("never echoes the password of a URL with credentials", () => {
        expect(configError(() => normalizeBaseUrl("https://user:hunter22@h.example", "k")).message).to.not.include("hunter22");
      });
    });

    describe("credentials", () => {
      it("are undefined when none are set", () => {
        expect(resolveSettings({}, {}).credentials).to.equal(undefined);
      });

      const cases: { what: string; cfg: Src; env: Src; expected: unknown }[] = [
        {
          what: "an API key from stack config",
          cfg: { "mongodbatlas:publicKey": "pub", "mongodbatlas:privateKey": "priv" },
          env: {},
          expected: { kind: "apiKey", publicKey: "pub", privateKey: "priv", source: "stack config" },
        },
        {
          what: "an API key from MONGODB_ATLAS_PUBLIC_KEY/PRIVATE_KEY",
          cfg: {},
          env: { MONGODB_ATLAS_PUBLIC_KEY: "pub", MONGODB_ATLAS_PRIVATE_KEY: "priv" },
          expected: { kind: "apiKey", publicKey: "pub", privateKey: "priv", source: "environment" },
        },
        {
          what: "an API key from the aliases MONGODB_ATLAS_PUBLIC_API_KEY/PRIVATE_API_KEY",
          cfg: {},
          env: { MONGODB_ATLAS_PUBLIC_API_KEY: "pub", MONGODB_ATLAS_PRIVATE_API_KEY: "priv" },
          expected: { kind: "apiKey", publicKey: "pub", privateKey: "priv", source: "environment" },
        },
        {
          what: "a service account from the environment",
          cfg: {},
          env: { MONGODB_ATLAS_CLIENT_ID: "id", MONGODB_ATLAS_CLIENT_SECRET: "sec" },
          expected: { kind: "serviceAccount", clientId: "id", clientSecret: "sec", source: "environment" },
        },
        {
          what: "an access token from stack config",
          cfg: { "mongodbatlas:accessToken": "tok" },
          env: {},
          expected: { kind: "accessToken", token: "tok", source: "stack config" },
        },
        {
          what: "the service account over an API key and a token in one source",
          cfg: {
            "mongodbatlas:clientId": "id",
            "mongodbatlas:clientSecret": "sec",
            "mongodbatlas:publicKey": "pub",
            "mongodbatlas:privateKey": "priv",
            "mongodbatlas:accessToken": "tok",
          },
          env: {},
          expected: { kind: "serviceAccount", clientId: "id", clientSecret: "sec", source: "stack config" },
        },
        {
          what: "the API key over a token in one source",
          cfg: {},
          env: { MONGODB_ATLAS_PUBLIC_KEY: "pub", MONGODB_ATLAS_PRIVATE_KEY: "priv", MONGODB_ATLAS_ACCESS_TOKEN: "tok" },
          expected: { kind: "apiKey", publicKey: "pub", privateKey: "priv", source: "environment" },
        },
        {
          what: "stack config's API key over the environment's service account (whole from one source)",
          cfg: { "mongodbatlas:publicKey": "pub", "mongodbatlas:privateKey": "priv" },
          env: { MONGODB_ATLAS_CLIENT_ID: "id", MONGODB_ATLAS_CLIENT_SECRET: "sec" },
          expected: { kind: "apiKey", publicKey: "pub", privateKey: "priv", source: "stack config" },
        },
        {
          what: "stack config's token over the environment's API key",
          cfg: { "mongodbatlas:accessToken": "tok" },
          env: { MONGODB_ATLAS_PUBLIC_KEY: "pub", MONGODB_ATLAS_PRIVATE_KEY: "priv" },
          expected: { kind: "accessToken", token: "tok", source: "stack config" },
        },
        {
          what: "trimmed values",
          cfg: { "mongodbatlas:publicKey": " pub ", "mongodbatlas:privateKey": "priv\n" },
          env: {},
          expected: { kind: "apiKey", publicKey: "pub", privateKey: "priv", source: "stack config" },
        },
      ];
      for (const c of cases) {
        it(`picks ${c.what}`, () => {
          expect(resolveSettings(c.cfg, c.env).credentials).to.deep.equal(c.expected);
        });
      }

      const halves: { what: string; cfg: Src; env: Src; missing: string }[] = [
        { what: "publicKey without privateKey", cfg: { "mongodbatlas:publicKey": "pub" }, env: {}, missing: "mongodbatlas:privateKey" },
        { what: "privateKey without publicKey", cfg: { "mongodbatlas:privateKey": "priv" }, env: {}, missing: "mongodbatlas:publicKey" },
        { what: "clientId without clientSecret", cfg: { "mongodbatlas:clientId": "id" }, env: {}, missing: "mongodbatlas:clientSecret" },
        {
          what: "clientSecret without clientId, next to a full API key",
          cfg: { "mongodbatlas:clientSecret": "s", "mongodbatlas:publicKey": "p", "mongodbatlas:privateKey": "k" },
          env: {},
          missing: "mongodbatlas:clientId",
        },
        { what: "MONGODB_ATLAS_CLIENT_ID alone", cfg: {}, env: { MONGODB_ATLAS_CLIENT_ID: "id" }, missing: "MONGODB_ATLAS_CLIENT_SECRET" },
        { what: "MONGODB_ATLAS_PUBLIC_KEY alone", cfg: {}, env: { MONGODB_ATLAS_PUBLIC_KEY: "pub" }, missing: "MONGODB_ATLAS_PRIVATE_KEY" },
      ];
      for (const c of halves) {
        it(`refuses ${c.what}, naming ${c.missing}`, () => {
          const e = configError(() => resolveSettings(c.cfg, c.env));
          expect(e.message).to.include(`but ${c.missing}`);
        });
      }

      it("does not pair a clientId from config with a secret from the environment", () => {
        const e = configError(() => resolveSettings({ "mongodbatlas:clientId": "id" }, { MONGODB_ATLAS_CLIENT_SECRET: "sec" }));
        expect(e.message).to.include("mongodbatlas:clientSecret");
      });
    });

    describe("client options", () => {
      it("are the defaults when nothing is set", () => {
        expect(resolveSettings({}, {}).options).to.deep.equal(DEFAULT_CLIENT_OPTIONS);
        expect(DEFAULT_CLIENT_OPTIONS).to.include({
          requestTimeoutMs: 30_000,
          maxRetries: 6,
          retryBudgetMs: 120_000,
          backoffBaseMs: 500,
          maxDelayMs: 30_000,
          envelope: false,
        });
      });

      const parsed: [string, string, Record<string, unknown>][] = [
        ["atlas-stream-processor:maxRetries", "2", { maxRetries: 2 }],
        ["atlas-stream-processor:maxRetries", "0", { maxRetries: 0 }],
        ["atlas-stream-processor:requestTimeoutMs", "1500", { requestTimeoutMs: 1500 }],
        ["atlas-stream-processor:retryBudgetMs", "8000", { retryBudgetMs: 8000 }],
        ["atlas-stream-processor:backoffBaseMs", "20", { backoffBaseMs: 20 }],
        ["atlas-stream-processor:maxDelayMs", "1500", { maxDelayMs: 1500 }],
        ["atlas-stream-processor:envelope", "true", { envelope: true }],
        ["atlas-stream-processor:envelope", "false", { envelope: false }],
      ];
      for (const [key, raw, expected] of parsed) {
        it(`parses ${key} = ${raw}`, () => {
          expect(resolveSettings({ [key]: raw }, {}).options).to.include(expected);
        });
      }

      it("reads ATLAS_STREAM_PROCESSOR_MAX_RETRIES from the environment, config winning", () => {
        expect(resolveSettings({}, { ATLAS_STREAM_PROCESSOR_MAX_RETRIES: "3" }).options.maxRetries).to.equal(3);
        expect(
          resolveSettings({ "atlas-stream-processor:maxRetries": "1" }, { ATLAS_STREAM_PROCESSOR_MAX_RETRIES: "3" }).options.maxRetries,
        ).to.equal(1);
      });

      it("reads the media-type versions per operation, keeping the other default", () => {
        expect(resolveSettings({ "atlas-stream-processor:processorApiVersion": "2025-01-01" }, {}).options.versions).to.deep.equal({
          processor: "2025-01-01",
          startWith: "2025-03-12",
        });
        expect(resolveSettings({}, { ATLAS_STREAM_PROCESSOR_START_WITH_API_VERSION: "2026-01-01" }).options.versions).to.deep.equal({
          processor: "2024-05-30",
          startWith: "2026-01-01",
        });
      });

      it("refuses a version that is not a date, naming the key", () => {
        expect(() => resolveSettings({ "atlas-stream-processor:startWithApiVersion": "soon" }, {})).to.throw(
          AtlasConfigError,
          /atlas-stream-processor:startWithApiVersion.*2024-05-30/,
        );
      });

      it("lets explicit options override config", () => {
        expect(resolveSettings({ "atlas-stream-processor:maxRetries": "1" }, {}, { maxRetries: 4 }).options.maxRetries).to.equal(4);
      });

      const refused: [string, string][] = [
        ["atlas-stream-processor:maxRetries", "two"],
        ["atlas-stream-processor:maxRetries", "1.5"],
        ["atlas-stream-processor:maxRetries", "-1"],
        ["atlas-stream-processor:requestTimeoutMs", "abc"],
        ["atlas-stream-processor:requestTimeoutMs", "0"],
        ["atlas-stream-processor:retryBudgetMs", "Infinity"],
        ["atlas-stream-processor:backoffBaseMs", "-20"],
        ["atlas-stream-processor:maxDelayMs", "1s"],
        ["atlas-stream-processor:envelope", "yes"],
      ];
      for (const [key, raw] of refused) {
        it(`refuses ${key} = ${JSON.stringify(raw)}, naming the key`, () => {
          const name = nth(key.split(":"), 1, "the option name");
          const e = configError(() => resolveSettings({ [key]: raw }, {}));
          expect(e.message.includes(key) || e.message.includes(name), e.message).to.equal(true);
          // The key the user set, not an internal option name, and the value as given.
          if (name !== "envelope") expect(e.message).to.include(key).and.include(JSON.stringify(raw));
        });
      }

      it("refuses requestTimeoutMs 0 once, with the rule and the key the user set (config and environment alike)", () => {
        expect(configError(() => resolveSettings({ "atlas-stream-processor:requestTimeoutMs": "0" }, {})).message).to.equal(
          'atlas-stream-processor:requestTimeoutMs must be a positive number of milliseconds, got "0".',
        );
        expect(configError(() => resolveSettings({}, { ATLAS_STREAM_PROCESSOR_REQUEST_TIMEOUT_MS: "0" })).message).to.equal(
          'ATLAS_STREAM_PROCESSOR_REQUEST_TIMEOUT_MS must be a positive number of milliseconds, got "0".',
        );
        // Not waiting for a connection at all is allowed.
        expect(resolveSettings({ "atlas-stream-processor:connectionWaitMs": "0" }, {}).options.connectionWaitMs).to.equal(0);
      });

      it("names the environment variable when its value is refused", () => {
        expect(configError(() => resolveSettings({}, { ATLAS_STREAM_PROCESSOR_MAX_RETRIES: "x" })).message).to.include(
          "ATLAS_STREAM_PROCESSOR_MAX_RETRIES",
        );
      });

      it("lists every option key among the config keys configure copies", () => {
        const keys = allConfigKeys();
        for (const k of Object.values(CONFIG_KEYS)) expect(keys).to.include(k);
        for (const k of Object.values(OPTION_KEYS)) expect(keys).to.include(k.config);
      });
    });
  });

  describe("secretsOf", () => {
    it("returns the secret half of each kind of credential", () => {
      expect(secretsOf(undefined)).to.deep.equal([]);
      expect(secretsOf({ kind: "apiKey", publicKey: "p", privateKey: "k", source: "s" })).to.deep.equal(["k"]);
      expect(secretsOf({ kind: "serviceAccount", clientId: "i", clientSecret: "c", source: "s" })).to.deep.equal(["c"]);
      expect(secretsOf({ kind: "accessToken", token: "t", source: "s" })).to.deep.equal(["t"]);
    });
  });

  describe("clientKey", () => {
    const cases: [string, Src][] = [
      ["an API key", { "mongodbatlas:publicKey": "pub-key", "mongodbatlas:privateKey": "private-secret-1" }],
      ["a service account", { "mongodbatlas:clientId": "client-id", "mongodbatlas:clientSecret": "private-secret-2" }],
      ["an access token", { "mongodbatlas:accessToken": "private-secret-3" }],
    ];
    for (const [what, cfg] of cases) {
      it(`does not contain the secret of ${what}`, () => {
        const s = resolveSettings(cfg, {});
        const secret = nth(secretsOf(s.credentials), 0, "the secret");
        const key = clientKey(s, sha);
        expect(key).to.not.include(secret);
        expect(key).to.include(sha(secret));
      });
    }

    it("differs when the secret differs and is stable otherwise", () => {
      const a = resolveSettings({ "mongodbatlas:publicKey": "p", "mongodbatlas:privateKey": "one" }, {});
      const b = resolveSettings({ "mongodbatlas:publicKey": "p", "mongodbatlas:privateKey": "two" }, {});
      expect(clientKey(a, sha)).to.not.equal(clientKey(b, sha));
      expect(clientKey(a, sha)).to.equal(
        clientKey(resolveSettings({ "mongodbatlas:publicKey": "p", "mongodbatlas:privateKey": "one" }, {}), sha),
      );
    });

    it("differs by base URL and by options", () => {
      const a = resolveSettings({}, {});
      expect(clientKey(a, sha)).to.not.equal(clientKey(resolveSettings({ "mongodbatlas:baseUrl": "http://127.0.0.1:1" }, {}), sha));
      expect(clientKey(a, sha)).to.not.equal(clientKey(resolveSettings({ "atlas-stream-processor:maxRetries": "1" }, {}), sha));
    });
  });
});

describe("client options for actions and connections", () => {
  it("default to a 90 s action timeout and a 60 s connection wait", () => {
    expect(DEFAULT_CLIENT_OPTIONS).to.include({ actionTimeoutMs: 90_000, connectionWaitMs: 60_000 });
  });
  it("read atlas-stream-processor:actionTimeoutMs and ATLAS_STREAM_PROCESSOR_CONNECTION_WAIT_MS", () => {
    expect(resolveSettings({ "atlas-stream-processor:actionTimeoutMs": "120000" }, {}).options.actionTimeoutMs).to.equal(120_000);
    expect(resolveSettings({}, { ATLAS_STREAM_PROCESSOR_CONNECTION_WAIT_MS: "0" }).options.connectionWaitMs).to.equal(0);
  });
  it("refuse a bad value naming the key the user set", () => {
    expect(() => resolveSettings({ "atlas-stream-processor:actionTimeoutMs": "soon" }, {})).to.throw(
      "atlas-stream-processor:actionTimeoutMs",
    );
    expect(() => resolveSettings({}, { ATLAS_STREAM_PROCESSOR_CONNECTION_WAIT_MS: "-1" })).to.throw(
      "ATLAS_STREAM_PROCESSOR_CONNECTION_WAIT_MS",
    );
  });
});
