// One node of a cluster, as the CLI starts it: the shared PostgreSQL store (migrated, and the
// world seeded by exactly one node however many start together) and, with Redis, the fan-out
// and shared onboarding and drafting state. Imported lazily: nothing here loads unless
// `--postgres` is given, so a plain `npm run server` never needs pg or redis.
import type { Clock } from '../clock.ts';
import type { Logger } from '../logger.ts';
import { openPostgresStore } from '../store/postgres/store.ts';
import type { Store } from '../store/types.ts';
import { seedWorld } from '../world.ts';
import { type ClusterServerOptions, joinCluster } from './index.ts';

export interface ClusterNodeOptions {
  postgresUrl: string;
  /** null: one node on PostgreSQL, no fan-out (fine for a single server). */
  redisUrl: string | null;
  keyPrefix?: string;
  logger: Logger;
  clock: Clock;
}

export interface ClusterNode {
  store: Store;
  /** Spread into createChatServer's options; empty without Redis. */
  serverOptions: Partial<ClusterServerOptions>;
  /** Closes Redis, then the database pool: call after the chat server has closed. */
  close(): Promise<void>;
}

export async function prepareClusterNode(options: ClusterNodeOptions): Promise<ClusterNode> {
  const store = await openPostgresStore({
    connectionString: options.postgresUrl,
    logger: options.logger,
  });
  try {
    await store.withLock('seed-world', () => seedWorld(store, options.clock));
    const cluster =
      options.redisUrl === null
        ? null
        : await joinCluster({
            redisUrl: options.redisUrl,
            keyPrefix: options.keyPrefix,
            logger: options.logger,
          });
    return {
      store,
      serverOptions: cluster?.serverOptions ?? {},
      async close() {
        await cluster?.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
