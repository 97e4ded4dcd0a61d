import { describe, expect, it } from 'vitest';
import { defaultRetryAfterMs, userFixableSendErrors } from '../../../machines/outgoingMessage.ts';
import type { ErrorCode, ProtocolError } from '../../../server/protocol.ts';
import { sendCommands, startOutgoing, stored } from './signedIn.ts';

describe('outgoingMessage machine', () => {
  it('waits for its turn, then sends itself once with its clientMessageId', () => {
    const { ref, scripted, input } = startOutgoing();
    expect(ref.getSnapshot().value).toBe('queued');
    expect(scripted.commands).toEqual([]);
    ref.send({ type: 'delivery.turn' });
    expect(ref.getSnapshot().value).toBe('sending');
    // A second turn while on the wire does not send it twice.
    ref.send({ type: 'delivery.turn' });
    expect(scripted.commands).toEqual([
      {
        type: 'sendMessage',
        conversationId: input.conversationId,
        text: input.text,
        clientMessageId: input.clientMessageId,
      },
    ]);
  });

  it('is sent once acknowledged, and tells its conversation what the server stored', () => {
    const { ref, scripted, reports } = startOutgoing();
    ref.send({ type: 'delivery.turn' });
    const message = stored('p-1', 1);
    scripted.ack('p-1', message);
    expect(ref.getSnapshot().status).toBe('done');
    expect(ref.getSnapshot().value).toBe('sent');
    expect(reports).toEqual([{ type: 'outgoing.sent', clientMessageId: 'p-1', message }]);
  });

  it('a reply whose original was deleted meanwhile goes again without its quote, no reconnect (issue 16)', () => {
    const replyTo = {
      messageId: 'm-g-4',
      seq: 4,
      authorId: 'u-goku',
      snippet: 'Hi',
      deleted: false,
    };
    const { ref, scripted, reports, toSession } = startOutgoing({ replyTo });
    ref.send({ type: 'delivery.turn' });
    expect(scripted.commands.at(-1)).toMatchObject({ replyToId: 'm-g-4' });
    scripted.reject('p-1', { code: 'message_deleted', message: 'that message was deleted' });
    expect(ref.getSnapshot().value).toBe('queued');
    expect(ref.getSnapshot().context.replyTo).toBeNull();
    // Its conversation passes the turn on (to it again): nothing is dropped, nothing reconnects.
    expect(reports).toEqual([{ type: 'outgoing.settled', clientMessageId: 'p-1' }]);
    expect(toSession).toEqual([]);
    ref.send({ type: 'delivery.turn' });
    expect(scripted.commands.at(-1)).not.toHaveProperty('replyToId');
  });

  it('after rate_limited waits retryAfterMs and sends the same message again, without a reconnect', () => {
    const { ref, scripted, clock, reports, toSession } = startOutgoing();
    ref.send({ type: 'delivery.turn' });
    scripted.reject('p-1', { code: 'rate_limited', message: 'slow down', retryAfterMs: 1_200 });
    expect(ref.getSnapshot().value).toBe('rateLimited');
    clock.increment(1_199);
    expect(scripted.sentIds()).toEqual(['p-1']);
    clock.increment(1);
    expect(scripted.sentIds()).toEqual(['p-1', 'p-1']);
    expect(ref.getSnapshot().value).toBe('sending');
    // The connection is fine: the session is not asked to reconnect, nothing is given up.
    expect(toSession).toEqual([]);
    expect(reports).toEqual([]);
  });

  it.each([
    ['no retryAfterMs', undefined],
    ['a negative one', -5],
    ['a non-finite one', Number.POSITIVE_INFINITY],
  ])('waits the default after rate_limited with %s', (_, retryAfterMs) => {
    const { ref, scripted, clock } = startOutgoing();
    ref.send({ type: 'delivery.turn' });
    const error: ProtocolError = { code: 'rate_limited', message: 'slow down' };
    if (retryAfterMs !== undefined) error.retryAfterMs = retryAfterMs;
    scripted.reject('p-1', error);
    clock.increment(defaultRetryAfterMs - 1);
    expect(scripted.sentIds()).toEqual(['p-1']);
    clock.increment(1);
    expect(scripted.sentIds()).toEqual(['p-1', 'p-1']);
  });

  it.each([
    ['2^31 ms (past what a timer can wait: it would fire at once)', 2 ** 31],
    ['1e12 ms (some 30 years)', 1e12],
  ])('waits at most 60 s after rate_limited with a retryAfterMs of %s, then resends', (_, wait) => {
    const { ref, scripted, clock } = startOutgoing();
    ref.send({ type: 'delivery.turn' });
    scripted.reject('p-1', { code: 'rate_limited', message: 'slow down', retryAfterMs: wait });
    expect(ref.getSnapshot().value).toBe('rateLimited');
    clock.increment(60_000 - 1);
    expect(scripted.sentIds()).toEqual(['p-1']);
    clock.increment(1);
    expect(scripted.sentIds()).toEqual(['p-1', 'p-1']);
    expect(ref.getSnapshot().value).toBe('sending');
  });

  it.each([...userFixableSendErrors])(
    'fails on %s, which the user can act on: shown with its reason, its turn passed on',
    (code) => {
      const { ref, scripted, clock, reports, toSession } = startOutgoing();
      ref.send({ type: 'delivery.turn' });
      scripted.reject('p-1', { code, message: 'not like this' });
      expect(ref.getSnapshot().value).toBe('failed');
      expect(ref.getSnapshot().context.failure).toBe('not like this');
      expect(reports).toEqual([{ type: 'outgoing.settled', clientMessageId: 'p-1' }]);
      expect(toSession).toEqual([]);
      // It is not sent again by itself, whatever happens next.
      ref.send({ type: 'delivery.turn' });
      ref.send({ type: 'connection.lost' });
      clock.increment(60_000);
      expect(scripted.sentIds()).toEqual(['p-1']);
    },
  );

  it('a failure without a message still says why', () => {
    const { ref, scripted } = startOutgoing();
    ref.send({ type: 'delivery.turn' });
    scripted.reject('p-1', { code: 'text_too_long', message: '' });
    expect(ref.getSnapshot().context.failure).toBe('The server did not accept the message.');
  });

  it('Retry puts a failed message back in the queue, and it is sent again with the same id', () => {
    const { ref, scripted, reports } = startOutgoing();
    ref.send({ type: 'delivery.turn' });
    scripted.reject('p-1', { code: 'forbidden', message: 'not a member' });
    ref.send({ type: 'message.retried' });
    expect(ref.getSnapshot().value).toBe('queued');
    expect(ref.getSnapshot().context.failure).toBeNull();
    expect(reports).toEqual([
      { type: 'outgoing.settled', clientMessageId: 'p-1' },
      { type: 'outgoing.settled', clientMessageId: 'p-1' },
    ]);
    // Waiting again: the conversation gives it the turn.
    expect(scripted.sentIds()).toEqual(['p-1']);
    ref.send({ type: 'delivery.turn' });
    expect(scripted.sentIds()).toEqual(['p-1', 'p-1']);
  });

  it.each([
    ['an ack that never came', 'network: operation has timed out', 'internal'],
    ['a server failure', 'the store failed', 'internal'],
    ['an unexpected code', 'who are you', 'unauthenticated'],
  ] as const)(
    'treats %s as a broken connection: queued again, the session told to reconnect',
    (_, reason, code: ErrorCode) => {
      const { ref, scripted, reports, toSession } = startOutgoing();
      ref.send({ type: 'delivery.turn' });
      scripted.reject('p-1', { code, message: reason });
      expect(ref.getSnapshot().value).toBe('queued');
      expect(ref.getSnapshot().context.failure).toBeNull();
      expect(toSession).toEqual([{ type: 'connection.unreliable', reason }]);
      expect(reports).toEqual([]);
      ref.send({ type: 'delivery.turn' });
      expect(scripted.sentIds()).toEqual(['p-1', 'p-1']);
    },
  );

  it('goes back to the queue when the connection is lost, on the wire or waiting out a rate limit', () => {
    const { ref, scripted, clock } = startOutgoing();
    ref.send({ type: 'delivery.turn' });
    ref.send({ type: 'connection.lost' });
    expect(ref.getSnapshot().value).toBe('queued');
    ref.send({ type: 'delivery.turn' });
    scripted.reject('p-1', { code: 'rate_limited', message: 'slow down', retryAfterMs: 500 });
    ref.send({ type: 'connection.lost' });
    expect(ref.getSnapshot().value).toBe('queued');
    clock.increment(10_000);
    expect(scripted.sentIds()).toEqual(['p-1', 'p-1']);
  });

  it('ignores answers while it is not on the wire', () => {
    const { ref, scripted, reports } = startOutgoing();
    scripted.ack('p-1', stored('p-1', 1));
    scripted.reject('p-1', { code: 'text_too_long', message: 'too long' });
    expect(ref.getSnapshot().value).toBe('queued');
    expect(reports).toEqual([]);
    expect(sendCommands(scripted)).toEqual([]);
  });

  it('a restored message comes back as it was: failed with its reason, or queued', () => {
    const failed = startOutgoing({ failure: 'too long' });
    expect(failed.ref.getSnapshot().value).toBe('failed');
    expect(failed.ref.getSnapshot().context.failure).toBe('too long');
    failed.ref.send({ type: 'delivery.turn' });
    expect(failed.scripted.commands).toEqual([]);
    const queued = startOutgoing({ failure: null });
    expect(queued.ref.getSnapshot().value).toBe('queued');
  });
});
