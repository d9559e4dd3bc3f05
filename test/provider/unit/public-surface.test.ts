// The package's public surface is exactly what the README documents: the resource, the data
// functions, the errors with a guard each, and (as types only) the value types. Anything else
// exported would become a promise to users.
import { expect } from "chai";
import * as pkg from "../../../provider";
import {
  AtlasApiError,
  AtlasConfigError,
  AtlasNetworkError,
  ProcessorInitError,
  ProcessorStateError,
  StreamProcessorError,
  UnverifiedActionError,
} from "../../../provider/errors";

describe("the public surface", () => {
  it("exports the resource, the four data functions and the seven errors with their guards, nothing else", () => {
    expect(Object.keys(pkg).sort()).to.deep.equal(
      [
        "StreamProcessor",
        "getStreamProcessor",
        "getStreamProcessorOutput",
        "getStreamProcessors",
        "getStreamProcessorsOutput",
        "StreamProcessorError",
        "AtlasApiError",
        "AtlasConfigError",
        "AtlasNetworkError",
        "ProcessorStateError",
        "UnverifiedActionError",
        "ProcessorInitError",
        "isStreamProcessorError",
        "isAtlasApiError",
        "isAtlasConfigError",
        "isAtlasNetworkError",
        "isProcessorStateError",
        "isUnverifiedActionError",
        "isProcessorInitError",
      ].sort(),
    );
  });

  describe("each error's guard", () => {
    const samples: Array<[string, Error, (e: unknown) => boolean]> = [
      ["AtlasConfigError", new AtlasConfigError("x"), pkg.isAtlasConfigError],
      ["AtlasApiError", new AtlasApiError({ method: "GET", path: "/p", status: 500 }), pkg.isAtlasApiError],
      [
        "AtlasNetworkError",
        new AtlasNetworkError({ method: "GET", path: "/p", code: "ECONNRESET", baseUrl: "http://127.0.0.1", attempts: 1 }),
        pkg.isAtlasNetworkError,
      ],
      ["ProcessorStateError", new ProcessorStateError("x", "FAILED"), pkg.isProcessorStateError],
      ["UnverifiedActionError", new UnverifiedActionError(":start", "HTTP 500", new Error("read")), pkg.isUnverifiedActionError],
      ["ProcessorInitError", new ProcessorInitError("id", {}, new Error("cause")), pkg.isProcessorInitError],
    ];
    for (const [name, error, guard] of samples) {
      it(`recognizes ${name}, and an error of that name from another copy of the package`, () => {
        expect(guard(error)).to.equal(true);
        expect(pkg.isStreamProcessorError(error)).to.equal(true);
        const foreign = Object.assign(new Error(error.message), { name, status: 500 });
        expect(guard(foreign)).to.equal(true);
      });
      it(`refuses the other errors for ${name}`, () => {
        for (const [other, e] of samples) if (other !== name) expect(guard(e), other).to.equal(false);
        expect(guard(new Error("plain"))).to.equal(false);
        expect(guard(undefined)).to.equal(false);
      });
    }
    it("isStreamProcessorError refuses a plain Error", () => {
      expect(pkg.isStreamProcessorError(new Error("x"))).to.equal(false);
      expect(pkg.isStreamProcessorError(new StreamProcessorError("x"))).to.equal(true);
    });
  });
});
