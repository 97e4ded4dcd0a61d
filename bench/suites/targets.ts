// Starting the servers under test: a Parley node on a chosen store, or the bare baseline.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BareServerInfo } from '../bareServer.ts';
import { type BenchChild, startChild } from '../lib/ipc.ts';
import type { ParleyNodeInfo } from '../servers/parleyNode.ts';
import type { StoreKind } from '../servers/stores.ts';

export type ServerInfo = ParleyNodeInfo | BareServerInfo;

const gcFlags = ['--expose-gc'];

export interface ParleyTarget {
  store: StoreKind;
  postgresUrl?: string;
  redisUrl?: string;
  redisKeyPrefix?: string;
  staticDir?: string;
}

export async function startParley(
  target: ParleyTarget,
): Promise<BenchChild<ParleyNodeInfo> & { cleanup(): void }> {
  const args = ['--store', target.store];
  let dataDir: string | undefined;
  if (target.store === 'sqlite' || target.store === 'sqlite-event-loop') {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'parley-bench-'));
    args.push('--data', path.join(dataDir, 'parley.sqlite'));
  }
  if (target.postgresUrl) args.push('--postgres', target.postgresUrl);
  if (target.redisUrl) args.push('--redis', target.redisUrl);
  if (target.redisKeyPrefix) args.push('--redis-prefix', target.redisKeyPrefix);
  if (target.staticDir) args.push('--static', target.staticDir);
  // PARLEY_BENCH_CPU_PROF=<dir>: each Parley node writes a V8 CPU profile there when it stops
  // (open it in Chrome DevTools' Performance panel), for the profile findings in benchmarks.md.
  const profileDir = process.env.PARLEY_BENCH_CPU_PROF;
  const child = await startChild<ParleyNodeInfo>('servers/parleyNode.ts', {
    args,
    execArgv: profileDir ? [...gcFlags, '--cpu-prof', `--cpu-prof-dir=${profileDir}`] : gcFlags,
  });
  return {
    ...child,
    cleanup() {
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startBare(): Promise<BenchChild<BareServerInfo> & { cleanup(): void }> {
  const child = await startChild<BareServerInfo>('bareServer.ts', { execArgv: gcFlags });
  return { ...child, cleanup() {} };
}
