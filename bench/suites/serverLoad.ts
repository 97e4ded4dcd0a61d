// Server figures at 10, 100 and 1,000 clients sharing a group: latency at a fixed offered
// load, throughput at saturation and memory per idle connection, for Parley (per store) and
// bare Socket.IO in the same run, each figure with its ratio to bare.
import type { MemorySample } from '../lib/memory.ts';
import { type BenchChild, startChild } from '../lib/ipc.ts';
import { type Row, row } from '../lib/rows.ts';
import type { LatencySummary } from '../lib/stats.ts';
import type { FixedLoadResult, SaturateResult } from '../load/loadGenerator.ts';
import type { SeededUsers } from '../servers/parleyNode.ts';
import type { StoreKind } from '../servers/stores.ts';
import { type ServerInfo, startBare, startParley } from './targets.ts';

export interface LoadProfile {
  sizes: number[];
  /** Offered load in messages per second, the same at every size. */
  ratePerSecond: number;
  warmupMs: number;
  durationMs: number;
  saturateMs: number;
  saturateSenders: number;
  saturateWindow: number;
  stores: StoreKind[];
}

export interface LoadMeasurement {
  fixed: FixedLoadResult;
  saturated: SaturateResult;
  /** Bytes per idle authenticated connection (after - before) / clients. */
  perConnection: MemorySample;
  connectMs: number;
}

type Target = { kind: 'parley'; store: StoreKind } | { kind: 'bare' };

export async function startLoadGenerator(): Promise<BenchChild<{ pid: number }>> {
  return startChild<{ pid: number }>('load/loadGenerator.ts', {});
}

/** One server, `clients` connections in its group, then the workload. */
export async function measureLoad(
  target: Target,
  clients: number,
  profile: LoadProfile,
): Promise<LoadMeasurement> {
  const server =
    target.kind === 'bare' ? await startBare() : await startParley({ store: target.store });
  const load = await startLoadGenerator();
  try {
    const info: ServerInfo = server.info;
    const { tokens } = await server.request<SeededUsers>('seedUsers', { count: clients });
    const before = await server.request<MemorySample>('memory');
    const { ms: connectMs } = await load.request<{ ms: number }>('connect', {
      urls: [info.url],
      tokens,
    });
    const after = await server.request<MemorySample>('memory');
    const fixed = await load.request<FixedLoadResult>('fixedLoad', {
      conversationId: info.groupId,
      ratePerSecond: profile.ratePerSecond,
      warmupMs: profile.warmupMs,
      durationMs: profile.durationMs,
    });
    const saturated = await load.request<SaturateResult>('saturate', {
      conversationId: info.groupId,
      senders: profile.saturateSenders,
      window: profile.saturateWindow,
      durationMs: profile.saturateMs,
    });
    await load.request('disconnect');
    return {
      fixed,
      saturated,
      connectMs,
      perConnection: {
        rss: (after.rss - before.rss) / clients,
        heapUsed: (after.heapUsed - before.heapUsed) / clients,
      },
    };
  } finally {
    await load.stop();
    await server.stop();
    server.cleanup();
  }
}

const latencyFigures: [string, (m: LoadMeasurement) => LatencySummary, 'p50' | 'p99'][] = [
  ['send->ack p50', (m) => m.fixed.ack, 'p50'],
  ['send->ack p99', (m) => m.fixed.ack, 'p99'],
  ['send->delivery p50', (m) => m.fixed.delivery, 'p50'],
  ['send->delivery p99', (m) => m.fixed.delivery, 'p99'],
];

function loadNote(measurement: LoadMeasurement): string | undefined {
  const { failed, missing } = measurement.fixed;
  if (failed === 0 && missing === 0) return undefined;
  return `${failed} sends failed, ${missing} deliveries missing`;
}

export function loadRows(
  label: string,
  clients: number,
  parley: LoadMeasurement,
  bare: LoadMeasurement,
  profile: LoadProfile,
): Row[] {
  const size = `${clients} clients`;
  const rows = latencyFigures.map(([name, pick, p]) => {
    const note = loadNote(parley);
    return row(`${name} @${profile.ratePerSecond} msg/s (${label})`, size, pick(parley)[p], 'ms', {
      baseline: pick(bare)[p],
      ...(note ? { note } : {}),
    });
  });
  rows.push(
    row(`throughput at saturation (${label})`, size, parley.saturated.messagesPerSecond, 'msg/s', {
      baseline: bare.saturated.messagesPerSecond,
      note: `deliveries/s: ${Math.round(parley.saturated.deliveriesPerSecond)} vs bare ${Math.round(bare.saturated.deliveriesPerSecond)}`,
    }),
  );
  if (clients >= 1000) {
    rows.push(
      row(
        `RSS per idle authenticated connection (${label})`,
        size,
        parley.perConnection.rss / 1024,
        'KiB',
        {
          baseline: bare.perConnection.rss / 1024,
        },
      ),
      row(
        `heap per idle authenticated connection (${label})`,
        size,
        parley.perConnection.heapUsed / 1024,
        'KiB',
        {
          baseline: bare.perConnection.heapUsed / 1024,
        },
      ),
    );
  }
  return rows;
}

export async function runServerLoad(
  profile: LoadProfile,
  log: (line: string) => void,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const clients of profile.sizes) {
    log(`server: bare Socket.IO with ${clients} clients`);
    const bare = await measureLoad({ kind: 'bare' }, clients, profile);
    for (const store of profile.stores) {
      log(`server: Parley (${store} store) with ${clients} clients`);
      const parley = await measureLoad({ kind: 'parley', store }, clients, profile);
      rows.push(...loadRows(`${store} store`, clients, parley, bare, profile));
    }
  }
  return rows;
}
