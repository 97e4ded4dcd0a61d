// Each actor's latest inspection record, bounded: what a relay (server/inspectRelay.ts, the
// Electron main process's src/main/inspectorRelay.ts) sends a viewer that joins late, so it
// starts with every actor's current state instead of nothing, or of the busiest actor's
// recent history only. No dependencies (no zod): the chat server, the main process and the
// visualizer page can all use it (the page's viewer, socketChannel.ts, to tell a record the relay
// resends after a reconnect from news).
//
// A publisher is not trusted with memory: it could invent session ids without end or send
// records as large as the relay's schema allows. So the store keeps at most `maxActors` actors
// and `maxBytes` of records (UTF-8 bytes of their JSON), evicting the least recently updated
// actor first; a record larger than `maxBytes` on its own is not kept (and its actor's older
// record goes with it, being stale).
//
// An app that starts over (a page reload) reuses XState's session ids (x:0, x:1, …). Like the
// live actor tree (actorTree.ts), a second `xstate.init` for a kept session id therefore means
// a new actor system: the store forgets the old one, keeping only the actors of the new
// system's start (the `xstate.init` records just before it).

/** What the store needs of a record. */
export interface ActorRecordLike {
  sessionId: string;
  event: { type: string };
}

export interface LatestByActorOptions {
  /** Actors kept at most (default 1,000). */
  maxActors?: number;
  /** Bytes of records kept at most, as UTF-8 JSON (default 16 MiB). */
  maxBytes?: number;
}

export const defaultLatestMaxActors = 1000;
export const defaultLatestMaxBytes = 16 * 1024 * 1024;

export interface LatestByActor<T extends ActorRecordLike> {
  /** Keeps `record` as its actor's latest; returns false if it was not kept (too large). */
  put(record: T): boolean;
  /** The kept records, least recently updated first (the order they arrived in, per actor). */
  records(): T[];
  /** The actor's kept record, if any (reading it does not count as an update). */
  get(sessionId: string): T | undefined;
  readonly size: number;
  readonly bytes: number;
}

/** UTF-8 length of a string without encoding it (lone surrogates count as U+FFFD, 3 bytes). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

export function createLatestByActor<T extends ActorRecordLike>(
  options: LatestByActorOptions = {},
): LatestByActor<T> {
  const maxActors = Math.max(1, options.maxActors ?? defaultLatestMaxActors);
  const maxBytes = Math.max(0, options.maxBytes ?? defaultLatestMaxBytes);
  /** Insertion order is update order: an updated actor is deleted and set again. */
  const latest = new Map<string, { record: T; bytes: number }>();
  /** Session ids of the `xstate.init` records since the last other record. */
  let startBurst = new Set<string>();
  let bytes = 0;

  const remove = (sessionId: string) => {
    const entry = latest.get(sessionId);
    if (!entry) return;
    latest.delete(sessionId);
    bytes -= entry.bytes;
  };

  return {
    put(record) {
      const { sessionId } = record;
      const isInit = record.event.type === 'xstate.init';
      if (isInit && latest.has(sessionId) && !startBurst.has(sessionId)) {
        // A new actor system reusing the old one's session ids: the old actors are gone.
        for (const id of [...latest.keys()]) if (!startBurst.has(id)) remove(id);
      }
      if (!isInit) startBurst = new Set();
      remove(sessionId);
      startBurst.delete(sessionId);
      const size = utf8Length(JSON.stringify(record));
      if (size > maxBytes) return false;
      while (latest.size >= maxActors || (latest.size > 0 && bytes + size > maxBytes)) {
        const oldest = latest.keys().next().value as string;
        remove(oldest);
        startBurst.delete(oldest);
      }
      latest.set(sessionId, { record, bytes: size });
      bytes += size;
      // Only kept actors join the burst, so it is bounded like the store.
      if (isInit) startBurst.add(sessionId);
      return true;
    },
    records: () => [...latest.values()].map((entry) => entry.record),
    get: (sessionId) => latest.get(sessionId)?.record,
    get size() {
      return latest.size;
    },
    get bytes() {
      return bytes;
    },
  };
}
