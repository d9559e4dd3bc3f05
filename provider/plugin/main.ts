/**
 * The entry of `pulumi-resource-atlasstreams`: serves AtlasStreamsProvider over the provider
 * protocol with `@pulumi/pulumi/provider`'s `main`. The engine runs it with its own address as
 * the first argument and reads the port from stdout.
 *
 * Four handlers of the server `main` builds are replaced, because its 3.248 `Provider` interface
 * has no hook for them or its handler cannot serve the request:
 * - Configure: the server drops the request (no configure hook); here the variables reach
 *   lifecycle's configure, and the answer says the plugin takes plain values (no secrets, resource
 *   references or outputs: the engine unwraps them, and marks outputs secret whose inputs were),
 *   as the dynamic door does.
 * - Diff: the server sends no detailed diff, so preview could not say which properties change.
 * - Read: the server reads the request's properties unconditionally, and `pulumi import` sends
 *   none (the id alone names the processor): it failed with "Cannot read properties of undefined".
 * - Attach: also moves the engine log to the engine's new address.
 * They are swapped in by wrapping `grpc.Server.prototype.addService` for the one call `main`
 * makes, then restored.
 */
import * as grpc from "@grpc/grpc-js";
import { main } from "@pulumi/pulumi/provider";
import {
  ConfigureResponse,
  DiffResponse,
  PropertyDiff,
  ReadResponse,
  type ConfigureRequest,
  type DiffRequest,
  type ReadRequest,
} from "@pulumi/pulumi/proto/provider_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { PluginAttach } from "@pulumi/pulumi/proto/plugin_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { pluginWording } from "./config";
import { topLevel, type DetailedChange } from "./detailed-diff";
import { EngineLog } from "./engine-log";
import { AtlasStreamsProvider } from "./provider";
// The committed schema, served as it is (a test holds it to the registry); its version is the
// plugin's. Imported rather than read from disk so the bundle and dist/ both carry it.
import schema from "./schema.json";

type Unary<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void;

/** The engine's address: the first argument that is not a flag the engine prepends (as the SDK's own parseArgs does). */
function engineAddress(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? "";
    if (a === "--tracing") i++;
    else if (a !== "--logtostderr" && !a.startsWith("-v=")) return a;
  }
  return undefined;
}

function kindOf(c: DetailedChange): PropertyDiff.Kind {
  if (c.kind === "add") return c.replace ? PropertyDiff.Kind.ADD_REPLACE : PropertyDiff.Kind.ADD;
  if (c.kind === "delete") return c.replace ? PropertyDiff.Kind.DELETE_REPLACE : PropertyDiff.Kind.DELETE;
  return c.replace ? PropertyDiff.Kind.UPDATE_REPLACE : PropertyDiff.Kind.UPDATE;
}

function failure(e: unknown): grpc.ServiceError {
  const message = e instanceof Error ? e.message : String(e);
  return Object.assign(new Error(message), { code: grpc.status.UNKNOWN, details: message, metadata: new grpc.Metadata() });
}

function handlers(provider: AtlasStreamsProvider, log: EngineLog, attach: Unary<PluginAttach, Empty> | undefined) {
  const configure: Unary<ConfigureRequest, ConfigureResponse> = (call, callback) => {
    provider.configure(call.request.getVariablesMap().entries()).then(
      () => {
        const resp = new ConfigureResponse();
        resp.setAcceptsecrets(false);
        resp.setAcceptresources(false);
        resp.setAcceptoutputs(false);
        resp.setSupportspreview(false);
        callback(null, resp);
      },
      (e: unknown) => callback(failure(e)),
    );
  };
  const diff: Unary<DiffRequest, DiffResponse> = (call, callback) => {
    const req = call.request;
    const olds = (req.getOlds()?.toJavaScript() ?? {}) as Record<string, unknown>;
    const news = (req.getNews()?.toJavaScript() ?? {}) as Record<string, unknown>;
    provider.detailedDiff(req.getId(), req.getUrn(), olds, news).then(
      (d) => {
        const resp = new DiffResponse();
        resp.setChanges(d.changes ? DiffResponse.DiffChanges.DIFF_SOME : DiffResponse.DiffChanges.DIFF_NONE);
        resp.setReplacesList(d.replaces);
        resp.setDeletebeforereplace(false);
        resp.setDiffsList(topLevel(d.changed));
        const detailed = resp.getDetaileddiffMap();
        for (const [path, change] of Object.entries(d.detailed)) {
          const p = new PropertyDiff();
          p.setKind(kindOf(change));
          p.setInputdiff(false);
          detailed.set(path, p);
        }
        resp.setHasdetaileddiff(true);
        callback(null, resp);
      },
      (e: unknown) => callback(failure(e)),
    );
  };
  const read: Unary<ReadRequest, ReadResponse> = (call, callback) => {
    const req = call.request;
    const props = (req.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>;
    provider.read(req.getId(), req.getUrn(), props).then(
      (r) => {
        const resp = new ReadResponse();
        // No id: the processor is gone, and the engine drops the resource.
        resp.setId(typeof r.id === "string" ? r.id : "");
        if (r.props !== undefined) resp.setProperties(Struct.fromJavaScript(r.props as Record<string, never>));
        if (r.inputs !== undefined) resp.setInputs(Struct.fromJavaScript(r.inputs as Record<string, never>));
        callback(null, resp);
      },
      (e: unknown) => callback(failure(e)),
    );
  };
  const attachAndLog: Unary<PluginAttach, Empty> = (call, callback) => {
    log.attach(call.request.getAddress());
    if (attach) attach(call, callback);
    else callback(null, new Empty());
  };
  return { configure, diff, read, attach: attachAndLog };
}

export async function serve(args: string[]): Promise<void> {
  const log = new EngineLog(engineAddress(args));
  const provider = new AtlasStreamsProvider(JSON.stringify(schema), log);
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (
    this: grpc.Server,
    service: grpc.ServiceDefinition,
    implementation: grpc.UntypedServiceImplementation,
  ) {
    // The SDK's server is a class instance: its handlers use `this`, so bind them before copying.
    const impl: grpc.UntypedServiceImplementation = {};
    for (const name of Object.keys(service)) {
      const h = (implementation as Record<string, unknown>)[name];
      if (typeof h === "function") impl[name] = h.bind(implementation) as grpc.UntypedHandleCall;
    }
    const sdkAttach = impl.attach as Unary<PluginAttach, Empty> | undefined;
    Object.assign(impl, handlers(provider, log, sdkAttach));
    addService.call(this, service, impl);
  };
  try {
    await main(provider, args);
  } finally {
    grpc.Server.prototype.addService = addService;
  }
}

if (require.main === module) {
  serve(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(`pulumi-resource-atlasstreams: ${pluginWording(e instanceof Error ? (e.stack ?? e.message) : String(e))}\n`);
    process.exit(1);
  });
}
