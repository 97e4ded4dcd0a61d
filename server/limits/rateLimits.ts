// Per-user and per-phone rate limits, counted by rate-limiter-flexible. The limiters come from
// a factory so a cluster can count in Redis (RateLimiterRedis) instead of in process memory.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { AckError } from '../protocol.ts';

/** What is limited, and by which key. */
export type LimitName =
  /** sendMessage, per user. */
  | 'sendMessage'
  /** isDrafting, per user. */
  | 'isDrafting'
  /** requestVerificationCode, per phone (SMS cost and harassment of one number). */
  | 'codeRequestsPerPhone'
  /** requestVerificationCode, per connection (one client spraying many numbers). */
  | 'codeRequestsPerConnection'
  /** requestVerificationCode, per client address (many connections from one place). */
  | 'codeRequestsPerAddress'
  /** requestVerificationCode, all together (what the SMS bill can take, whoever asks). */
  | 'codeRequestsGlobal'
  /** verifyCode, per connection: every attempt counts. */
  | 'codeAttemptsPerConnection'
  /** verifyCode, per client address: every attempt counts. */
  | 'codeAttemptsPerAddress'
  /**
   * verifyCode, per phone and client address: only wrong guesses count, and each address has
   * its own, so strangers cannot lock a person out by spending the phone's allowance.
   */
  | 'codeFailuresPerPhone'
  /** creatingNewUser, per connection. */
  | 'createUserPerConnection'
  /** requestConversationsAndUsers, per user: the dearest read (the whole world). */
  | 'syncPerUser'
  /** requestMessages, per user. */
  | 'historyPerUser'
  /** signOut, listSessions, revokeSession, per session (a thief's cannot block the owner's). */
  | 'sessionEvents'
  /** searchPeople, per user: a scan of the directory, and the way to harvest it. */
  | 'peopleSearches'
  /** createConversation, per user: every new conversation lands in other people's lists. */
  | 'conversationCreates'
  /** addMembers, removeMember, leaveConversation, per user. */
  | 'membershipChanges'
  /**
   * updateProfile and setAvatarImage, per user: each change is pushed to everyone who shares a
   * conversation.
   */
  | 'profileUpdates'
  /** markRead, per user: one per conversation opened or message read while open. */
  | 'readMarks'
  /** markDelivered, per user: one per message that reaches a conversation not being read. */
  | 'deliveryMarks'
  /** listReceipts, per user: reads every member's position in the conversation. */
  | 'receiptLists'
  /** setMuted, per user: each switch is pushed to the person's other windows. */
  | 'muteSwitches'
  /** editMessage, per user: each edit is pushed to every member. */
  | 'messageEdits'
  /** deleteMessage, per user: each deletion is pushed to every member. */
  | 'messageDeletes'
  /** hideMessage, per user: each hide is kept for good and pushed to the person's windows. */
  | 'messageHides'
  /** reactToMessage, per user: each reaction is pushed to every member. */
  | 'messageReactions'
  /** listMessageChanges, per user: a page of changed messages, priced like one of history. */
  | 'messageChangeLists'
  /** searchMessages, per user: each one reads the full-text index of all their conversations. */
  | 'messageSearches'
  /** Handshakes, per client address, in the node's memory (reconnect loops, socket floods). */
  | 'connectionsPerAddress'
  /**
   * Every event a connection sends, known or not, before anything else is done with it.
   * Counted in process memory even when clustered: a connection lives on one node.
   */
  | 'eventsPerConnection';

export interface LimitRule {
  points: number;
  /** Seconds over which `points` may be spent. */
  durationSeconds: number;
}

/**
 * Generous for people, tight for scripts. Sends: 10/s sustained is beyond any typist but stops
 * a flood. Drafting: the client refreshes every 3 s; 30 per 10 s leaves room for many tabs.
 * Codes: the 30 s resend countdown already applies; these cap what a day of retries can cost,
 * per phone, per connection, per address (an office behind one NAT still fits) and in all.
 * Sync: every (re)connect of every window asks once. History: a fast scroll or a long catch-up
 * is a page per request. People search: one per keystroke pause is far below 60 a minute, and
 * a script harvesting names gets 1,200 results a minute at most. New conversations: 30 an hour
 * is many for a person and little for a spammer pulling strangers into groups. Edits and
 * deletions: 30 a minute is a correction every two seconds; hides 60 (clearing a few by hand);
 * reactions 120 (tapping through emoji); changes after a reconnect: a page per request.
 * Message search: one search every two seconds is more than anyone types (the client searches
 * when typing pauses), and a script paging through the history with it reads at most 30 pages
 * of 50 hits a minute.
 */
