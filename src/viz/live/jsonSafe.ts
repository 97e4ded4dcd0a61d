// Turns machine context and events into bounded, JSON-safe values for logs and the wire:
// functions and actor references dropped, cycles cut, long strings, arrays and objects capped.

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
}

export const defaultLimits: JsonSafeLimits = {
  maxDepth: 6,
  maxStringLength: 500,
  maxArrayItems: 50,
  maxObjectKeys: 50,
};

const dropped = Symbol('dropped');

function isActorRef(value: object): boolean {
  const candidate = value as { send?: unknown; getSnapshot?: unknown; sessionId?: unknown };
  return (
    typeof candidate.send === 'function' &&
    typeof candidate.getSnapshot === 'function' &&
    typeof candidate.sessionId === 'string'
  );
}

function convert(
  value: unknown,
  limits: JsonSafeLimits,
  depth: number,
  seen: Set<object>,
): JsonValue | typeof dropped {
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
  const object = value as object;
  if (isActorRef(object)) return dropped;
  if (seen.has(object)) return '[circular]';
  if (depth >= limits.maxDepth) return Array.isArray(object) ? '[array]' : '[object]';
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? null : object.toISOString();
  if (object instanceof Error) {
    const fields = convert({ ...object }, limits, depth, seen);
    return {
      name: object.name,
      message: object.message,
      ...(fields && typeof fields === 'object' && !Array.isArray(fields) ? fields : {}),
    };
  }
  seen.add(object);
  try {
    if (Array.isArray(object) || object instanceof Set) {
      const items = [...(object as Iterable<unknown>)];
      const out: JsonValue[] = [];
      for (const item of items.slice(0, limits.maxArrayItems)) {
        const converted = convert(item, limits, depth + 1, seen);
        out.push(converted === dropped ? null : converted);
      }
      if (items.length > limits.maxArrayItems) {
        out.push(`… ${items.length - limits.maxArrayItems} more`);
      }
      return out;
    }
    const entries =
      object instanceof Map
        ? [...object.entries()].map(([k, v]) => [String(k), v] as const)
        : Object.entries(object);
    const out: { [key: string]: JsonValue } = {};
    for (const [key, item] of entries.slice(0, limits.maxObjectKeys)) {
      const converted = convert(item, limits, depth + 1, seen);
      if (converted !== dropped) out[key] = converted;
    }
    if (entries.length > limits.maxObjectKeys) {
      out['…'] = `${entries.length - limits.maxObjectKeys} more keys`;
    }
    return out;
  } finally {
    seen.delete(object);
  }
}

export function toJsonSafe(value: unknown, limits: JsonSafeLimits = defaultLimits): JsonValue {
  const converted = convert(value, limits, 0, new Set());
  return converted === dropped ? null : converted;
}
