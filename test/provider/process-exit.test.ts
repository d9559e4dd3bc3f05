import { expect } from "chai";
import { execFile } from "node:child_process";
import { join } from "node:path";

/** Runs the child to its own end (no process.exit on success): its exit code and output. */
function runChild(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", join(__dirname, "fixtures", "exit-child.ts")],
      { timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

describe("the provider's process after the last operation", function () {
  this.timeout(90_000);

  it("exits on its own: no timer or socket of the provider holds it (creates, a 429 pause, refresh, delete)", async () => {
    const { code, stdout, stderr } = await runChild();
    expect(stdout, stderr).to.match(/^done: 3 created, \d+ requests$/m);
    expect(stdout).to.not.include("LINGERING");
    expect(code, stdout + stderr).to.equal(0);
  });
});
