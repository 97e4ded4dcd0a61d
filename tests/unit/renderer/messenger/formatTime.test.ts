import { describe, expect, it } from 'vitest';
import {
  formatClockTime,
  formatDayLabel,
  formatListTime,
} from '../../../../src/renderer/messenger/formatTime.ts';

const at = (month: number, day: number, hour = 12, year = 2026) =>
  new Date(year, month - 1, day, hour).getTime();
const now = at(3, 14, 15); // Saturday 14 March 2026, 3 PM

describe('formatListTime', () => {
  it('shows the clock for today, the weekday this week, the date before', () => {
    expect(formatListTime(at(3, 14, 9), now)).toBe(formatClockTime(at(3, 14, 9)));
    expect(formatListTime(at(3, 12), now)).toBe(
      new Intl.DateTimeFormat(undefined, { weekday: 'short' }).format(at(3, 12)),
    );
    expect(formatListTime(at(2, 1), now)).toBe(
      new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' }).format(at(2, 1)),
    );
    expect(formatListTime(at(12, 24, 12, 2025), now)).toMatch(/2025/);
  });
});

describe('formatDayLabel', () => {
  it('names today and yesterday, and dates older days', () => {
    expect(formatDayLabel(at(3, 14, 0), now)).toBe('Today');
    expect(formatDayLabel(at(3, 13, 23), now)).toBe('Yesterday');
    expect(formatDayLabel(at(3, 10), now)).not.toMatch(/Today|Yesterday/);
    expect(formatDayLabel(at(3, 10), now)).toMatch(/10/);
  });

  it('calls a message from just after a stale "now" today', () => {
    expect(formatDayLabel(at(3, 15, 0) + 1, at(3, 14, 23))).toBe('Today');
  });
});
