import type { PubSub } from "@wego/core";
import type { Redis } from "ioredis";

export interface RedisPubSubOptions {
  /** Prefix before every channel name (ioredis' keyPrefix does not apply to channels); default none. */
  prefix?: string;
  /** The connection to subscribe on; default `client.duplicate()`, opened on the first subscribe. */
  subscriber?: Redis;
}

/** A {@link PubSub} that can also close its subscriber connection. */
export interface RedisPubSub extends PubSub {
  /** Unsubscribe everything and quit the subscriber connection (if this pub/sub opened it). */
  close(): Promise<void>;
}

/**
 * A {@link PubSub} on Redis PUBLISH/SUBSCRIBE. Publishing uses `client`;
 * subscriptions share one subscriber connection (a connection in subscriber
 * mode can't run other commands). ioredis re-subscribes after a reconnect.
 * Messages published while a subscriber is disconnected are lost: use it for
 * fan-out and invalidation, not for work that must be done (use a queue).
 */
export function createRedisPubSub(client: Redis, options: RedisPubSubOptions = {}): RedisPubSub {
  const prefix = options.prefix ?? "";
  // Per channel: its listeners and the SUBSCRIBE in flight, so a second
  // subscriber to a channel also resolves only once the subscription is live.
  const channels = new Map<string, { listeners: Set<(message: string) => void>; live: Promise<unknown> }>();
  const own = options.subscriber === undefined;
  let sub: Redis | undefined;

  const dispatch = (channel: string, message: string): void => {
    const entry = channels.get(channel);
    if (entry === undefined) return;
    for (const fn of entry.listeners) {
      try {
        fn(message);
      } catch (err) {
        // One bad listener must not starve the others; surface it like an emitter would.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  };

  const subscriber = (): Redis => {
    if (sub === undefined) {
      sub = options.subscriber ?? client.duplicate();
      // Reconnects are ioredis' job (it re-subscribes); errors surface through `client`.
      if (own) {
        sub.on("error", () => {});
        // The subscriber is ours: when the shared client ends for good (the
        // provider quits it on stop), end it too, or it keeps the process alive.
        const s = sub;
        client.once("end", () => s.disconnect());
      }
      sub.on("message", dispatch);
    }
    return sub;
  };

  return {
    async publish(channel, message) {
      await client.publish(prefix + channel, message);
    },
    async subscribe(channel, onMessage) {
      const full = prefix + channel;
      let entry = channels.get(full);
      if (entry === undefined) {
        const created = { listeners: new Set<(message: string) => void>(), live: subscriber().subscribe(full) };
        entry = created;
        channels.set(full, created);
        created.live.catch(() => {
          if (channels.get(full) === created) channels.delete(full);
        });
      }
      entry.listeners.add(onMessage);
      try {
        await entry.live;
      } catch (err) {
        entry.listeners.delete(onMessage);
        throw err;
      }
      let active = true;
      return async () => {
        if (!active) return;
        active = false;
        const current = channels.get(full);
        if (current === undefined || !current.listeners.delete(onMessage) || current.listeners.size > 0) return;
        channels.delete(full);
        if (sub === undefined || sub.status === "end") return;
        // While reconnecting, queue it (ioredis would otherwise re-subscribe
        // the channel on reconnect) without making the caller wait for Redis.
        const done = sub.unsubscribe(full);
        if (sub.status === "ready") await done;
        else done.catch(() => {});
      };
    },
    async close() {
      const names = [...channels.keys()];
      channels.clear();
      const s = sub;
      if (s === undefined) return;
      sub = undefined;
      s.off("message", dispatch);
      if (own) await s.quit().catch(() => s.disconnect());
      else if (names.length > 0 && s.status === "ready") await s.unsubscribe(...names);
    },
  };
}
