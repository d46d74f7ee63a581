import { connect } from "node:net";

/** Where a backing service listens. */
export interface Target {
  host: string;
  port: number;
}

/**
 * Whether a TCP connection to `target` opens within `timeoutMs`: undefined
 * when it does, else why not (`connect ECONNREFUSED 127.0.0.1:6379`,
 * `no answer within 1000 ms`). Credentials and protocol are the providers'
 * business; this only tells "there is something there" from "nothing is".
 */
export function unreachable(target: Target, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port });
    const done = (why: string | undefined): void => {
      socket.destroy();
      resolve(why);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer within ${timeoutMs} ms`));
    socket.once("connect", () => done(undefined));
    socket.once("error", (err) => done(err.message));
  });
}
