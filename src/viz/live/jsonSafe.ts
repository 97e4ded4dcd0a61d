// Turns machine context and events into bounded, JSON-safe values for logs and the wire:
// functions and actor references dropped, cycles cut, long strings, arrays and objects capped,
// and a total node budget spent breadth-first, so the top-level keys of a huge context (the
// messenger with 10,000 messages) always show and the cost does not grow with the context.

export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

export interface JsonSafeLimits {
  maxDepth: number;
  maxStringLength: number;
  maxArrayItems: number;
  maxObjectKeys: number;
  /** Values converted in all (containers and leaves); the rest show as `…`. */
  maxNodes: number;
  /** Object keys whose values are replaced by `[redacted]` (secrets such as tokens). */
  redactKeys?: RegExp;
}

export const defaultLimits: JsonSafeLimits = {
  maxDepth: 6,
  maxStringLength: 500,
  maxArrayItems: 50,
  maxObjectKeys: 50,
  maxNodes: 1500,
};

/** What a value left out for lack of budget shows as. */
export const budgetMarker = '…';

const dropped = Symbol('dropped');
type Converted = JsonValue | typeof dropped;

/** The chain of containers above a value: cycles are found by walking it (depth is capped). */
interface Ancestry {
  object: object;
  parent: Ancestry | null;
}

interface Pending {
  value: unknown;
  depth: number;
  ancestry: Ancestry | null;
  put(converted: Converted): void;
}

function isActorRef(value: object): boolean {
  const candidate = value as { send?: unknown; getSnapshot?: unknown; sessionId?: unknown };
  return (
    typeof candidate.send === 'function' &&
    typeof candidate.getSnapshot === 'function' &&
    typeof candidate.sessionId === 'string'
  );
}

function isAncestor(object: object, ancestry: Ancestry | null): boolean {
  for (let link = ancestry; link; link = link.parent) if (link.object === object) return true;
  return false;
}

function convertLeaf(value: unknown, limits: JsonSafeLimits): Converted | undefined {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
      return value.length > limits.maxStringLength
        ? `${value.slice(0, limits.maxStringLength)}… (${value.length} chars)`
        : value;
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return dropped;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  return undefined; // a container
}

/** The first `max` items of an iterable, without copying the rest. */
function firstItems<T>(items: Iterable<T>, max: number): T[] {
  const out: T[] = [];
  if (max <= 0) return out;
  for (const item of items) {
    out.push(item);
    if (out.length >= max) break;
  }
  return out;
}

export function toJsonSafe(value: unknown, limits: JsonSafeLimits = defaultLimits): JsonValue {
  const root: { value: Converted } = { value: null };
  const queue: Pending[] = [{ value, depth: 0, ancestry: null, put: (v) => (root.value = v) }];
  let budget = limits.maxNodes;

  for (let next = 0; next < queue.length; next++) {
    const item = queue[next]!;
    if (budget <= 0) {
      item.put(budgetMarker);
      continue;
    }
    budget -= 1;
    const leaf = convertLeaf(item.value, limits);
    if (leaf !== undefined) {
      item.put(leaf);
      continue;
    }
    const object = item.value as object;
    if (isActorRef(object)) {
      item.put(dropped);
      continue;
    }
    if (isAncestor(object, item.ancestry)) {
      item.put('[circular]');
      continue;
    }
    const isList = Array.isArray(object) || object instanceof Set;
    if (item.depth >= limits.maxDepth) {
      item.put(isList ? '[array]' : '[object]');
      continue;
    }
    const ancestry: Ancestry = { object, parent: item.ancestry };
    const depth = item.depth + 1;

    if (isList) {
      const total = Array.isArray(object) ? object.length : (object as Set<unknown>).size;
      const kept = Math.min(total, limits.maxArrayItems);
      const items = Array.isArray(object) ? null : firstItems(object as Set<unknown>, kept);
      // Slots are filled in place, so the "more" marker stays last.
      const out: JsonValue[] = Array.from({ length: kept }, () => null);
      for (let index = 0; index < kept; index++) {
        queue.push({
          value: items ? items[index] : (object as unknown[])[index],
          depth,
          ancestry,
          put: (v) => (out[index] = v === dropped ? null : v),
        });
      }
      if (total > kept) out.push(`… ${total - kept} more`);
      item.put(out);
      continue;
    }

    let entries: [string, unknown][];
    let total: number;
    if (object instanceof Map) {
      total = object.size;
      entries = firstItems(object.entries(), limits.maxObjectKeys).map(([k, v]) => [String(k), v]);
    } else {
      const keys = Object.keys(object);
      total = keys.length;
      entries = keys
        .slice(0, limits.maxObjectKeys)
        .map((key) => [key, (object as Record<string, unknown>)[key]]);
      if (object instanceof Error) {
        entries.unshift(['name', object.name], ['message', object.message]);
      }
    }
    // Keys are created now, in order, so filling them later keeps that order.
    const out: { [key: string]: JsonValue } = {};
    for (const [key, entryValue] of entries) {
      if (limits.redactKeys?.test(key)) {
        out[key] = '[redacted]';
        continue;
      }
      out[key] = null;
      queue.push({
        value: entryValue,
        depth,
        ancestry,
        put: (v) => {
          if (v === dropped) delete out[key];
          else out[key] = v;
        },
      });
    }
    if (total > limits.maxObjectKeys) out['…'] = `${total - limits.maxObjectKeys} more keys`;
    item.put(out);
  }
  return root.value === dropped ? null : root.value;
}
