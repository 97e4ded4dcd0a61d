// How message search reads text, shared by every store and the protocol handler so that the
// memory scan, SQLite FTS5 and PostgreSQL full-text search find exactly the same messages and
// highlight exactly the same ranges.
//
// Text is folded one code point at a time: compatibility decomposition (NFKD), combining marks
// and default-ignorable characters removed, recomposed (NFKC), lower-cased. "Ｃafé", "CAFE" and
// "cafe\u0301" all fold to "cafe". A word is a run of folded letters, digits and spacing marks
// (\p{L}\p{N}\p{M}); anything else separates words. A folded-away character (an accent, a
// zero-width joiner, a soft hyphen) joins the characters around it, as it does on screen.
//
// The databases never fold text themselves (neither has Unicode categories nor NFKD, and
// PostgreSQL's `unaccent` follows other rules): SQLite calls `searchDocumentOf` through a
// registered function in its FTS triggers, PostgreSQL is handed the words by the store. Both
// only pre-select; `matchMessage` decides, so a store's index can only ever narrow the scan.
import { Limits, type Message } from './protocol.ts';
import type { MessageSearchHit, MessageSearchPage } from './store/types.ts';

/** A highlighted range of a message's text: UTF-16 offsets, start inclusive, end exclusive. */
export type Highlight = [start: number, end: number];

/**
 * Indexed words are cut to this many UTF-16 units (PostgreSQL refuses lexemes over 2 KB); a
 * query word is cut the same way for the index, and `matchMessage` checks the whole word.
 */
export const indexedWordMaxUnits = 200;

const stripped = /[\p{Mn}\p{Me}\p{Default_Ignorable_Code_Point}]/gu;
const wordCharacter = /^[\p{L}\p{N}\p{M}]$/u;

/** Folded form of one code point, memoised (a message repeats few distinct characters). */
const foldCache = new Map<number, string>();
const foldCacheMax = 20_000;

function foldCodePoint(codePoint: number, character: string): string {
  if (codePoint < 0x80) {
    return codePoint >= 0x41 && codePoint <= 0x5a ? String.fromCharCode(codePoint + 32) : character;
  }
  const cached = foldCache.get(codePoint);
  if (cached !== undefined) return cached;
  const folded = character.normalize('NFKD').replace(stripped, '').normalize('NFKC').toLowerCase();
  if (foldCache.size < foldCacheMax) foldCache.set(codePoint, folded);
  return folded;
}

const wordCache = new Map<string, boolean>();

function isWordCharacter(character: string): boolean {
  const code = character.charCodeAt(0);
  if (code < 0x80) {
    return (code >= 0x30 && code <= 0x39) || (code >= 0x61 && code <= 0x7a);
  }
  let known = wordCache.get(character);
  if (known === undefined) {
    known = wordCharacter.test(character);
    if (wordCache.size < foldCacheMax) wordCache.set(character, known);
  }
  return known;
}

/**
 * A folded word and, per UTF-16 unit of it, where the original text it came from ends; `start`
 * is where the word's first character begins in the original.
 */
interface Word {
  folded: string;
  start: number;
  ends: number[];
}

/** Splits `text` into folded words, remembering where each came from when `withOrigins`. */
function wordsOf(text: string, withOrigins: boolean): Word[] {
  const words: Word[] = [];
  let current: Word | null = null;
  /** The index in `current.ends` where the last source code point's units start. */
  let lastSourceStart = 0;
  let offset = 0;
  for (const character of text) {
    const codePoint = character.codePointAt(0) ?? 0;
    const end = offset + character.length;
    const folded = foldCodePoint(codePoint, character);
    if (folded === '') {
      // Folded away: part of the word it sits in (an accent extends its letter's range).
      if (current && withOrigins) {
        for (let index = lastSourceStart; index < current.ends.length; index += 1) {
          current.ends[index] = end;
        }
      }
      offset = end;
      continue;
    }
    let sourceStarted = false;
    for (const unit of folded) {
      if (!isWordCharacter(unit)) {
        if (current) words.push(current);
        current = null;
        continue;
      }
      if (!current) {
        current = { folded: '', start: offset, ends: [] };
        lastSourceStart = 0;
        sourceStarted = true;
      } else if (!sourceStarted) {
        lastSourceStart = current.folded.length;
        sourceStarted = true;
      }
      current.folded += unit;
      if (withOrigins) for (let index = 0; index < unit.length; index += 1) current.ends.push(end);
    }
    offset = end;
  }
  if (current) words.push(current);
  return words;
}

/** The folded words of `text`, in order, repeats included. */
export function foldedWords(text: string): string[] {
  return wordsOf(text, false).map((word) => word.folded);
}

