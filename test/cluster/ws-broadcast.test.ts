// A WebSocket broadcast published on instance A reaches the clients connected
// to every instance, through Redis pub/sub.
import { describe, expect, it } from "vitest";
import { eventually, sleep, useCluster } from "./cluster.ts";

const cluster = useCluster({ area: "ws", servers: ["ws"] });
const MESSAGES = 50;
const CLIENTS_PER_INSTANCE = 2;

interface Listener {
  instance: string;
  socket: WebSocket;
  seqs: number[];
}

async function connect(instance: string, port: number): Promise<Listener> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  const l: Listener = { instance, socket, seqs: [] };
  socket.addEventListener("message", (e) => {
    const msg = JSON.parse(String(e.data)) as { route?: string; data?: { seq: number; from: string } };
    if (msg.route === "news" && msg.data?.from === "A") l.seqs.push(msg.data.seq);
  });
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", () => reject(new Error(`no WebSocket to ${instance}`)), { once: true });
  });
  return l;
}

describe("WebSocket broadcast across three instances", () => {
  it(`${MESSAGES} broadcasts published on A reach every client on A, B and C once, in order`, { timeout: 60_000 }, async () => {
    const { instances } = cluster();
    const listeners = await Promise.all(
      instances.flatMap((inst) => Array.from({ length: CLIENTS_PER_INSTANCE }, () => connect(inst.name, inst.port))),
    );
    const a = instances[0];
    if (a === undefined) throw new Error("no instance A");
    const t0 = performance.now();
    for (let seq = 1; seq <= MESSAGES; seq++) {
      const res = await fetch(`${a.url}/broadcast?seq=${seq}`, { method: "POST" });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    const all = await eventually(() => listeners.every((l) => l.seqs.length >= MESSAGES), 10_000, 20);
    const elapsed = performance.now() - t0;
    await sleep(300); // a duplicate would arrive now
    const expected = Array.from({ length: MESSAGES }, (_, i) => i + 1);
    for (const l of listeners) expect(l.seqs, `client on ${l.instance}`).toEqual(expected);
    expect(all).toBe(true);
    for (const l of listeners) l.socket.close();
    console.info(`ws: ${MESSAGES} broadcasts from A reached ${listeners.length} clients on A, B, C in ${elapsed.toFixed(0)} ms`);
  });
});
