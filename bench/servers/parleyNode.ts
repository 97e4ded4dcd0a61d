// One Parley chat server node for the bench, in its own process (forked by bench/run.ts with
// --expose-gc). It runs the real createChatServer; what it adds is bench-only and stays here:
// seeding people, sessions and history straight through the Store interface (with the server's
// own welcomeNewUser, so each person's records are what onboarding would create), and answering
// memory questions from inside the process.
import { parseArgs } from 'node:util';
import { createChatServer, type ChatServerOptions } from '../../server/chatServer.ts';
import { systemClock } from '../../server/clock.ts';
import type { Logger } from '../../server/logger.ts';
import { formatLogLine } from '../../server/logger.ts';
import { createToken, hashToken } from '../../server/tokens.ts';
import { groupConversation, markHistoryRead, welcomeNewUser } from '../../server/world.ts';
import { measureMemoryAfterGc } from '../lib/memory.ts';
import { serveParent } from '../lib/ipc.ts';
import { openBenchStore, type StoreKind } from './stores.ts';

export interface ParleyNodeInfo {
  url: string;
  groupId: string;
}

export interface SeededUsers {
  tokens: string[];
  userIds: string[];
  /** Each person's DM with Vegeta, as onboarding creates it. */
  directIds: string[];
}

const { values } = parseArgs({
  options: {
    store: { type: 'string', default: 'memory' },
    data: { type: 'string' },
    postgres: { type: 'string' },
    redis: { type: 'string' },
    'redis-prefix': { type: 'string' },
    static: { type: 'string' },
  },
});

/** Warnings and errors reach stderr (the bench shows its tail on failure); info is dropped. */
const quietLogger: Logger = {
  info: () => {},
  warn: (message, fields) => process.stderr.write(`${formatLogLine('warn', message, fields)}\n`),
  error: (message, fields) => process.stderr.write(`${formatLogLine('error', message, fields)}\n`),
};

const opened = await openBenchStore(
  values.store as StoreKind,
  {
    dataFile: values.data,
    postgresUrl: values.postgres,
    redisUrl: values.redis,
    redisKeyPrefix: values['redis-prefix'],
  },
  quietLogger,
);
const { store } = opened;
const options: ChatServerOptions = {
  host: '127.0.0.1',
  port: 0,
  store,
  logger: quietLogger,
  // Bench people are seeded with sessions, never onboarded through a code on this node.
  codeSender: { kind: 'external', send: async () => {} },
  ...(values.static === undefined ? {} : { staticDir: values.static }),
  ...opened.serverOptions,
};
const server = await createChatServer(options);

let seededSoFar = 0;

/** People as onboarding leaves them (user, DM with Vegeta, group membership) plus a session. */
async function seedUsers({ count }: { count: number }): Promise<SeededUsers> {
  const tokens: string[] = [];
  const userIds: string[] = [];
  const directIds: string[] = [];
  for (let index = 0; index < count; index += 1) {
    seededSoFar += 1;
    const number = seededSoFar;
    const { user } = await store.createUser({
      kind: 'person',
      firstName: `Bench${number}`,
      lastName: 'Person',
      avatar: { initials: 'BP', color: '#1565c0' },
      phone: `+1555${String(number).padStart(7, '0')}`,
      createdAt: systemClock.now(),
    });
    const { direct } = await welcomeNewUser(store, systemClock, user);
    const token = createToken();
    const now = systemClock.now();
    await store.createSession({
      tokenHash: hashToken(token),
      userId: user.id,
      createdAt: now,
      lastSeenAt: now,
      client: 'parley-bench',
    });
    tokens.push(token);
    userIds.push(user.id);
    directIds.push(direct.id);
  }
  return { tokens, userIds, directIds };
}

/** History written by the group's characters, as if the conversation had run for a while. */
async function seedHistory({
  conversationId,
  count,
}: {
  conversationId: string;
  count: number;
}): Promise<void> {
  const start = systemClock.now() - count * 1000;
  const authors = ['goku', 'bulma', 'piccolo'];
  for (let index = 0; index < count; index += 1) {
    await store.appendSystemMessage({
      conversationId,
      authorId: authors[index % authors.length] ?? 'goku',
      text: `Seeded history message ${index + 1}: training log, capsule inventory, lunch plans.`,
      sentAt: start + index * 1000,
    });
  }
}

/**
 * Conversations of `userId` with two characters, each holding `messagesEach` messages, the last
 * one reading "<title> latest" so a browser can tell when the newest message is painted. The
 * user has read them all, so the conversation opens at its latest message (an unread one opens
 * at its New messages line instead).
 */
async function seedConversations({
  userId,
  titles,
  messagesEach,
}: {
  userId: string;
  titles: string[];
  messagesEach: number;
}): Promise<string[]> {
  const ids: string[] = [];
  const start = systemClock.now() - messagesEach * 1000;
  for (const title of titles) {
    const conversation = await store.createConversation({
      kind: 'group',
      title,
      memberIds: [userId, 'goku', 'bulma'],
      createdAt: start,
    });
    for (let index = 0; index < messagesEach; index += 1) {
      const last = index === messagesEach - 1;
      await store.appendSystemMessage({
        conversationId: conversation.id,
        authorId: index % 2 === 0 ? 'goku' : 'bulma',
        text: last ? `${title} latest` : `${title}, message ${index + 1}: more training talk.`,
        sentAt: start + index * 1000,
      });
    }
    await markHistoryRead(store, conversation.id, userId);
    ids.push(conversation.id);
  }
  return ids;
}

process.once('SIGTERM', () => {
  setTimeout(() => process.exit(1), 5_000).unref();
  server.close().then(
    () => opened.close().finally(() => process.exit(0)),
    () => process.exit(1),
  );
});

serveParent(
  {
    seedUsers,
    seedHistory,
    seedConversations,
    memory: () => measureMemoryAfterGc(),
    // The whole process (every thread, a store's worker included), user + system.
    cpu: () => process.cpuUsage(),
    // Group commit's counters (SqliteWorkerStore only): calls, commits, checkpoints.
    storeStats: () =>
      'stats' in store && typeof store.stats === 'function' ? store.stats() : null,
    connections: () => server.io.engine.clientsCount,
  },
  { url: server.url, groupId: groupConversation.id } satisfies ParleyNodeInfo,
);
