import type { Code } from "@wego/core";
import type { Job, Queue } from "bullmq";
import { decodeFailure } from "./code-map.js";

/** A job that failed for good (retries used up, or bad input), kept with its reason. */
export interface DeadLetter {
  id: string;
  route: string;
  data: unknown;
  code: Code;
  message: string;
  reason: string | undefined;
  /** Attempts made, including the last one. */
  attempts: number;
  /** When it failed for good (ms since epoch). */
  failedAt: number | undefined;
  /** When it was pushed. */
  pushedAt: number;
}

/** List, count, retry and remove the failed jobs of one queue. */
export interface DeadLetters {
  /** Newest first; `start`/`end` are inclusive indexes (default the first 100). */
  list(range?: { start?: number; end?: number }): Promise<DeadLetter[]>;
  count(): Promise<number>;
  /** Put one failed job back in the queue with its attempts reset; false when it is not a dead letter. */
  retry(id: string): Promise<boolean>;
  /** Put every failed job back; resolves the number retried. */
  retryAll(): Promise<number>;
  /** Delete one failed job; false when it is not a dead letter. */
  remove(id: string): Promise<boolean>;
}

function toDeadLetter(job: Job): DeadLetter {
  const err = decodeFailure(job.failedReason);
  return {
    id: String(job.id),
    route: job.name,
    data: job.data,
    code: err.code,
    message: err.rawMessage,
    reason: err.reason,
    attempts: job.attemptsMade,
    failedAt: job.finishedOn,
    pushedAt: job.timestamp,
  };
}

/** The dead letters of `queue` (its failed set); a producer has them as `producer.deadLetters`. */
export function createDeadLetters(queue: Queue): DeadLetters {
  const failedJob = async (id: string): Promise<Job | undefined> => {
    const job = await queue.getJob(id);
    if (job === undefined || (await job.getState()) !== "failed") return undefined;
    return job;
  };
  return {
    async list({ start = 0, end = 99 } = {}) {
      const jobs = await queue.getFailed(start, end);
      return (jobs as Job[]).filter((j) => j !== undefined && j !== null).map(toDeadLetter);
    },
    count() {
      return queue.getFailedCount();
    },
    async retry(id) {
      const job = await failedJob(id);
      if (job === undefined) return false;
      await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
      return true;
    },
    async retryAll() {
      const n = await queue.getFailedCount();
      if (n > 0) await queue.retryJobs({ state: "failed", count: 1000 });
      return n;
    },
    async remove(id) {
      const job = await failedJob(id);
      if (job === undefined) return false;
      await job.remove();
      return true;
    },
  };
}
