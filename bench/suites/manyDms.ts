// Issue 17's workload: many small conversations, the bulk of a real server's traffic. 1,000
// people, each in their own DM (with Vegeta, as onboarding leaves them), each keeping one send
// in flight for a fixed time: acknowledged messages per second against bare Socket.IO (each
// token in its own room) in the same run, and the server process's CPU time per acknowledged
// message (process.cpuUsage inside the server, every thread counted).
import { type Row, row, skippedRow } from '../lib/rows.ts';
import { isolate, servicesUnavailable } from '../lib/services.ts';
import type { SaturateEachResult } from '../load/loadGenerator.ts';
import type { WorkerStats } from '../../server/store/sqlite/workerStore.ts';
import type { SeededUsers } from '../servers/parleyNode.ts';
import type { StoreKind } from '../servers/stores.ts';
import { startLoadGenerator } from './serverLoad.ts';
import { startBare, startParley } from './targets.ts';

export interface ManyDmsProfile {
  people: number;
  /** Unmeasured sends first (JIT, caches, the first WAL pages). */
  warmupMs: number;
  durationMs: number;
  stores: StoreKind[];
}

export interface ManyDmsMeasurement {
  saturated: SaturateEachResult;
  /** Server CPU (user + system) per acknowledged message, in microseconds. */
  cpuPerMessageUs: number;
  /** Group commit during the measured run (the worker store only). */
  commits: {
    calls: number;
    commits: number;
    runMs: number;
    commitMs: number;
    checkpoints: number;
    checkpointMaxMs: number;
  } | null;
}

type Target = { kind: 'parley'; store: StoreKind } | { kind: 'bare' };

export async function measureManyDms(
  target: Target,
  profile: ManyDmsProfile,
): Promise<ManyDmsMeasurement> {
  // PostgreSQL: one node on a fresh schema (dropped afterwards), no Redis.
  const isolation =
    target.kind === 'parley' && target.store === 'postgres' ? await isolate() : null;
  const server =
    target.kind === 'bare'
      ? await startBare()
      : await startParley({
          store: target.store,
          ...(isolation ? { postgresUrl: isolation.databaseUrl } : {}),
        });
  const load = await startLoadGenerator();
  try {
    const { tokens, directIds } = await server.request<SeededUsers>('seedUsers', {
      count: profile.people,
    });
    await load.request('connect', { urls: [server.info.url], tokens });
    await load.request<SaturateEachResult>('saturateEach', {
      conversationIds: directIds,
      durationMs: profile.warmupMs,
    });
    const stats = () =>
      target.kind === 'bare' ? null : server.request<WorkerStats | null>('storeStats');
    const statsBefore = await stats();
    const before = await server.request<NodeJS.CpuUsage>('cpu');
    const saturated = await load.request<SaturateEachResult>('saturateEach', {
      conversationIds: directIds,
      durationMs: profile.durationMs,
    });
    const after = await server.request<NodeJS.CpuUsage>('cpu');
    const statsAfter = await stats();
    await load.request('disconnect');
    const cpuUs = after.user - before.user + (after.system - before.system);
    return {
      saturated,
      cpuPerMessageUs: cpuUs / Math.max(1, saturated.acked),
      commits:
        statsBefore && statsAfter
          ? {
              calls: statsAfter.calls - statsBefore.calls,
              commits: statsAfter.commits - statsBefore.commits,
              runMs: statsAfter.runMs - statsBefore.runMs,
              commitMs: statsAfter.commitMs - statsBefore.commitMs,
              checkpoints: statsAfter.checkpoints - statsBefore.checkpoints,
              // Over the whole run, seeding included: the longest stall a batch could see.
              checkpointMaxMs: statsAfter.checkpointMaxMs,
            }
          : null,
    };
  } finally {
    await load.stop();
    await server.stop();
    server.cleanup();
    await isolation?.drop();
  }
}

export async function runManyDms(
  profile: ManyDmsProfile,
  log: (line: string) => void,
): Promise<Row[]> {
  const size = `${profile.people} DMs`;
  log(`many DMs: bare Socket.IO, ${profile.people} people`);
  const bare = await measureManyDms({ kind: 'bare' }, profile);
  const rows: Row[] = [];
  for (const store of profile.stores) {
    if (store === 'postgres') {
      const unavailable = await servicesUnavailable();
      if (unavailable) {
        rows.push(skippedRow(`many DMs (${store} store)`, size, 'msg/s', unavailable));
        continue;
      }
    }
    log(`many DMs: Parley (${store} store), ${profile.people} people`);
    const parley = await measureManyDms({ kind: 'parley', store }, profile);
    const failed = parley.saturated.failed;
    const batching = parley.commits
      ? `${parley.commits.calls} store calls in ${parley.commits.commits} commits ` +
        `(worker: ${Math.round(parley.commits.runMs)} ms running calls, ` +
        `${Math.round(parley.commits.commitMs)} ms committing); ` +
        `${parley.commits.checkpoints} WAL checkpoints, longest ${Math.round(parley.commits.checkpointMaxMs)} ms`
      : undefined;
    const notes = [failed > 0 ? `${failed} sends failed` : undefined, batching].filter(Boolean);
    rows.push(
      row(
        `many DMs, one send in flight each: acked msg/s (${store} store)`,
        size,
        parley.saturated.messagesPerSecond,
        'msg/s',
        {
          baseline: bare.saturated.messagesPerSecond,
          ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
        },
      ),
      row(
        `many DMs: send->ack p99 at saturation (${store} store)`,
        size,
        parley.saturated.ack.p99,
        'ms',
        { baseline: bare.saturated.ack.p99 },
      ),
      row(
        `many DMs: server CPU per acked message (${store} store)`,
        size,
        parley.cpuPerMessageUs,
        'µs',
        { baseline: bare.cpuPerMessageUs },
      ),
    );
  }
  return rows;
}
