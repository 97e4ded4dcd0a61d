// `npm run web -- --port <n>`: Parley in a browser. Builds the renderer into .vite/web when it
// is missing or older than its sources, then serves it and the chat server from one origin and
// prints `listening on http://127.0.0.1:<n>`, then where the data lives. Like the server CLI it
// keeps data in SQLite (the per-user data folder, or `--data <dir>`) so accounts survive a
// restart; `--memory` keeps nothing. SIGINT/SIGTERM close the server, then the database.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const projectDir = path.resolve(import.meta.dirname, '..');
export const webDir = path.join(projectDir, '.vite/web');
const rendererConfig = path.join(projectDir, 'vite.renderer.config.ts');
const rendererPage = path.join(projectDir, 'src/renderer/index.html');
/** Everything the web build is made from: a change to any of these means rebuild. */
const buildInputs = [
  'src/renderer',
  'machines',
  'src/viz/live', // the renderer's inspection records and the #inspect=<token> fragment
  'server/protocol.ts',
  'vite.renderer.config.ts',
  'package-lock.json',
];

const usage = `usage: npm run web -- [--port <n>] [--host <h>] [--data <dir> | --memory] [--code-webhook <url>]
  --port <n>    port to listen on; 0 picks a free one (default 0)
  --host <h>    interface to bind (default 127.0.0.1)
  --data <dir>  keep users, sessions and messages in <dir>/parley.db
                (default: the per-user data folder, as for npm run server)
  --memory      keep everything in memory: lost when the server stops
  --code-webhook <url>  send verification codes through this webhook (see npm run server -- --help)
                instead of the development default: each code shown in the app to whoever asked
  --dev-codes   keep the development default on a --host other than loopback, knowingly:
                anyone who can reach the server can then sign in as any phone number`;

export class WebModeError extends Error {
  name = 'WebModeError';
}

