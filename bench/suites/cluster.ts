// Fan-out across 1, 2 and 3 Parley nodes sharing PostgreSQL and Redis, 1,000 clients spread
// evenly over the nodes, all in one group: delivery latency at a fixed load and throughput.
import type { BenchChild } from '../lib/ipc.ts';
import { type Row, row, skippedRow } from '../lib/rows.ts';
import { isolate, redisUrl, servicesUnavailable } from '../lib/services.ts';
import type { FixedLoadResult, SaturateResult } from '../load/loadGenerator.ts';
import type { ParleyNodeInfo, SeededUsers } from '../servers/parleyNode.ts';
import { type LoadProfile, startLoadGenerator } from './serverLoad.ts';
import { startParley } from './targets.ts';

export interface ClusterProfile extends LoadProfile {
  clients: number;
  nodeCounts: number[];
}

interface ClusterMeasurement {
  fixed: FixedLoadResult;
  saturated: SaturateResult;
}

async function measureCluster(
  nodeCount: number,
  profile: ClusterProfile,
): Promise<ClusterMeasurement> {
  const isolation = await isolate();
  const nodes: BenchChild<ParleyNodeInfo>[] = [];
  const load = await startLoadGenerator();
  try {
    for (let index = 0; index < nodeCount; index += 1) {
      nodes.push(
        await startParley({
          store: 'postgres',
          postgresUrl: isolation.databaseUrl,
          redisUrl,
          redisKeyPrefix: isolation.redisKeyPrefix,
        }),
      );
    }
    const [first] = nodes;
    if (!first) throw new Error('no node started');
    const { tokens } = await first.request<SeededUsers>(
      'seedUsers',
      { count: profile.clients },
      600_000,
    );
    await load.request('connect', { urls: nodes.map((node) => node.info.url), tokens });
    const conversationId = first.info.groupId;
    const fixed = await load.request<FixedLoadResult>('fixedLoad', {
      conversationId,
      ratePerSecond: profile.ratePerSecond,
      warmupMs: profile.warmupMs,
      durationMs: profile.durationMs,
    });
    const saturated = await load.request<SaturateResult>('saturate', {
      conversationId,
      senders: profile.saturateSenders,
      window: profile.saturateWindow,
      durationMs: profile.saturateMs,
    });
    await load.request('disconnect');
    return { fixed, saturated };
  } finally {
    await load.stop();
    for (const node of nodes) await node.stop();
    await isolation.drop();
  }
}

export async function runCluster(
  profile: ClusterProfile,
  log: (line: string) => void,
): Promise<Row[]> {
  const size = (nodes: number) =>
    `${nodes} node${nodes === 1 ? '' : 's'}, ${profile.clients} clients`;
  const unavailable = await servicesUnavailable();
  if (unavailable) {
    return profile.nodeCounts.map((nodes) =>
      skippedRow('cluster fan-out (PostgreSQL + Redis)', size(nodes), 'ms', unavailable),
    );
  }
  const rows: Row[] = [];
  let single: ClusterMeasurement | undefined;
  for (const nodeCount of profile.nodeCounts) {
    log(`cluster: ${nodeCount} node(s), ${profile.clients} clients`);
    const measured = await measureCluster(nodeCount, profile);
    single ??= measured;
    const versus = (value: number) =>
      nodeCount === 1 ? {} : { baseline: value, note: 'baseline: 1 node' };
    const { failed, missing } = measured.fixed;
    const note =
      failed + missing > 0 ? { note: `${failed} sends failed, ${missing} deliveries missing` } : {};
    rows.push(
      row(
        `cluster fan-out p50 @${profile.ratePerSecond} msg/s`,
        size(nodeCount),
        measured.fixed.delivery.p50,
        'ms',
        { ...versus(single.fixed.delivery.p50), ...note },
      ),
      row(
        `cluster fan-out p99 @${profile.ratePerSecond} msg/s`,
        size(nodeCount),
        measured.fixed.delivery.p99,
        'ms',
        { ...versus(single.fixed.delivery.p99), ...note },
      ),
      row(
        'cluster send->ack p50',
        size(nodeCount),
        measured.fixed.ack.p50,
        'ms',
        versus(single.fixed.ack.p50),
      ),
      row(
        'cluster throughput at saturation',
        size(nodeCount),
        measured.saturated.messagesPerSecond,
        'msg/s',
        versus(single.saturated.messagesPerSecond),
      ),
    );
  }
  return rows;
}
