// channelUpdate wire bytes as the history grows (10 -> 10,000 messages) and as the group grows
// (members are seeded, only two of them connect): neither may change them.
import { type Row, row } from '../lib/rows.ts';
import type { SeededUsers } from '../servers/parleyNode.ts';
import type { StoreKind } from '../servers/stores.ts';
import { startLoadGenerator } from './serverLoad.ts';
import { startParley } from './targets.ts';

async function channelUpdateBytes(
  store: StoreKind,
  members: number,
  historySizes: number[],
): Promise<Map<number, number>> {
  const server = await startParley({ store });
  const load = await startLoadGenerator();
  try {
    const { tokens } = await server.request<SeededUsers>('seedUsers', { count: members });
    await load.request('connect', {
      urls: [server.info.url],
      tokens: tokens.slice(0, historySizes.length + 1),
    });
    const bytes = new Map<number, number>();
    // The seeded group already holds a few messages; top it up to each size in turn.
    let history = 5;
    for (const size of historySizes) {
      if (size > history) {
        await server.request('seedHistory', {
          conversationId: server.info.groupId,
          count: size - history,
        });
        history = size;
      }
      bytes.set(
        size,
        await load.request<number>('channelUpdateBytes', {
          conversationId: server.info.groupId,
          senderIndex: bytes.size + 1,
        }),
      );
      history += 1;
    }
    return bytes;
  } finally {
    await load.stop();
    await server.stop();
    server.cleanup();
  }
}

export async function runPayload(
  stores: StoreKind[],
  memberSizes: number[],
  log: (line: string) => void,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const store of stores) {
    const name = `channelUpdate bytes (${store} store)`;
    log(`payload: channelUpdate size, ${store} store`);
    const byHistory = await channelUpdateBytes(store, 10, [10, 10_000]);
    const small = byHistory.get(10) ?? Number.NaN;
    for (const [size, bytes] of byHistory) {
      rows.push(
        row(
          name,
          `${size} messages, 10 members`,
          bytes,
          'B',
          size === 10 ? {} : { baseline: small, note: 'baseline: the 10-message figure' },
        ),
      );
    }
    for (const members of memberSizes) {
      const byMembers = await channelUpdateBytes(store, members, [10]);
      rows.push(
        row(name, `10 messages, ${members} members`, byMembers.get(10) ?? null, 'B', {
          baseline: small,
          note: 'baseline: the 10-member figure',
        }),
      );
    }
  }
  return rows;
}
