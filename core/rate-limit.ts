/**
 * Edge rate limits over KV (docs/decisions/003): fixed windows, counted in the isolate and written to
 * KV at most once a second per counter (KV's limit for one key). Each isolate adds its own
 * increments to the shared count when it flushes, so several isolates converge on the total;
 * between flushes an isolate sees only its own traffic plus the last value it read, so the
 * limit is approximate by nature. bench/rate-limit-accuracy.mjs measures how approximate.
 * Billing-grade quotas are exact, in the org's Durable Object, not here.
 */
export interface RateLimitRule {
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds when the window resets. */
  resetAt: number;
  retryAfterSeconds: number;
}

interface Counter {
  windowStart: number;
  /** Count in KV when this isolate last read or wrote it. */
  shared: number;
  /** Increments this isolate has not written yet. */
  pending: number;
  /** Increments being written right now (still counted until the write lands). */
  inFlight: number;
  lastFlush: number;
  flushing: Promise<void> | null;
}

const FLUSH_INTERVAL_MS = 1_000;
const MAX_COUNTERS = 10_000;

export class KvRateLimiter {
  private readonly counters = new Map<string, Counter>();
  /** Concurrent first requests of a window share one KV read instead of racing to create counters. */
  private readonly loading = new Map<string, Promise<Counter>>();

  constructor(private readonly kv: KVNamespace) {}

  /**
   * Counts one request against `bucket` and decides. `defer` receives the KV write so the
   * caller can run it after the response (waitUntil).
   */
  async hit(
    bucket: string,
    rule: RateLimitRule,
    defer: (work: Promise<unknown>) => void,
    now = Date.now(),
  ): Promise<RateLimitDecision> {
    const windowMs = rule.windowSeconds * 1000;
    const windowStart = Math.floor(now / windowMs) * windowMs;
    const kvKey = `rl:${bucket}:${windowStart}`;
    const counter = this.counters.get(kvKey) ?? (await this.load(kvKey, windowStart, now));
    const resetAt = Math.ceil((windowStart + windowMs) / 1000);
    const used = counter.shared + counter.pending + counter.inFlight;
    const due = now - counter.lastFlush >= FLUSH_INTERVAL_MS && !counter.flushing && counter.pending !== 0;
    if (used >= rule.limit) {
      // Denied requests still publish what this isolate admitted, so other isolates converge.
      if (due) defer(this.flush(kvKey, counter, rule, now));
      return {
        allowed: false,
        limit: rule.limit,
        remaining: 0,
        resetAt,
        retryAfterSeconds: Math.max(1, resetAt - Math.floor(now / 1000)),
      };
    }
    counter.pending += 1;
    if (due || (now - counter.lastFlush >= FLUSH_INTERVAL_MS && !counter.flushing))
      defer(this.flush(kvKey, counter, rule, now));
    return {
      allowed: true,
      limit: rule.limit,
      remaining: Math.max(0, rule.limit - used - 1),
      resetAt,
      retryAfterSeconds: 0,
    };
  }

  /**
   * Takes back one request counted against `bucket` in the current window: a login that
   * succeeded, since the login backoff is for failed guesses, not for people signing in.
   */
  refund(bucket: string, rule: RateLimitRule, now = Date.now()): void {
    const windowMs = rule.windowSeconds * 1000;
    const counter = this.counters.get(`rl:${bucket}:${Math.floor(now / windowMs) * windowMs}`);
    // Pending may go below zero when the hit was already being written: the next flush subtracts.
    if (counter && counter.shared + counter.pending + counter.inFlight > 0) counter.pending -= 1;
  }

  private load(kvKey: string, windowStart: number, now: number): Promise<Counter> {
    let loading = this.loading.get(kvKey);
    if (!loading) {
      loading = (async () => {
        const stored = Number((await this.kv.get(kvKey)) ?? 0);
        const counter: Counter = {
          windowStart,
          shared: Number.isFinite(stored) ? stored : 0,
          pending: 0,
          inFlight: 0,
          lastFlush: now,
          flushing: null,
        };
        this.remember(kvKey, counter);
        return counter;
      })().finally(() => this.loading.delete(kvKey));
      this.loading.set(kvKey, loading);
    }
    return loading;
  }

  /** Writes pending increments: re-read, add ours, write (last writer wins between isolates). */
  private flush(kvKey: string, counter: Counter, rule: RateLimitRule, now: number): Promise<void> {
    counter.lastFlush = now;
    const pending = counter.pending;
    counter.pending = 0;
    counter.inFlight = pending;
    counter.flushing = (async () => {
      try {
        const stored = Number((await this.kv.get(kvKey)) ?? 0);
        const total = Math.max(0, (Number.isFinite(stored) ? stored : 0) + pending);
        await this.kv.put(kvKey, String(total), { expirationTtl: Math.max(60, rule.windowSeconds * 2) });
        counter.shared = Math.max(counter.shared + pending, total);
      } catch {
        counter.pending += pending; // try again on the next flush
      } finally {
        counter.inFlight = 0;
        counter.flushing = null;
      }
    })();
    return counter.flushing;
  }

