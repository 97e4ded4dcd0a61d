// How `Store.searchPeople` matches names, shared by every store so they agree: the query and the
// name are compared as `nameKey` compares names, and every word of the query must start a word
// of the name ("bul bri" finds Bulma Briefs, "ulma" does not).
import { nameKey } from '../protocol.ts';

/** What a store keeps (or computes) per person to search on. */
export function searchKeyOf(firstName: string, lastName: string): string {
  return nameKey(firstName, lastName);
}

/** The query's words, normalized; none for a blank query (which matches nobody). */
export function queryWords(query: string): string[] {
  return nameKey(query, '')
    .split(' ')
    .filter((word) => word !== '');
}

export function matchesQuery(searchKey: string, words: readonly string[]): boolean {
  if (words.length === 0) return false;
  const nameWords = searchKey.split(' ');
  return words.every((word) => nameWords.some((nameWord) => nameWord.startsWith(word)));
}

/** A LIKE pattern matching `word` at the start of a word of `' ' || search_key` (ESCAPE '\'). */
export function likeWordStart(word: string): string {
  return `% ${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
