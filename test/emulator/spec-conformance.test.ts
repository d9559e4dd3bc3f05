// Every operation's success and error bodies, validated against the official OpenAPI spec.
import { expect } from "chai";
import { startEmulator, type RunningEmulator } from "../../emulator";
import { readFileSync, existsSync } from "node:fs";
import {
  Client,
  G,
  OWNER,
  READONLY,
  P,
  SHARED_SPEC_PATH,
  V_PROC,
  V_START_WITH,
  V_WS,
  VENDORED_SPEC_PATH,
  bearerClient,
  specErrors,
  type Resp,
} from "../support/emulator-client";

interface Op {
  id: string;
  method: string;
  path: (ws: string, group?: string) => string;
  accept: string;
  body?: unknown;
  status: number;
  setup?: (e: RunningEmulator) => void;
  declares400: boolean;
}

const base = (ws: string, g = G) => `/api/atlas/v2/groups/${g}/streams/${ws}`;
const pipeline = [{ $source: { connectionName: "sample_stream_solar" } }, { $emit: { connectionName: "__testLog" } }];

const OPS: Op[] = [
  {
    id: "listGroupStreamWorkspaces",
    method: "GET",
    path: (_ws, g = G) => `/api/atlas/v2/groups/${g}/streams`,
    accept: V_WS,
    status: 200,
    declares400: false,
  },
  {
    id: "createGroupStreamWorkspace",
    method: "POST",
    path: (_ws, g = G) => `/api/atlas/v2/groups/${g}/streams`,
    accept: V_WS,
    body: {
      name: "second-ws",
      dataProcessRegion: { cloudProvider: "AWS", region: "VIRGINIA_USA" },
      streamConfig: { tier: "SP10", maxTierSize: "SP30" },
      sampleConnections: { solar: true },
    },
    status: 200,
    declares400: true,
  },
  {
    id: "getGroupStreamWorkspace",
    method: "GET",
    path: (ws, g) => `${base(ws, g)}?includeConnections=true`,
    accept: V_WS,
    status: 200,
    declares400: true,
  },
  {
    id: "getGroupStreamProcessors",
    method: "GET",
    path: (ws, g) => `${base(ws, g)}/processors?itemsPerPage=2`,
    accept: V_PROC,
    status: 200,
    declares400: true,
  },
  {
    id: "createGroupStreamProcessor",
    method: "POST",
    path: (ws, g) => `${base(ws, g)}/processor`,
    accept: V_PROC,
    body: { name: "fresh", pipeline, options: { dlq: { connectionName: "sample_stream_solar", db: "d", coll: "c" } }, tier: "SP30" },
    status: 200,
    declares400: true,
  },
  {
    id: "getGroupStreamProcessor",
    method: "GET",
    path: (ws, g) => `${base(ws, g)}/processor/orders`,
    accept: V_PROC,
    status: 200,
    declares400: true,
  },
  {
    id: "updateGroupStreamProcessor",
    method: "PATCH",
    path: (ws, g) => `${base(ws, g)}/processor/payments`,
    accept: V_PROC,
    body: { pipeline, tier: "SP5" },
    status: 200,
    declares400: true,
  },
  {
    id: "deleteGroupStreamProcessor",
    method: "DELETE",
    path: (ws, g) => `${base(ws, g)}/processor/inventory`,
    accept: V_PROC,
    status: 204,
    declares400: false,
  },
  {
    id: "startGroupStreamProcessor",
    method: "POST",
    path: (ws, g) => `${base(ws, g)}/processor/orders:start`,
    accept: V_PROC,
    status: 200,
    declares400: false,
  },
  {
    id: "startGroupStreamProcessorWith",
    method: "POST",
    path: (ws, g) => `${base(ws, g)}/processor/inventory:startWith`,
    accept: V_START_WITH,
    body: { resumeFromCheckpoint: false, startAtOperationTime: "2025-01-01T00:00:00Z", tier: "SP30" },
    status: 200,
    declares400: true,
  },
  {
    id: "stopGroupStreamProcessor",
    method: "POST",
    path: (ws, g) => `${base(ws, g)}/processor/orders:stop`,
    accept: V_PROC,
    status: 200,
    setup: (e) => e.admin.setProcessorState(G, "demo-workspace", "orders", "STARTED"),
    declares400: false,
  },
];

describe("the vendored spec copy (test/fixtures)", () => {
  it("is byte-identical to shared/reference whenever that is present, and is the trimmed Atlas spec", () => {
    const vendored = readFileSync(VENDORED_SPEC_PATH, "utf8");
    expect(vendored).to.include("operationId: startGroupStreamProcessor");
    if (existsSync(SHARED_SPEC_PATH))
      expect(vendored === readFileSync(SHARED_SPEC_PATH, "utf8"), "refresh test/fixtures from shared/reference").to.equal(true);
  });
});