  /** Pending increments of every counter (end of a benchmark, or tests). */
  async flushAll(): Promise<void> {
    await Promise.all(
      [...this.counters.entries()].map(([key, counter]) =>
        counter.pending !== 0
          ? this.flush(key, counter, { limit: 0, windowSeconds: 60 }, Date.now())
          : counter.flushing,
      ),
    );
  }

  private remember(key: string, counter: Counter) {
    if (this.counters.size >= MAX_COUNTERS) {
      for (const [oldKey, old] of this.counters)
        if (old.windowStart < counter.windowStart) this.counters.delete(oldKey);
      if (this.counters.size >= MAX_COUNTERS) this.counters.clear();
    }
    this.counters.set(key, counter);
  }
}

/**
 * Creating organizations (each gets a team on the platform's model key): at most this many
 * owned at once per user (exact, from D1), and this many created per user per day (KV window).
 */
export const ORG_CREATION_LIMITS = {
  maxOwnedPerUser: 5,
  perUserPerDay: { limit: 10, windowSeconds: 86_400 },
} as const;

/**
 * Counts one event against `bucket` and writes it to KV before returning: for rare actions
 * (creating an org) where each count must reach KV, not wait for the next flush.
 */
export async function hitNow(kv: KVNamespace, bucket: string, rule: RateLimitRule): Promise<RateLimitDecision> {
  const limiter = new KvRateLimiter(kv);
  const decision = await limiter.hit(bucket, rule, () => undefined);
  if (decision.allowed) await limiter.flushAll();
  return decision;
}

/** Limits for unauthenticated auth endpoints (per IP, per IP and email, per email). */
export const AUTH_RATE_LIMITS = {
  loginPerIp: { limit: 30, windowSeconds: 60 },
  /**
   * One address guessing one account: a backoff in steps (5 a minute, 10 in 15 minutes, 20 an
   * hour) that only that address feels, so nobody else can lock the owner out this way.
   */
  loginPerIpAndEmail: [
    { limit: 5, windowSeconds: 60 },
    { limit: 10, windowSeconds: 900 },
    { limit: 20, windowSeconds: 3_600 },
  ],
  /** A distributed guess at one account: a loose ceiling, far above what the owner needs. */
  loginPerEmail: { limit: 100, windowSeconds: 3_600 },
  signupPerIp: { limit: 10, windowSeconds: 600 },
  invitationPerIp: { limit: 30, windowSeconds: 600 },
  /** Password-reset and confirmation emails asked for, per address: each one sends an email. */
  accountEmailPerIp: { limit: 10, windowSeconds: 900 },
  /** …and per recipient, so nobody can flood one inbox from many addresses. */
  accountEmailPerEmail: { limit: 5, windowSeconds: 3_600 },
  /** Browser error reports (`POST /client-errors`), forwarded to error monitoring. */
  clientErrorsPerIp: { limit: 30, windowSeconds: 60 },
  /** `GET /v1/health` runs a query on each dependency. */
  healthPerIp: { limit: 30, windowSeconds: 60 },
  /** `GET /v1/live` WebSocket upgrades (each one authenticates and wakes an OrgHub). */
  livePerIp: { limit: 60, windowSeconds: 60 },
} as const satisfies Record<string, RateLimitRule | readonly RateLimitRule[]>;

/**
 * Demo sandboxes (core/demo.ts) one address may create in an hour. Each is a D1 org and an
 * OrgHub with runs in flight, so the default is small; `DEMO_SANDBOXES_PER_IP_HOUR` changes it
 * (the benchmark raises it: all its traffic comes from one loopback address).
 */
export const DEMO_SANDBOXES_PER_IP_HOUR = 10;

export function demoSandboxLimit(
  ip: string,
  perHour = DEMO_SANDBOXES_PER_IP_HOUR,
): { bucket: string; rule: RateLimitRule } {
  return { bucket: `demo:ip:${ip}`, rule: { limit: perHour, windowSeconds: 3_600 } };
}

/**
 * The buckets one login attempt counts against once the email is known (after the per-IP
 * limit): the per-IP-and-email backoff steps, then the per-email ceiling. `email` normalised.
 */
export function loginAttemptLimits(ip: string, email: string): Array<{ bucket: string; rule: RateLimitRule }> {
  return [
    ...AUTH_RATE_LIMITS.loginPerIpAndEmail.map((rule) => ({
      bucket: `login:ip-email:${rule.windowSeconds}:${ip}:${email}`,
      rule,
    })),
    { bucket: `login:email:${email}`, rule: AUTH_RATE_LIMITS.loginPerEmail },
  ];
}
