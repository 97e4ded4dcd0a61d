// Generated avatars for people: initials and a colour picked from the user id, so a person
// looks the same everywhere without any image (and never a remote URL).
import { createHash } from 'node:crypto';
import type { Avatar } from './protocol.ts';

/** Material colours dark enough for white initials. */
export const avatarPalette = [
  '#c62828',
  '#ad1457',
  '#6a1b9a',
  '#4527a0',
  '#283593',
  '#1565c0',
  '#00695c',
  '#2e7d32',
  '#ef6c00',
  '#4e342e',
] as const;

function firstGrapheme(text: string): string {
  const segments = new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text.trim());
  for (const { segment } of segments) return segment.toLocaleUpperCase();
  return '';
}

export function initialsOf(firstName: string, lastName: string): string {
  return `${firstGrapheme(firstName)}${firstGrapheme(lastName)}`.slice(0, 4);
}

export function generatedAvatar(userId: string, firstName: string, lastName: string): Avatar {
  const digest = createHash('sha256').update(userId).digest();
  const color = avatarPalette[(digest[0] ?? 0) % avatarPalette.length] ?? avatarPalette[0];
  return { initials: initialsOf(firstName, lastName), color };
}
