// plainCopy: the stores' copy of what they hand out. A caller changing what it got must never
// change what the store keeps, at any depth, and the copy must equal the original.
import { describe, expect, it } from 'vitest';
import { plainCopy } from '../../../server/store/plainCopy.ts';

describe('plainCopy', () => {
  it('copies records, arrays and nested objects all the way down, equal and unshared', () => {
    const original = {
      id: 'm1',
      seq: 3,
      clientMessageId: null,
      gone: undefined,
      replyTo: { messageId: 'm0', deleted: false },
      reactions: [{ emoji: '👍', userIds: ['a', 'b'] }],
    };
    const copy = plainCopy(original);
    expect(copy).toStrictEqual(original);
    copy.replyTo.deleted = true;
    copy.reactions[0]!.userIds.push('c');
    copy.reactions.push({ emoji: '🎉', userIds: [] });
    expect(original.replyTo.deleted).toBe(false);
    expect(original.reactions).toEqual([{ emoji: '👍', userIds: ['a', 'b'] }]);
  });

  it('copies what is not plain data (image bytes) as structuredClone does', () => {
    const image = { userId: 'u', bytes: new Uint8Array([1, 2, 3]), type: 'image/png' };
    const copy = plainCopy(image);
    expect(copy.bytes).toBeInstanceOf(Uint8Array);
    expect([...copy.bytes]).toEqual([1, 2, 3]);
    copy.bytes[0] = 9;
    expect(image.bytes[0]).toBe(1);
  });

  it('hands back primitives as they are', () => {
    for (const value of ['text', 0, -1, true, null, undefined]) {
      expect(plainCopy(value)).toBe(value);
    }
  });
});
