// PostgreSQL and Redis for the cluster figures: a fresh schema and Redis key prefix per run,
// removed afterwards, so a bench never touches anyone else's data.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createClient } from 'redis';

export const postgresUrl =
  process.env.PARLEY_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const redisUrl = process.env.PARLEY_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Why the services cannot be used, or null when both answer. */
export async function servicesUnavailable(): Promise<string | null> {
  const database = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3_000 });
  try {
    await database.connect();
    await database.query('SELECT 1');
  } catch (error) {
    return `PostgreSQL does not answer at ${postgresUrl} (${String(error)}); run scripts/ensure-services.sh`;
  } finally {
    await database.end().catch(() => {});
  }
  const redis = createClient({
    url: redisUrl,
    socket: { connectTimeout: 3_000, reconnectStrategy: false },
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    return `Redis does not answer at ${redisUrl} (${String(error)}); run scripts/ensure-services.sh`;
  } finally {
    if (redis.isOpen) redis.destroy();
  }
  return null;
}

export interface Isolation {
  /** --postgres for the nodes: the schema first on the search_path. */
  databaseUrl: string;
  redisKeyPrefix: string;
  drop(): Promise<void>;
}

export async function isolate(): Promise<Isolation> {
  const name = `parley_bench_${randomBytes(5).toString('hex')}`;
  const database = new pg.Client({ connectionString: postgresUrl });
  await database.connect();
  try {
    await database.query(`CREATE SCHEMA ${name}`);
  } finally {
    await database.end();
  }
  const url = new URL(postgresUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  const redisKeyPrefix = `${name}:`;
  return {
    databaseUrl: url.toString(),
    redisKeyPrefix,
    async drop() {
      const cleanup = new pg.Client({ connectionString: postgresUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      } finally {
        await cleanup.end();
      }
      const redis = createClient({ url: redisUrl });
      redis.on('error', () => {});
      await redis.connect();
      try {
        for await (const keys of redis.scanIterator({ MATCH: `${redisKeyPrefix}*`, COUNT: 500 })) {
          if (keys.length > 0) await redis.del(keys);
        }
      } finally {
        redis.destroy();
      }
    },
  };
}
