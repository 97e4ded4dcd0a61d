// Joining a cluster: what a node needs so that several nodes behind one address act as one
// server. Socket.IO broadcasts travel through Redis Streams (the adapter that keeps connection
// state recovery working across nodes), and onboarding codes, drafting and rate limits move
// from the node's memory to Redis. Imported lazily by the CLI, only when `--redis` is given.
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { ChatServerOptions } from '../chatServer.ts';
import { createRateLimits } from '../limits/rateLimits.ts';
import type { Logger } from '../logger.ts';
import { RedisDraftingStore, sweepLapsedDrafts } from './draftingStore.ts';
import { redisLimiterFactory } from './rateLimits.ts';
import { connectRedis, type RedisClient } from './redisClient.ts';
import { RedisVerificationStore } from './verificationStore.ts';

export interface ClusterOptions {
  /** `redis://host:6379` */
  redisUrl: string;
  /** Prefixes every key, stream and channel, so several deployments can share one Redis. */
  keyPrefix?: string;
  logger: Logger;
}

export type ClusterServerOptions = Required<
  Pick<
    ChatServerOptions,
    'adapter' | 'verificationStore' | 'draftingStore' | 'watchDraftingLapses' | 'rateLimits'
  >
>;

export interface Cluster {
  /** Spread into createChatServer's options. */
  serverOptions: ClusterServerOptions;
  redis: RedisClient;
  /** Closes the Redis connection: call after the chat server has closed. */
  close(): Promise<void>;
}

export const defaultKeyPrefix = 'parley:';

export async function joinCluster(options: ClusterOptions): Promise<Cluster> {
  const keyPrefix = options.keyPrefix ?? defaultKeyPrefix;
  const redis = await connectRedis(options.redisUrl, options.logger);
  const draftingStore = new RedisDraftingStore(redis, keyPrefix);
  return {
    redis,
    serverOptions: {
      adapter: createAdapter(redis, {
        streamName: `${keyPrefix}socket.io`,
        channelPrefix: `${keyPrefix}socket.io`,
        sessionKeyPrefix: `${keyPrefix}socket.io-session:`,
        // Parley's payloads are JSON: skip the adapter's search for binary attachments.
        onlyPlaintext: true,
      }),
      verificationStore: new RedisVerificationStore(redis, keyPrefix),
      draftingStore,
      rateLimits: createRateLimits({ storeFactory: redisLimiterFactory(redis, keyPrefix) }),
      watchDraftingLapses: (onLapsed) =>
        sweepLapsedDrafts(draftingStore, onLapsed, (error) =>
          options.logger.error('drafting sweep failed', { reason: String(error) }),
        ),
    },
    async close() {
      if (redis.isOpen) await redis.close();
    },
  };
}
