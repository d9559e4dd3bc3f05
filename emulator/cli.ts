#!/usr/bin/env node
// `atlas-streams-emulator`: runs the emulator until SIGINT/SIGTERM.
import { EMULATOR_DEFAULTS as D } from "./defaults";
import { startEmulator, type EmulatorOptions } from "./index";
import { parseRateLimit, parseRateLimitScope } from "./ratelimit";
import type { RateLimitConfig } from "./types";

/** The options the flags give: `--rate-limit atlas` is expanded to its numbers here. */
export type CliOptions = Omit<EmulatorOptions, "rateLimit"> & { rateLimit?: RateLimitConfig | false | undefined };

/** The CLI's own defaults (a fixed port, a visible transition); why they differ: defaults.ts. */
const CLI = D.cli;

// Numeric and host defaults below are read from EMULATOR_DEFAULTS; the async/sync, atlas/classic and
// atlas/rfc7616 choices say "(default: …)" in words, next to what the default does.
export const USAGE = `Usage: atlas-streams-emulator [options]

  --port N                 port to listen on (default ${CLI.port}; 0 = ephemeral)
  --host HOST              interface to bind (default ${D.host})
  --seed FILE              seed document (default: the shipped emulator/seeds/default.json)
  --data-file FILE         persist state to FILE (atomic writes); loaded on start if it exists
  --transition-ms N        how long start/stop/create stay transitional (default ${CLI.transitionMs})
  --rate-limit CAP/REFILL  token buckets per endpoint set, e.g. 100/10, or atlas (the recorded
                           capacity 1200, refill 1 per 60 s: a guess) (default: off)
  --rate-limit-scope S     who shares a bucket: ${D.rateLimitScope} (default) or credential
  --connection-propagation-ms N
                           how long a connection added through the admin API answers
                           "does not exist" (default ${D.connectionPropagationMs})
  --action-mode MODE       async (default: actions answer at once; GET shows the previous
                           state for --transition-ms) or sync (actions answer after --action-ms)
  --transitional-states    async mode: GET shows STARTING/STOPPING meanwhile instead (the
                           earlier default; no record of Atlas shows those states)
  --action-ms N            how long a sync-mode :start/:startWith/:stop takes (default ${D.actionMs})
  --action-timeout-ms N    sync mode: answer 504 STREAM_PROCESSOR_TIMEOUT after N ms when
                           shorter than --action-ms (default: off)
  --modify-timeout-ms N    sync mode: a processor PATCH answers 504 STREAM_PROCESSOR_TIMEOUT
                           after N ms, the change made all the same (default: off)
  --connection-pending-ms N
                           how long a connection created through the API reads PENDING
                           (and is unusable) before READY (default ${D.connectionPendingMs})
  --connection-deleting-ms N
                           how long a connection deleted through the API reads DELETING
                           (and is unusable) before it is gone (default ${D.connectionDeletingMs})
  --responses STYLE        atlas (default: headers and bodies as recorded from Atlas) or
                           classic (the earlier spec-derived shapes, links included)
  --digest STYLE           atlas (default: one MD5 challenge without opaque, as recorded) or
                           rfc7616 (MD5 and SHA-256 challenges with opaque)
  --nonce-ttl-ms N         Digest nonce lifetime (default ${D.nonceTtlMs})
  --token-ttl-seconds N    OAuth access-token lifetime (default ${D.tokenTtlSeconds})
  --quiet                  print only the listening line
  --help                   show this help
`;

class UsageError extends Error {}

type IntegerOption =
  | "port"
  | "transitionMs"
  | "actionMs"
  | "actionTimeoutMs"
  | "modifyTimeoutMs"
  | "connectionPropagationMs"
  | "connectionPendingMs"
  | "connectionDeletingMs"
  | "nonceTtlMs"
  | "tokenTtlSeconds";
