// Request/response over a forked child's IPC channel: the bench's server nodes and load
// generator are separate processes, so they never share an event loop with what they measure.
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';

interface Request {
  kind: 'request';
  id: number;
  method: string;
  params: unknown;
}

interface Response {
  kind: 'response';
  id: number;
  result?: unknown;
  error?: string;
}

interface Ready {
  kind: 'ready';
  info: unknown;
}

type ChildMessage = Response | Ready;

export type Handlers = Record<string, (params: any) => Promise<unknown> | unknown>;

/** Child side: answer the parent's requests, then announce readiness with `info`. */
export function serveParent(handlers: Handlers, info: unknown): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('this bench process must be started by bench/run.ts (no IPC channel)');
  process.on('message', (message: Request) => {
    if (message?.kind !== 'request') return;
    const handler = handlers[message.method];
    const reply = (response: Omit<Response, 'kind' | 'id'>) =>
      send({ kind: 'response', id: message.id, ...response } satisfies Response);
    if (!handler) {
      reply({ error: `unknown method ${message.method}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message.params))
      .then(
        (result) => reply({ result }),
        (error: unknown) =>
          reply({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
  });
  // The parent going away must not leave a server or 1,000 sockets behind.
  process.on('disconnect', () => process.exit(0));
  send({ kind: 'ready', info } satisfies Ready);
}

export interface BenchChild<Info> {
  info: Info;
  pid: number;
  request<T>(method: string, params?: unknown, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
  /** The last lines the child wrote on stderr (for failure messages). */
  stderrTail(): string;
}

export interface StartOptions {
  args?: string[];
  env?: NodeJS.ProcessEnv;
  execArgv?: string[];
  readyTimeoutMs?: number;
}

const benchDir = path.resolve(import.meta.dirname, '..');

/** Forks `bench/<relativeEntry>` and resolves once it reports ready. */
export async function startChild<Info>(
  relativeEntry: string,
  options: StartOptions = {},
): Promise<BenchChild<Info>> {
  const child: ChildProcess = fork(path.join(benchDir, relativeEntry), options.args ?? [], {
    env: { ...process.env, ...options.env },
    execArgv: options.execArgv ?? [],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => {
    for (const waiter of pending.values()) {
      waiter.reject(
        new Error(`${relativeEntry} exited (${code ?? signal}): ${stderr.slice(-1500)}`),
      );
    }
    pending.clear();
  });

  const info = await new Promise<Info>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${relativeEntry} was not ready in time: ${stderr.slice(-1500)}`)),
      options.readyTimeoutMs ?? 120_000,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${relativeEntry} exited (${code}) before ready: ${stderr.slice(-1500)}`));
    });
    child.on('message', (message: ChildMessage) => {
      if (message.kind === 'ready') {
        clearTimeout(timer);
        resolve(message.info as Info);
        return;
      }
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.error !== undefined) waiter.reject(new Error(message.error));
      else waiter.resolve(message.result);
    });
  });

  return {
    info,
    pid: child.pid ?? -1,
    request<T>(method: string, params?: unknown, timeoutMs = 300_000): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${relativeEntry}: ${method} timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (value) => {
            clearTimeout(timer);
            resolve(value as T);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        child.send({ kind: 'request', id, method, params } satisfies Request);
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const forced = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(forced);
    },
    stderrTail: () => stderr,
  };
}
