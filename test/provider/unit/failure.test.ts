import { expect } from "chai";
import { endsWait } from "../../../provider/converge/converge";
import { AtlasApiError, AtlasConfigError, AtlasNetworkError } from "../../../provider/errors";
import { notFoundFromCode } from "../../../provider/atlas/not-found";
import { classifyFailure, missingConnectionName, type FailureClass, type FailureReport } from "../../../provider/http/retry";
import { isTransitional, nextStep, waitVerdict } from "../../../provider/model/state";
import { PROJECT } from "../../support/seed";

/** Atlas's generic processor error detail, as recorded. */
const generic = (msg: string) => `Streams Processor with this name (orders) had a problem occur: ${msg}`;
const GENERIC = "STREAM_PROCESSOR_GENERIC_ERROR";

describe("failure classification", () => {
  describe("classifyFailure", () => {
    const cases: [string, FailureReport, FailureClass][] = [
      ["400 no healthy upstream", { status: 400, errorCode: GENERIC, detail: generic("no healthy upstream") }, "transient-400"],
      [
        "400 failed to acquire resources",
        { status: 400, errorCode: GENERIC, detail: generic("failed to acquire resources for processor: internal error") },
        "transient-400",
      ],
      [
        "400 error getting cluster info",
        { status: 400, errorCode: GENERIC, detail: generic("error getting cluster info [500/UNEXPECTED_ERROR]") },
        "transient-400",
      ],
      ["400 No Healthy Upstream (case)", { status: 400, detail: generic("No Healthy Upstream") }, "transient-400"],
      [
        "400 on an action, transient message",
        { status: 400, errorCode: GENERIC, detail: generic("no healthy upstream"), action: true },
        "transient-400",
      ],
      ["400 RBAC: access denied", { status: 400, errorCode: GENERIC, detail: generic("RBAC: access denied") }, "definite"],
      [
        "400 access of ProjectID that does not exist",
        { status: 400, errorCode: GENERIC, detail: generic("access of ProjectID that does not exist") },
        "definite",
      ],
      [
        "400 connection named X does not exist",
        {
          status: 400,
          errorCode: GENERIC,
          detail: generic("connection named kafka1 does not exist. Check sp.listConnections() for available connections."),
        },
        "connection-pending",
      ],
      ["400 processor already started", { status: 400, errorCode: GENERIC, detail: generic("processor is already started") }, "definite"],
      ["400 with no body", { status: 400 }, "definite"],
      [
        "400 transient text under another code still decides by status + text",
        { status: 400, errorCode: "SOMETHING_ELSE", detail: "no healthy upstream" },
        "transient-400",
      ],
      ["409", { status: 409, detail: "no healthy upstream" }, "definite"],
      ["403 with a transient-looking text", { status: 403, detail: "no healthy upstream" }, "definite"],
      ["404 GROUP_NOT_FOUND", { status: 404, errorCode: "GROUP_NOT_FOUND" }, "definite"],
      ["504 STREAM_PROCESSOR_TIMEOUT on :start", { status: 504, errorCode: "STREAM_PROCESSOR_TIMEOUT", action: true }, "action-timeout"],
      ["504 without a code on :stop (the status decides)", { status: 504, action: true }, "action-timeout"],
      ["ETIMEDOUT on an action (client timeout)", { code: "ETIMEDOUT", action: true }, "action-timeout"],
      ["ECONNABORTED on an action", { code: "ECONNABORTED", action: true }, "action-timeout"],
      ["504 on a read", { status: 504, errorCode: "STREAM_PROCESSOR_TIMEOUT" }, "transient"],
      ["ETIMEDOUT on a read", { code: "ETIMEDOUT" }, "transient"],
      ["ECONNRESET on an action (not a timeout: a fresh read decides)", { code: "ECONNRESET", action: true }, "transient"],
      ["500 on an action", { status: 500, action: true }, "transient"],
      ["503", { status: 503 }, "transient"],
      ["429 RATE_LIMITED_TOKEN_BUCKET", { status: 429, errorCode: "RATE_LIMITED_TOKEN_BUCKET" }, "transient"],
      ["501", { status: 501 }, "definite"],
      ["401", { status: 401 }, "definite"],
      ["406 INVALID_VERSION_DATE", { status: 406, errorCode: "INVALID_VERSION_DATE" }, "definite"],
    ];
    for (const [what, facts, expected] of cases) {
      it(`${what} → ${expected}`, () => {
        expect(classifyFailure(facts)).to.equal(expected);
      });
    }
  });

  describe("missingConnectionName", () => {
    const cases: [string | undefined, string | undefined][] = [
      [generic("connection named kafka1 does not exist. Check sp.listConnections() for available connections."), "kafka1"],
      [generic("connection named my.cluster-0 does not exist."), "my.cluster-0"],
      [generic("no healthy upstream"), undefined],
      [undefined, undefined],
    ];
    for (const [detail, expected] of cases) {
      it(`${JSON.stringify(detail)} → ${String(expected)}`, () => {
        expect(missingConnectionName(detail)).to.equal(expected);
      });
    }
  });

  describe("endsWait (a failed read while waiting)", () => {
    const api = (status: number, detail?: string) =>
      new AtlasApiError({ method: "GET", path: "/p", status, ...(detail === undefined ? {} : { detail }) });
    const cases: [string, unknown, boolean][] = [
      ["500 after retries", api(500), false],
      ["503", api(503), false],
      ["429", api(429), false],
      ["400 no healthy upstream", api(400, generic("no healthy upstream")), false],
      [
        "no answer (AtlasNetworkError)",
        new AtlasNetworkError({ method: "GET", path: "/p", code: "ECONNRESET", baseUrl: "http://x", attempts: 7 }),
        false,
      ],
      ["403", api(403), true],
      ["401", api(401), true],
      ["400 RBAC: access denied", api(400, generic("RBAC: access denied")), true],
      ["a configuration error", new AtlasConfigError("bad"), true],
    ];
    for (const [what, e, expected] of cases) {
      it(`${what} → ${expected ? "ends the wait" : "keeps waiting"}`, () => {
        expect(endsWait(e)).to.equal(expected);
      });
    }
  });

  describe("notFoundFromCode", () => {
    const ref = { projectId: PROJECT, workspaceName: "ws", processorName: "orders" };
    it("GROUP_NOT_FOUND names the project", () => {
      expect(notFoundFromCode(ref, "GROUP_NOT_FOUND")).to.include(`Project ${PROJECT} was not found`).and.include("projectId");
    });
    it("STREAM_TENANT_NOT_FOUND_FOR_NAME names the workspace", () => {
      expect(notFoundFromCode(ref, "STREAM_TENANT_NOT_FOUND_FOR_NAME"))
        .to.include('Stream workspace "ws" was not found')
        .and.include("workspaceName");
    });
    it("STREAM_PROCESSOR_NOT_FOUND names the processor", () => {
      expect(notFoundFromCode(ref, "STREAM_PROCESSOR_NOT_FOUND")).to.include('stream processor "orders" does not exist');
    });
    for (const code of [undefined, "RESOURCE_NOT_FOUND", "SOMETHING_NEW"]) {
      it(`${String(code)} says nothing (the caller falls back to reads)`, () => {
        expect(notFoundFromCode(ref, code)).to.equal(undefined);
      });
    }
  });

  describe("unknown states mean still moving", () => {
    for (const state of ["INIT", "CREATING", "PROVISIONING", "SOME_FUTURE_STATE"]) {
      it(`${state}: transitional, converge waits, a wait goes on`, () => {
        expect(isTransitional(state)).to.equal(true);
        expect(nextStep("STARTED", state)).to.deep.equal({ kind: "wait" });
        expect(nextStep("STOPPED", state)).to.deep.equal({ kind: "wait" });
        expect(waitVerdict("STARTED", state)).to.equal("pending");
        expect(waitVerdict("STOPPED", state)).to.equal("pending");
      });
    }
  });
});
