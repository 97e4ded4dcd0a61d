// "Vegeta is typing…", "Goku and Bulma are typing…", "3 people are typing…".
export function typingText(firstNames: readonly string[]): string | null {
  const [first, second] = firstNames;
  if (first === undefined) return null;
  if (second === undefined) return `${first} is typing…`;
  if (firstNames.length === 2) return `${first} and ${second} are typing…`;
  return `${firstNames.length} people are typing…`;
}
