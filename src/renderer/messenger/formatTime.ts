// Clock and calendar labels for the messenger, in the user's locale and time zone. `now` is a
// parameter so the labels are pure and testable without a fake clock.

const DAY_MS = 24 * 60 * 60 * 1000;

function startOfDay(epochMs: number): number {
  const date = new Date(epochMs);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}

/** Whole calendar days between two instants (0 = same day), DST-safe. */
function calendarDaysBetween(earlier: number, later: number): number {
  return Math.round((startOfDay(later) - startOfDay(earlier)) / DAY_MS);
}

export function isSameDay(a: number, b: number): boolean {
  return startOfDay(a) === startOfDay(b);
}

const clock = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const shortDate = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const shortDateWithYear = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});
const longDate = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
});
const longDateWithYear = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

/** The time under a message bubble, e.g. "9:41 AM". */
export function formatClockTime(epochMs: number): string {
  return clock.format(epochMs);
}

/** The sidebar's time: the clock today, the weekday this week, the date before that. */
export function formatListTime(epochMs: number, now: number): string {
  const days = calendarDaysBetween(epochMs, now);
  if (days <= 0) return clock.format(epochMs);
  if (days < 7) return weekday.format(epochMs);
  const sameYear = new Date(epochMs).getFullYear() === new Date(now).getFullYear();
  return (sameYear ? shortDate : shortDateWithYear).format(epochMs);
}

/** The day separator in a conversation: "Today", "Yesterday", or the full date. */
export function formatDayLabel(epochMs: number, now: number): string {
  const days = calendarDaysBetween(epochMs, now);
  // A message a moment newer than a minute-old `now` is still today.
  if (days <= 0) return 'Today';
  if (days === 1) return 'Yesterday';
  const sameYear = new Date(epochMs).getFullYear() === new Date(now).getFullYear();
  return (sameYear ? longDate : longDateWithYear).format(epochMs);
}
