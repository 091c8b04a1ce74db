/**
 * The UI's login, signup and invitation forms are limited like their JSON twins
 * (worker/routes/auth.ts): same KV limiter, same buckets, same rules, so both faces draw on
 * one count per IP, per IP and email, and per email (shared through KV; approximate by nature: docs/decisions/003).
 */
import type { AppLoadContext } from '@remix-run/cloudflare';
import { ApiError } from '../../core/errors';
import { AUTH_RATE_LIMITS, KvRateLimiter, loginAttemptLimits, type RateLimitRule } from '../../core/rate-limit';
import { normalizeEmail } from '../../core/users';

// One limiter per isolate and KV binding: its in-memory counters batch the KV writes.
const limiters = new WeakMap<KVNamespace, KvRateLimiter>();

function limiterFor(kv: KVNamespace): KvRateLimiter {
  let limiter = limiters.get(kv);
  if (!limiter) limiters.set(kv, (limiter = new KvRateLimiter(kv)));
  return limiter;
}

export const authLimits = {
  loginPerIp: (ip: string) => ({ bucket: `login:ip:${ip}`, rule: AUTH_RATE_LIMITS.loginPerIp }),
  /** Per IP and email (a backoff), then the per-email ceiling: core/rate-limit.ts loginAttemptLimits. */
  loginAttempt: (ip: string, email: string) => loginAttemptLimits(ip, normalizeEmail(email)),
  signupPerIp: (ip: string) => ({ bucket: `signup:ip:${ip}`, rule: AUTH_RATE_LIMITS.signupPerIp }),
  invitationPerIp: (ip: string) => ({ bucket: `invitation:ip:${ip}`, rule: AUTH_RATE_LIMITS.invitationPerIp }),
  accountEmailPerIp: (ip: string) => ({ bucket: `account-email:ip:${ip}`, rule: AUTH_RATE_LIMITS.accountEmailPerIp }),
  accountEmailPerEmail: (email: string) => ({
    bucket: `account-email:email:${normalizeEmail(email)}`,
    rule: AUTH_RATE_LIMITS.accountEmailPerEmail,
  }),
} as const;

/** Takes back one counted request of each limit (a login that succeeded). */
export function refundRateLimits(context: AppLoadContext, limits: Array<{ bucket: string; rule: RateLimitRule }>) {
  const limiter = limiterFor(context.cloudflare.env.KV);
  for (const limit of limits) limiter.refund(limit.bucket, limit.rule);
}

/** Counts one attempt; throws a 429 ApiError ("Too many attempts…") when over the limit. */
export async function enforceRateLimit(
  context: AppLoadContext,
  limit: { bucket: string; rule: RateLimitRule },
): Promise<void> {
  const { env, ctx } = context.cloudflare;
  const decision = await limiterFor(env.KV).hit(limit.bucket, limit.rule, (work) => ctx.waitUntil(work));
  if (!decision.allowed) {
    throw new ApiError(
      'rate_limited',
      `Too many attempts, try again in ${decision.retryAfterSeconds} s.`,
      { limit: decision.limit, reset_at: decision.resetAt },
      {
        'Retry-After': String(decision.retryAfterSeconds),
      },
    );
  }
}