export const defaultLimitRules: Readonly<Record<LimitName, LimitRule>> = {
  sendMessage: { points: 50, durationSeconds: 5 },
  isDrafting: { points: 30, durationSeconds: 10 },
  codeRequestsPerPhone: { points: 5, durationSeconds: 60 * 60 },
  codeRequestsPerConnection: { points: 10, durationSeconds: 10 * 60 },
  codeRequestsPerAddress: { points: 30, durationSeconds: 60 * 60 },
  codeRequestsGlobal: { points: 600, durationSeconds: 10 * 60 },
  codeAttemptsPerConnection: { points: 20, durationSeconds: 10 * 60 },
  codeAttemptsPerAddress: { points: 100, durationSeconds: 60 * 60 },
  codeFailuresPerPhone: { points: 15, durationSeconds: 60 * 60 },
  createUserPerConnection: { points: 10, durationSeconds: 10 * 60 },
  syncPerUser: { points: 30, durationSeconds: 60 },
  historyPerUser: { points: 300, durationSeconds: 60 },
  sessionEvents: { points: 30, durationSeconds: 60 },
  peopleSearches: { points: 60, durationSeconds: 60 },
  conversationCreates: { points: 30, durationSeconds: 60 * 60 },
  membershipChanges: { points: 60, durationSeconds: 10 * 60 },
  profileUpdates: { points: 20, durationSeconds: 10 * 60 },
  readMarks: { points: 120, durationSeconds: 60 },
  deliveryMarks: { points: 240, durationSeconds: 60 },
  receiptLists: { points: 60, durationSeconds: 60 },
  muteSwitches: { points: 30, durationSeconds: 60 },
  messageEdits: { points: 30, durationSeconds: 60 },
  messageDeletes: { points: 30, durationSeconds: 60 },
  messageHides: { points: 60, durationSeconds: 60 },
  messageReactions: { points: 120, durationSeconds: 60 },
  messageChangeLists: { points: 120, durationSeconds: 60 },
  messageSearches: { points: 30, durationSeconds: 60 },
  connectionsPerAddress: { points: 120, durationSeconds: 60 },
  eventsPerConnection: { points: 200, durationSeconds: 10 },
};

/** Limits whose key lives on one node: never worth a round trip to a shared store. */
export const nodeLocalLimits: ReadonlySet<LimitName> = new Set([
  'eventsPerConnection',
  'connectionsPerAddress',
]);

/** The part of rate-limiter-flexible's limiter Parley uses (RateLimiterMemory, ...Redis). */
export interface PointLimiter {
  consume(key: string | number, points?: number): Promise<RateLimiterRes>;
  get(key: string | number): Promise<RateLimiterRes | null>;
}

export interface LimiterOptions {
  /** Unique per limit, so several limiters can share one Redis. */
  keyPrefix: string;
  points: number;
  /** Seconds. */
  duration: number;
}

/** Builds one limiter; e.g. `(options) => new RateLimiterRedis({ storeClient, ...options })`. */
export type LimiterFactory = (name: LimitName, options: LimiterOptions) => PointLimiter;

export type LimitVerdict = { allowed: true } | { allowed: false; retryAfterMs: number };

export interface RateLimits {
  /** Spends one point of `name` for `key`; refused when none is left. */
  consume(name: LimitName, key: string): Promise<LimitVerdict>;
  /** Whether a point of `name` is left for `key`, spending nothing. */
  peek(name: LimitName, key: string): Promise<LimitVerdict>;
}

export interface RateLimitsOptions {
  /** Default: RateLimiterMemory (one process). */
  storeFactory?: LimiterFactory;
  /** Overrides per limit (tests, deployments with other needs). */
  rules?: Partial<Record<LimitName, LimitRule>>;
}

const memoryLimiter: LimiterFactory = (_name, options) => new RateLimiterMemory(options);

export function createRateLimits(options: RateLimitsOptions = {}): RateLimits {
  const factory = options.storeFactory ?? memoryLimiter;
  const rules = { ...defaultLimitRules, ...options.rules };
  const limiters = new Map<LimitName, PointLimiter>();
  for (const name of Object.keys(rules) as LimitName[]) {
    const rule = rules[name];
    limiters.set(
      name,
      (nodeLocalLimits.has(name) ? memoryLimiter : factory)(name, {
        keyPrefix: `parley-limit-${name}`,
        points: rule.points,
        duration: rule.durationSeconds,
      }),
    );
  }
  const limiterOf = (name: LimitName): PointLimiter => {
    const limiter = limiters.get(name);
    if (!limiter) throw new Error(`no rate limit named ${name}`);
    return limiter;
  };
  return {
    async peek(name, key) {
      const state = await limiterOf(name).get(key);
      if (!state || state.consumedPoints < rules[name].points) return { allowed: true };
      return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(state.msBeforeNext)) };
    },
    async consume(name, key) {
      const limiter = limiterOf(name);
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (rejection) {
        // rate-limiter-flexible rejects with a RateLimiterRes when the points are spent, and
        // with an Error when its store fails: only the first is a refusal.
        if (rejection instanceof RateLimiterRes) {
          return { allowed: false, retryAfterMs: Math.max(1, Math.ceil(rejection.msBeforeNext)) };
        }
        throw rejection;
      }
    },
  };
}

/** The error ack for a refused request. */
export function rateLimitedAck(retryAfterMs: number): AckError {
  return {
    ok: false,
    error: {
      code: 'rate_limited',
      message: `too many requests: try again in ${Math.ceil(retryAfterMs / 1000)} s`,
      retryAfterMs,
    },
  };
}
