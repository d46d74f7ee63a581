import type { Meta } from "@wego/core";
import type { Job } from "bullmq";

/**
 * Where a wego producer stores what a worker reads back, among the job's
 * options (BullMQ keeps options it doesn't know as they are, and they don't
 * touch the job's data). Any BullMQ producer may set them too.
 */
export const jobMetaKeys = {
  /** The request id the job's context carries (`ctx.id`), under the request-id rule. */
  requestId: "wegoRequestId",
  /** Absolute deadline, ms since epoch: a run still going then is answered `deadline_exceeded`, and the job is not retried. */
  deadline: "wegoDeadline",
  /** W3C trace context of the request that pushed the job: the job's run continues its trace. */
  traceparent: "wegoTraceparent",
  tracestate: "wegoTracestate",
} as const;

/** A job option of {@link jobMetaKeys}, as a string when it is one. */
function text(opts: Record<string, unknown>, key: string): string | undefined {
  const v = opts[key];
  return typeof v === "string" ? v : undefined;
}

/** The caller's raw request id of a job (validated by dispatch), else its job id. */
export function requestIdOf(job: Job): unknown {
  return (job.opts as Record<string, unknown>)[jobMetaKeys.requestId] ?? job.id;
}

/** The caller's deadline a job carries, if a finite number. */
export function deadlineOf(job: Job): number | undefined {
  const v = (job.opts as Record<string, unknown>)[jobMetaKeys.deadline];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** A run's `ctx.meta`: job id, attempt (from 1), queue, and the trace context the producer sent. */
export function metaOf(job: Job, queue: string): Meta {
  const opts = job.opts as Record<string, unknown>;
  const meta: Record<string, string> = { jobId: job.id as string, attempt: String(job.attemptsMade + 1), queue };
  const traceparent = text(opts, jobMetaKeys.traceparent);
  if (traceparent !== undefined) {
    meta.traceparent = traceparent;
    const tracestate = text(opts, jobMetaKeys.tracestate);
    if (tracestate !== undefined) meta.tracestate = tracestate;
  }
  return meta;
}
