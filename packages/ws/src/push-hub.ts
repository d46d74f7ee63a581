/** An encoded frame: text, or its UTF-8 bytes when one encoding serves many connections. */
export type Payload = string | Buffer;

/** What the hub needs of a connection. */
export interface HubMember {
  readonly id: string;
  readonly userId: string | undefined;
  readonly rooms: Set<string>;
  /** Send an encoded frame as a text frame; a closed or too slow member drops it. */
  push(payload: Payload): void;
}

/**
 * The connections of one router instance, indexed by id, by user and by
 * room, so a push finds its targets without scanning. Rooms and users hold
 * only live connections: a closing connection leaves everything.
 */
export class PushHub<M extends HubMember = HubMember> {
  readonly #byId = new Map<string, M>();
  readonly #byUser = new Map<string, Set<M>>();
  readonly #rooms = new Map<string, Set<M>>();

  get size(): number {
    return this.#byId.size;
  }

  get(id: string): M | undefined {
    return this.#byId.get(id);
  }

  members(): IterableIterator<M> {
    return this.#byId.values();
  }

  add(m: M): void {
    this.#byId.set(m.id, m);
    if (m.userId !== undefined) addTo(this.#byUser, m.userId, m);
  }

  remove(m: M): void {
    if (this.#byId.get(m.id) !== m) return;
    this.#byId.delete(m.id);
    if (m.userId !== undefined) removeFrom(this.#byUser, m.userId, m);
    for (const room of m.rooms) removeFrom(this.#rooms, room, m);
    m.rooms.clear();
  }

  join(m: M, room: string): void {
    if (this.#byId.get(m.id) !== m || m.rooms.has(room)) return;
    m.rooms.add(room);
    addTo(this.#rooms, room, m);
  }

  leave(m: M, room: string): void {
    if (!m.rooms.delete(room)) return;
    removeFrom(this.#rooms, room, m);
  }

  /** Number of local members in `room`. */
  roomSize(room: string): number {
    return this.#rooms.get(room)?.size ?? 0;
  }

  toConnection(id: string, payload: Payload): void {
    this.#byId.get(id)?.push(payload);
  }

  toUser(userId: string, payload: Payload): void {
    const set = this.#byUser.get(userId);
    if (set !== undefined) for (const m of set) m.push(payload);
  }

  toRoom(room: string, payload: Payload): void {
    const set = this.#rooms.get(room);
    if (set !== undefined) for (const m of set) m.push(payload);
  }

  toAll(payload: Payload): void {
    for (const m of this.#byId.values()) m.push(payload);
  }
}

function addTo<M>(index: Map<string, Set<M>>, key: string, m: M): void {
  let set = index.get(key);
  if (set === undefined) {
    set = new Set();
    index.set(key, set);
  }
  set.add(m);
}

function removeFrom<M>(index: Map<string, Set<M>>, key: string, m: M): void {
  const set = index.get(key);
  if (set === undefined) return;
  set.delete(m);
  if (set.size === 0) index.delete(key);
}
