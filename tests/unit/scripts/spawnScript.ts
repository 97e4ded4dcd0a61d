// Runs one of the npm scripts' Node files as a child process and waits, on its output rather
// than on a timer, for the line that says it is listening (or for it to exit).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const projectDir = path.resolve(import.meta.dirname, '../../..');

/** Imports a plain-JS script's exports (typed by the caller: the scripts ship no .d.ts). */
export async function importScript<Module>(script: string): Promise<Module> {
  return (await import(pathToFileURL(path.join(projectDir, script)).href)) as Module;
}

/**
 * An environment with a per-user data folder of its own, so no script started by a test (web
 * mode keeps its data there by default) writes to the real one.
 */
export async function dataHome(): Promise<NodeJS.ProcessEnv> {
  return { XDG_DATA_HOME: await mkdtemp(path.join(tmpdir(), 'parley-web-home-')) };
}

export interface RunningScript {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the URL once `listening on <url>` is printed; rejects if the process exits first. */
  listening: Promise<string>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

export function runScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): RunningScript {
  const child = spawn(process.execPath, [path.join(projectDir, script), ...args], {
    cwd: projectDir,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const listening = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const match = /^listening on (http:\/\/\S+)$/m.exec(text);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) =>
      reject(new Error(`${script} exited (${code}) before listening:\n${text}`)),
    );
  });
  listening.catch(() => {}); // callers that expect an exit never await it
  return {
    child,
    output: () => text,
    listening,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
