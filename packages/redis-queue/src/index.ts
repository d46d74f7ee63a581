/**
 * @module @wego/redis-queue — a Redis job queue on BullMQ: a producer and a
 * worker router whose job names are routes to wego handlers.
 */
export { decodeFailure, encodeFailure, type QueueWire, queueCodes } from "./code-map.js";
export { type QueueConnection, resolveConnection } from "./connection.js";
export { createDeadLetters, type DeadLetter, type DeadLetters } from "./dead-letters.js";
export { type QueueReason, queueCatalogue, queueError } from "./errors.js";
export { jobMetaKeys } from "./job-meta.js";
export {
  type BulkJob,
  createQueueProducer,
  type PushOptions,
  type QueueProducer,
  type QueueProducerOptions,
  type QueueRoutes,
  wegoJobDefaults,
} from "./queue-producer.js";
export { createQueueRouter, type QueueRouter, type QueueRouterOptions, type RoutesOf } from "./queue-router.js";
