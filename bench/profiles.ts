// Sizes and durations of each kind of run. The full run is what docs/benchmarks.md publishes;
// quick keeps every figure but shortens and trims it; smoke only proves everything still runs.
import type { BigGroupProfile } from './suites/bigGroup.ts';
import type { ClusterProfile } from './suites/cluster.ts';
import type { ManyDmsProfile } from './suites/manyDms.ts';
import type { RendererProfile } from './suites/renderer.ts';
import type { SearchProfile } from './suites/search.ts';
import type { LoadProfile } from './suites/serverLoad.ts';

export type ProfileName = 'full' | 'quick' | 'smoke';

export interface Profile {
  load: LoadProfile;
  manyDms: ManyDmsProfile;
  bigGroup: BigGroupProfile;
  payloadMembers: number[];
  cluster: ClusterProfile;
  renderer: RendererProfile;
  search: SearchProfile;
  modelTests: boolean;
}

/** Issue 16's figure: search over 100,000 stored messages in every store. */
const fullSearch: SearchProfile = {
  messages: 100_000,
  conversations: 1_000,
  repeats: 50,
  stores: ['memory', 'sqlite', 'postgres'],
};

/**
 * 5 messages a second into one group: a very busy 1,000-person group, and below what bare
 * Socket.IO and the load generator sustain at 1,000 members on 2 cores, so the latency
 * figures measure the server rather than a queue.
 */
const ratePerSecond = 5;

const fullLoad: LoadProfile = {
  sizes: [10, 100, 1000],
  ratePerSecond,
  warmupMs: 2_000,
  durationMs: 12_000,
  saturateMs: 6_000,
  saturateSenders: 10,
  saturateWindow: 2,
  stores: ['memory', 'sqlite'],
};

/**
 * Issue 17's many-DMs workload: 1,000 people, one send in flight each (about 2 minutes). SQLite
 * as the server runs it (a worker, group commit) and as it ran before, on the event loop, and
 * one PostgreSQL node (skipped when the services do not answer).
 */
const fullManyDms: ManyDmsProfile = {
  people: 1000,
  warmupMs: 2_000,
  durationMs: 8_000,
  stores: ['memory', 'sqlite', 'sqlite-event-loop', 'postgres'],
};

/**
 * Issue 17's group workload: 200 members, 20 messages a second (a very busy group), then
 * saturating with the server-load suite's senders.
 */
const fullBigGroup: BigGroupProfile = {
  members: 200,
  ratePerSecond: 20,
  warmupMs: 2_000,
  durationMs: 10_000,
  saturateMs: 6_000,
  saturateSenders: fullLoad.saturateSenders,
  saturateWindow: fullLoad.saturateWindow,
  stores: ['memory', 'sqlite'],
};

export const profiles: Record<ProfileName, Profile> = {
  full: {
    load: fullLoad,
    manyDms: fullManyDms,
    bigGroup: fullBigGroup,
    payloadMembers: [100, 1000],
    cluster: { ...fullLoad, clients: 1000, nodeCounts: [1, 2, 3] },
    renderer: {
      histories: [10, 1_000, 10_000],
      sidebarConversations: [0, 1_000],
      keystrokes: 60,
      repeats: 5,
    },
    search: fullSearch,
    modelTests: true,
  },
  quick: {
    load: {
      ...fullLoad,
      warmupMs: 1_000,
      durationMs: 4_000,
      saturateMs: 3_000,
      stores: ['memory'],
    },
    manyDms: {
      ...fullManyDms,
      warmupMs: 1_000,
      durationMs: 4_000,
      stores: ['memory', 'sqlite', 'sqlite-event-loop'],
    },
    bigGroup: { ...fullBigGroup, warmupMs: 1_000, durationMs: 4_000, saturateMs: 3_000 },
    payloadMembers: [1000],
    cluster: {
      ...fullLoad,
      warmupMs: 1_000,
      durationMs: 3_000,
      saturateMs: 2_000,
      clients: 1000,
      nodeCounts: [1, 2, 3],
    },
    renderer: {
      histories: [10, 1_000, 10_000],
      sidebarConversations: [0, 1_000],
      keystrokes: 30,
      repeats: 2,
    },
    search: { ...fullSearch, messages: 20_000, conversations: 200, repeats: 10 },
    modelTests: false,
  },
  smoke: {
    load: {
      ...fullLoad,
      sizes: [10, 100],
      warmupMs: 300,
      durationMs: 1_500,
      saturateMs: 1_000,
      stores: ['memory', 'sqlite'],
    },
    manyDms: { people: 50, warmupMs: 300, durationMs: 1_000, stores: ['memory', 'sqlite'] },
    bigGroup: {
      ...fullBigGroup,
      members: 50,
      warmupMs: 300,
      durationMs: 1_000,
      saturateMs: 1_000,
    },
    payloadMembers: [],
    cluster: {
      ...fullLoad,
      warmupMs: 300,
      durationMs: 1_500,
      saturateMs: 1_000,
      clients: 50,
      nodeCounts: [1, 2],
    },
    renderer: { histories: [10, 1_000], sidebarConversations: [100], keystrokes: 10, repeats: 1 },
    search: { ...fullSearch, messages: 2_000, conversations: 40, repeats: 2 },
    modelTests: false,
  },
};
