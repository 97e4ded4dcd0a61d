// Three real server processes sharing PostgreSQL and Redis, people connected to different
// nodes: what one sends reaches the others once and in order, drafting shows (and lapses)
// everywhere, and the bot alternation holds whichever node each send goes through.
import { io as connectClient } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { authorForSend } from '../../server/authorship.ts';
import type { ConversationsAndUsers, Message } from '../../server/protocol.ts';
import { groupCharacters, groupConversation, vegeta } from '../../server/world.ts';
import {
  collectMessages,
  connectTo,
  history,
  onboardAt,
  request,
  useCluster,
  waitUntil,
} from './nodes.ts';

const group = groupConversation.id;
const nodes = useCluster('fanout');

const node = (index: number): string => {
  const found = nodes[index];
  if (!found) throw new Error(`node ${index} is not running`);
  return found.url;
};

const texts = (messages: readonly Message[]) => messages.map((message) => message.text);

describe('a cluster of three nodes', () => {
  it('seeds the world once although the nodes started together', async () => {
    const ana = await onboardAt(node(0), 'Ana');
    const messages = await history(ana.client, group);
    expect(messages.map((message) => message.seq)).toEqual([0, 1, 2, 3, 4]);
  });

  it('delivers a message sent on node 1 to members on nodes 2 and 3, once, in order', async () => {
    const sender = await onboardAt(node(0), 'Sender');
    const second = await onboardAt(node(1), 'Second');
    const third = await onboardAt(node(2), 'Third');
    const heardOnTwo = collectMessages(second.client, group);
    const heardOnThree = collectMessages(third.client, group);

    const sent = Array.from({ length: 20 }, (_, index) => `fan-out ${index}`);
    const acks = await Promise.all(
      sent.map((text, index) =>
        request(sender.client, 'sendMessage', {
          conversationId: group,
          text,
          clientMessageId: `fanout-${index}`,
        }),
      ),
    );
    expect(acks.every((ack) => ack.ok)).toBe(true);
    // A last message behind the others: once it has arrived, any duplicate would have too.
    await request(sender.client, 'sendMessage', {
      conversationId: group,
      text: 'the end',
      clientMessageId: 'fanout-end',
    });
    await waitUntil('both members heard the last message', () =>
      [heardOnTwo, heardOnThree].every((heard) => heard.at(-1)?.text === 'the end'),
    );

    for (const heard of [heardOnTwo, heardOnThree]) {
      expect(texts(heard)).toEqual([...sent, 'the end']);
      const seqs = heard.map((message) => message.seq);
      expect(seqs).toEqual(seqs.toSorted((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
    }
  });

  it('shows drafting across nodes, and its lapse, even when the drafter moved nodes', async () => {
    const drafter = await onboardAt(node(1), 'Drafter');
    const watcher = await onboardAt(node(0), 'Watcher');
    const updates: string[][] = [];
    watcher.client.on('channelUpdate', (update) => {
      if (update.conversation.id === group && update.message === null)
        updates.push(update.conversation.drafting);
    });
    const isDrafting = (client: typeof drafter.client, drafting: boolean) =>
      request(client, 'isDrafting', { conversationId: group, isDrafting: drafting });

    await isDrafting(drafter.client, true);
    await waitUntil('the watcher sees the drafter', () =>
      updates.some((list) => list.includes(drafter.user.id)),
    );
    await isDrafting(drafter.client, false);
    await waitUntil('the watcher sees the draft stop', () => updates.at(-1)?.length === 0);

    // Started on node 2, refreshed through node 3, then nothing: it lapses for everyone.
    const elsewhere = await connectTo(node(2), drafter.token);
    await isDrafting(drafter.client, true);
    await waitUntil(
      'the watcher sees the new draft',
      () => updates.at(-1)?.includes(drafter.user.id) ?? false,
    );
    const refreshedAt = Date.now();
    await isDrafting(elsewhere, true);
    await waitUntil('the draft lapses', () => updates.at(-1)?.length === 0, 15_000);
    // Not before 6 s after the refresh made through the other node.
    expect(Date.now() - refreshedAt).toBeGreaterThanOrEqual(5_900);
  });

  it('keeps the bot alternation when the sends go through different nodes, even at once', async () => {
    const person = await onboardAt(node(0), 'Alternating');
    const sockets = [
      person.client,
      await connectTo(node(1), person.token),
      await connectTo(node(2), person.token),
    ];
    const world = new Promise<ConversationsAndUsers>((resolve) =>
      person.client.once('recieveConversationsAndUsers', resolve),
    );
    await request(person.client, 'requestConversationsAndUsers');
    const direct = (await world).conversations.find((item) => item.kind === 'direct');
    if (!direct) throw new Error('no DM with Vegeta');

    // One after another, round-robin over the nodes.
    for (let index = 0; index < 6; index += 1) {
      const ack = await request(sockets[index % 3]!, 'sendMessage', {
        conversationId: direct.id,
        text: `turn ${index}`,
        clientMessageId: `dm-${index}`,
      });
      expect(ack.message.authorId).toBe(index % 2 === 0 ? person.user.id : vegeta.id);
    }
    // All at once, through three nodes, into the group: each send index is used exactly once.
    await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        request(sockets[index % 3]!, 'sendMessage', {
          conversationId: group,
          text: `together ${index}`,
          clientMessageId: `together-${index}`,
        }),
      ),
    );
    const mine = (await history(person.client, group)).filter((message) =>
      message.text.startsWith('together '),
    );
    const botIds = groupCharacters.map((character) => character.id);
    expect(mine.map((message) => message.authorId)).toEqual(
      mine.map((_, index) => authorForSend(person.user.id, botIds, index)),
    );
    const dm = await history(person.client, direct.id);
    expect(dm.map((message) => message.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('keeps the /inspect relay off on clustered nodes (no --inspect): no token, no namespace', async () => {
    const first = nodes[0]!;
    expect(first.output.some((line) => line.startsWith('inspector token:'))).toBe(false);
    const viewer = connectClient(`${first.url}/inspect`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { role: 'viewer', token: 'guess' },
      extraHeaders: { origin: 'http://127.0.0.1:5999' },
    });
    const refusal = await new Promise<Error>((resolve) => viewer.once('connect_error', resolve));
    viewer.close();
    expect(refusal.message).toBe('Invalid namespace');
  });
});
