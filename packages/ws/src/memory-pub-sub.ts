import type { PubSub } from "@wego/core";

export interface MemoryPubSubOptions {
  /** Called when a subscriber throws; default: a process warning. */
  onError?: (err: unknown, channel: string) => void;
}

/**
 * The in-process {@link PubSub}: what `@wego/redis` provides across
 * instances, within one process. Messages are delivered asynchronously (never
 * inside `publish`, in publish order), to every subscriber of the channel
 * at publish time, the publisher's own subscriptions included, as a broker
 * would. Two WebSocket routers sharing one behave like two instances.
 *
 * @example
 * const bus = createMemoryPubSub();
 * const a = createWsRouter({ pubsub: bus }), b = createWsRouter({ pubsub: bus });
 */
export function createMemoryPubSub(options: MemoryPubSubOptions = {}): PubSub {
  const channels = new Map<string, Set<(message: string) => void>>();
  const onError =
    options.onError ??
    ((err: unknown, channel: string) => process.emitWarning(`subscriber of "${channel}" threw: ${String(err)}`, "MemoryPubSub"));
  return {
    async publish(channel, message) {
      const subscribers = channels.get(channel);
      if (subscribers === undefined || subscribers.size === 0) return;
      const snapshot = [...subscribers];
      queueMicrotask(() => {
        for (const fn of snapshot) {
          try {
            fn(message);
          } catch (err) {
            onError(err, channel);
          }
        }
      });
    },
    async subscribe(channel, onMessage) {
      let subscribers = channels.get(channel);
      if (subscribers === undefined) {
        subscribers = new Set();
        channels.set(channel, subscribers);
      }
      // A wrapper, so subscribing one function twice gives two subscriptions.
      const entry = (message: string): void => onMessage(message);
      subscribers.add(entry);
      return async () => {
        const set = channels.get(channel);
        if (set === undefined) return;
        set.delete(entry);
        if (set.size === 0) channels.delete(channel);
      };
    },
  };
}
