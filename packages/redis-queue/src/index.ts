/**
 * @module @wego/redis-queue — a Redis job queue on BullMQ: a producer and a
 * worker router whose job names are routes to wego handlers.
 */
export { decodeFailure, encodeFailure, failsAtOnce } from "./code-map.js";
export { type QueueConnection, resolveConnection } from "./connection.js";
export { createDeadLetters, type DeadLetter, type DeadLetters } from "./dead-letters.js";
export { type QueueReason, queueCatalogue } from "./errors.js";
export {
  createQueueProducer,
  type PushOptions,
  type QueueProducer,
  type QueueProducerOptions,
  requestIdOption,
  wegoJobDefaults,
} from "./queue-producer.js";
export { createQueueRouter, type QueueRouter, type QueueRouterOptions } from "./queue-router.js";
