// SqliteWorkerStore answers the hot reads of a send (positions, the room's last message, the
// hiders of a message it just appended) from memory kept by its replies. Those answers must be
// the file's: random runs of writes, several in flight at once, are followed by every mirrored
// read, compared with a second connection reading the same committed file. And the mirrors must
// be what makes a send cheap: after the first, a send costs the worker one call, its append.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../server/store/sqlite/store.ts';
import { SqliteWorkerStore } from '../../server/store/sqlite/workerStore.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function tempFile(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'parley-mirrors-'));
  folders.push(folder);
  return path.join(folder, 'parley.db');
}

const people = ['ann', 'ben', 'cat'] as const;
const person = fc.constantFrom(...people);
const pick = fc.nat({ max: 7 });

/** One write, on the conversation `c`; `pick` chooses among its messages so far. */
const write = fc.oneof(
  fc.record({
    kind: fc.constant('send' as const),
    by: person,
    replyPick: fc.option(pick),
    reads: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('system' as const) }),
  fc.record({
    kind: fc.constant('advance' as const),
    by: person,
    read: fc.boolean(),
    back: fc.nat({ max: 3 }),
  }),
  fc.record({ kind: fc.constant('mute' as const), by: person, muted: fc.boolean() }),
  fc.record({ kind: fc.constant('leave' as const), by: person }),
  fc.record({ kind: fc.constant('join' as const), by: person }),
  fc.record({ kind: fc.constant('hide' as const), by: person, pick }),
  fc.record({
    kind: fc.constant('react' as const),
    by: person,
    pick,
    emoji: fc.option(fc.constantFrom('👍', '🎉')),
  }),
  fc.record({ kind: fc.constant('edit' as const), pick }),
  fc.record({ kind: fc.constant('delete' as const), pick }),
);
type Write = typeof write extends fc.Arbitrary<infer T> ? T : never;

describe('SqliteWorkerStore mirrors', () => {
  it('answer every mirrored read as the committed file does, whatever ran before, several writes at once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(write, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 12 }),
        async (rounds) => {
          const file = tempFile();
          const store = await SqliteWorkerStore.open(file);
          const reader = SqliteStore.open(file);
          try {
            const c = 'c';
            await store.createConversation({
              id: c,
              kind: 'group',
              title: 'Room',
              memberIds: [...people, 'bot'],
              createdAt: 1,
            });
            const ids: string[] = [];
            let clock = 10;
            const target = (index: number) => ids[index % Math.max(1, ids.length)];
            const run = async (step: Write): Promise<unknown> => {
              clock += 1;
              switch (step.kind) {
                case 'send': {
                  const replyToId = step.replyPick === null ? undefined : target(step.replyPick);
                  const { message } = await store.appendUserMessage({
                    conversationId: c,
                    senderId: step.by,
                    clientMessageId: `m${clock}`,
                    text: `text ${clock}`,
                    sentAt: clock,
                    authorFor: (index) => (index % 2 === 0 ? step.by : 'bot'),
                    ...(replyToId === undefined ? {} : { replyToId }),
                    // As the server sends, and not: both move the mirrored positions apart.
                    senderReads: step.reads,
                  });
                  ids.push(message.id);
                  return;
                }
                case 'system': {
                  const message = await store.appendSystemMessage({
                    conversationId: c,
                    authorId: 'bot',
                    text: `system ${clock}`,
                    sentAt: clock,
                  });
                  ids.push(message.id);
                  return;
                }
                case 'advance': {
                  const seq = Math.max(-1, ids.length - 1 - step.back);
                  return store.advancePosition(
                    c,
                    step.by,
                    step.read ? { readSeq: seq } : { deliveredSeq: seq },
                  );
                }
                case 'mute':
                  return store.setMuted(c, step.by, step.muted);
                case 'leave':
                  return store.removeMember(c, step.by);
                case 'join':
                  return store.addMember(c, step.by);
                case 'hide': {
                  const messageId = target(step.pick);
                  if (!messageId) return;
                  return store.hideMessage({
                    conversationId: c,
                    messageId,
                    userId: step.by,
                    hiddenAt: clock,
                  });
                }
                case 'react': {
                  const messageId = target(step.pick);
                  if (!messageId) return;
                  return store.reactToMessage({
                    conversationId: c,
                    messageId,
                    userId: step.by,
                    emoji: step.emoji,
                    reactedAt: clock,
                    maxEmoji: 20,
                  });
                }
                case 'edit': {
                  const messageId = target(step.pick);
                  if (!messageId) return;
                  return store.editMessage({
                    conversationId: c,
                    messageId,
                    text: `edited ${clock}`,
                    editedAt: clock,
                    check: () => null,
                  });
                }
                case 'delete': {
                  const messageId = target(step.pick);
                  if (!messageId) return;
                  return store.deleteMessage({
                    conversationId: c,
                    messageId,
                    deletedAt: clock,
                    check: () => null,
                  });
                }
              }
            };
            for (const round of rounds) {
              // A round's writes are in flight together: their replies come in one batch.
              await Promise.all(round.map(run));
              const last = await reader.getLastMessage(c);
              expect(await store.getLastMessage(c)).toEqual(last);
              expect(await store.listPositions(c)).toEqual(await reader.listPositions(c));
              for (const id of [...people, 'nobody']) {
                expect(await store.getPosition(c, id)).toEqual(await reader.getPosition(c, id));
              }
              for (const messageId of [last?.id, ids.at(-1)]) {
                if (messageId === undefined) continue;
                expect(await store.listHidersOf(c, messageId)).toEqual(
                  await reader.listHidersOf(c, messageId),
                );
              }
            }
          } finally {
            await reader.close();
            await store.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);

  it("costs the worker one call per send once the conversation's positions are read", async () => {
    const store = await SqliteWorkerStore.open(tempFile());
    try {
      await store.createConversation({
        id: 'dm',
        kind: 'direct',
        title: '',
        memberIds: ['ann', 'bot'],
        createdAt: 1,
      });
      const send = async (index: number) => {
        await store.getPosition('dm', 'ann');
        const { message } = await store.appendUserMessage({
          conversationId: 'dm',
          senderId: 'ann',
          clientMessageId: `m${index}`,
          text: `hello ${index}`,
          sentAt: index,
          authorFor: () => 'ann',
          senderReads: true,
        });
        // What a send reads around its append (server/handlers/conversations.ts, receipts.ts).
        await store.getLastMessage('dm');
        await store.listHidersOf('dm', message.id);
        await store.listPositions('dm');
        await store.getSendCount('dm', 'ann');
      };
      await send(0);
      const before = await store.stats();
      for (let index = 1; index <= 10; index += 1) await send(index);
      const after = await store.stats();
      // stats() is itself one call. One per send: the append, which moves the position too.
      expect(after.calls - before.calls - 1).toBe(10);
      expect(await store.listPositions('dm')).toEqual([
        { userId: 'ann', deliveredSeq: 10, readSeq: 10 },
      ]);
    } finally {
      await store.close();
    }
  });
});
