// Rate limits for benchmark nodes: the real limiter (memory or Redis, so its cost is measured)
// with allowances no benchmark reaches. A few senders pushing a node to saturation, or 1,000
// people on one loopback address, would otherwise measure refusals, not the server.
import {
  createRateLimits,
  defaultLimitRules,
  type LimiterFactory,
  type LimitName,
  type LimitRule,
  type RateLimits,
} from '../../server/limits/rateLimits.ts';

const unreachable: LimitRule = { points: 1_000_000_000, durationSeconds: 1 };

export const benchLimitRules = Object.fromEntries(
  Object.keys(defaultLimitRules).map((name) => [name, unreachable]),
) as Record<LimitName, LimitRule>;

export function benchRateLimits(storeFactory?: LimiterFactory): RateLimits {
  return createRateLimits({ rules: benchLimitRules, ...(storeFactory ? { storeFactory } : {}) });
}
