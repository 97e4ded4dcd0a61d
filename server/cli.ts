// `npm run server -- --port <n> --host <h>`: the chat server on its own. Prints exactly
// `listening on http://<host>:<port>` once it accepts connections, then where its data lives;
// SIGINT/SIGTERM close it. Data is kept in SQLite unless `--memory` asks otherwise.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type ChatServerOptions, createChatServer } from './chatServer.ts';
import { systemClock } from './clock.ts';
import { commandLineCodeSender, webhookUrlProblem } from './codeSender.ts';
import { redactUrl } from './redactUrl.ts';
import { createConsoleLogger } from './logger.ts';
import { MemoryStore } from './store/memory.ts';
import { databaseFileIn, defaultDataDir } from './store/sqlite/location.ts';
import { SqliteWorkerStore } from './store/sqlite/workerStore.ts';
import type { Store } from './store/types.ts';

const usage = `usage: npm run server -- (--code-webhook <url> | --dev-codes) [--port <n>] [--host <h>]
                          [--data <dir> | --memory | --postgres <url>] [--redis <url> [--redis-prefix <p>]]
                          [--allow-origin <origin>]... [--trust-proxy] [--inspect] [--static <dir>]
  --code-webhook <url>  deliver verification codes by POSTing {"phone","code","expiresInMs"} as JSON
                  to <url> (https:, or http: to loopback), with Authorization: Bearer
                  $PARLEY_CODE_WEBHOOK_SECRET when set (default: $PARLEY_CODE_WEBHOOK_URL)
  --dev-codes     development only: print each code and show it in the app to whoever asked,
                  so anyone who can reach the server can sign in as any phone number
  --port <n>      port to listen on; 0 picks a free one (default 0)
  --host <h>      interface to bind (default 127.0.0.1)
  --data <dir>    keep users, sessions and messages in <dir>/parley.db
                  (default ${defaultDataDir()})
  --memory        keep everything in memory: lost when the server stops (tests, demos)
  --postgres <url>  keep data in PostgreSQL, shared by every node of a cluster
                  (default: $PARLEY_DATABASE_URL when set)
  --redis <url>   join a cluster: fan-out, codes and drafting through Redis; needs --postgres
                  (default: $PARLEY_REDIS_URL when set)
  --redis-prefix <p>  prefix of every Redis key and stream (default: $PARLEY_REDIS_PREFIX or parley:)
  --allow-origin <origin>  also accept browser pages from this origin (repeatable; default:
                  $PARLEY_ALLOWED_ORIGINS, comma-separated); the server's own origin always is
  --trust-proxy   behind a reverse proxy: take client addresses from X-Forwarded-For
  --inspect       clustered nodes: turn on the /inspect relay (on by default for a single node)
  --static <dir>  also serve this folder (the built renderer) at /
  --help          show this help`;

interface CliOptions {
  port: number;
  host: string;
  staticDir: string | undefined;
  /** null: in memory. */
  dataDir: string | null;
  /** Set: PostgreSQL instead of SQLite or memory. */
  postgresUrl: string | null;
  redisUrl: string | null;
  redisPrefix: string | undefined;
  codes: { kind: 'webhook'; url: string } | { kind: 'development' };
  allowedOrigins: string[];
  trustProxy: boolean;
  inspect: boolean;
}

const noCodeSender = `no way to deliver verification codes.
  --code-webhook <url> (or $PARLEY_CODE_WEBHOOK_URL) sends them through your SMS gateway.
  --dev-codes shows each code to whoever asked for it: anyone who can reach this server could
  then sign in as any phone number, so it is for development only, and must be asked for.`;

/** Each origin as `scheme://host[:port]`, or why not. */
function parseOrigins(values: readonly string[]): string[] {
  return values
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value !== '')
    .map((value) => {
      const url = URL.parse(value);
      if (!url || url.origin === 'null' || url.origin !== value.replace(/\/$/, '')) {
        fail(`--allow-origin must be an origin like https://chat.example.com, got '${value}'`);
      }
      return url.origin;
    });
}

function fail(message: string): never {
  process.stderr.write(`parley server: ${message}\n${usage}\n`);
  process.exit(2);
}

