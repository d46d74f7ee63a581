import { frameworkError } from "../errors/catalogue.js";

/** 2020-01-01T00:00:00.000Z: the default epoch; 41 bits of ms from it last until 2089. */
export const DEFAULT_EPOCH = Date.UTC(2020, 0, 1);

const MAX_WORKER = 1023;
const MAX_SEQUENCE = 4095;
const MAX_TIMESTAMP = 2 ** 41 - 1;
const MAX_ID = (1n << 63n) - 1n;

export interface SnowflakeOptions {
  /** 10-bit worker id, 0–1023; two generators with one epoch must never share it. Default 0. */
  workerId?: number;
  /**
   * The UTC instant the 41-bit timestamp counts from: ms since the Unix epoch,
   * a Date, or an ISO string that is date-only or carries its zone (`Z`, `+08:00`);
   * a local-time string is refused. Default {@link DEFAULT_EPOCH}.
   */
  epoch?: number | string | Date;
  /** The clock, ms since the Unix epoch. Default `Date.now`; tests inject their own. */
  now?: () => number;
  /**
   * How far back (ms) the clock may step and still be waited out; a larger
   * step fails with `WEGO_ERR_ID_CLOCK_BACKWARDS` until the clock catches up.
   * Default 10.
   */
  maxBackwardMs?: number;
  /**
   * Blocks for `ms` while a small backward step is waited out. Default: a real
   * synchronous sleep (`Atomics.wait`). Tests pass one that advances their clock.
   */
  sleep?: (ms: number) => void;
}

/** The parts of an id. */
export interface SnowflakeParts {
  /** When the id was made: ms since the Unix epoch (UTC). */
  timestamp: number;
  /** The same instant as a Date. */
  date: Date;
  workerId: number;
  sequence: number;
}

/** A snowflake generator: 41-bit ms since `epoch`, 10-bit worker, 12-bit sequence. */
export interface Snowflake {
  readonly workerId: number;
  /** The epoch, ms since the Unix epoch. */
  readonly epoch: number;
  /** A new id as a decimal string (JSON-safe). */
  next(): string;
  /** A new id as a bigint. */
  nextBigInt(): bigint;
  /** Split an id (decimal string or bigint) back into its parts. */
  parse(id: string | bigint): SnowflakeParts;
}

/** "0000" … "9999": the last four digits of an id come from here, so a call builds one short string. */
let pad4: string[] | undefined;
function fourDigits(): string[] {
  if (pad4 === undefined) {
    pad4 = new Array<string>(10_000);
    for (let i = 0; i < 10_000; i++) pad4[i] = String(i).padStart(4, "0");
  }
  return pad4;
}

/** 0n … 4095n, so `nextBigInt()` allocates one bigint per id, not two. */
let sequences: bigint[] | undefined;
function sequenceBigInts(): bigint[] {
  if (sequences === undefined) {
    sequences = new Array<bigint>(MAX_SEQUENCE + 1);
    for (let i = 0; i <= MAX_SEQUENCE; i++) sequences[i] = BigInt(i);
  }
  return sequences;
}

function blockingSleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Resolve the epoch option to ms, refusing local-time strings (the original's bug). */
export function toEpochMs(epoch: number | string | Date): number {
  let ms: number;
  if (typeof epoch === "number") ms = epoch;
  else if (epoch instanceof Date) ms = epoch.getTime();
  else if (typeof epoch === "string" && /^\d+$/.test(epoch)) ms = Number(epoch);
  else if (typeof epoch === "string" && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2}))?$/i.test(epoch)) ms = Date.parse(epoch);
  else
    throw frameworkError(
      "WEGO_ERR_ID_EPOCH",
      JSON.stringify(epoch),
      "must be ms, a Date, or an ISO date with a zone (local time is ambiguous)",
    );
  if (!Number.isSafeInteger(ms) || ms < 0) throw frameworkError("WEGO_ERR_ID_EPOCH", String(epoch), "is not a valid instant");
  return ms;
}

/**
 * Create a snowflake generator. Ids are unique per (epoch, worker): the
 * sequence wraps only after waiting for the next millisecond, and a clock
 * that steps back is waited out (small steps) or refused (large ones), never
 * allowed to repeat an id. At most 4,096 ids per ms per worker.
 *
 * @example
 * const ids = createSnowflake({ workerId: 7 });
 * const id = ids.next();            // "1234567890123456789"
 * ids.parse(id).workerId;           // 7
 */