/** `word` cut to `indexedWordMaxUnits`, never between the halves of a surrogate pair. */
export function indexedWord(word: string): string {
  if (word.length <= indexedWordMaxUnits) return word;
  const cut = word.slice(0, indexedWordMaxUnits);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** What a database indexes for one message: its distinct folded words, cut for the index. */
export function indexedWordsOf(text: string): string[] {
  return [...new Set(foldedWords(text).map(indexedWord))];
}

/** `indexedWordsOf` as one space-separated string: what SQLite's FTS5 table tokenizes. */
export function searchDocumentOf(text: string): string {
  return indexedWordsOf(text).join(' ');
}

/**
 * The query's distinct folded words, without those implied by a longer one ("ca" is found
 * wherever "cat" is a word's prefix), longest first. None for a query with no letter or digit.
 */
export function queryTerms(query: string): string[] {
  const distinct = [...new Set(foldedWords(query))].sort((a, b) => b.length - a.length);
  return distinct.filter(
    (word, index) => !distinct.slice(0, index).some((longer) => longer.startsWith(word)),
  );
}

/**
 * The terms a store searches for: `queryTerms`, at most `Limits.messageSearchMaxWords` of them
 * (the protocol refuses a query with more; a store given one anyway searches for the first).
 */
export function searchTermsOf(query: string): string[] {
  return queryTerms(query).slice(0, Limits.messageSearchMaxWords);
}

/**
 * Whether every term starts a word of `text`, and if so the highlighted ranges: for every word
 * of the text that a term starts, the part the longest such term covers. Null when the text does
 * not match (empty text never does).
 */
export function matchMessage(text: string, terms: readonly string[]): Highlight[] | null {
  if (terms.length === 0 || text === '') return null;
  const words = wordsOf(text, true);
  const found = new Set<string>();
  const highlights: Highlight[] = [];
  for (const word of words) {
    let longest = 0;
    for (const term of terms) {
      if (!word.folded.startsWith(term)) continue;
      found.add(term);
      longest = Math.max(longest, term.length);
    }
    if (longest > 0) highlights.push([word.start, word.ends[longest - 1] ?? word.start]);
  }
  return found.size === terms.length ? highlights : null;
}

/** A search's page size: `Limits.messageSearchDefaultLimit` unless given, within 1..max. */
export function searchLimitOf(limit: number | undefined): number {
  const asked =
    limit !== undefined && Number.isFinite(limit) ? limit : Limits.messageSearchDefaultLimit;
  return Math.min(Limits.messageSearchMaxLimit, Math.max(1, Math.floor(asked)));
}

/** An FTS5 MATCH expression: each term a quoted prefix ("term"*), all required. */
export function ftsMatchOf(terms: readonly string[]): string {
  // Terms hold only letters, digits and marks, so no quote can appear; doubled anyway.
  return terms.map((term) => `"${indexedWord(term).replaceAll('"', '""')}"*`).join(' ');
}

/**
 * Words of one or two characters are looked up as whole lexemes: PostgreSQL indexes each word's
 * first one and two characters too, marked with `^` (never in a word), so a short prefix reads
 * one GIN entry instead of merging every word that starts with it.
 */
const shortPrefixMaxCodePoints = 2;
const shortPrefixMark = '^';

/** What PostgreSQL's tsvector holds for a message: its indexed words and their short prefixes. */
export function postgresDocumentOf(text: string): string {
  const lexemes = new Set<string>();
  for (const word of indexedWordsOf(text)) {
    lexemes.add(word);
    const codePoints = [...word];
    for (
      let length = 1;
      length <= shortPrefixMaxCodePoints && length < codePoints.length;
      length += 1
    ) {
      lexemes.add(shortPrefixMark + codePoints.slice(0, length).join(''));
    }
  }
  return [...lexemes].join(' ');
}

/**
 * A tsquery in PostgreSQL's input syntax, all terms required: a short term as its marked
 * lexeme ('^ab', which `postgresDocumentOf` wrote for every longer word) or a whole word
 * ('ab'), a longer one as a quoted prefix ('term':*).
 */
export function tsQueryOf(terms: readonly string[]): string {
  // Terms hold no quote or backslash (not letters), escaped anyway.
  const quoted = (lexeme: string) => `'${lexeme.replace(/['\\]/g, (c) => `\\${c}`)}'`;
  return terms
    .map((term) =>
      [...term].length <= shortPrefixMaxCodePoints
        ? `(${quoted(shortPrefixMark + term)} | ${quoted(term)})`
        : `${quoted(indexedWord(term))}:*`,
    )
    .join(' & ');
}

/**
 * A page of hits from an index that only pre-selects, as SQLite and PostgreSQL read theirs:
 * batches of `limit + 1` candidates, newest first, from `fetch(before)`; `matchMessage` decides
 * each, and the batches go on until a page holds `limit` hits and one more says `hasMore`, or
 * the index has no more candidates.
 */
export async function pageOfHits<Row>(
  terms: readonly string[],
  limit: number,
  before: number,
  fetch: (before: number) => Row[] | Promise<Row[]>,
  read: (row: Row) => { message: Message; cursor: number },
): Promise<MessageSearchPage> {
  const hits: MessageSearchHit[] = [];
  for (;;) {
    const rows = await fetch(before);
    for (const row of rows) {
      const { message, cursor } = read(row);
      const highlights = matchMessage(message.text, terms);
      if (!highlights) continue;
      if (hits.length === limit) {
        return { hits, hasMore: true, cursor: hits.at(-1)?.cursor ?? null };
      }
      hits.push({ message, highlights, cursor });
    }
    const last = rows.at(-1);
    if (rows.length <= limit || !last) return { hits, hasMore: false, cursor: null };
    before = read(last).cursor;
  }
}