function parseCli(argv: string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        static: { type: 'string' },
        data: { type: 'string' },
        memory: { type: 'boolean', default: false },
        postgres: { type: 'string' },
        redis: { type: 'string' },
        'redis-prefix': { type: 'string' },
        'code-webhook': { type: 'string' },
        'dev-codes': { type: 'boolean', default: false },
        'allow-origin': { type: 'string', multiple: true, default: [] },
        'trust-proxy': { type: 'boolean', default: false },
        inspect: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    // parseArgs explains the problem, e.g. "Unknown option '--colour'".
    fail(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535)
    fail(`--port must be 0-65535, got '${values.port}'`);
  if (values.host.trim() === '') fail('--host must not be empty');
  if (values.memory && values.data !== undefined) fail('--data and --memory exclude each other');
  if (values.data !== undefined && values.data.trim() === '') fail('--data must not be empty');
  const dataDir = values.memory ? null : path.resolve(values.data ?? defaultDataDir());
  // An explicit --data or --memory wins over the environment's database.
  const localStoreAsked = values.memory || values.data !== undefined;
  const postgresUrl =
    values.postgres ?? (localStoreAsked ? null : process.env.PARLEY_DATABASE_URL || null);
  const redisUrl =
    values.redis ?? (postgresUrl === null ? null : process.env.PARLEY_REDIS_URL || null);
  if (postgresUrl !== null && localStoreAsked) fail('--postgres excludes --data and --memory');
  // Nodes that fan out to each other must share one store.
  if (redisUrl !== null && postgresUrl === null) fail('--redis needs --postgres');
  const redisPrefix = values['redis-prefix'] ?? (process.env.PARLEY_REDIS_PREFIX || undefined);
  const webhookUrl = values['code-webhook'] ?? (process.env.PARLEY_CODE_WEBHOOK_URL || undefined);
  if (webhookUrl !== undefined && values['dev-codes']) {
    fail('--code-webhook and --dev-codes exclude each other');
  }
  if (webhookUrl !== undefined) {
    const problem = webhookUrlProblem(webhookUrl);
    if (problem) fail(`--code-webhook ${problem}: '${webhookUrl}'`);
  } else if (!values['dev-codes']) {
    fail(noCodeSender);
  }
  const originValues = values['allow-origin'].length
    ? values['allow-origin']
    : [process.env.PARLEY_ALLOWED_ORIGINS ?? ''];
  return {
    port,
    host: values.host,
    staticDir: values.static,
    dataDir,
    postgresUrl,
    redisUrl,
    redisPrefix,
    codes:
      webhookUrl === undefined ? { kind: 'development' } : { kind: 'webhook', url: webhookUrl },
    allowedOrigins: parseOrigins(originValues),
    trustProxy: values['trust-proxy'],
    // The relay is for one developer's loopback server; a cluster turns it on only when asked.
    inspect: postgresUrl === null || values.inspect,
  };
}

/**
 * SQLite runs on a worker thread with group commit (workerStore.ts). If that worker dies, every
 * call fails: the process exits so a supervisor restarts it, and clients resend (idempotently).
 */
async function openStore(dataDir: string | null): Promise<Store> {
  if (dataDir === null) return new MemoryStore();
  try {
    return await SqliteWorkerStore.open(databaseFileIn(dataDir), {
      onFailure: (error) => {
        process.stderr.write(`parley server: the data store failed: ${error.message}\n`);
        process.exit(1);
      },
    });
  } catch (error) {
    process.stderr.write(
      `parley server: cannot open the data folder ${dataDir}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
}

/** PostgreSQL (and Redis): loaded only when asked for, so neither is needed otherwise. */
async function openClusterNode(postgresUrl: string, options: CliOptions) {
  const { prepareClusterNode } = await import('./cluster/node.ts');
  try {
    const node = await prepareClusterNode({
      postgresUrl,
      redisUrl: options.redisUrl,
      keyPrefix: options.redisPrefix,
      logger: createConsoleLogger(),
      clock: systemClock,
    });
    const lines = [`data: PostgreSQL ${redactUrl(postgresUrl)}`];
    if (options.redisUrl !== null) lines.push(`cluster: Redis ${redactUrl(options.redisUrl)}`);
    return { ...node, lines };
  } catch (error) {
    process.stderr.write(
      `parley server: cannot reach PostgreSQL or Redis: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
}

const options = parseCli(process.argv.slice(2));
const clusterNode =
  options.postgresUrl === null ? null : await openClusterNode(options.postgresUrl, options);
const store = clusterNode?.store ?? (await openStore(options.dataDir));
const clusterOptions: Partial<ChatServerOptions> = clusterNode?.serverOptions ?? {};
const server = await createChatServer({
  port: options.port,
  host: options.host,
  staticDir: options.staticDir,
  store,
  codeSender: commandLineCodeSender(
    options.codes.kind === 'webhook' ? options.codes.url : undefined,
  ),
  allowedOrigins: options.allowedOrigins,
  trustProxy: options.trustProxy,
  inspectRelay: options.inspect,
  ...clusterOptions,
});
console.log(`listening on ${server.url}`);
if (clusterNode) {
  for (const line of clusterNode.lines) console.log(line);
} else {
  console.log(
    options.dataDir === null
      ? 'data: in memory (--memory): nothing is kept after the server stops'
      : `data: ${databaseFileIn(options.dataDir)}`,
  );
}
console.log(
  options.codes.kind === 'webhook'
    ? `codes: sent through the webhook at ${new URL(options.codes.url).origin}`
    : 'codes: DEVELOPMENT (--dev-codes): each code is shown to whoever asked for it; do not expose this server',
);
if (server.inspectToken !== null) console.log(`inspector token: ${server.inspectToken}`);

let stopping = false;
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) return;
  stopping = true;
  // A second signal, or a close that hangs, must still end the process.
  const forceExit = setTimeout(() => process.exit(1), 5_000);
  forceExit.unref();
  // The server does not own a store it was given: close the database after it.
  server
    .close()
    .then(() => (clusterNode ? clusterNode.close() : store.close()))
    .then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(
          `parley server: error while stopping on ${signal}: ${String(error)}\n`,
        );
        process.exit(1);
      },
    );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
