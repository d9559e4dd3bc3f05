/**
 * A pass-through HTTP proxy on 127.0.0.1 that records every request exactly as it crossed the
 * wire (method, path with query, headers, body text), for tests about what the client sends.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RecordingProxy {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const requests: RecordedRequest[] = [];
  const to = new URL(target);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: body.toString("utf8") });
      const upstream = http.request(
        { host: to.hostname, port: to.port, method: req.method, path: req.url, headers: { ...req.headers, host: to.host } },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The bodies of the requests with that method whose path (without the query) ends with `suffix`. */
export function bodiesOf(proxy: RecordingProxy, method: string, suffix: string): string[] {
  return proxy.requests.filter((r) => r.method === method && r.path.replace(/\?.*/s, "").endsWith(suffix)).map((r) => r.body);
}

/** Every request that changes something (not a GET, not the OAuth token), as "METHOD last-path-segment". */
export function writesOf(proxy: RecordingProxy): string[] {
  return proxy.requests
    .filter((r) => r.method !== "GET" && !r.path.includes("/oauth/"))
    .map((r) => `${r.method} ${r.path.replace(/\?.*/s, "").split("/").pop()}`);
}
