// `npm run web -- --port <n>`: Parley in a browser. Builds the renderer into .vite/web when it
// is missing or older than its sources, then serves it and the chat server from one origin and
// prints `listening on http://127.0.0.1:<n>`. SIGINT/SIGTERM close the server cleanly.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const projectDir = path.resolve(import.meta.dirname, '..');
export const webDir = path.join(projectDir, '.vite/web');
const rendererConfig = path.join(projectDir, 'vite.renderer.config.ts');
const rendererPage = path.join(projectDir, 'src/renderer/index.html');
/** Everything the web build is made from: a change to any of these means rebuild. */
const buildInputs = ['src/renderer', 'machines', 'server/protocol.ts', 'vite.renderer.config.ts'];

const usage = `usage: npm run web -- [--port <n>] [--host <h>]
  --port <n>  port to listen on; 0 picks a free one (default 0)
  --host <h>  interface to bind (default 127.0.0.1)`;

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

export async function buildRenderer() {
  if (!existsSync(rendererPage)) {
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

/** Builds if needed, then starts the chat server serving .vite/web. Resolves to the server. */
export async function startWebMode({ port = 0, host = '127.0.0.1' } = {}) {
  if (webBuildIsStale()) {
    console.log('web mode: building the renderer into .vite/web …');
    await buildRenderer();
  }
  const { createChatServer } = await import('../server/chatServer.ts');
  return createChatServer({ host, port, staticDir: webDir });
}

export function parseWebArgs(argv) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      help: { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535) {
    throw new WebModeError(`--port must be 0-65535, got '${values.port}'`);
  }
  return { port, host: values.host, help: values.help };
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
    server = await startWebMode(options);
  } catch (error) {
    console.error(error instanceof WebModeError ? error.message : error);
    process.exit(1);
  }
  console.log(`listening on ${server.url}`);
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
