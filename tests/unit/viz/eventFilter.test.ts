// The live log's event filter (issue 14): hide `*.changed` and the like while following a run.
import { describe, expect, it } from 'vitest';
import { hiddenBy } from '../../../src/viz/live/eventFilter.ts';

describe('hiddenBy', () => {
  it('hides the event types a pattern matches, whole, with * for any run of characters', () => {
    const hidden = hiddenBy('*.changed, xstate.after.*');
    expect(hidden('phone.changed')).toBe(true);
    expect(hidden('xstate.after.resendCountdown.onboarding.code')).toBe(true);
    expect(hidden('phone.submitted')).toBe(false);
    // Dots are literal, and the whole type must match.
    expect(hidden('phoneXchanged')).toBe(false);
    expect(hidden('phone.changed.more')).toBe(false);
  });

  it('hides nothing when empty', () => {
    expect(hiddenBy('')('phone.changed')).toBe(false);
    expect(hiddenBy(' , ')('anything')).toBe(false);
  });
});
