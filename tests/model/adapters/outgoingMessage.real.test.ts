// The outgoingMessage model's paths against the real thing: the real outgoingMessage machine as
// it runs in the app, inside an actor system with the real session machine and its REAL socket
// actor, connected through a fault proxy (faultProxy.ts) to a REAL chat server (realWorld.ts).
// The socket delivers the server's acks to the message by its systemId, `outgoing.<id>`.
//
// How each event of a path happens:
// - delivery.turn: sent, as the conversation gives the turn (only once the session is live: the
//   adapter waits for it, letting the session reconnect first if it is not). The proxy holds
//   what the client sends from then on, so the server has not heard the message yet and the
//   next step decides what the server answers;
// - message.acked: the proxy lets the send through; the server stores the message and acks it;
// - message.rejected rate_limited: the server's real rate limiter (ChatServerOptions
//   `rateLimits`, server/limits) has had the user's sendMessage points spent (as many sends
//   from another window would), then the send goes through and is refused;
// - message.rejected text_too_long: the path's message is longer than the server's 4,000
//   characters (chosen at the start by looking at the path: the text of a message cannot change
//   on the way), and the server refuses it;
// - message.rejected internal: the server's store fails to append the message;
// - message.rejected message_deleted (a reply only): the message it answers, stored in the group
//   before the path starts, is deleted for everyone in the server's store, then the send goes
//   through and the server refuses the reply;
// - connection.lost: the proxy drops the connection; the real session loses it and tells the
//   messenger. A stand-in messenger forwards it to the message (what the real messenger and
//   conversation do with `connection.lost`: machines/messenger.ts, conversation.ts
//   `forwardConnectionLost`); the conversation is a stand-in that records the reports;
// - message.retried: sent, as the user's Retry;
// - xstate.after.rateLimitWait: the simulated clock advanced by the wait the server asked for
//   (one ms short first). The limiter's window passes with it (its points are restored), and
//   the proxy holds the resend so the server's answer waits for the next step.
//
// Not produced for real: a path refused both for its text's length and for its original's
// deletion (the server checks the text first: reported skipped); `message.rejected` whose
// clientMessageId names another message (the
// socket only ever delivers a message its own acks). Both `text_too_long` and `acked` in one
// path cannot be arranged (the text would have to change): such a path fails, saying so.
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { createActor, fromCallback, setup, SimulatedClock, type EventObject } from 'xstate';
import { expect } from 'vitest';
import type { OutgoingMessageRef } from '../../../machines/conversation.ts';
import {
  outgoingMessageMachine,
  type OutgoingMessageContext,
  type OutgoingMessageInput,
} from '../../../machines/outgoingMessage.ts';
import {
  reconnectDelayMs,
  sessionMachine,
  type SessionContext,
} from '../../../machines/session.ts';
import { conversationSystemId, outgoingSystemId, systemIds } from '../../../machines/system.ts';
import { createRateLimits, defaultLimitRules } from '../../../server/limits/rateLimits.ts';
import { Limits, type Message } from '../../../server/protocol.ts';
import { createSessionSocketActor } from '../../../src/renderer/transport/sessionSocket.ts';
import type { ModelPath } from '../modelKit.ts';
import { models } from '../models.ts';
import { describeAdapter, Unproducible } from '../realKit.ts';
import { sameValue, show, startRealWorld } from './realWorld.ts';

/** The facts of the outgoingMessage model this adapter observes; any other fails the path. */
const knownFacts = ['failed', 'quoted'] as const;

const rateLimitTimer = 'xstate.after.rateLimitWait.outgoingMessage.rateLimited';
/** Events the conversation or the user send (the rest happen in the world). */
const sentEvents = new Set(['delivery.turn', 'message.retried']);
/** What the real server says about a text over its limit (server/handlers/conversations.ts). */
const tooLongMessage = `a message holds at most ${Limits.messageMaxChars} characters`;
/** The sendMessage window of the server under test: short, so its wait is short. */
const sendRule = { points: defaultLimitRules.sendMessage.points, durationSeconds: 1 };

