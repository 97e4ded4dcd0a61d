// Finds the web links in a message's text with linkify-it (full Unicode, fuzzy "example.com"
// links normalised to http://), keeping only http and https: no mailto:, ftp: or
// protocol-relative "//host" links, and nothing the app would refuse to open.
import { LinkifyIt } from 'linkify-it';
import { isExternalWebUrl } from '../platform/Platform.ts';

export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; url: string };

const linkify = new LinkifyIt({ fuzzyLink: true, fuzzyEmail: false })
  .add('mailto:', null)
  .add('ftp:', null)
  .add('//', null);

/** The text cut into plain runs and links, in order; joined, the parts' texts are the text. */
export function splitLinks(text: string): TextPart[] {
  const matches = text.length > 0 ? (linkify.match(text) ?? []) : [];
  const parts: TextPart[] = [];
  let at = 0;
  for (const match of matches) {
    if (!isExternalWebUrl(match.url)) continue;
    if (match.index > at) parts.push({ kind: 'text', text: text.slice(at, match.index) });
    parts.push({ kind: 'link', text: match.raw, url: match.url });
    at = match.lastIndex;
  }
  if (at < text.length) parts.push({ kind: 'text', text: text.slice(at) });
  return parts;
}
