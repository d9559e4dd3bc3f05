/**
 * What the Pulumi engine does to a StreamProcessor's inputs on their way to the provider, for
 * tests that drive the provider's functions in this process: the resource's own props
 * (resourceProps, as its constructor registers them), @pulumi/pulumi's own serialization
 * (serializeProperties: Outputs resolved, undefined dropped), a protobuf Struct round trip, and
 * the Go engine's sorted object keys (it unmarshals every Struct into a map). A test whose inputs
 * went through here cannot rely on an order the engine would have lost.
 */
import * as pulumi from "@pulumi/pulumi";
import * as gstruct from "google-protobuf/google/protobuf/struct_pb";
import * as lifecycle from "../../provider/lifecycle";
import { resourceProps, type StreamProcessorArgs } from "../../provider/resource/stream-processor";
import type { StreamProcessorInputs, StreamProcessorOutputs } from "../../provider/types";

/** Every object's keys in ascending order, at every depth: what Go's map-based marshalling produces. */
export function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortedKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** The news `check` receives for these arguments under `pulumi up`. */
export async function engineInputs(args: StreamProcessorArgs): Promise<Record<string, unknown>> {
  const serialized = await pulumi.runtime.serializeProperties("engine-harness", resourceProps(args));
  const wire = gstruct.Struct.fromJavaScript(serialized as Record<string, gstruct.JavaScriptValue>).toJavaScript();
  return sortedKeys(wire) as Record<string, unknown>;
}

/** Outputs as the engine stores and hands them back (olds of diff/update/read): a Struct round trip, keys sorted. */
export function engineState<T>(outs: T): T {
  const wire = gstruct.Struct.fromJavaScript(outs as unknown as Record<string, gstruct.JavaScriptValue>).toJavaScript();
  return sortedKeys(wire) as T;
}

/** `check` on the engine's view of `args`; throws on failures (a test of refusals calls checkThroughEngine). */
export async function checkedThroughEngine(args: StreamProcessorArgs): Promise<StreamProcessorInputs> {
  const r = await checkThroughEngine(args);
  if (r.failures && r.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(r.failures)}`);
  return engineState(r.inputs as StreamProcessorInputs);
}

export async function checkThroughEngine(args: StreamProcessorArgs): ReturnType<typeof lifecycle.check> {
  const news = (await engineInputs(args)) as unknown as StreamProcessorInputs;
  return lifecycle.check(news, news);
}

/** A Pulumi up of one resource, step by step as the engine calls the provider: check → diff → create or update. */
export class EngineStack {
  outs: StreamProcessorOutputs | undefined;
  id: string | undefined;

  /** Runs check, then create (first time) or diff → update; returns which step ran. */
  async up(args: StreamProcessorArgs): Promise<"create" | "update" | "same"> {
    const news = await checkedThroughEngine(args);
    if (this.outs === undefined || this.id === undefined) {
      const r = await lifecycle.create(news);
      this.id = r.id;
      this.outs = engineState(r.outs);
      return "create";
    }
    const d = await lifecycle.diff(this.id, this.outs, news);
    if (!d.changes) return "same";
    const r = await lifecycle.update(this.id, this.outs, news);
    this.outs = engineState(r.outs as StreamProcessorOutputs);
    return "update";
  }

  /** The diff a preview would compute now. */
  async preview(args: StreamProcessorArgs): ReturnType<typeof lifecycle.diff> {
    if (this.outs === undefined || this.id === undefined) throw new Error("preview before the first up");
    return lifecycle.diff(this.id, this.outs, await checkedThroughEngine(args));
  }

  /** A destroy: delete with the state the engine holds; the stack is empty afterwards. */
  async destroy(): Promise<void> {
    if (this.outs === undefined || this.id === undefined) throw new Error("destroy before the first up");
    await lifecycle.remove(this.id, this.outs);
    this.outs = undefined;
    this.id = undefined;
  }

  /** A refresh: read, and the state the engine keeps afterwards. */
  async refresh(): Promise<void> {
    if (this.outs === undefined || this.id === undefined) throw new Error("refresh before the first up");
    const r = await lifecycle.read(this.id, this.outs);
    this.outs = r.props ? engineState(r.props) : undefined;
  }
}
