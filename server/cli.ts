// `npm run server -- --port <n> --host <h>`: the chat server on its own. Prints exactly
// `listening on http://<host>:<port>` once it accepts connections; SIGINT/SIGTERM close it.
import { parseArgs } from 'node:util';
import { createChatServer } from './chatServer.ts';

const usage = `usage: npm run server -- [--port <n>] [--host <h>] [--static <dir>]
  --port <n>      port to listen on; 0 picks a free one (default 0)
  --host <h>      interface to bind (default 127.0.0.1)
  --static <dir>  also serve this folder (the built renderer) at /
  --help          show this help`;

interface CliOptions {
  port: number;
  host: string;
  staticDir: string | undefined;
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
  return { port, host: values.host, staticDir: values.static };
}

const options = parseCli(process.argv.slice(2));
const server = await createChatServer({
  port: options.port,
  host: options.host,
  staticDir: options.staticDir,
});
console.log(`listening on ${server.url}`);

let stopping = false;
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) return;
  stopping = true;
  // A second signal, or a close that hangs, must still end the process.
  const forceExit = setTimeout(() => process.exit(1), 5_000);
  forceExit.unref();
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`parley server: error while stopping on ${signal}: ${String(error)}\n`);
      process.exit(1);
    },
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
