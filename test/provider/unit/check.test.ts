import { expect } from "chai";
import { nth } from "../../support/present";
import {
  checkInputs,
  DEFAULT_STATE,
  DEFAULT_TIMEOUT_SECONDS,
  hasDefinition,
  UNKNOWN,
  type CheckFailure,
  DEFINITION_ONLY_INPUTS,
} from "../../../provider/inputs/check";
import { PROJECT } from "../../support/seed";

const BASE = { projectId: PROJECT, workspaceName: "demo-workspace", processorName: "demo-processor" };

function check(extra: Record<string, unknown>, base: Record<string, unknown> = BASE) {
  return checkInputs({ ...base, ...extra });
}

/** Asserts exactly one failure, on `property`, whose reason names it. */
function expectOneFailure(failures: CheckFailure[], property: string): CheckFailure {
  expect(failures, JSON.stringify(failures)).to.have.lengthOf(1);
  const failure = nth(failures, 0, "the failure");
  expect(failure.property).to.equal(property);
  expect(failure.reason).to.include(property);
  return failure;
}

describe("check", () => {
  describe("a minimal valid input", () => {
    it("passes with no failures", () => {
      expect(check({}).failures).to.deep.equal([]);
    });

    it("applies the defaults state STARTED and timeoutSeconds 600", () => {
      const { inputs } = check({});
      expect(inputs.state).to.equal("STARTED").and.to.equal(DEFAULT_STATE);
      expect(inputs.timeoutSeconds).to.equal(600).and.to.equal(DEFAULT_TIMEOUT_SECONDS);
    });

    it("applies the defaults when state and timeoutSeconds are null", () => {
      const { inputs, failures } = check({ state: null, timeoutSeconds: null });
      expect(failures).to.deep.equal([]);
      expect(inputs.state).to.equal("STARTED");
      expect(inputs.timeoutSeconds).to.equal(600);
    });

    it("keeps a given state and timeoutSeconds", () => {
      const { inputs, failures } = check({ state: "STOPPED", timeoutSeconds: 42 });
      expect(failures).to.deep.equal([]);
      expect(inputs.state).to.equal("STOPPED");
      expect(inputs.timeoutSeconds).to.equal(42);
    });

    it("drops optional fields given as null or undefined", () => {
      const { inputs, failures } = check({
        pipeline: null,
        options: undefined,
        tier: null,
        startAtOperationTime: undefined,
        resumeFromCheckpoint: null,
        adoptExisting: undefined,
      });
      expect(failures).to.deep.equal([]);
      for (const k of ["pipeline", "options", "tier", "startAtOperationTime", "resumeFromCheckpoint", "adoptExisting"]) {
        expect(inputs, k).to.not.have.property(k);
      }
    });

    it("does not modify the object it is given", () => {
      const news: Record<string, unknown> = { ...BASE };
      checkInputs(news);
      expect(news).to.deep.equal(BASE);
    });
  });

  describe("required fields", () => {
    for (const key of ["projectId", "workspaceName", "processorName"]) {
      for (const missing of [undefined, null]) {
        it(`refuses ${key} = ${missing}, saying it is required`, () => {
          const news: Record<string, unknown> = { ...BASE, [key]: missing };
          const f = expectOneFailure(checkInputs(news).failures, key);
          expect(f.reason).to.match(/required/);
        });
      }
    }

    it("reports every missing field at once", () => {
      const { failures } = checkInputs({});
      expect(failures.map((f) => f.property)).to.have.members(["projectId", "workspaceName", "processorName"]);
    });
  });

  describe("projectId", () => {
    const refused: [string, unknown][] = [
      ["uppercase hex", "6650F1A2B3C4D5E6F7A8B9C0"],
      ["23 hex characters", PROJECT.slice(0, 23)],
      ["25 hex characters", PROJECT + "0"],
      ["non-hex characters", "6650f1a2b3c4d5e6f7a8b9zz"],
      ["surrounding spaces", ` ${PROJECT} `],
      ["an empty string", ""],
      ["a number", 123456],
      ["an object", { id: PROJECT }],
    ];
    for (const [what, value] of refused) {
      it(`refuses ${what}, naming the field`, () => {
        const f = expectOneFailure(check({ projectId: value }).failures, "projectId");
        expect(f.reason).to.match(/24-character lowercase hexadecimal/);
      });
    }

    it("accepts 24 lowercase hex characters", () => {
      expect(check({ projectId: "0123456789abcdef01234567" }).failures).to.deep.equal([]);
    });
  });

  for (const field of ["workspaceName", "processorName"]) {
    describe(field, () => {
      const refused: [string, unknown, RegExp][] = [
        ["an empty string", "", /empty/],
        ["a whitespace-only string", "   \t ", /empty or whitespace-only/],
        ["a leading space", " name", /start or end with whitespace/],
        ["a trailing space", "name ", /start or end with whitespace/],
        ["a newline", "na\nme", /control characters/],
        ["a NUL character", "na\u0000me", /control characters/],
        ["DEL", "na\u007fme", /control characters/],
        ["a C1 control character", "na\u0085me", /control characters/],
        ["a number", 42, /must be a string/],
        ["an array", ["a"], /must be a string/],
      ];
      for (const [what, value, reason] of refused) {
        it(`refuses ${what}, naming the field`, () => {
          const f = expectOneFailure(check({ [field]: value }).failures, field);
          expect(f.reason).to.match(reason);
        });
      }

      for (const ok of ["a", "my processor", "proc-1_α", "名前"]) {
        it(`accepts ${JSON.stringify(ok)}`, () => {
          expect(check({ [field]: ok }).failures).to.deep.equal([]);
        });
      }
    });
  }

  describe("state", () => {
    for (const bad of ["RUNNING", "started", "CREATED", "FAILED", "", 1, true]) {
      it(`refuses ${JSON.stringify(bad)}, naming the field`, () => {
        const f = expectOneFailure(check({ state: bad }).failures, "state");
        expect(f.reason).to.include("STARTED").and.include("STOPPED");
      });
    }
    for (const ok of ["STARTED", "STOPPED"]) {
      it(`accepts ${ok}`, () => {
        expect(check({ state: ok }).failures).to.deep.equal([]);
      });
    }
  });

  describe("timeoutSeconds", () => {
    const refused: [string, unknown][] = [
      ["zero", 0],
      ["a negative number", -5],
      ["NaN", NaN],
      ["Infinity", Infinity],
      ["a numeric string", "600"],
      ["a boolean", true],
    ];
    for (const [what, value] of refused) {
      it(`refuses ${what}, naming the field`, () => {
        const f = expectOneFailure(check({ timeoutSeconds: value }).failures, "timeoutSeconds");
        expect(f.reason).to.match(/positive number/);
      });
    }
    for (const ok of [1, 0.5, 3600]) {
      it(`accepts ${ok}`, () => {
        expect(check({ timeoutSeconds: ok }).failures).to.deep.equal([]);
      });
    }
  });

  describe("the preview placeholder for unknown values", () => {
    const fields = [
      "projectId",
      "workspaceName",
      "processorName",
      "state",
      "timeoutSeconds",
      "pipeline",
      "options",
      "tier",
      "startAtOperationTime",
      "resumeFromCheckpoint",
      "adoptExisting",
    ];
    for (const field of fields) {
      it(`passes untouched as ${field}`, () => {
        // adoptExisting is definition-only: it needs pipeline beside it.
        const { inputs, failures } = check({ [field]: UNKNOWN, ...(field === "adoptExisting" ? { pipeline: UNKNOWN } : {}) });
        expect(failures).to.deep.equal([]);
        expect(inputs[field]).to.equal(UNKNOWN);
      });
    }

    it("passes when every input is unknown at once", () => {
      const news: Record<string, unknown> = {};
      for (const f of fields) news[f] = UNKNOWN;
      const { inputs, failures } = checkInputs(news);
      expect(failures).to.deep.equal([]);
      for (const f of fields) expect(inputs[f], f).to.equal(UNKNOWN);
    });

    it("passes as a pipeline stage", () => {
      expect(check({ pipeline: [{ $source: { connectionName: "c" } }, UNKNOWN] }).failures).to.deep.equal([]);
    });

    it("passes as options.dlq and as each DLQ field", () => {
      expect(check({ pipeline: UNKNOWN, options: { dlq: UNKNOWN } }).failures).to.deep.equal([]);
      expect(
        check({ pipeline: UNKNOWN, options: { dlq: { connectionName: UNKNOWN, db: UNKNOWN, coll: UNKNOWN } } }).failures,
      ).to.deep.equal([]);
    });

    it("is the string the Pulumi engine sends", () => {
      expect(UNKNOWN).to.equal("04da6b54-80e4-46f7-96ec-b56ff0331ba9");
    });
  });

  describe("pipeline", () => {
    const refused: [string, unknown, string, RegExp][] = [
      [
        "a string that is not JSON",
        "[{$match:{}}]",
        "pipeline",
        /not valid JSON: .* at line 1, column 3 \(character 3\), near "\[\{\$match:\{\}\}\]"/,
      ],
      [
        "a JSON string that is not an array",
        '{"$match": {}}',
        "pipeline",
        /must be a JSON array of stages, got an object: wrap the stages in \[ \]/,
      ],
      [
        "a JSON string with a key twice",
        '[{"$sort": {"a": 1, "a": -1}}]',
        "pipeline",
        /the key "a" appears twice in one object at line 1, column 21/,
      ],
      ["a number that JSON cannot hold", [{ $limit: NaN }], "pipeline[0].$limit", /is NaN, which JSON cannot hold/],
      ["an object", { $match: {} }, "pipeline", /must be an array/],
      ["an empty array", [], "pipeline", /must not be empty/],
      ["a stage that is a string", [{ $source: {} }, "$match"], "pipeline[1]", /must be an object/],
      ["a stage that is an array", [[{ $match: {} }]], "pipeline[0]", /must be an object/],
      ["a stage that is null", [null], "pipeline[0]", /must be an object/],
      ["a stage with two keys", [{ $match: {}, $project: {} }], "pipeline[0]", /exactly one top-level key.*got 2 \(\$match, \$project\)/],
      ["a stage with no keys", [{ $source: {} }, {}], "pipeline[1]", /exactly one top-level key.*got 0/],
      ["a stage key without $", [{ match: { a: 1 } }], "pipeline[0]", /"match" is not a stage operator/],
    ];
    for (const [what, value, property, reason] of refused) {
      it(`refuses ${what}, naming ${property}`, () => {
        const f = expectOneFailure(check({ pipeline: value }).failures, property);
        expect(f.reason).to.match(reason);
      });
    }

    it("reports each bad stage separately", () => {
      const { failures } = check({ pipeline: [{ a: 1 }, { $source: {} }, 5] });
      expect(failures.map((f) => f.property)).to.deep.equal(["pipeline[0]", "pipeline[2]"]);
    });

    it("keeps the key order of every stage in the returned inputs", () => {
      const pipeline = [
        { $source: { connectionName: "c", db: "d", coll: "x" } },
        { $sort: { z: 1, a: -1, m: 1 } },
        { $project: { b: 1, a: 1, _id: 0 } },
      ];
      const { inputs, failures } = check({ pipeline });
      expect(failures).to.deep.equal([]);
      // The provider keeps the pipeline as text from here on; JSON.parse keeps these (non-integer) keys' order.
      expect(inputs.pipeline).to.be.a("string");
      const out = JSON.parse(inputs.pipeline as string) as Record<string, Record<string, unknown>>[];
      expect(Object.keys(nth(out, 0).$source ?? {})).to.deep.equal(["connectionName", "db", "coll"]);
      expect(Object.keys(nth(out, 1).$sort ?? {})).to.deep.equal(["z", "a", "m"]);
      expect(Object.keys(nth(out, 2).$project ?? {})).to.deep.equal(["b", "a", "_id"]);
      expect(out).to.deep.equal(pipeline);
    });

    it("makes hasDefinition true, and false without a pipeline", () => {
      expect(hasDefinition(check({ pipeline: [{ $source: {} }] }).inputs)).to.equal(true);
      expect(hasDefinition(check({}).inputs)).to.equal(false);
    });
  });

  describe("tier", () => {
    for (const bad of ["SP1", "sp10", "SP100", "", 10]) {
      it(`refuses ${JSON.stringify(bad)}, naming the field and the tiers`, () => {
        const f = expectOneFailure(check({ tier: bad }).failures, "tier");
        expect(f.reason).to.include("SP2, SP5, SP10, SP30, SP50");
      });
    }
    for (const ok of ["SP2", "SP5", "SP10", "SP30", "SP50"]) {
      it(`accepts ${ok}`, () => {
        const { inputs, failures } = check({ tier: ok });
        expect(failures).to.deep.equal([]);
        expect(inputs.tier).to.equal(ok);
      });
    }
  });

  describe("startAtOperationTime", () => {
    const refused: [string, unknown][] = [
      ["a date without time", "2026-01-31"],
      ["a date-time without zone", "2026-01-31T12:00:00"],
      ["a human date", "Jan 31 2026 12:00"],
      ["epoch seconds", 1769860800],
      ["an impossible month and day", "2026-13-45T00:00:00Z"],
      ["an impossible hour", "2026-01-01T25:00:00Z"],
      ["an impossible minute", "2026-01-01T23:60:00Z"],
      ["the 30th of February", "2026-02-30T00:00:00Z"],
      ["the 31st of April", "2026-04-31T00:00:00Z"],
    ];
    for (const [what, value] of refused) {
      it(`refuses ${what} (${JSON.stringify(value)}), naming the field`, () => {
        const f = expectOneFailure(check({ startAtOperationTime: value }).failures, "startAtOperationTime");
        expect(f.reason).to.match(/ISO 8601/);
      });
    }
    for (const ok of ["2026-01-31T12:00:00Z", "2026-01-31T12:00:00.123Z", "2026-01-31T12:00:00+02:00", "2024-02-29T00:00:00Z"]) {
      it(`accepts ${ok}`, () => {
        expect(check({ startAtOperationTime: ok }).failures).to.deep.equal([]);
      });
    }
  });

  describe("resumeFromCheckpoint and adoptExisting", () => {
    for (const key of ["resumeFromCheckpoint", "adoptExisting"]) {
      // adoptExisting is definition-only: it needs pipeline beside it.
      const withPipeline = key === "adoptExisting" ? { pipeline: [{ $source: { connectionName: "c" } }] } : {};
      it(`${key} refuses a string "true", naming the field`, () => {
        expectOneFailure(check({ [key]: "true", ...withPipeline }).failures, key);
      });
      it(`${key} accepts false and keeps it`, () => {
        const { inputs, failures } = check({ [key]: false, ...withPipeline });
        expect(failures).to.deep.equal([]);
        expect(inputs[key]).to.equal(false);
      });
    }
  });

  describe("options", () => {
    const dlq = { connectionName: "conn", db: "db", coll: "dlq" };
    // options are definition-only: these cases declare a pipeline beside them.
    const check = (extra: Record<string, unknown>) => checkInputs({ ...BASE, pipeline: [{ $source: { connectionName: "c" } }], ...extra });

    it("accepts a complete dlq", () => {
      const { inputs, failures } = check({ options: { dlq } });
      expect(failures).to.deep.equal([]);
      expect(inputs.options).to.deep.equal({ dlq });
    });

    it("refuses options that are not an object", () => {
      expectOneFailure(check({ options: "dlq" }).failures, "options");
    });

    it("refuses an option other than dlq and resumeFromCheckpoint", () => {
      expectOneFailure(check({ options: { dlq, resumeFromCheckpoint: true, dlqEnabled: true } }).failures, "options.dlqEnabled");
    });

    it("refuses a dlq that is not an object", () => {
      expectOneFailure(check({ options: { dlq: "conn.db.dlq" } }).failures, "options.dlq");
    });

    for (const field of ["connectionName", "db", "coll"]) {
      it(`refuses a dlq missing ${field}, naming options.dlq.${field}`, () => {
        const partial: Record<string, unknown> = { ...dlq };
        delete partial[field];
        const f = expectOneFailure(check({ options: { dlq: partial } }).failures, `options.dlq.${field}`);
        expect(f.reason).to.match(/required/);
      });
      it(`refuses an empty dlq.${field}`, () => {
        expectOneFailure(check({ options: { dlq: { ...dlq, [field]: " " } } }).failures, `options.dlq.${field}`);
      });
    }

    it("refuses a dlq with an extra field, naming it", () => {
      const f = expectOneFailure(check({ options: { dlq: { ...dlq, collection: "x" } } }).failures, "options.dlq.collection");
      expect(f.reason).to.match(/not a DLQ field/);
    });
  });

  describe("unknown and output-only keys", () => {
    it("refuses a misspelt input (processName), naming it", () => {
      const f = expectOneFailure(check({ processName: "x" }).failures, "processName");
      expect(f.reason).to.match(/not an input/);
    });

    it("accepts Pulumi's own __provider", () => {
      const { inputs, failures } = check({ __provider: "exports.handler = …" });
      expect(failures).to.deep.equal([]);
      expect(inputs.__provider).to.equal("exports.handler = …");
    });

    for (const key of ["processorId", "desiredState", "createdByResource"]) {
      it(`refuses the output ${key} when set`, () => {
        const f = expectOneFailure(check({ [key]: key === "createdByResource" ? true : "x" }).failures, key);
        expect(f.reason).to.match(/output/);
      });
      it(`drops the output ${key} when undefined`, () => {
        const { inputs, failures } = check({ [key]: undefined });
        expect(failures).to.deep.equal([]);
        expect(Object.keys(inputs)).to.not.include(key);
      });
    }
  });
});

