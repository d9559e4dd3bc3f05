// Benchmark: authenticated GETs per second against the emulator, with Bearer and with Digest.
// Loopback only; bounded by count and time. The emulator runs as a separate process (the CLI)
// so client and server do not share one event loop, unless --url points at a running one.
//   npm run bench:emulator [-- --seconds 5 --concurrency 8 --max 50000 --url http://127.0.0.1:8080]
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import * as http from "node:http";
import * as path from "node:path";
import { API_KEY, SERVICE_ACCOUNT } from "../scripts/lib/seed";

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const SECONDS = Number(opt("seconds", "5"));
const CONCURRENCY = Number(opt("concurrency", "8"));
const MAX = Number(opt("max", "50000"));
const G = "6650f1a2b3c4d5e6f7a8b9c0";
const PATH = `/api/atlas/v2/groups/${G}/streams/demo-workspace/processor/orders`;
const ACCEPT = "application/vnd.atlas.2024-05-30+json";

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function get(
  base: URL,
  p: string,
  headers: Record<string, string>,
  method = "GET",
  body?: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; distinct: NodeJS.Dict<string[]> }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: base.hostname, port: base.port, path: p, method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString(),
          distinct: res.headersDistinct,
        }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function startChild(): Promise<{ url: string; child: ChildProcess }> {
  const root = path.resolve(__dirname, "..");
  const child = spawn(
    path.join(root, "node_modules", ".bin", "tsx"),
    [path.join(root, "emulator", "cli.ts"), "--port", "0", "--quiet", "--transition-ms", "0"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { url, child };
}

async function measure(label: string, worker: () => Promise<() => Promise<number>>): Promise<number> {
  let done = 0;
  let failures = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      const one = await worker();
      while (Date.now() < deadline && done + failures < MAX) {
        const status = await one();
        if (status === 200) done++;
        else failures++;
      }
    }),
  );
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const rate = done / secs;
  console.log(
    `${label.padEnd(8)} ${rate.toFixed(0).padStart(7)} GET/s  (${done} ok, ${failures} not 200, ${secs.toFixed(2)} s, concurrency ${CONCURRENCY})`,
  );
  return rate;
}

async function main(): Promise<void> {
  const external = opt("url", "");
  const started = external ? undefined : await startChild();
  const base = new URL(external || started!.url);
  try {
    const basic = Buffer.from(`${SERVICE_ACCOUNT.clientId}:${SERVICE_ACCOUNT.clientSecret}`).toString("base64");
    const tok = await get(
      base,
      "/api/oauth/token",
      { Authorization: `Basic ${basic}`, "Content-Type": "application/x-www-form-urlencoded" },
      "POST",
      "grant_type=client_credentials",
    );
    const token = JSON.parse(tok.text).access_token as string;

    // Warm-up, then Bearer.
    await measure("warm-up", async () => async () => (await get(base, PATH, { Accept: ACCEPT, Authorization: `Bearer ${token}` })).status);
    await measure("Bearer", async () => async () => (await get(base, PATH, { Accept: ACCEPT, Authorization: `Bearer ${token}` })).status);

    // Digest: each worker takes one challenge, then reuses the nonce with an increasing nc
    // (what a well-behaved client does; a fresh challenge per call would double the requests).
    await measure("Digest", async () => {
      const first = await get(base, PATH, { Accept: ACCEPT });
      const ch = (first.distinct["www-authenticate"] ?? [])[0]!;
      const nonce = /nonce="([^"]+)"/.exec(ch)![1]!;
      const opaque = /opaque="([^"]+)"/.exec(ch)![1]!;
      const md5 = (s: string) => createHash("md5").update(s).digest("hex");
      const ha1 = md5(`${API_KEY.publicKey}:MMS Public API:${API_KEY.privateKey}`);
      const ha2 = md5(`GET:${PATH}`);
      let nc = 0;
      return async () => {
        nc++;
        const ncs = nc.toString(16).padStart(8, "0");
        const cnonce = randomBytes(8).toString("hex");
        const response = md5(`${ha1}:${nonce}:${ncs}:${cnonce}:auth:${ha2}`);
        const auth = `Digest username="${API_KEY.publicKey}", realm="MMS Public API", nonce="${nonce}", uri="${PATH}", algorithm=MD5, qop=auth, nc=${ncs}, cnonce="${cnonce}", response="${response}", opaque="${opaque}"`;
        return (await get(base, PATH, { Accept: ACCEPT, Authorization: auth })).status;
      };
    });
  } finally {
    agent.destroy();
    if (started) {
      started.child.kill("SIGTERM");
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