describe("emulator: every operation conforms to the OpenAPI spec", function () {
  let emu: RunningEmulator;
  let owner: Client;
  beforeEach(async () => {
    emu = await startEmulator();
    owner = new Client(emu.url, { kind: "digest", ...OWNER });
  });
  afterEach(() => emu.close());

  const call = (c: Client, op: Op, ws = "demo-workspace", group?: string): Promise<Resp> =>
    c.request(op.method, op.path(ws, group), { accept: op.accept, ...(op.body !== undefined ? { body: op.body } : {}) });

  for (const op of OPS) {
    describe(op.id, () => {
      it(`answers ${op.status} with a body valid against the spec and the served media type`, async () => {
        op.setup?.(emu);
        const r = await call(owner, op);
        expect(r.status, r.text).to.equal(op.status);
        expect(specErrors(op.id, r)).to.equal(undefined);
        // As recorded from Atlas: the date asked for, with the charset.
        if (op.status !== 204) expect(r.headers["content-type"]).to.equal(`${op.accept};charset=utf-8`);
      });

      it("answers 401 ApiError without credentials", async () => {
        const r = await call(new Client(emu.url, { kind: "none" }), op);
        expect(r.status).to.equal(401);
        expect(specErrors(op.id, r)).to.equal(undefined);
      });

      it("answers 403 ApiError for a credential without the needed role", async () => {
        // Writes: the read-only key. Reads: a key with no role on the project.
        emu.admin.seed({ apiKeys: [{ publicKey: "stranger", privateKey: "s3cret", roles: [] }] });
        const who = op.method === "GET" ? { user: "stranger", pass: "s3cret" } : READONLY;
        const r = await call(new Client(emu.url, { kind: "digest", ...who }), op);
        expect(r.status, r.text).to.equal(403);
        expect(specErrors(op.id, r)).to.equal(undefined);
      });

      it("answers 404 ApiError for an unknown project or workspace", async () => {
        const workspaceLevel = op.id.includes("Workspaces") || op.id === "createGroupStreamWorkspace";
        const r = workspaceLevel
          ? await call(owner, op, "demo-workspace", "aaaaaaaaaaaaaaaaaaaaaaaa")
          : await call(owner, op, "no-such-ws");
        expect(r.status, r.text).to.equal(404);
        expect(specErrors(op.id, r)).to.equal(undefined);
        if (!workspaceLevel) {
          expect(r.json.errorCode).to.equal("STREAM_TENANT_NOT_FOUND_FOR_NAME");
          expect(r.json.detail).to.equal(`Stream instance for project ${G} and name no-such-ws not found.`);
        }
      });

      it("answers 429 ApiError with rate-limit headers when the bucket is empty", async () => {
        emu.admin.setRateLimit({ capacity: 1, refillPerSecond: 0.001 });
        const c = await bearerClient(emu.url);
        await c.request("GET", `${P}/processors`, { accept: V_PROC });
        const r = await call(c, op);
        expect(r.status).to.equal(429);
        expect(r.headers["retry-after"]).to.match(/^\d+$/);
        expect(specErrors(op.id, r)).to.equal(undefined);
      });

      it("answers an injected 500 as a spec-valid ApiError", async () => {
        emu.admin.injectFault({ method: op.method, path: op.path("demo-workspace").split("?")[0]!, kind: "status", status: 500 });
        const r = await call(owner, op);
        expect(r.status).to.equal(500);
        expect(r.json.errorCode).to.equal("UNEXPECTED_ERROR");
        expect(specErrors(op.id, r)).to.equal(undefined);
      });

      if (op.declares400) {
        it("answers 400 ApiError for a malformed group id", async () => {
          const r = await call(owner, op, "demo-workspace", "not-a-hex-id");
          expect(r.status, r.text).to.equal(400);
          expect(specErrors(op.id, r)).to.equal(undefined);
        });
      }
    });
  }

  it("validation catches a non-conforming body (the validator is not vacuous)", () => {
    const bogus: Resp = { status: 200, headers: { "content-type": V_PROC }, text: "{}", json: { name: "x" }, distinct: {} };
    expect(specErrors("getGroupStreamProcessor", bogus)).to.be.a("string");
    const badErr: Resp = { status: 404, headers: { "content-type": "application/json" }, text: "{}", json: { error: "404" }, distinct: {} };
    expect(specErrors("getGroupStreamProcessor", badErr)).to.be.a("string");
  });

  it("400 bodies for bad input carry badRequestDetail and validate", async () => {
    const r = await owner.request("POST", `${P}/processor`, { accept: V_PROC, body: { name: "x", pipeline: "not-an-array" } });
    expect(r.status).to.equal(400);
    expect(r.json.badRequestDetail.fields[0].field).to.equal("pipeline");
    expect(specErrors("createGroupStreamProcessor", r)).to.equal(undefined);
  });

  it("409 for a duplicate processor name validates as an ApiError", async () => {
    const r = await owner.request("POST", `${P}/processor`, { accept: V_PROC, body: { name: "orders", pipeline } });
    expect(r.status).to.equal(409);
    expect(specErrors("createGroupStreamProcessor", r)).to.equal(undefined);
  });
});