const SOURCE = { $source: { connectionName: "c" } };
const PIPELINE = [SOURCE, { $match: { a: 1 } }];

describe("check: the new inputs", () => {
  const check = (extra: Record<string, unknown>) => checkInputs({ ...BASE, ...extra });

  describe("definition-only inputs without pipeline are refused, naming the field", () => {
    const cases: [string, Record<string, unknown>][] = [
      ["options.dlq", { options: { dlq: { connectionName: "c", db: "d", coll: "x" } } }],
      ["options.autoscaling", { options: { autoscaling: { enabled: true, minTier: "SP5", maxTier: "SP10" } } }],
      ["options.resumeFromCheckpoint", { options: { resumeFromCheckpoint: false } }],
      ["failoverEnabled", { failoverEnabled: false }],
      ["adoptExisting", { adoptExisting: true }],
    ];
    for (const [field, extra] of cases) {
      it(`${field} without pipeline is a failure naming it and the fix`, () => {
        const { failures } = check(extra);
        expect(failures).to.have.length(1);
        expect(nth(failures, 0).property).to.equal(field);
        expect(nth(failures, 0).reason).to.include(field).and.include("set pipeline").and.include("ignored");
      });
      it(`${field} with pipeline passes`, () => expect(check({ ...extra, pipeline: PIPELINE }).failures).to.deep.equal([]));
      it(`${field} with a pipeline not known yet (preview) passes`, () =>
        expect(check({ ...extra, pipeline: UNKNOWN }).failures).to.deep.equal([]));
    }
    it("covers every definition-only input", () => expect([...DEFINITION_ONLY_INPUTS]).to.deep.equal(cases.map((c) => c[0])));
    it("a misspelt key is still refused too", () =>
      expect(check({ failoverEnabeld: true }).failures.map((f) => f.property)).to.deep.equal(["failoverEnabeld"]));
  });

  describe("value rules", () => {
    const bad: [string, Record<string, unknown>][] = [
      ["failoverEnabled", { pipeline: PIPELINE, failoverEnabled: "yes" }],
      ["options.resumeFromCheckpoint", { pipeline: PIPELINE, options: { resumeFromCheckpoint: "false" } }],
      ["verifySeconds", { verifySeconds: -1 }],
      ["verifySeconds", { verifySeconds: "10" }],
      ["verifySeconds", { verifySeconds: Infinity }],
      ["state", { state: "RUNNING" }],
      ["tier", { tier: "SP3" }],
    ];
    for (const [field, extra] of bad) {
      it(`refuses ${field} = ${JSON.stringify(Object.values(extra).pop())}, naming it`, () => {
        const { failures } = check(extra);
        expect(failures.map((f) => f.property)).to.deep.equal([field]);
        expect(nth(failures, 0).reason).to.include(field);
      });
    }
    it("accepts verifySeconds 0 and fractions, and leaves it unset by default (no diff on existing stacks)", () => {
      expect(check({ verifySeconds: 0 }).failures).to.deep.equal([]);
      expect(check({ verifySeconds: 0.5 }).failures).to.deep.equal([]);
      expect(Object.keys(check({}).inputs)).to.not.include("verifySeconds");
    });
    it("passes unknown values", () => {
      expect(
        check({ pipeline: PIPELINE, failoverEnabled: UNKNOWN, verifySeconds: UNKNOWN, options: { resumeFromCheckpoint: UNKNOWN } })
          .failures,
      ).to.deep.equal([]);
    });
  });
});

describe("check refuses names made only of dots", () => {
  const base = { projectId: PROJECT, workspaceName: "ws", processorName: "orders" };
  for (const key of ["workspaceName", "processorName"]) {
    for (const name of [".", "..", "..."]) {
      it(`${key} ${JSON.stringify(name)}`, () => {
        const { failures } = checkInputs({ ...base, [key]: name });
        expect(failures).to.have.length(1);
        expect(nth(failures, 0).property).to.equal(key);
        expect(nth(failures, 0).reason).to.include("only of dots");
      });
    }
    it(`${key} with dots among other characters passes ("a.b", ".x", "x..")`, () => {
      for (const name of ["a.b", ".x", "x.."]) expect(checkInputs({ ...base, [key]: name }).failures).to.deep.equal([]);
    });
  }
  it("DLQ names are not path segments: a dot-only db passes", () => {
    const { failures } = checkInputs({
      ...base,
      pipeline: [{ $source: { connectionName: "c" } }],
      options: { dlq: { connectionName: "c", db: ".", coll: "x" } },
    });
    expect(failures).to.deep.equal([]);
  });
});
