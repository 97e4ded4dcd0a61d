// Issue 17's group workload: one group of 200 people (each their own connection), first at a
// fixed 20 messages a second (send->ack latency, which a busy group's members feel), then
// saturating (acknowledged messages per second, each delivered to every member), for Parley per
// store against bare Socket.IO broadcasting to the same room, in the same run.
import { type Row, row } from '../lib/rows.ts';
import type { StoreKind } from '../servers/stores.ts';
import { type LoadMeasurement, measureLoad } from './serverLoad.ts';

export interface BigGroupProfile {
  members: number;
  ratePerSecond: number;
  warmupMs: number;
  durationMs: number;
  saturateMs: number;
  saturateSenders: number;
  saturateWindow: number;
  stores: StoreKind[];
}

/** Row names, shared with the targets (bench/targets.ts). */
export const bigGroupNames = {
  ackP99: (rate: number, store: string) => `group: send->ack p99 @${rate} msg/s (${store} store)`,
  saturated: (store: string) => `group, saturating: acked msg/s (${store} store)`,
};

export const bigGroupSize = (members: number) => `${members} members`;

function measure(
  target: { kind: 'bare' } | { kind: 'parley'; store: StoreKind },
  profile: BigGroupProfile,
): Promise<LoadMeasurement> {
  return measureLoad(target, profile.members, {
    sizes: [profile.members],
    ratePerSecond: profile.ratePerSecond,
    warmupMs: profile.warmupMs,
    durationMs: profile.durationMs,
    saturateMs: profile.saturateMs,
    saturateSenders: profile.saturateSenders,
    saturateWindow: profile.saturateWindow,
    stores: profile.stores,
  });
}

export async function runBigGroup(
  profile: BigGroupProfile,
  log: (line: string) => void,
): Promise<Row[]> {
  const size = bigGroupSize(profile.members);
  log(`group: bare Socket.IO, ${profile.members} members`);
  const bare = await measure({ kind: 'bare' }, profile);
  const rows: Row[] = [];
  for (const store of profile.stores) {
    log(`group: Parley (${store} store), ${profile.members} members`);
    const parley = await measure({ kind: 'parley', store }, profile);
    const { failed, missing } = parley.fixed;
    const lost = failed + missing > 0 ? { note: `${failed} failed, ${missing} missing` } : {};
    rows.push(
      row(bigGroupNames.ackP99(profile.ratePerSecond, store), size, parley.fixed.ack.p99, 'ms', {
        baseline: bare.fixed.ack.p99,
        ...lost,
      }),
      row(bigGroupNames.saturated(store), size, parley.saturated.messagesPerSecond, 'msg/s', {
        baseline: bare.saturated.messagesPerSecond,
        note: `deliveries/s: ${Math.round(parley.saturated.deliveriesPerSecond)} vs bare ${Math.round(bare.saturated.deliveriesPerSecond)}`,
      }),
    );
  }
  return rows;
}
