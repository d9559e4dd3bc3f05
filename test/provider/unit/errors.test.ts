import { expect } from "chai";
import {
  AtlasApiError,
  AtlasConfigError,
  AtlasNetworkError,
  isAtlasApiError,
  ProcessorStateError,
  redact,
  StreamProcessorError,
} from "../../../provider/errors";

describe("errors", () => {
  describe("AtlasApiError", () => {
    const init = {
      method: "POST",
      path: "/api/atlas/v2/groups/g/streams/ws/processor/p:start",
      status: 400,
      errorCode: "STREAM_PROCESSOR_GENERIC_ERROR",
      detail: "Streams Processor with this name (p) had a problem occur: bad pipeline",
      hint: "Check the pipeline stages.",
    };

    it("puts method, path, status, errorCode, detail and hint in the message", () => {
      const e = new AtlasApiError(init);
      for (const part of [init.method, init.path, "HTTP 400", init.errorCode, init.detail, init.hint]) {
        expect(e.message).to.include(part);
      }
    });

    it("keeps the fields and names itself", () => {
      const e = new AtlasApiError({ ...init, attempts: 3 });
      expect(e).to.include({
        method: "POST",
        status: 400,
        errorCode: init.errorCode,
        detail: init.detail,
        hint: init.hint,
        attempts: 3,
        name: "AtlasApiError",
      });
      expect(e.message).to.include("after 3 attempts");
      expect(e).to.be.instanceOf(StreamProcessorError).and.instanceOf(Error);
    });

    it("counts one attempt by default and does not mention attempts", () => {
      const e = new AtlasApiError({ method: "GET", path: "/x", status: 404 });
      expect(e.attempts).to.equal(1);
      expect(e.message).to.equal("Atlas API GET /x failed with HTTP 404.");
    });
  });

  describe("isAtlasApiError", () => {
    const plainNamed = Object.assign(new Error("x"), { name: "AtlasApiError", status: 500 });
    const cases: [string, unknown, boolean][] = [
      ["an AtlasApiError", new AtlasApiError({ method: "GET", path: "/", status: 500 }), true],
      ["an AtlasApiError from another copy of the module (same name and status)", plainNamed, true],
      ["a plain Error", new Error("boom"), false],
      [
        "an AtlasNetworkError",
        new AtlasNetworkError({ method: "GET", path: "/", code: "ECONNRESET", baseUrl: "https://x", attempts: 2 }),
        false,
      ],
      ["an AtlasConfigError", new AtlasConfigError("bad"), false],
      ["a ProcessorStateError", new ProcessorStateError("failed", "FAILED"), false],
      ["an object that looks like one but is no Error", { name: "AtlasApiError", status: 500 }, false],
      ["undefined", undefined, false],
    ];
    for (const [what, value, expected] of cases) {
      it(`${expected ? "accepts" : "refuses"} ${what}`, () => {
        expect(isAtlasApiError(value)).to.equal(expected);
      });
    }
  });

  describe("AtlasNetworkError", () => {
    it("names the code, the attempts and the base URL to check", () => {
      const e = new AtlasNetworkError({ method: "GET", path: "/p", code: "ECONNREFUSED", baseUrl: "http://127.0.0.1:1", attempts: 4 });
      expect(e.message).to.include("GET /p").and.include("ECONNREFUSED").and.include("after 4 attempts").and.include("http://127.0.0.1:1");
      expect(e.name).to.equal("AtlasNetworkError");
    });
  });

  describe("redact", () => {
    const cases: [string, string, string[], string][] = [
      ["one secret", "key=s3cret-value in body", ["s3cret-value"], "key=*** in body"],
      ["every occurrence", "aaaa-1 and aaaa-1", ["aaaa-1"], "*** and ***"],
      ["several secrets", "one:secret-a two:secret-b", ["secret-a", "secret-b"], "one:*** two:***"],
      ["secrets with regex characters", "token a.b*c+ end", ["a.b*c+"], "token *** end"],
      ["nothing when no secret occurs", "plain text", ["secret"], "plain text"],
      ["nothing for empty or very short secrets", "abc abc", ["", "abc"], "abc abc"],
    ];
    for (const [what, text, secrets, expected] of cases) {
      it(`replaces ${what}`, () => {
        expect(redact(text, secrets)).to.equal(expected);
      });
    }
  });
});
