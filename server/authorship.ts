// The original system's bot alternation, per person and conversation: the person's 1st send is
// authored by the person, the 2nd by a bot, the 3rd by the person, ... In a conversation with
// several bots the bot turns rotate through them in member order. No bots: always the person.

export function authorForSend(
  senderId: string,
  botIds: readonly string[],
  sendIndex: number,
): string {
  if (botIds.length === 0 || sendIndex % 2 === 0) return senderId;
  const botTurn = (sendIndex - 1) / 2;
  return botIds[botTurn % botIds.length] ?? senderId;
}

/** How many of a person's next sends `authorTurnsOf` foretells: enough for a burst of sends. */
export const authorTurnsAhead = 8;

/**
 * Who will author each of the person's next sends, from their send count: what the client
 * needs to show a message on the side where it will stay while it is still on its way. Null
 * where there are no bots (every send is the sender's).
 */
export function authorTurnsOf(
  senderId: string,
  botIds: readonly string[],
  sendCount: number,
): string[] | null {
  if (botIds.length === 0) return null;
  return Array.from({ length: authorTurnsAhead }, (_, offset) =>
    authorForSend(senderId, botIds, sendCount + offset),
  );
}
