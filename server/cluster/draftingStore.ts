// Who is drafting where, shared by every node through Redis. Besides the entries themselves it
// keeps one sorted set of deadlines for the whole cluster, so a draft lapses (and members hear
// it) even when the node that received the `isDrafting` has died: every node sweeps that set
// and exactly one claims each lapsed draft. Keys also carry a TTL, so nothing lingers if every
// node goes away. Node clocks must agree (NTP): one node writes a deadline, another reads it.
import { Limits } from '../protocol.ts';
import type { DraftEntry, DraftingStore } from '../drafting/types.ts';
import type { RedisClient } from './redisClient.ts';

/** Entry keys outlive a draft's expiry by this much, then Redis drops them. */
const retentionMs = 60_000;

/** Claims one lapsed draft: only if its deadline is still due, so a refresh in between wins. */
const claimLapsedScript = `
local deadline = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not deadline or tonumber(deadline) > tonumber(ARGV[3]) then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[2])
redis.call('HDEL', KEYS[3], ARGV[2])
return 1`;

interface StoredEntry {
  shownAs: string;
  expiresAt: number;
}

export interface LapsedDraft {
  conversationId: string;
  drafterId: string;
}

export class RedisDraftingStore implements DraftingStore {
  #redis: RedisClient;
  #prefix: string;

  constructor(redis: RedisClient, keyPrefix: string) {
    this.#redis = redis;
    this.#prefix = keyPrefix;
  }

  async put(conversationId: string, entry: DraftEntry): Promise<void> {
    const entries = this.#entriesKey(conversationId);
    const since = this.#sinceKey(conversationId);
    const stored: StoredEntry = { shownAs: entry.shownAs, expiresAt: entry.expiresAt };
    await this.#redis
      .multi()
      // First start of this draft: keeps the list in the order people started typing.
      .hSetNX(since, entry.drafterId, String(entry.expiresAt))
      .hSet(entries, entry.drafterId, JSON.stringify(stored))
      .pExpire(entries, Limits.draftingExpiryMs + retentionMs)
      .pExpire(since, Limits.draftingExpiryMs + retentionMs)
      .zAdd(this.#deadlinesKey(), {
        score: entry.expiresAt,
        value: deadlineMember(conversationId, entry.drafterId),
      })
      .exec();
  }

  async remove(conversationId: string, drafterId: string): Promise<void> {
    await this.#redis
      .multi()
      .hDel(this.#entriesKey(conversationId), drafterId)
      .hDel(this.#sinceKey(conversationId), drafterId)
      .zRem(this.#deadlinesKey(), deadlineMember(conversationId, drafterId))
      .exec();
  }

  async list(conversationId: string): Promise<DraftEntry[]> {
    const [entries, since] = await Promise.all([
      this.#redis.hGetAll(this.#entriesKey(conversationId)),
      this.#redis.hGetAll(this.#sinceKey(conversationId)),
    ]);
    return Object.entries(entries)
      .map(([drafterId, json]) => {
        const stored = JSON.parse(json) as StoredEntry;
        return {
          entry: { drafterId, shownAs: stored.shownAs, expiresAt: stored.expiresAt },
          since: Number(since[drafterId] ?? stored.expiresAt),
        };
      })
      .sort((a, b) => a.since - b.since || a.entry.drafterId.localeCompare(b.entry.drafterId))
      .map(({ entry }) => entry);
  }

  /** Removes drafts whose deadline has passed; each is returned to exactly one caller. */
  async claimLapsed(now: number, max = 100): Promise<LapsedDraft[]> {
    const due = await this.#redis.zRangeByScore(this.#deadlinesKey(), '-inf', now, {
      LIMIT: { offset: 0, count: max },
    });
    const claimed: LapsedDraft[] = [];
    for (const member of due) {
      const [conversationId, drafterId] = JSON.parse(member) as [string, string];
      const won = await this.#redis.eval(claimLapsedScript, {
        keys: [
          this.#deadlinesKey(),
          this.#entriesKey(conversationId),
          this.#sinceKey(conversationId),
        ],
        arguments: [member, drafterId, String(now)],
      });
      if (Number(won) === 1) claimed.push({ conversationId, drafterId });
    }
    return claimed;
  }

  #entriesKey(conversationId: string): string {
    return `${this.#prefix}drafting:${conversationId}`;
  }

  #sinceKey(conversationId: string): string {
    return `${this.#prefix}drafting-since:${conversationId}`;
  }

  #deadlinesKey(): string {
    return `${this.#prefix}drafting-deadlines`;
  }
}

function deadlineMember(conversationId: string, drafterId: string): string {
  return JSON.stringify([conversationId, drafterId]);
}

/**
 * Sweeps lapsed drafts every `intervalMs` and reports each conversation whose list changed.
 * Returns a function that stops the sweep.
 */
export function sweepLapsedDrafts(
  store: RedisDraftingStore,
  onLapsed: (conversationId: string) => void,
  onError: (error: unknown) => void,
  intervalMs = 1_000,
): () => void {
  let sweeping = false;
  const timer = setInterval(() => {
    // A sweep that waits on Redis (an outage) is not stacked with more.
    if (sweeping) return;
    sweeping = true;
    store
      .claimLapsed(Date.now())
      .then((lapsed) => {
        for (const conversationId of new Set(lapsed.map((draft) => draft.conversationId))) {
          onLapsed(conversationId);
        }
      })
      .catch(onError)
      .finally(() => {
        sweeping = false;
      });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
