// The store a bench node runs on: in memory, SQLite (a fresh file), or a PostgreSQL cluster
// node (with Redis fan-out when a Redis URL is given), each opened the way the CLI opens it.
// 'sqlite-event-loop' is SqliteStore as the CLI ran it before group commit (issue 17): every
// transaction and its fsync on the event loop, kept to measure the two side by side.
import { systemClock } from '../../server/clock.ts';
import type { Logger } from '../../server/logger.ts';
import { MemoryStore } from '../../server/store/memory.ts';
import { SqliteStore } from '../../server/store/sqlite/store.ts';
import { SqliteWorkerStore } from '../../server/store/sqlite/workerStore.ts';
import type { Store } from '../../server/store/types.ts';
import type { ChatServerOptions } from '../../server/chatServer.ts';
import { benchRateLimits } from './limits.ts';

export type StoreKind = 'memory' | 'sqlite' | 'sqlite-event-loop' | 'postgres';

export interface StoreLocation {
  dataFile?: string | undefined;
  postgresUrl?: string | undefined;
  redisUrl?: string | undefined;
  redisKeyPrefix?: string | undefined;
}

export interface BenchStore {
  store: Store;
  /** Spread into createChatServer's options (the Redis adapter and shared state, clustered). */
  serverOptions: Partial<ChatServerOptions>;
  close(): Promise<void>;
}

export async function openBenchStore(
  kind: StoreKind,
  location: StoreLocation,
  logger: Logger,
): Promise<BenchStore> {
  switch (kind) {
    case 'memory': {
      const store = new MemoryStore();
      return {
        store,
        serverOptions: { rateLimits: benchRateLimits() },
        close: () => store.close(),
      };
    }
    case 'sqlite':
    case 'sqlite-event-loop': {
      if (!location.dataFile) throw new Error('the SQLite store needs --data <file>');
      const store =
        kind === 'sqlite'
          ? await SqliteWorkerStore.open(location.dataFile)
          : SqliteStore.open(location.dataFile);
      return {
        store,
        serverOptions: { rateLimits: benchRateLimits() },
        close: () => store.close(),
      };
    }
    case 'postgres': {
      if (!location.postgresUrl) throw new Error('a PostgreSQL node needs --postgres <url>');
      // Loaded only here: the other stores never need pg or redis.
      const { prepareClusterNode } = await import('../../server/cluster/node.ts');
      const node = await prepareClusterNode({
        postgresUrl: location.postgresUrl,
        redisUrl: location.redisUrl ?? null,
        keyPrefix: location.redisKeyPrefix,
        logger,
        clock: systemClock,
      });
      if (!location.redisUrl) {
        return {
          store: node.store,
          serverOptions: { ...node.serverOptions, rateLimits: benchRateLimits() },
          close: () => node.close(),
        };
      }
      // Clustered limits count in Redis; the node does not hand out its client, so the
      // limiter gets its own connection to the same Redis and key prefix.
      const { connectRedis } = await import('../../server/cluster/redisClient.ts');
      const { redisLimiterFactory } = await import('../../server/cluster/rateLimits.ts');
      const limiterRedis = await connectRedis(location.redisUrl, logger);
      const prefix = location.redisKeyPrefix ?? 'parley:';
      return {
        store: node.store,
        serverOptions: {
          ...node.serverOptions,
          rateLimits: benchRateLimits(redisLimiterFactory(limiterRedis, prefix)),
        },
        async close() {
          await node.close();
          if (limiterRedis.isOpen) await limiterRedis.close();
        },
      };
    }
    default:
      throw new Error(`unknown store kind ${String(kind)}`);
  }
}
