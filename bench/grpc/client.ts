// The load generator: @grpc/grpc-js (the cheaper client, so the servers are
// what is measured), one HTTP/2 connection, `c` calls always in flight, a
// warm-up, then `d` seconds measured. Prints "start" when the measured window
// opens and one JSON line when it closes.
//   taskset -c 1 node client.ts <port> <echo|generic> [c=100] [d=10] [warmup=2]
import * as grpc from "@grpc/grpc-js";
import { codec, echoPath, handlePath } from "./echo.ts";

const [port, method = "echo", c = "100", d = "10", warm = "2"] = process.argv.slice(2);
const concurrency = Number(c);
const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
  "grpc.max_concurrent_streams": 1000,
});
const pass = (b: Buffer) => b;

const call: (n: number) => Promise<void> =
  method === "generic"
    ? (n) =>
        new Promise((resolve, reject) => {
          client.makeUnaryRequest(handlePath, pass, pass, codec.encodeHandleRequest("echo", `{"msg":"hello","n":${n}}`), (err, res) => {
            if (err) return reject(err);
            const r = codec.decodeHandleResponse(res as Buffer);
            if (r.code !== "ok" || !r.envelope.includes(`"n":${n + 1}`)) return reject(new Error(`bad answer ${r.envelope}`));
            resolve();
          });
        })
    : (n) =>
        new Promise((resolve, reject) => {
          client.makeUnaryRequest(echoPath, pass, pass, codec.encodeEchoRequest("hello", n), (err, res) => {
            if (err) return reject(err);
            const r = codec.decodeEchoResponse(res as Buffer);
            if (r.n !== n + 1 || r.msg !== "hello") return reject(new Error(`bad answer n=${r.n}`));
            resolve();
          });
        });

let measuring = false;
let stop = false;
let calls = 0;
let errors = 0;
const lat: number[] = [];

async function loop(id: number): Promise<void> {
  let n = id;
  while (!stop) {
    const t0 = performance.now();
    try {
      await call(n);
      if (measuring) {
        calls++;
        lat.push(performance.now() - t0);
      }
    } catch (err) {
      errors++;
      if (errors < 3) console.error(String(err));
    }
    n += concurrency;
  }
}

const cpu0 = process.cpuUsage();
const loops = Array.from({ length: concurrency }, (_, i) => loop(i));
await new Promise((r) => setTimeout(r, Number(warm) * 1000));
measuring = true;
const cpuStart = process.cpuUsage(cpu0);
const t0 = performance.now();
console.log("start");
await new Promise((r) => setTimeout(r, Number(d) * 1000));
measuring = false;
const secs = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
stop = true;
await Promise.all(loops);
client.close();
lat.sort((a, b) => a - b);
const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] ?? 0;
const clientCpuUs = cpu.user + cpu.system - cpuStart.user - cpuStart.system;
console.log(
  JSON.stringify({
    calls,
    errors,
    secs,
    rate: calls / secs,
    p50: q(0.5),
    p99: q(0.99),
    clientCpuPct: clientCpuUs / 1e4 / secs,
    clientUsPerCall: clientCpuUs / Math.max(1, calls),
  }),
);