const rejectionCode = (event: EventObject): string | null =>
  event.type === 'message.rejected'
    ? ((event as { error?: { code?: string } }).error?.code ?? null)
    : null;

async function runOutgoingPath(
  path: ModelPath,
  recorder: { inspect: (event: never) => void },
): Promise<void> {
  const given = path.input as OutgoingMessageInput;
  const events = path.steps.map((step) => step.event);
  const tooLong = events.some((event) => rejectionCode(event) === 'text_too_long');
  const where = (label: string) => `outgoingMessage path "${path.description}", ${label}`;
  if (tooLong && events.some((event) => event.type === 'message.acked')) {
    throw new Error(
      where('start') +
        ': cannot be arranged for real: one message text both over the limit and acked',
    );
  }
  // The server checks the text before the reply: a text too long is refused first, so its
  // original's deletion cannot be what the server answers.
  if (tooLong && events.some((event) => rejectionCode(event) === 'message_deleted')) {
    throw new Unproducible(
      'a text over the limit is refused before the reply it is, so never as message_deleted',
    );
  }
  // The server's real limiter; the adapter keeps the sendMessage one to spend and restore.
  let sendLimiter: RateLimiterMemory | null = null;
  const rateLimits = createRateLimits({
    rules: { sendMessage: sendRule },
    storeFactory: (name, options) => {
      const limiter = new RateLimiterMemory(options);
      if (name === 'sendMessage') sendLimiter = limiter;
      return limiter;
    },
  });
  const world = await startRealWorld({ policy: 'pass', rateLimits });
  const { proxy, controlled, waiter } = world;
  const clock = new SimulatedClock();
  const conversationId = world.conversations.group;
  const text = tooLong ? 'x'.repeat(Limits.messageMaxChars + 1) : given.text;
  // A reply answers a real message of the group, the user's own, stored before the path.
  const original = given.replyTo
    ? (
        await controlled.inner.appendUserMessage({
          conversationId,
          senderId: world.user.id,
          clientMessageId: 'quoted-original',
          text: 'The original',
          sentAt: Date.now(),
          authorFor: () => world.user.id,
        })
      ).message
    : null;
  const input: OutgoingMessageInput = {
    ...given,
    conversationId,
    text,
    ...(original && given.replyTo
      ? { replyTo: { ...given.replyTo, messageId: original.id, seq: original.seq } }
      : {}),
  };
  const messageId = outgoingSystemId(input.clientMessageId);
  /** What the message told its conversation. */
  const reports: EventObject[] = [];
  let label = 'start';

  const root = setup({
    actors: {
      session: sessionMachine.provide({ actors: { socket: createSessionSocketActor() } }),
      message: outgoingMessageMachine,
      // Stands for the messenger and the conversation: `connection.lost` reaches the outbox.
      messenger: fromCallback<EventObject>(({ receive, system }) => {
        receive((event) => {
          if (event.type === 'connection.lost') system.get(messageId)?.send(event);
        });
      }),
      conversation: fromCallback<EventObject>(({ receive }) => {
        receive((event) => {
          reports.push(event);
          waiter.notify();
        });
      }),
    },
  }).createMachine({
    invoke: [
      {
        id: 'session',
        systemId: systemIds.session,
        src: 'session',
        input: { url: world.url, token: world.user.sessionToken, random: () => 0.5 },
      },
      { id: 'messenger', systemId: systemIds.messenger, src: 'messenger' },
      { id: 'conversation', systemId: conversationSystemId(conversationId), src: 'conversation' },
      { id: 'message', systemId: messageId, src: 'message', input },
    ],
  });
  const actor = createActor(root, {
    clock,
    inspect: (event) => {
      (recorder.inspect as (e: typeof event) => void)(event);
      waiter.notify();
    },
  });
  // Kept once started: a sent message is stopped and leaves the system, its snapshot stays.
  let messageRef: OutgoingMessageRef | undefined;
  const message = () => messageRef;
  const session = () => actor.system.get(systemIds.session)!;
  const value = () => message()?.getSnapshot().value;
  const context = () => message()!.getSnapshot().context as OutgoingMessageContext;
  const storedCopies = async (): Promise<Message[]> =>
    (
      await controlled.inner.listMessages(conversationId, { after: -1, limit: 10_000 })
    ).messages.filter(
      (stored) =>
        stored.clientMessageId === input.clientMessageId &&
        (stored.authorId === world.user.id || stored.text === input.text.trim()),
    );
  const storeAttempts = () => controlled.calls.filter((call) => call === 'appendUserMessage');

  /** The session is live (as the conversation needs before giving a turn). */
  const ensureLive = async () => {
    const { value: sessionValue, context: sessionContext } = session().getSnapshot() as {
      value: unknown;
      context: SessionContext;
    };
    if (sameValue(sessionValue, 'reconnecting')) {
      clock.increment(reconnectDelayMs(sessionContext.attempt, sessionContext.random));
    }
    await waiter.until(
      () => sameValue(session().getSnapshot().value, { connection: 'live' }),
      () => `${where(label)}: the session to be live, seen ${show(session().getSnapshot().value)}`,
    );
  };

  /** The send on its way reaches the server (the proxy lets it through). */
  const letThrough = async () => {
    const before = storeAttempts().length;
    proxy.resumeUpstream();
    return before;
  };

  const produce = async (event: EventObject) => {
    const code = rejectionCode(event);
    switch (event.type) {
      case 'delivery.turn':
        await ensureLive();
        proxy.pauseUpstream();
        message()!.send({ type: 'delivery.turn' });
        return;
      case 'message.retried':
        message()!.send({ type: 'message.retried' });
        return;
      case 'message.acked':
        await letThrough();
        return;
      case 'message.rejected':
        if (code === 'rate_limited') {
          if (!sendLimiter) throw new Error(`${where(label)}: no sendMessage limiter`);
          await sendLimiter.penalty(world.user.id, sendRule.points);
          await letThrough();
          return;
        }
        if (code === 'text_too_long') {
          if (!tooLong) throw new Error(`${where(label)}: the text was not chosen too long`);
          await letThrough();
          return;
        }
        if (code === 'internal') {
          controlled.failNext('appendUserMessage');
          const before = await letThrough();
          await waiter.until(
            () => storeAttempts().length > before,
            () => `${where(label)}: the server to try storing the message`,
          );
          return;
        }
        if (code === 'message_deleted') {
          if (!original) throw new Error(`${where(label)}: not a reply`);
          await controlled.inner.deleteMessage({
            conversationId,
            messageId: original.id,
            deletedAt: Date.now(),
            check: () => null,
          });
          await letThrough();
          return;
        }
        throw new Error(`${where(label)}: no real way to have the server reject with ${code}`);
      case 'connection.lost':
        proxy.dropAll();
        return;
      case rateLimitTimer: {
        const wait = context().retryAfterMs;
        proxy.pauseUpstream();
        clock.increment(wait - 1);
        if (!sameValue(value(), 'rateLimited')) {
          throw new Error(`${where(label)}: the rate-limit wait ended before ${wait} ms`);
        }
        // The server's window passes with the wait.
        await sendLimiter!.delete(world.user.id);
        clock.increment(1);
        return;
      }
      default:
        throw new Error(`${where(label)}: the adapter has no real way to produce ${event.type}`);
    }
  };

  const check = async (expected: ModelPath['initial'], previous: EventObject | null) => {
    for (const key of Object.keys(expected.facts)) {
      if (!(knownFacts as readonly string[]).includes(key)) {
        throw new Error(
          `${where(label)}: the path carries the fact "${key}" this adapter does not observe ` +
            `(it knows ${knownFacts.join(', ')}): teach the adapter to observe it`,
        );
      }
    }
    await waiter.until(
      () => sameValue(value(), expected.value),
      () => `${where(label)}: the message to be ${show(expected.value)}, seen ${show(value())}`,
    );
    const facts = expected.facts as Record<string, unknown>;
    const failure = context().failure;
    expect(context().replyTo !== null, `${where(label)}: fact quoted`).toBe(facts.quoted);
    if (previous && rejectionCode(previous) === 'message_deleted') {
      // Sent again without the quote when its turn comes: the conversation is told to pass it.
      expect(reports.at(-1), `${where(label)}: the conversation is told`).toEqual({
        type: 'outgoing.settled',
        clientMessageId: input.clientMessageId,
      });
    }
    // What the user sees: a failed message shows why, in the server's words when it said so.
    expect(failure !== null, `${where(label)}: fact failed`).toBe(facts.failed);
    if (failure !== null) {
      expect(failure.length, `${where(label)}: a failure the user can read`).toBeGreaterThan(0);
      if (previous === null && given.failure) {
        expect(failure, `${where(label)}: the restored reason`).toBe(given.failure);
      }
      if (previous && rejectionCode(previous) === 'text_too_long') {
        expect(failure, `${where(label)}: the server's reason`).toBe(tooLongMessage);
        expect(reports.at(-1), `${where(label)}: the conversation is told`).toEqual({
          type: 'outgoing.settled',
          clientMessageId: input.clientMessageId,
        });
      }
    }
    // The server has the message exactly when the path says it was sent.
    const copies = await storedCopies();
    if (sameValue(expected.value, 'sent')) {
      expect(copies.length, `${where(label)}: stored once on the server`).toBe(1);
      expect(copies[0]!.text).toBe(input.text.trim());
      const sent = reports.find((report) => report.type === 'outgoing.sent') as
        | { message: Message }
        | undefined;
      expect(sent?.message.id, `${where(label)}: the conversation gets the stored message`).toBe(
        copies[0]!.id,
      );
    } else {
      expect(copies.length, `${where(label)}: not on the server (${show(value())})`).toBe(0);
    }
    if (
      sameValue(expected.value, 'sending') &&
      (previous?.type === 'delivery.turn' || previous?.type === rateLimitTimer)
    ) {
      // The send is on the wire: held at the proxy, so the server has not heard it yet.
      await waiter.until(
        () => proxy.pendingBytes > 0,
        () => `${where(label)}: the message to be sent on the socket (held at the proxy)`,
      );
    }
    if (previous && rejectionCode(previous) === 'rate_limited') {
      const wait = context().retryAfterMs;
      expect(wait, `${where(label)}: the server's wait`).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(sendRule.durationSeconds * 1000);
    }
    if (previous && rejectionCode(previous) === 'internal') {
      // Told the connection is unreliable, the session drops it and reconnects.
      await waiter.until(
        () => sameValue(session().getSnapshot().value, 'reconnecting') && proxy.open === 0,
        () => `${where(label)}: the session to drop the connection (open ${proxy.open})`,
      );
    }
    if (previous?.type === 'connection.lost') {
      expect(proxy.dropped, `${where(label)}: the connection was dropped`).toBeGreaterThan(0);
    }
  };

  try {
    actor.start();
    messageRef = actor.system.get(messageId) as OutgoingMessageRef;
    await ensureLive();
    await check(path.initial, null);
    for (const [index, step] of path.steps.entries()) {
      const previous = index === 0 ? path.initial.value : path.steps[index - 1]!.expected.value;
      label = `step ${index + 1} (${step.event.type}${rejectionCode(step.event) ? ` ${rejectionCode(step.event)}` : ''})`;
      if (!sameValue(value(), previous)) {
        throw new Error(
          `${where(label)}: before the step the message moved by itself from ${show(previous)} to ${show(value())}`,
        );
      }
      const snapshot = message()?.getSnapshot();
      // A world event the machine takes no transition for here (a shrunk path) cannot happen
      // now: nothing is done; the unchanged state is still checked.
      if (sentEvents.has(step.event.type) || snapshot?.can(step.event as never)) {
        await produce(step.event);
      }
      await check(step.expected, step.event);
    }
  } finally {
    actor.stop();
    await world.close();
  }
}

describeAdapter('outgoingMessage.real', models.outgoingMessage!, runOutgoingPath);
