// The real services the cluster suite runs against, and the isolation each test file gets: its
// own PostgreSQL schema and its own Redis key prefix, both removed afterwards. A service that
// does not answer FAILS the suite with a clear message: CI provisions both
// (scripts/ensure-services.sh), so a silent skip would hide a broken environment.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createClient } from 'redis';

export const postgresUrl =
  process.env.PARLEY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const redisUrl = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const howToStart = 'start it with `bash scripts/ensure-services.sh`';

export async function requirePostgres(): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${postgresUrl} (${String(error)}): the cluster tests need it; ${howToStart}`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

export async function requireRedis(): Promise<void> {
  const client = createClient({
    url: redisUrl,
    socket: { connectTimeout: 3_000, reconnectStrategy: false },
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    throw new Error(
      `Redis is not reachable at ${redisUrl} (${String(error)}): the cluster tests need it; ${howToStart}`,
    );
  } finally {
    if (client.isOpen) client.destroy();
  }
}

export function uniqueName(kind: string): string {
  return `parley_test_${kind}_${randomBytes(5).toString('hex')}`;
}

/** A fresh schema; its URL puts it first on the search_path, as `--postgres` would be given. */
export async function createSchema(): Promise<{ name: string; url: string }> {
  const name = uniqueName('schema');
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(postgresUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  return { name, url: url.toString() };
}

export async function dropSchemas(names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    for (const name of names) await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
  } finally {
    await client.end();
  }
}

/** Deletes every Redis key under `prefix` (SCAN, never KEYS). */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const client = createClient({
    url: redisUrl,
    socket: { connectTimeout: 3_000, reconnectStrategy: false },
  });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch {
    return; // Redis is down (requireRedis has said so): nothing was written to clean up.
  }
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await client.del(keys);
    }
  } finally {
    client.destroy();
  }
}
