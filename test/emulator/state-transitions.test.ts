// The processor state machine as pure decisions: which action each state refuses, what GET shows
// during a create/start/stop, and what a start settles to.
import { expect } from "chai";
import { actionTransition, createTransition, observedState, refusal, settledAfterStart, type Timing } from "../../emulator/state-machine";

describe("emulator: which actions each state allows (pure)", () => {
  // [state, start, stop, modify]: undefined = allowed, otherwise the refusal message.
  const stopFirst = (s: string) => `processor must be stopped before it can be modified (state ${s})`;
  const table: Array<[string, string | undefined, string | undefined, string | undefined]> = [
    ["CREATED", undefined, "processor has not been started", undefined],
    ["INIT", "processor is still being created", "processor has not been started", "processor is still being created"],
    ["CREATING", "processor is still being created", "processor has not been started", "processor is still being created"],
    ["STARTING", "processor is already started", undefined, stopFirst("STARTING")],
    ["STARTED", "processor is already started", undefined, stopFirst("STARTED")],
    ["STOPPING", "processor is stopping", "processor is already stopping", stopFirst("STOPPING")],
    ["STOPPED", undefined, "processor is already stopped", undefined],
    ["FAILED", undefined, undefined, undefined],
  ];
  for (const [state, start, stop, modify] of table) {
    it(`from ${state}: start ${start ? "refused" : "allowed"}, stop ${stop ? "refused" : "allowed"}, modify ${modify ? "refused" : "allowed"}`, () => {
      expect([refusal("start", state), refusal("stop", state), refusal("modify", state)]).to.deep.equal([start, stop, modify]);
    });
  }
});

describe("emulator: what GET shows while an operation takes effect (pure)", () => {
  const async: Timing = { transitionMs: 100, mode: "async", actionMs: 0, transitionalStates: false };
  const transitional: Timing = { ...async, transitionalStates: true };
  const sync: Timing = { transitionMs: 100, mode: "sync", actionMs: 40, transitionalStates: false };
  const table: Array<[string, ReturnType<typeof createTransition>, string, Array<[number, string]>]> = [
    [
      "a create: INIT, then CREATING, then CREATED",
      createTransition(100, 0),
      "CREATED",
      [
        [0, "INIT"],
        [49, "INIT"],
        [50, "CREATING"],
        [99, "CREATING"],
        [100, "CREATED"],
      ],
    ],
    ["a create with transitionMs 0: CREATED at once", createTransition(0, 0), "CREATED", [[0, "CREATED"]]],
    [
      "an async start (default): the previous state until it lands, as Atlas shows no STARTING",
      actionTransition("start", "STOPPED", async, 0),
      "STARTED",
      [
        [0, "STOPPED"],
        [99, "STOPPED"],
        [100, "STARTED"],
      ],
    ],
    [
      "an async stop (default): the previous state until it lands",
      actionTransition("stop", "STARTED", async, 0),
      "STOPPED",
      [
        [99, "STARTED"],
        [100, "STOPPED"],
      ],
    ],
    [
      "an async start with transitionalStates: STARTING, then STARTED",
      actionTransition("start", "STOPPED", transitional, 0),
      "STARTED",
      [
        [0, "STARTING"],
        [99, "STARTING"],
        [100, "STARTED"],
      ],
    ],
    [
      "an async stop with transitionalStates: STOPPING, then STOPPED",
      actionTransition("stop", "STARTED", transitional, 0),
      "STOPPED",
      [
        [99, "STOPPING"],
        [100, "STOPPED"],
      ],
    ],
    [
      "a sync start: the previous state until the action completes",
      actionTransition("start", "CREATED", sync, 0),
      "STARTED",
      [
        [39, "CREATED"],
        [40, "STARTED"],
      ],
    ],
    [
      "a sync stop with actionMs 0: STOPPED at once",
      actionTransition("stop", "STARTED", { ...sync, actionMs: 0 }, 0),
      "STOPPED",
      [[0, "STOPPED"]],
    ],
  ];
  for (const [what, transition, settled, reads] of table) {
    it(what, () => {
      expect(reads.map(([t]) => observedState(settled, transition, t))).to.deep.equal(reads.map(([, s]) => s));
    });
  }
});

describe("emulator: what a start settles to (pure)", () => {
  const connections = [{ name: "src", type: "Sample" }];
  const table: Array<[string, unknown[], "STARTED" | "FAILED"]> = [
    ["a $source naming a connection of the workspace", [{ $source: { connectionName: "src" } }], "STARTED"],
    ["a $source with inline documents", [{ $source: { documents: [{ a: 1 }] } }], "STARTED"],
    ["a $source naming a missing connection", [{ $source: { connectionName: "nope" } }], "FAILED"],
    ["a first stage that is not $source", [{ $match: {} }, { $source: { connectionName: "src" } }], "FAILED"],
  ];
  for (const [what, pipeline, settled] of table)
    it(`${what}: ${settled}`, () => expect(settledAfterStart(pipeline, connections)).to.equal(settled));
});
