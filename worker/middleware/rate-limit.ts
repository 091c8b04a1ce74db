import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from '../../core/errors';
import { getPlan, type PlanId } from '../../core/plans';
import { KvRateLimiter, type RateLimitDecision, type RateLimitRule } from '../../core/rate-limit';
import type { AppEnv } from '../types';

// One limiter per isolate (and KV binding): its in-memory counters are the aggregation layer.
const limiters = new WeakMap<KVNamespace, KvRateLimiter>();
export function rateLimiterFor(kv: KVNamespace): KvRateLimiter {
  let limiter = limiters.get(kv);
  if (!limiter) limiters.set(kv, (limiter = new KvRateLimiter(kv)));
  return limiter;
}

export function clientIp(c: Context): string {
  return c.req.header('cf-connecting-ip') ?? c.req.header('x-real-ip') ?? 'local';
}

function applyHeaders(c: Context, decision: RateLimitDecision) {
  c.header('X-RateLimit-Limit', String(decision.limit));
  c.header('X-RateLimit-Remaining', String(decision.remaining));
  c.header('X-RateLimit-Reset', String(decision.resetAt));
}

/** Counts one request in `bucket`; 429 with Retry-After when over. Headers on every response. */
export async function enforceRateLimit(c: Context<AppEnv>, bucket: string, rule: RateLimitRule): Promise<void> {
  const decision = await rateLimiterFor(c.env.KV).hit(bucket, rule, (work) => c.executionCtx.waitUntil(work));
  applyHeaders(c, decision);
  if (!decision.allowed) {
    throw new ApiError(
      'rate_limited',
      `Too many requests. Try again in ${decision.retryAfterSeconds} s.`,
      { limit: decision.limit, reset_at: decision.resetAt },
      {
        'Retry-After': String(decision.retryAfterSeconds),
        'X-RateLimit-Limit': String(decision.limit),
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': String(decision.resetAt),
      },
    );
  }
}

/**
 * Per-key (or per user and org) limits on /v1 from the org's plan (core/plans.ts). Runs after
 * `requireOrg()`.
 *
 * @example v1.use('/v1/*', requireOrg(), apiRateLimit())
 */
export function apiRateLimit(): MiddlewareHandler<AppEnv> {
  return async function apiRateLimit(c, next) {
    const { ctx, organization } = c.get('org');
    const plan = getPlan(organization.plan as PlanId);
    const bucket = ctx.actor.type === 'api_key' ? `key:${ctx.actor.id}` : `user:${ctx.actor.id}:${ctx.orgId}`;
    await enforceRateLimit(c, bucket, { limit: plan.limits.apiRequestsPerMinute, windowSeconds: 60 });
    await next();
  };
}
