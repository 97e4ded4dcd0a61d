// The live log's event filter: a comma-separated list of event types to hide, `*` matching any
// run of characters (`*.changed, xstate.after.*`). Matching is on the whole event type.
export function hiddenBy(filter: string): (eventType: string) => boolean {
  const patterns = filter
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(
      (part) =>
        new RegExp(
          `^${part
            .split('*')
            .map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            .join('.*')}$`,
        ),
    );
  return (eventType) => patterns.some((pattern) => pattern.test(eventType));
}
