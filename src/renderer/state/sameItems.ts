/** The same items in the same order (by identity): a rebuilt list that changed nothing. */
export function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}
