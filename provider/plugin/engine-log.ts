/**
 * The engine's log service, for the progress lines. A native plugin's stdout does not reach the
 * CLI (the engine reads the port from it and then drops it), so every `[atlas] …` line is sent as
 * an info diagnostic carrying the resource's URN: the CLI prints it under that resource.
 */
import * as grpc from "@grpc/grpc-js";
import { EngineClient } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { LogRequest, LogSeverity } from "@pulumi/pulumi/proto/engine_pb";

export class EngineLog {
  private client: EngineClient | undefined;
  private address: string | undefined;
  /** The lines go in the order written: each waits for the one before. */
  private last: Promise<void> = Promise.resolve();

  constructor(address: string | undefined) {
    this.address = address;
  }

  /** The engine may move (Attach): later lines go to the new address. */
  attach(address: string): void {
    if (address === this.address) return;
    this.client?.close();
    this.client = undefined;
    this.address = address;
  }

  /** Sends one line; without an engine (a test), or when the engine refuses it, it goes to stderr. */
  info(message: string, urn: string): void {
    const address = this.address;
    if (!address) {
      process.stderr.write(`${message}\n`);
      return;
    }
    this.client ??= new EngineClient(address, grpc.credentials.createInsecure());
    const client = this.client;
    this.last = this.last.then(
      () =>
        new Promise<void>((resolve) => {
          const req = new LogRequest();
          req.setSeverity(LogSeverity.INFO);
          req.setMessage(message);
          req.setUrn(urn);
          client.log(req, (err) => {
            if (err) process.stderr.write(`${message}\n`);
            resolve();
          });
        }),
    );
  }

  /** Resolves once every line sent so far has been delivered (an operation answers after its lines). */
  flush(): Promise<void> {
    return this.last;
  }
}
