import { expect } from "chai";
import { configSource, coreKey, pluginWording } from "../../../provider/plugin/config";
import { detailedDiff, topLevel } from "../../../provider/plugin/detailed-diff";

describe("plugin door: config keys, wording, detailed diff", () => {
  describe("configSource", () => {
    it("maps atlasstreams:config:<name> (and atlasstreams:<name>) onto the keys the core reads", () => {
      const src = configSource([
        ["atlasstreams:config:baseUrl", "http://127.0.0.1:1"],
        ["atlasstreams:config:clientSecret", "s3cret"],
        ["atlasstreams:maxRetries", "2"],
      ]);
      expect(src.config.get("mongodbatlas:baseUrl")).to.equal("http://127.0.0.1:1");
      expect(src.config.get("mongodbatlas:clientSecret")).to.equal("s3cret");
      expect(src.config.get("atlas-stream-processor:maxRetries")).to.equal("2");
      expect(src.config.get("mongodbatlas:clientId")).to.equal(undefined);
    });

    it("ignores the engine's own keys and other packages' config", () => {
      const src = configSource([
        ["atlasstreams:config:version", "0.2.0"],
        ["mongodbatlas:config:clientId", "other-provider"],
      ]);
      expect(src.config.get("mongodbatlas:clientId")).to.equal(undefined);
    });

    it("refuses a misspelt key, naming it and the keys there are", () => {
      expect(() => configSource([["atlasstreams:config:clientID", "x"]])).to.throw(
        /atlasstreams:clientID is not a config key of the atlasstreams provider: check the spelling; the keys are baseUrl, clientId,/,
      );
    });
  });

  it("pluginWording names the plugin's keys where the core names the dynamic door's", () => {
    expect(coreKey("privateKey")).to.equal("mongodbatlas:privateKey");
    expect(pluginWording("mongodbatlas:baseUrl uses plain http to example.com")).to.equal(
      "atlasstreams:baseUrl uses plain http to example.com",
    );
    expect(pluginWording("set mongodbatlas:publicKey/privateKey or raise atlas-stream-processor:connectionWaitMs")).to.equal(
      "set atlasstreams:publicKey/privateKey or raise atlasstreams:connectionWaitMs",
    );
  });

  describe("detailedDiff", () => {
    const olds = { processorName: "a", state: "FAILED", pipeline: "[1]", options: { resumeFromCheckpoint: true }, tier: "SP10" };
    const rows: Array<[string, string[], string[], Record<string, unknown>, Record<string, { kind: string; replace: boolean }>]> = [
      ["a restart", ["state"], [], { state: "STARTED" }, { state: { kind: "update", replace: false } }],
      ["a rename", ["processorName"], ["processorName"], { processorName: "b" }, { processorName: { kind: "update", replace: true } }],
      ["a new pipeline", ["pipeline"], [], { pipeline: "[2]" }, { pipeline: { kind: "update", replace: false } }],
      ["options removed", ["options"], [], {}, { options: { kind: "delete", replace: false } }],
      [
        "a nested option",
        ["options.resumeFromCheckpoint"],
        [],
        { options: { resumeFromCheckpoint: false } },
        { "options.resumeFromCheckpoint": { kind: "update", replace: false } },
      ],
      ["an added setting", ["verifySeconds"], [], { verifySeconds: 5 }, { verifySeconds: { kind: "add", replace: false } }],
    ];
    for (const [what, changed, replaces, news, want] of rows) {
      it(what, () => expect(detailedDiff(changed, replaces, olds, news)).to.deep.equal(want));
    }
    it("topLevel lists each top-level property once", () => {
      expect(topLevel(["options", "options.resumeFromCheckpoint", "state"])).to.deep.equal(["options", "state"]);
    });
  });
});
