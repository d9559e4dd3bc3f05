import { expect } from "chai";
import { unchecked } from "../../support/unchecked";
import { startWithBody, toOutputs } from "../../../provider/inputs/outputs";
import { compact } from "../../../provider/util/objects";
import { parseResourceId, resourceId } from "../../../provider/inputs/resource-id";
import type { ObservedProcessor, ProcessorRef, StreamProcessorInputs } from "../../../provider/types";
import { PROJECT } from "../../support/seed";

/** Every own value, recursively, so a test can say "no undefined anywhere". */
function hasUndefinedDeep(v: unknown): boolean {
  if (v === undefined) return true;
  if (v && typeof v === "object") return Object.values(v).some(hasUndefinedDeep);
  return false;
}

describe("outputs", () => {
  describe("compact", () => {
    it("removes undefined properties at every depth", () => {
      const out = compact({ a: 1, b: undefined, c: { d: undefined, e: { f: undefined, g: 0 } }, h: [{ i: undefined, j: null }] });
      expect(out).to.deep.equal({ a: 1, c: { e: { g: 0 } }, h: [{ j: null }] });
      expect(Object.keys(out.c)).to.deep.equal(["e"]);
      expect(hasUndefinedDeep(out)).to.equal(false);
    });

    it("keeps falsy values other than undefined", () => {
      expect(compact({ a: null, b: 0, c: false, d: "" })).to.deep.equal({ a: null, b: 0, c: false, d: "" });
    });

    it("keeps key order, which $sort depends on", () => {
      const out = compact({ $sort: { z: 1, skip: undefined, a: -1 } });
      expect(Object.keys(out.$sort)).to.deep.equal(["z", "a"]);
    });

    it("returns scalars unchanged", () => {
      expect(compact(5)).to.equal(5);
      expect(compact("x")).to.equal("x");
      expect(compact(null)).to.equal(null);
    });

    it("does not modify its argument", () => {
      const input = { a: undefined, b: { c: undefined } };
      compact(input);
      expect(Object.keys(input)).to.deep.equal(["a", "b"]);
      expect(Object.keys(input.b)).to.deep.equal(["c"]);
    });
  });

  describe("toOutputs", () => {
    // Unset optionals as undefined, which the type forbids: toOutputs must drop them.
    const inputs = unchecked<StreamProcessorInputs>({
      projectId: PROJECT,
      workspaceName: "ws",
      processorName: "proc",
      state: "STOPPED",
      timeoutSeconds: 600,
      pipeline: '[{"$source":{"connectionName":"c"}},{"$sort":{"b":1,"a":1}}]',
      options: { dlq: { connectionName: "c", db: "d", coll: "dlq" } },
      startAtOperationTime: undefined,
      resumeFromCheckpoint: undefined,
    });
    const observed: ObservedProcessor = { id: "66a0f1", name: "proc", state: "CREATED", pipeline: [], tier: "SP10" };

    it("puts the observed state in state and the desired one in desiredState", () => {
      const out = toOutputs(inputs, observed, true);
      expect(out.state).to.equal("CREATED");
      expect(out.desiredState).to.equal("STOPPED");
    });

    it("carries processorId, createdByResource and the inputs", () => {
      const out = toOutputs(inputs, observed, false);
      expect(out).to.include({
        processorId: "66a0f1",
        createdByResource: false,
        projectId: PROJECT,
        workspaceName: "ws",
        processorName: "proc",
        timeoutSeconds: 600,
      });
      // The pipeline's text, as check left it (the order written).
      expect(out.pipeline).to.equal('[{"$source":{"connectionName":"c"}},{"$sort":{"b":1,"a":1}}]');
      expect(out.options).to.deep.equal(inputs.options);
    });

    it("has no undefined values anywhere", () => {
      const out = toOutputs(inputs, { id: "x", name: "proc", state: "STARTED", pipeline: [] }, true);
      expect(hasUndefinedDeep(out)).to.equal(false);
      expect(out).to.not.have.any.keys("startAtOperationTime", "resumeFromCheckpoint", "tier");
    });

    it("takes the tier from the inputs first, else from Atlas", () => {
      expect(toOutputs({ ...inputs, tier: "SP30" }, observed, true).tier).to.equal("SP30");
      expect(toOutputs(inputs, observed, true).tier).to.equal("SP10");
    });
  });

  describe("resourceId and parseResourceId", () => {
    const refs: [string, ProcessorRef][] = [
      ["plain names", { projectId: PROJECT, workspaceName: "ws", processorName: "proc" }],
      ["a slash in a name", { projectId: PROJECT, workspaceName: "team/ws", processorName: "a/b/c" }],
      ["a colon", { projectId: PROJECT, workspaceName: "ws", processorName: "proc:start" }],
      ["spaces", { projectId: PROJECT, workspaceName: "my workspace", processorName: " spaced name " }],
      ["percent signs", { projectId: PROJECT, workspaceName: "100%", processorName: "%2F" }],
      ["unicode", { projectId: PROJECT, workspaceName: "área", processorName: "处理器-🚀" }],
    ];
    for (const [what, ref] of refs) {
      it(`round-trips ${what}`, () => {
        const id = resourceId(ref);
        expect(id.split("/")).to.have.lengthOf(3);
        expect(parseResourceId(id)).to.deep.equal(ref);
      });
    }

    it("joins the three names with /", () => {
      expect(resourceId({ projectId: PROJECT, workspaceName: "ws", processorName: "proc" })).to.equal(`${PROJECT}/ws/proc`);
    });

    for (const bad of ["", "only-one", "a/b", "a/b/c/d"]) {
      it(`returns undefined for ${JSON.stringify(bad)}`, () => {
        expect(parseResourceId(bad)).to.equal(undefined);
      });
    }

    // read() turns `undefined` into a clear "the resource id … is not projectId/workspaceName/processorName" error.
    it("returns undefined for an id with malformed percent-encoding instead of throwing", () => {
      expect(() => parseResourceId(`${PROJECT}/ws/%E0%A4%A`)).to.not.throw();
      expect(parseResourceId(`${PROJECT}/ws/%E0%A4%A`)).to.equal(undefined);
    });
  });

  describe("startWithBody", () => {
    const base: StreamProcessorInputs = {
      projectId: PROJECT,
      workspaceName: "ws",
      processorName: "p",
      state: "STARTED",
      timeoutSeconds: 600,
    };

    it("is undefined without tier or start options (plain :start)", () => {
      expect(startWithBody(base)).to.equal(undefined);
      expect(
        startWithBody({ ...base, pipeline: '[{"$source":{}}]', options: { dlq: { connectionName: "c", db: "d", coll: "x" } } }),
      ).to.equal(undefined);
    });

    const cases: [string, Partial<StreamProcessorInputs>, Record<string, unknown>][] = [
      ["tier only", { tier: "SP5" }, { tier: "SP5" }],
      ["startAtOperationTime only", { startAtOperationTime: "2026-01-31T12:00:00Z" }, { startAtOperationTime: "2026-01-31T12:00:00Z" }],
      ["resumeFromCheckpoint false", { resumeFromCheckpoint: false }, { resumeFromCheckpoint: false }],
      [
        "all three",
        { tier: "SP50", startAtOperationTime: "2026-01-31T12:00:00Z", resumeFromCheckpoint: true },
        { tier: "SP50", startAtOperationTime: "2026-01-31T12:00:00Z", resumeFromCheckpoint: true },
      ],
    ];
    for (const [what, extra, expected] of cases) {
      it(`holds exactly the set fields: ${what}`, () => {
        const body = startWithBody({ ...base, ...extra, adoptExisting: true });
        expect(body).to.deep.equal(expected);
        expect(Object.keys(body!)).to.have.members(Object.keys(expected));
      });
    }
  });
});
