import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../server/clock.ts';

describe('ManualClock', () => {
  it('runs due callbacks in time order, at their due time, and not the cancelled ones', () => {
    const clock = new ManualClock(1_000);
    const ran: string[] = [];
    clock.schedule(300, () => ran.push(`b@${clock.now()}`));
    clock.schedule(100, () => ran.push(`a@${clock.now()}`));
    const cancel = clock.schedule(200, () => ran.push('cancelled'));
    clock.schedule(300, () => ran.push(`c@${clock.now()}`));
    cancel();
    clock.advance(250);
    expect(ran).toEqual(['a@1100']);
    clock.advance(50);
    expect(ran).toEqual(['a@1100', 'b@1300', 'c@1300']);
    expect(clock.now()).toBe(1_300);
  });

  it('runs callbacks scheduled by callbacks when they fall due within the advance', () => {
    const clock = new ManualClock(0);
    const ran: number[] = [];
    clock.schedule(10, () => clock.schedule(10, () => ran.push(clock.now())));
    clock.advance(25);
    expect(ran).toEqual([20]);
  });
});
