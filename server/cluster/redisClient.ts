// One Redis connection per node, shared by the Socket.IO adapter (which duplicates it for its
// blocking reads and subscriptions) and the Redis-backed stores. It reconnects on its own with
// capped backoff; while Redis is away, commands wait in the client's offline queue and run once
// it is back, so a Redis restart delays traffic rather than failing it.
import { createClient } from 'redis';
import type { Logger } from '../logger.ts';

function createRedisClient(url: string) {
  return createClient({ url, socket: { reconnectStrategy: reconnectDelayMs } });
}

export type RedisClient = ReturnType<typeof createRedisClient>;

/** Capped exponential backoff: 50 ms, 100 ms, ... at most 2 s between attempts. */
export function reconnectDelayMs(retries: number): number {
  return Math.min(50 * 2 ** retries, 2_000);
}

export async function connectRedis(url: string, logger: Logger): Promise<RedisClient> {
  const client = createRedisClient(url);
  let available = true;
  client.on('error', (error: Error) => {
    // Logged once per outage, not once per reconnect attempt.
    if (!available) return;
    available = false;
    logger.error('redis unavailable', { reason: error.message });
  });
  client.on('ready', () => {
    if (available) return;
    available = true;
    logger.info('redis available again');
  });
  await client.connect();
  return client;
}
