/**
 * The package's error hierarchy. Every message says what failed and what to do about it,
 * and never holds a credential: errors are built from the method, the path, the HTTP status
 * and Atlas's error body, never from an AxiosError (whose config carries the Authorization
 * header and, with Basic auth, the password).
 */

/** Atlas's or another error's sentence made into a clause of ours: its full stop and spaces dropped. */
export function asClause(text: string): string {
  return text.replace(/[.\s]+$/, "");
}

/** Base class, so `catch (e) { if (e instanceof StreamProcessorError) … }` catches ours only. */
export class StreamProcessorError extends Error {
  constructor(message: string) {
    super(message);
    // Closure serialization (a program importing this repository's copy) rewrites classes into
    // functions that call Error without `new`, which sets neither message nor a usable
    // new.target: set both explicitly. Each subclass sets its own literal name.
    this.message = message;
    this.name = "StreamProcessorError";
  }
}

/** Bad provider configuration (endpoint or credentials); raised before any request. */
export class AtlasConfigError extends StreamProcessorError {
  constructor(message: string) {
    super(message);
    this.name = "AtlasConfigError";
  }
}

export interface AtlasApiErrorInit {
  method: string;
  path: string;
  status: number;
  errorCode?: string | undefined;
  detail?: string | undefined;
  hint?: string | undefined;
  /** How many attempts were made (retries included). */
  attempts?: number;
}

/** Atlas answered with an HTTP error status. */
export class AtlasApiError extends StreamProcessorError {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly errorCode: string | undefined;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  readonly attempts: number;

  constructor(init: AtlasApiErrorInit) {
    const code = init.errorCode ? ` ${init.errorCode}` : "";
    const detail = init.detail ? `: ${asClause(init.detail)}` : "";
    const tries = init.attempts && init.attempts > 1 ? ` after ${init.attempts} attempts` : "";
    const hint = init.hint ? ` ${init.hint}` : "";
    super(`Atlas API ${init.method} ${init.path} failed with HTTP ${init.status}${code}${tries}${detail}.${hint}`);
    this.name = "AtlasApiError";
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.detail = init.detail;
    this.hint = init.hint;
    this.attempts = init.attempts ?? 1;
  }
}

/** The request never got an HTTP answer (connection refused or reset, timeout). */
export class AtlasNetworkError extends StreamProcessorError {
  readonly method: string;
  readonly path: string;
  /** Node's error code, e.g. ECONNRESET, ECONNREFUSED, ECONNABORTED (timeout). */
  readonly code: string;
  readonly attempts: number;

  constructor(init: { method: string; path: string; code: string; baseUrl: string; attempts: number }) {
    const tries = init.attempts > 1 ? ` after ${init.attempts} attempts` : "";
    super(
      `Atlas API ${init.method} ${init.path} got no response (${init.code})${tries}. ` +
        `Check that ${init.baseUrl} is reachable from this machine (mongodbatlas:baseUrl / MONGODB_ATLAS_BASE_URL).`,
    );
    this.name = "AtlasNetworkError";
    this.method = init.method;
    this.path = init.path;
    this.code = init.code;
    this.attempts = init.attempts;
  }
}

/** The processor did not reach the desired state: it FAILED, vanished, or the deadline passed. */
export class ProcessorStateError extends StreamProcessorError {
  readonly lastState: string;
  constructor(message: string, lastState: string) {
    super(message);
    this.name = "ProcessorStateError";
    this.lastState = lastState;
  }
}

/**
 * An action got no clear answer, and the fresh read that checks whether it took effect failed
 * too: the message reports that read (the real cause) and what the action got before it.
 */
export class UnverifiedActionError extends StreamProcessorError {
  /** The failed read (AtlasApiError, AtlasNetworkError, …). */
  readonly readError: Error;
  constructor(action: string, actionOutcome: string, readError: Error) {
    super(
      `${action} got ${actionOutcome}; the read that checks whether it took effect then failed, so it was not sent again: ${readError.message.trimEnd()} ` +
        `Run pulumi up again once Atlas answers reads (it reads first and acts only if needed).`,
    );
    this.name = "UnverifiedActionError";
    this.readError = readError;
  }
}

/**
 * Create made the processor, then a later step failed (start refused, FAILED, timeout). Carries
 * the resource id and outputs: the Pulumi Node dynamic-provider server turns an error with `id`,
 * `properties` and `reasons` into ErrorResourceInitFailed, so the engine keeps the resource in
 * the stack (with `createdByResource: true`) and `pulumi destroy` deletes what was created.
 */
export class ProcessorInitError extends StreamProcessorError {
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: string[];
  /** The error that ended the create. */
  readonly failure: Error;
  constructor(id: string, properties: Record<string, unknown>, cause: Error) {
    super(
      `${cause.message.trimEnd()} The processor was created and stays in the stack: run pulumi up again after fixing the cause, or pulumi destroy to delete it.`,
    );
    this.name = "ProcessorInitError";
    this.id = id;
    this.properties = properties;
    // The engine shows the reasons, not the message: give it the whole message.
    this.reasons = [this.message];
    this.failure = cause;
  }
}

/**
 * The message of anything thrown. Not `instanceof Error`: closure serialization (a program using
 * this repository's copy) rewrites our classes so their instances need not inherit from Error.
 */
export function errorMessage(e: unknown): string {
  const m = typeof e === "object" && e !== null ? (e as { message?: unknown }).message : undefined;
  return typeof m === "string" ? m : String(e);
}

/** Anything thrown, as something with a message (our errors kept as they are). */
export function asError(e: unknown): Error {
  return typeof e === "object" && e !== null && typeof (e as { message?: unknown }).message === "string"
    ? (e as Error)
    : new Error(String(e));
}

/** True for errors raised because Atlas answered with an HTTP error status. */
export function isAtlasApiError(e: unknown): e is AtlasApiError {
  return e instanceof AtlasApiError || (e instanceof Error && e.name === "AtlasApiError" && "status" in e);
}

// The guards go by `name` as well as by class: an error thrown by a second copy of the package
// (or rebuilt by closure serialization) is not an instance of this copy's classes.
const named =
  <T extends StreamProcessorError>(cls: abstract new (...args: never[]) => T, ...names: string[]) =>
  (e: unknown): e is T =>
    e instanceof cls || (typeof e === "object" && e !== null && names.includes(String((e as { name?: unknown }).name)));

const ALL_NAMES = [
  "StreamProcessorError",
  "AtlasConfigError",
  "AtlasApiError",
  "AtlasNetworkError",
  "ProcessorStateError",
  "UnverifiedActionError",
  "ProcessorInitError",
];

/** True for every error of this package (each class below extends StreamProcessorError). */
export const isStreamProcessorError = named(StreamProcessorError, ...ALL_NAMES);
/** True for bad provider configuration (endpoint or credentials), raised before any request. */
export const isAtlasConfigError = named(AtlasConfigError, "AtlasConfigError");
/** True when Atlas could not be reached or gave no answer in time. */
export const isAtlasNetworkError = named(AtlasNetworkError, "AtlasNetworkError");
/** True when the processor did not reach the desired state (FAILED, vanished, deadline). */
export const isProcessorStateError = named(ProcessorStateError, "ProcessorStateError");
/** True when an action got no clear answer and the read that checks it failed too. */
export const isUnverifiedActionError = named(UnverifiedActionError, "UnverifiedActionError");
/** True when create made the processor and a later step failed (it stays in the stack). */
export const isProcessorInitError = named(ProcessorInitError, "ProcessorInitError");

/** Replaces every occurrence of each secret in `text` (defence in depth for server-echoed text). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join("***");
  }
  return out;
}