const ANY = Number.MAX_SAFE_INTEGER;
/** Flags that take a non-negative integer: the option each sets and its largest value. */
const INTEGER_FLAGS = new Map<string, [IntegerOption, number]>([
  ["--port", ["port", 65535]],
  ["--transition-ms", ["transitionMs", ANY]],
  ["--action-ms", ["actionMs", ANY]],
  ["--action-timeout-ms", ["actionTimeoutMs", ANY]],
  ["--modify-timeout-ms", ["modifyTimeoutMs", ANY]],
  ["--connection-propagation-ms", ["connectionPropagationMs", ANY]],
  ["--connection-pending-ms", ["connectionPendingMs", ANY]],
  ["--connection-deleting-ms", ["connectionDeletingMs", ANY]],
  ["--nonce-ttl-ms", ["nonceTtlMs", ANY]],
  ["--token-ttl-seconds", ["tokenTtlSeconds", ANY]],
]);

export function parseArgs(argv: string[]): CliOptions | "help" {
  const opts: CliOptions = { port: CLI.port, host: D.host, transitionMs: CLI.transitionMs };
  let scope: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const eq = raw.indexOf("=");
    const flag = raw.startsWith("--") && eq > 0 ? raw.slice(0, eq) : raw;
    const inline = raw.startsWith("--") && eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith("--"))) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    const integer = INTEGER_FLAGS.get(flag);
    if (integer) {
      const [key, max] = integer;
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) > max) throw new UsageError(`${flag} needs a non-negative integer`);
      opts[key] = Number(v);
      continue;
    }
    switch (flag) {
      case "--help":
      case "-h":
        return "help";
      case "--host":
        opts.host = value();
        break;
      case "--seed":
        opts.seed = value();
        break;
      case "--data-file":
        opts.dataFile = value();
        break;
      case "--action-mode": {
        const v = value();
        if (v !== "async" && v !== "sync") throw new UsageError("--action-mode needs async or sync");
        opts.actionMode = v;
        break;
      }
      case "--responses": {
        const v = value();
        if (v !== "atlas" && v !== "classic") throw new UsageError("--responses needs atlas or classic");
        opts.responses = v;
        break;
      }
      case "--digest": {
        const v = value();
        if (v !== "atlas" && v !== "rfc7616") throw new UsageError("--digest needs atlas or rfc7616");
        opts.digest = v;
        break;
      }
      case "--rate-limit": {
        const v = value();
        const rl = v === "off" ? false : parseRateLimit(v);
        if (rl === undefined) throw new UsageError("--rate-limit needs CAPACITY/REFILL_PER_SECOND, e.g. 100/10, or atlas");
        opts.rateLimit = rl;
        break;
      }
      case "--rate-limit-scope":
        scope = value();
        if (!parseRateLimitScope(scope)) throw new UsageError("--rate-limit-scope needs project or credential");
        break;
      case "--quiet":
        opts.quiet = true;
        break;
      case "--transitional-states":
        opts.transitionalStates = true;
        break;
      default:
        throw new UsageError(`unknown argument: ${raw}`);
    }
  }
  if (scope !== undefined) {
    if (!opts.rateLimit) throw new UsageError("--rate-limit-scope needs --rate-limit");
    opts.rateLimit = { ...opts.rateLimit, scope: parseRateLimitScope(scope)! };
  }
  return opts;
}

async function main(): Promise<void> {
  let opts: CliOptions | "help";
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`atlas-streams-emulator: ${e.message}\n\n${USAGE}`);
      process.exit(2);
    }
    throw e;
  }
  if (opts === "help") {
    process.stdout.write(USAGE);
    return;
  }
  let emulator;
  try {
    emulator = await startEmulator(opts);
  } catch (e) {
    process.stderr.write(`atlas-streams-emulator: ${(e as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(`Atlas Streams emulator listening on ${emulator.url}\n`);
  if (!opts.quiet) {
    process.stdout.write(
      `  seed: ${typeof opts.seed === "string" ? opts.seed : "default"}; data file: ${opts.dataFile ?? "none (in memory)"}; transition: ${opts.transitionMs} ms; rate limit: ${
        opts.rateLimit
          ? `${opts.rateLimit.capacity}/${Number(opts.rateLimit.refillPerSecond.toFixed(4))} per ${opts.rateLimit.scope ?? D.rateLimitScope}`
          : "off"
      }\n  admin API: ${emulator.url}/admin/state\n`,
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (!opts.quiet) process.stdout.write(`Received ${signal}, shutting down\n`);
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

if (require.main === module) void main();
