// A DNS server for tests, on 127.0.0.1 over UDP: answers A and SRV questions from a table the test changes.
import { createSocket } from "node:dgram";
import type { AddressInfo } from "node:net";

export interface TestDns {
  /** `host:port`, for `Resolver#setServers`. */
  readonly server: string;
  /** A records: name → addresses. */
  readonly a: Map<string, string[]>;
  /** SRV records: name → targets. */
  readonly srv: Map<string, Array<{ priority: number; weight: number; port: number; target: string }>>;
  close(): Promise<void>;
}

function encodeName(name: string): Buffer {
  const parts = name.split(".").filter((p) => p !== "");
  return Buffer.concat([...parts.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p)])), Buffer.from([0])]);
}

/** The question's name and type, and where the question ends. */
function question(msg: Buffer): { name: string; type: number; end: number } {
  const labels: string[] = [];
  let i = 12;
  while (msg[i] !== 0) {
    const len = msg[i] as number;
    labels.push(msg.subarray(i + 1, i + 1 + len).toString());
    i += len + 1;
  }
  return { name: labels.join(".").toLowerCase(), type: msg.readUInt16BE(i + 1), end: i + 5 };
}

function record(type: number, data: Buffer): Buffer {
  // Name: a pointer to the question's name at offset 12; class IN; TTL 0 (tests change records).
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt32BE(0, 6);
  head.writeUInt16BE(data.length, 10);
  return Buffer.concat([head, data]);
}

/** Start the server on an ephemeral port. */
export async function startTestDns(): Promise<TestDns> {
  const socket = createSocket("udp4");
  const a = new Map<string, string[]>();
  const srv = new Map<string, Array<{ priority: number; weight: number; port: number; target: string }>>();
  socket.on("message", (msg, peer) => {
    const q = question(msg);
    const answers: Buffer[] = [];
    if (q.type === 1) for (const ip of a.get(q.name) ?? []) answers.push(record(1, Buffer.from(ip.split(".").map(Number))));
    if (q.type === 33) {
      for (const r of srv.get(q.name) ?? []) {
        const fixed = Buffer.alloc(6);
        fixed.writeUInt16BE(r.priority, 0);
        fixed.writeUInt16BE(r.weight, 2);
        fixed.writeUInt16BE(r.port, 4);
        answers.push(record(33, Buffer.concat([fixed, encodeName(r.target)])));
      }
    }
    const known = a.has(q.name) || srv.has(q.name);
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2);
    // QR, opcode 0, AA, RD copied; RA; rcode NXDOMAIN (3) for unknown names.
    header.writeUInt16BE(0x8400 | (msg.readUInt16BE(2) & 0x0100) | 0x0080 | (known ? 0 : 3), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    socket.send(Buffer.concat([header, msg.subarray(12, q.end), ...answers]), peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address() as AddressInfo;
  return { server: `127.0.0.1:${port}`, a, srv, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}
