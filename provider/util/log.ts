/**
 * Where the provider's `[atlas] …` progress lines go. Each door chooses: the dynamic door leaves
 * the default (stdout, which the dynamic-provider host forwards to the CLI); the native plugin
 * runs each engine call inside `withLogSink`, so the lines reach the engine's log service under
 * that resource's URN (a native plugin's stdout never reaches the CLI).
 *
 * The sink is carried by AsyncLocalStorage rather than passed down as a parameter because the
 * lines are written deep inside shared machinery (the process-wide HTTP client's retries, the
 * shared reads), which serves many resources and cannot hold one resource's sink.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { processSlot } from "./process-slot";

/** Receives one progress line (no trailing newline). */
export type LogSink = (line: string) => void;

/**
 * The process's one store, in a process slot rather than at module scope: a closure the dynamic
 * door serializes from this repository's build would otherwise capture the instance, which
 * cannot be serialized, and two copies of this module would hold two stores.
 */
function sinks(): AsyncLocalStorage<LogSink> {
  return processSlot("log-sinks", () => new AsyncLocalStorage<LogSink>());
}

/** Writes one progress line to the sink of the current call (stdout outside any). */
export function logLine(line: string): void {
  const sink = sinks().getStore();
  if (sink) sink(line);
  else console.log(line);
}

/** Runs `fn` (and everything it starts) with `sink` receiving its progress lines. */
export function withLogSink<T>(sink: LogSink, fn: () => T): T {
  return sinks().run(sink, fn);
}
