// Optional durability: the whole state is one JSON file, rewritten atomically (temp file in the
// same directory + rename) after every change. Writes are serialised and coalesced so they never
// interleave and a burst of changes costs at most two writes.
import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { isPlainObject } from "./documents";
import type { SeedDocument } from "./types";
import { validateSeed } from "./seed";

const DATA_FORMAT = "atlas-streams-emulator/1";

/** Reads the data file at startup; undefined if absent. A corrupt file is an error, never ignored. */
export function loadDataFile(file: string): SeedDocument | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`Cannot read data file ${file}: ${(e as Error).message}`, { cause: e });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(
      `Data file ${file} is corrupt (not valid JSON: ${(e as Error).message}). Fix or remove it; it will not be overwritten.`,
      { cause: e },
    );
  }
  if (!isPlainObject(doc) || doc.format !== DATA_FORMAT) {
    throw new Error(`Data file ${file} is corrupt (missing "format": "${DATA_FORMAT}"). Fix or remove it; it will not be overwritten.`);
  }
  try {
    return validateSeed(doc.state, `data file ${file}`);
  } catch (e) {
    throw new Error(`Data file ${file} is corrupt: ${(e as Error).message}. Fix or remove it; it will not be overwritten.`, { cause: e });
  }
}

export class AtomicWriter {
  private running: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;

  constructor(
    readonly file: string,
    private readonly snapshot: () => SeedDocument,
  ) {}

  /** Resolves once a write that began after this call has completed. */
  save(): Promise<void> {
    if (this.queued) return this.queued; // a pending write will capture this change too
    const next = this.running.then(
      () => this.writeNow(),
      () => this.writeNow(),
    );
    this.queued = next;
    this.running = next.finally(() => {
      if (this.queued === next) this.queued = undefined;
    });
    // The queued write starts once `running` settles; from then on a new change needs a new write.
    void this.running.catch(() => undefined);
    return next;
  }

  private async writeNow(): Promise<void> {
    // Snapshot at the moment the write starts, so it includes every change made before it.
    this.queued = undefined;
    const text = JSON.stringify({ format: DATA_FORMAT, savedAt: new Date().toISOString(), state: this.snapshot() }, null, 2);
    const tmp = path.join(path.dirname(this.file), `.${path.basename(this.file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    const fh = await fs.promises.open(tmp, "w", 0o600);
    try {
      await fh.writeFile(text, "utf8");
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await fs.promises.rename(tmp, this.file);
    } catch (e) {
      await fs.promises.rm(tmp, { force: true });
      throw e;
    }
  }

  /** Waits for outstanding writes (used on shutdown). */
  async flush(): Promise<void> {
    await this.running.catch(() => undefined);
  }
}
