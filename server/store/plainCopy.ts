// A deep copy of the plain data the stores hand out (records of strings, numbers, arrays and
// plain objects), made field by field: structuredClone serializes and parses every value, which
// on the send path (a conversation, a message, positions per send) cost the memory store 8% of
// its time. Anything else (a Uint8Array of an avatar image) is structuredClone'd.
export function plainCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(plainCopy) as T;
  if (Object.getPrototypeOf(value) !== Object.prototype) return structuredClone(value);
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) copy[key] = plainCopy(field);
  return copy as T;
}
