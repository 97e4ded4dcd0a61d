// Generated avatars for people: initials and a colour picked from the user id, so a person
// looks the same everywhere without any image (and never a remote URL).
import { createHash } from 'node:crypto';
import { avatarColours, type Avatar } from './protocol.ts';

/** Material colours dark enough for white initials (named in protocol.ts for the views). */
export const avatarPalette = avatarColours.map((choice) => choice.color);

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
  const color = avatarPalette[(digest[0] ?? 0) % avatarPalette.length] ?? avatarColours[0].color;
  return { initials: initialsOf(firstName, lastName), color };
}