/** The newest modification time (ms) of a file or of any file under a folder; 0 if absent. */
export function newestModification(target) {
  let info;
  try {
    info = statSync(target);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs; // a deleted file shows only in its folder's mtime
  for (const entry of readdirSync(target)) {
    newest = Math.max(newest, newestModification(path.join(target, entry)));
  }
  return newest;
}

/** Whether .vite/web is missing or older than any of its sources. */
export function webBuildIsStale(root = projectDir, outputDir = webDir) {
  const builtAt = newestModification(path.join(outputDir, 'index.html'));
  if (builtAt === 0) return true;
  return buildInputs.some((input) => newestModification(path.join(root, input)) > builtAt);
}

/** Builds the renderer into .vite/web; `page` is its entry (a parameter so tests can miss it). */
export async function buildRenderer(page = rendererPage) {
  if (!existsSync(page)) {
    throw new WebModeError(
      'web mode: there is no renderer to serve yet (src/renderer/index.html is missing).',
    );
  }
  const { build } = await import('vite');
  try {
    await build({ configFile: rendererConfig, logLevel: 'warn' });
  } catch (error) {
    throw new WebModeError(`web mode: building the renderer failed:\n${error?.message ?? error}`);
  }
}

/**
 * The store for `dataDir` (null: in memory) and a line saying where the data lives. The server
 * modules are loaded here, not at the top, so `--help` and argument errors stay instant.
 */
async function openStore(dataDir) {
  if (dataDir === null) {
    const { MemoryStore } = await import('../server/store/memory.ts');
    return {
      store: new MemoryStore(),
      where: 'data: in memory (--memory): nothing is kept after the server stops',
    };
  }
  const { databaseFileIn } = await import('../server/store/sqlite/location.ts');
  const { SqliteStore } = await import('../server/store/sqlite/store.ts');
  const file = databaseFileIn(dataDir);
  try {
    return { store: SqliteStore.open(file), where: `data: ${file}` };
  } catch (error) {
    throw new WebModeError(
      `web mode: cannot open the data folder ${dataDir}: ${error?.message ?? error}`,
    );
  }
}

/**
 * Builds if needed, then starts the chat server serving .vite/web on its store. Resolves to
 * `{ url, where, close() }`; `close` stops the server, then closes the database.
 */
export async function startWebMode({
  port = 0,
  host = '127.0.0.1',
  dataDir = null,
  codeWebhook = undefined,
} = {}) {
  if (webBuildIsStale()) {
    console.log('web mode: building the renderer into .vite/web …');
    await buildRenderer();
  }
  const { createChatServer } = await import('../server/chatServer.ts');
  const { commandLineCodeSender } = await import('../server/codeSender.ts');
  // Web mode is a developer's loopback server: simulated SMS unless a webhook is given.
  let codeSender;
  try {
    codeSender = commandLineCodeSender(codeWebhook);
  } catch (error) {
    throw new WebModeError(`web mode: ${error.message}`);
  }
  const codes =
    codeWebhook === undefined
      ? 'codes: DEVELOPMENT: each code is shown in the app to whoever asked for it'
      : `codes: sent through the webhook at ${new URL(codeWebhook).origin}`;
  const { store, where } = await openStore(dataDir);
  let server;
  try {
    server = await createChatServer({ host, port, staticDir: webDir, store, codeSender });
  } catch (error) {
    await store.close();
    throw error;
  }
  return {
    url: server.url,
    where,
    codes,
    inspectToken: server.inspectToken,
    // The server does not own a store it was given: close the database after it.
    close: () => server.close().then(() => store.close()),
  };
}

export function parseWebArgs(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      data: { type: 'string' },
      memory: { type: 'boolean', default: false },
      'code-webhook': { type: 'string' },
      'dev-codes': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const codeWebhook = values['code-webhook'];
  if (codeWebhook !== undefined && !/^https?:\/\//.test(codeWebhook)) {
    throw new WebModeError(`--code-webhook must be an http(s) URL, got '${codeWebhook}'`);
  }
  if (codeWebhook !== undefined && values['dev-codes']) {
    throw new WebModeError('--code-webhook and --dev-codes exclude each other');
  }
  // The simulated SMS is safe only where nobody else can connect.
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(values.host);
  if (!loopback && codeWebhook === undefined && !values['dev-codes']) {
    throw new WebModeError(
      `--host ${values.host} lets other machines connect, and web mode shows each verification code to whoever asked for it:\n` +
        'anyone on the network could sign in as any phone number. Give --code-webhook <url>, or --dev-codes to accept that.',
    );
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535) {
    throw new WebModeError(`--port must be 0-65535, got '${values.port}'`);
  }
  if (values.memory && values.data !== undefined) {
    throw new WebModeError('--data and --memory exclude each other');
  }
  if (values.data !== undefined && values.data.trim() === '') {
    throw new WebModeError('--data must not be empty');
  }
  return {
    port,
    host: values.host,
    // undefined: the default folder, resolved when the store opens (see dataDirOf).
    dataDir: values.memory
      ? null
      : values.data === undefined
        ? undefined
        : path.resolve(values.data),
    codeWebhook,
    help: values.help,
  };
}

/** `--data`, or the per-user data folder the server CLI uses too. */
async function dataDirOf(parsed) {
  if (parsed !== undefined) return parsed;
  const { defaultDataDir } = await import('../server/store/sqlite/location.ts');
  return defaultDataDir();
}

/** The command: start, print the URL, close cleanly on SIGINT/SIGTERM. */
export async function runWebMode(argv) {
  let options;
  try {
    options = parseWebArgs(argv);
  } catch (error) {
    console.error(`${error.message}\n${usage}`);
    process.exit(2);
  }
  if (options.help) {
    console.log(usage);
    return;
  }
  let server;
  try {
    server = await startWebMode({ ...options, dataDir: await dataDirOf(options.dataDir) });
  } catch (error) {
    console.error(error instanceof WebModeError ? error.message : error);
    process.exit(1);
  }
  console.log(`listening on ${server.url}`);
  console.log(server.where);
  console.log(server.codes);
  if (server.inspectToken !== null) console.log(`inspector token: ${server.inspectToken}`);
  const stop = () => {
    // A close that hangs must still end the process.
    setTimeout(() => process.exit(1), 5_000).unref();
    server.close().then(
      () => process.exit(0),
      (error) => {
        console.error('web mode: error while stopping:', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (import.meta.main) await runWebMode(process.argv.slice(2));