export function createSnowflake(options: SnowflakeOptions = {}): Snowflake {
  const workerId = options.workerId ?? 0;
  if (!Number.isInteger(workerId) || workerId < 0 || workerId > MAX_WORKER) {
    throw frameworkError("WEGO_ERR_ID_WORKER_RANGE", String(options.workerId));
  }
  const epoch = toEpochMs(options.epoch ?? DEFAULT_EPOCH);
  const clock = options.now ?? Date.now;
  const maxBackwardMs = options.maxBackwardMs ?? 10;
  const sleep = options.sleep ?? blockingSleep;
  if (!(maxBackwardMs >= 0)) throw frameworkError("WEGO_ERR_OPTIONS_INVALID", "snowflake maxBackwardMs", "must be ≥ 0");
  const startOffset = clock() - epoch;
  if (startOffset < 0) throw frameworkError("WEGO_ERR_ID_EPOCH", new Date(epoch).toISOString(), "is in the future");
  if (startOffset > MAX_TIMESTAMP) throw frameworkError("WEGO_ERR_ID_EPOCH", new Date(epoch).toISOString(), "is more than 2^41 ms ago");

  const digits = fourDigits();
  const seqBig = sequenceBigInts();
  const workerBits = workerId * 4096;
  let last = -1;
  let sequence = 0;
  // Per millisecond: the id without its sequence, as a bigint and split in
  // decimal at 10^4 (`head` digits + a number under 10^4), so each call only
  // adds the sequence and concatenates two strings.
  let base = 0n;
  let head = "";
  let headPlusOne: string | undefined;
  let tail = 0;

  /** Move to a fresh (ms, sequence) pair; the only place time is read. */
  function tick(): void {
    let t = clock() - epoch;
    if (t < last) t = waitUntil(last);
    if (t === last) {
      sequence = (sequence + 1) & MAX_SEQUENCE;
      if (sequence !== 0) return;
      t = waitUntil(last + 1);
    }
    if (t > MAX_TIMESTAMP) throw frameworkError("WEGO_ERR_ID_EPOCH", new Date(epoch).toISOString(), "is more than 2^41 ms ago");
    last = t;
    sequence = 0;
    base = (BigInt(t) << 22n) | BigInt(workerBits);
    const hi = base / 10_000n;
    tail = Number(base - hi * 10_000n);
    head = hi === 0n ? "" : String(hi);
    headPlusOne = undefined;
  }

  /**
   * Wait until the clock reads at least `min`: spin through the rest of a
   * millisecond, sleep out a small step back, refuse a large one.
   */
  function waitUntil(min: number): number {
    for (;;) {
      const t = clock() - epoch;
      if (t >= min) return t;
      const back = last - t;
      if (back > maxBackwardMs) throw frameworkError("WEGO_ERR_ID_CLOCK_BACKWARDS", String(back), String(maxBackwardMs));
      if (back > 0) sleep(back);
    }
  }

  function next(): string {
    tick();
    const low = tail + sequence;
    if (head === "") return String(low);
    if (low < 10_000) return head + digits[low];
    headPlusOne ??= String(base / 10_000n + 1n);
    return headPlusOne + digits[low - 10_000];
  }

  function nextBigInt(): bigint {
    tick();
    return base | (seqBig[sequence] as bigint);
  }

  function parse(id: string | bigint): SnowflakeParts {
    let n: bigint;
    if (typeof id === "bigint") n = id;
    else if (typeof id === "string" && /^\d{1,19}$/.test(id)) n = BigInt(id);
    else throw frameworkError("WEGO_ERR_ID_INVALID", JSON.stringify(String(id)).slice(0, 40));
    if (n < 0n || n > MAX_ID) throw frameworkError("WEGO_ERR_ID_INVALID", String(id));
    const timestamp = Number(n >> 22n) + epoch;
    return {
      timestamp,
      date: new Date(timestamp),
      workerId: Number((n >> 12n) & 1023n),
      sequence: Number(n & 4095n),
    };
  }

  return { workerId, epoch, next, nextBigInt, parse };
}
