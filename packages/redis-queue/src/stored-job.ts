import { Job, type JobJson, Queue } from "bullmq";

/**
 * A BullMQ job read back from Redis that tolerates stored data that is not
 * JSON (written by another producer, or by hand): its `data` is then the raw
 * text instead of a `SyntaxError` thrown at whoever lists the dead letters
 * or waits for the job.
 */
export class StoredJob extends Job {
  // biome-ignore lint/suspicious/noExplicitAny: BullMQ's own signature (its defaults are any).
  static override fromJSON<T = any, R = any, N extends string = string>(
    queue: Parameters<typeof Job.fromJSON>[0],
    json: JobJson,
    jobId?: string,
  ): Job<T, R, N> {
    try {
      return Job.fromJSON<T, R, N>(queue, json, jobId);
    } catch (err) {
      if (!(err instanceof SyntaxError)) throw err;
      const job = Job.fromJSON<T, R, N>(queue, { ...json, data: "" }, jobId);
      job.data = json.data as T;
      return job;
    }
  }
}

/** BullMQ's queue, reading its jobs back as {@link StoredJob}s. */
export class StoredJobQueue extends Queue {
  protected override get Job(): typeof Job {
    return StoredJob as unknown as typeof Job;
  }
}
