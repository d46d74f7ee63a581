import { describe, expect, it, vi } from "vitest";
import { createMemoryPubSub } from "./memory-pub-sub.js";
import { decodePush, encodePush, pubSubBus } from "./push-bus.js";
import { type HubMember, PushHub } from "./push-hub.js";

function member(id: string, userId?: string): HubMember & { got: string[] } {
  const got: string[] = [];
  return { id, userId, rooms: new Set(), got, push: (t) => got.push(t.toString()) };
}

describe("bus messages", () => {
  it("round-trip any key, including separators and unicode", () => {
    for (const key of ["", "room:1", "a\nb", "日本", "7:x"]) {
      const payload = '{"route":"x","data":"7:y"}';
      expect(decodePush(encodePush("room", key, payload))).toEqual({ kind: "room", key, payload });
    }
    expect(decodePush("zzz")).toBeUndefined();
    expect(decodePush("r99:short")).toBeUndefined();
    expect(decodePush("r-1:x")).toBeUndefined();
  });
});

describe("PushHub", () => {
  it("indexes members by user and room and forgets them on remove", () => {
    const hub = new PushHub();
    const a = member("a", "u1");
    const b = member("b", "u1");
    hub.add(a);
    hub.add(b);
    hub.join(a, "r");
    hub.toUser("u1", "1");
    hub.toRoom("r", "2");
    expect(a.got).toEqual(["1", "2"]);
    expect(b.got).toEqual(["1"]);
    hub.remove(a);
    expect(hub.roomSize("r")).toBe(0);
    expect(a.rooms.size).toBe(0);
    hub.toAll("3");
    expect(a.got).toEqual(["1", "2"]);
    expect(b.got).toEqual(["1", "3"]);
  });
});

describe("createMemoryPubSub", () => {
  it("delivers asynchronously, in order, to every subscriber until it unsubscribes", async () => {
    const ps = createMemoryPubSub();
    const got: string[] = [];
    const off1 = await ps.subscribe("c", (m) => got.push(`1:${m}`));
    await ps.subscribe("c", (m) => got.push(`2:${m}`));
    await ps.subscribe("other", (m) => got.push(`x:${m}`));
    const published = ps.publish("c", "a");
    expect(got).toEqual([]); // never synchronously, as with a real broker
    await published;
    await ps.publish("c", "b");
    await new Promise((r) => setTimeout(r, 0));
    expect(got).toEqual(["1:a", "2:a", "1:b", "2:b"]);
    await off1();
    await ps.publish("c", "c");
    await new Promise((r) => setTimeout(r, 0));
    expect(got.slice(4)).toEqual(["2:c"]);
  });

  it("reports a throwing subscriber and still delivers to the others", async () => {
    const onError = vi.fn();
    const ps = createMemoryPubSub({ onError });
    const got: string[] = [];
    await ps.subscribe("c", () => {
      throw new Error("boom");
    });
    await ps.subscribe("c", (m) => got.push(m));
    await ps.publish("c", "m");
    await new Promise((r) => setTimeout(r, 0));
    expect(got).toEqual(["m"]);
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: "boom" }), "c");
  });

  it("a bus delivers once per instance and reports foreign messages", async () => {
    const ps = createMemoryPubSub();
    const hub = new PushHub();
    const m = member("m", "u");
    hub.add(m);
    const bad: string[] = [];
    const bus = pubSubBus(hub, ps, "ch", (x) => bad.push(x));
    await bus.start();
    await bus.send("user", "u", "hello");
    await ps.publish("ch", "not a push");
    await new Promise((r) => setTimeout(r, 0));
    expect(m.got).toEqual(["hello"]);
    expect(bad).toEqual(["not a push"]);
    await bus.stop();
    await bus.send("user", "u", "after");
    await new Promise((r) => setTimeout(r, 0));
    expect(m.got).toEqual(["hello"]);
  });
});
