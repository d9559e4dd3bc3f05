/**
 * Shared test fixtures: a real emulator on 127.0.0.1 and a provider configured against it
 * through `configure()`, exactly as the Pulumi engine does it.
 */
import { assert, expect } from "chai";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { startEmulator, type EmulatorOptions, type RunningEmulator, type RequestLogEntry } from "../../emulator";
import { streamProcessorProvider } from "../../provider/resource/dynamic-provider";
import { pipelineText } from "../../provider/model/pipeline";
import type { PipelineStage, StreamProcessorInputs, StreamProcessorOutputs } from "../../provider/types";

import { API_KEY, PROJECT, WORKSPACE } from "./seed";
import { unchecked } from "./unchecked";
import { processSlot } from "../../provider/util/process-slot";

export { unchecked } from "./unchecked";
export { ALL_SECRETS, API_KEY, PROJECT, READONLY_KEY, SERVICE_ACCOUNT, WORKSPACE } from "./seed";

export type Creds =
  | { kind: "apiKey"; publicKey: string; privateKey: string }
  | { kind: "serviceAccount"; clientId: string; clientSecret: string }
  | { kind: "accessToken"; token: string }
  | { kind: "none" };

/** Fast retries for tests; the defaults (500 ms base, 120 s budget) are for real Atlas. */
export const FAST_OPTIONS: Record<string, string> = {
  "atlas-stream-processor:backoffBaseMs": "20",
  "atlas-stream-processor:maxDelayMs": "1500",
  "atlas-stream-processor:retryBudgetMs": "8000",
  "atlas-stream-processor:requestTimeoutMs": "2000",
};

export async function configureProvider(url: string, creds: Creds, extra: Record<string, string> = {}): Promise<void> {
  const cfg: Record<string, string> = { "mongodbatlas:baseUrl": url, ...FAST_OPTIONS, ...extra };
  if (creds.kind === "apiKey")
    Object.assign(cfg, { "mongodbatlas:publicKey": creds.publicKey, "mongodbatlas:privateKey": creds.privateKey });
  if (creds.kind === "serviceAccount")
    Object.assign(cfg, { "mongodbatlas:clientId": creds.clientId, "mongodbatlas:clientSecret": creds.clientSecret });
  if (creds.kind === "accessToken") cfg["mongodbatlas:accessToken"] = creds.token;
  await streamProcessorProvider.configure!({
    config: {
      get: (k: string) => cfg[k],
      require: (k: string) => {
        if (cfg[k] === undefined) throw new Error(`missing ${k}`);
        return cfg[k];
      },
    },
  });
}

/**
 * Forgets the process's shared HTTP clients (and their tokens and nonces). A new emulator may
 * come up on the port of one closed earlier: a client cached for that URL would then send a
 * token the new server never issued, and its 401 would show among the requests a test counts.
 */
export function forgetSharedClients(): void {
  processSlot<Map<string, unknown>>("clients", () => new Map()).clear();
}

export async function withEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ quiet: true, ...options });
}

/** Requests whose path ends with `suffix` (and, if given, with that method). */
export function requestsTo(log: RequestLogEntry[], method: string, suffix: string): RequestLogEntry[] {
  return log.filter((r) => r.method === method && r.path.endsWith(suffix));
}

/** Captures console.log/console.error lines while `fn` runs. */
export async function captureConsole<T>(fn: () => Promise<T>): Promise<{ result?: T; error?: unknown; lines: string[] }> {
  const lines: string[] = [];
  const orig = { log: console.log, error: console.error, warn: console.warn };
  const capture = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  console.log = capture;
  console.error = capture;
  console.warn = capture;
  try {
    return { result: await fn(), lines };
  } catch (error) {
    return { error, lines };
  } finally {
    Object.assign(console, orig);
  }
}

/** Checked inputs for `processorName` in the seed's workspace (STARTED, 10 s timeout), with `extra` on top. */
export function inputs(
  processorName: string,
  extra: Omit<Partial<StreamProcessorInputs>, "pipeline"> & { pipeline?: string | PipelineStage[] } = {},
): StreamProcessorInputs {
  const { pipeline, ...rest } = extra;
  const out: StreamProcessorInputs = {
    projectId: PROJECT,
    workspaceName: WORKSPACE,
    processorName,
    state: "STARTED",
    timeoutSeconds: 10,
    ...rest,
  };
  // As the resource's constructor hands it on: text, in the order written.
  if (pipeline !== undefined) out.pipeline = pipelineText(pipeline) as string;
  return out;
}

/**
 * Outputs a stack holds for `processorName` when this resource adopted it (created nothing), as
 * read and delete receive them; `extra` on top.
 */
export function storedOutputs(processorName: string, extra: Partial<StreamProcessorOutputs> = {}): StreamProcessorOutputs {
  return { ...inputs(processorName), desiredState: "STARTED", processorId: "", createdByResource: false, ...extra };
}

/** The olds the engine passes `check` for a resource it has not created yet: `{}`, which the type has no room for. */
export const NO_OLDS: StreamProcessorInputs = unchecked<StreamProcessorInputs>({});

const execFileAsync = promisify(execFile);

/**
 * Calls the Atlas API as someone outside Pulumi would (the Atlas UI, a colleague's script):
 * real `curl --digest` with the seed's owner key. Async, because the emulator runs in this process.
 * Returns the HTTP status.
 */
export async function atlasCurl(baseUrl: string, method: string, path: string, body?: unknown): Promise<number> {
  const args = [
    "-s",
    "-o",
    "/dev/null",
    "-w",
    "%{http_code}",
    "--digest",
    "--user",
    `${API_KEY.publicKey}:${API_KEY.privateKey}`,
    "-X",
    method,
    "-H",
    "Accept: application/vnd.atlas.2024-05-30+json",
  ];
  if (body !== undefined) args.push("-H", "Content-Type: application/vnd.atlas.2024-05-30+json", "--data", JSON.stringify(body));
  const { stdout } = await execFileAsync("curl", [...args, `${baseUrl}${path}`]);
  return Number(stdout);
}

export const processorApiPath = (name: string) => `/api/atlas/v2/groups/${PROJECT}/streams/${WORKSPACE}/processor/${name}`;

/** The error `promise` rejects with, asserted (with `what`) to be an Error. */
export async function failureOf(promise: Promise<unknown>, what: string): Promise<Error> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, what).to.be.instanceOf(Error);
  assert.instanceOf(err, Error);
  return err;
}
