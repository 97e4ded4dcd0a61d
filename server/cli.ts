// `npm run server -- --port <n> --host <h>`: the chat server on its own. Prints exactly
// `listening on http://<host>:<port>` once it accepts connections, then where its data lives;
// SIGINT/SIGTERM close it. Data is kept in SQLite unless `--memory` asks otherwise.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createChatServer } from './chatServer.ts';
import { MemoryStore } from './store/memory.ts';
import { databaseFileIn, defaultDataDir } from './store/sqlite/location.ts';
import { SqliteStore } from './store/sqlite/store.ts';
import type { Store } from './store/types.ts';

const usage = `usage: npm run server -- [--port <n>] [--host <h>] [--data <dir> | --memory] [--static <dir>]
  --port <n>      port to listen on; 0 picks a free one (default 0)
  --host <h>      interface to bind (default 127.0.0.1)
  --data <dir>    keep users, sessions and messages in <dir>/parley.db
                  (default ${defaultDataDir()})
  --memory        keep everything in memory: lost when the server stops (tests, demos)
  --static <dir>  also serve this folder (the built renderer) at /
  --help          show this help`;

interface CliOptions {
  port: number;
  host: string;
  staticDir: string | undefined;
  /** null: in memory. */
  dataDir: string | null;
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
  return { port, host: values.host, staticDir: values.static, dataDir };
}

function openStore(dataDir: string | null): Store {
  if (dataDir === null) return new MemoryStore();
  try {
    return SqliteStore.open(databaseFileIn(dataDir));
  } catch (error) {
    process.stderr.write(
      `parley server: cannot open the data folder ${dataDir}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  }
}

const options = parseCli(process.argv.slice(2));
const store = openStore(options.dataDir);
const server = await createChatServer({
  port: options.port,
  host: options.host,
  staticDir: options.staticDir,
  store,
});
console.log(`listening on ${server.url}`);
console.log(
  options.dataDir === null
    ? 'data: in memory (--memory): nothing is kept after the server stops'
    : `data: ${databaseFileIn(options.dataDir)}`,
);

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
    .then(() => store.close())
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
