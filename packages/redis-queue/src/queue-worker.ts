import type { WegoError } from "@wego/core";
import { type InputLimits, parseJson } from "@wego/core/transport";
import { type Job, type JobJson, type Processor, Worker, type WorkerOptions } from "bullmq";

/** Jobs whose stored data could not be decoded, with the `invalid_argument` error to fail them with. */
const undecodable = new WeakMap<Job, WegoError>();

/** The error a job's stored data gave when decoded, if it was not acceptable JSON. */
export function dataErrorOf(job: Job): WegoError | undefined {
  return undecodable.get(job);
}

/**
 * BullMQ's worker, decoding each job's data with wego's input hygiene: the
 * stored text goes through `parseJson` (size, depth, `__proto__` keys, once)
 * instead of BullMQ's bare `JSON.parse`. Data that is not acceptable JSON no
 * longer throws inside BullMQ's fetch loop (which left the job active until
 * stall detection returned it, about a minute later, again and again): the
 * job is built with its raw text as data and the error recorded, and the
 * router fails it at once.
 */
export class QueueWorker extends Worker {
  readonly #limits: Readonly<InputLimits>;

  constructor(name: string, processor: Processor, opts: WorkerOptions, limits: Readonly<InputLimits>) {
    super(name, processor, opts);
    this.#limits = limits;
  }

  protected override createJob(json: JobJson, jobId: string): Job {
    const raw = json.data;
    // BullMQ parses a missing data field as `{}`: cheap, and the real decoding is ours. `json` is
    // the object BullMQ just built from Redis's reply and reads no more: blanked in place, not copied.
    json.data = "";
    const job = super.createJob(json, jobId);
    if (raw) {
      try {
        job.data = parseJson(raw, this.#limits);
      } catch (err) {
        job.data = raw;
        undecodable.set(job, err as WegoError);
      }
    }
    return job;
  }
}
