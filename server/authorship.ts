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
