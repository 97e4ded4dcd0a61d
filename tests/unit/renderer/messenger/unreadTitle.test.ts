import { describe, expect, it } from 'vitest';
import { titleFor } from '../../../../src/renderer/messenger/UnreadTitle.tsx';

describe('the window title', () => {
  it('counts unread messages in front of the name, capped, and is plain with none', () => {
    expect(titleFor(0)).toBe('Parley');
    expect(titleFor(3)).toBe('(3) Parley');
    expect(titleFor(1000)).toBe('(999+) Parley');
  });
});
