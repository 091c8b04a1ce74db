import { describe, expect, it } from 'vitest';
import { KvRateLimiter } from './rate-limit';

/** An in-memory stand-in for the KV binding with an optional read delay. */
function fakeKv(delayMs = 0) {
  const store = new Map<string, string>();
  const wait = () => new Promise((r) => setTimeout(r, delayMs));
  return {
    store,
    kv: {
      get: async (key: string) => {
        await wait();
        return store.get(key) ?? null;
      },
      put: async (key: string, value: string) => {
        await wait();
        store.set(key, value);
      },
    } as unknown as KVNamespace,
  };
}

const rule = { limit: 10, windowSeconds: 60 };

describe('KvRateLimiter', () => {
  it('allows exactly the limit in one isolate, even when the first requests arrive together', async () => {
    const { kv } = fakeKv(5);
    const limiter = new KvRateLimiter(kv);
    const work: Promise<unknown>[] = [];
    const decisions = await Promise.all(
      Array.from({ length: 25 }, () => limiter.hit('key:a', rule, (w) => work.push(w), 1_000_000)),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    expect(decisions.filter((d) => !d.allowed).every((d) => d.retryAfterSeconds > 0 && d.remaining === 0)).toBe(true);
  });

  it('takes back a refunded request, before or after its count was written to KV', async () => {
    const { kv, store } = fakeKv();
    const limiter = new KvRateLimiter(kv);
    const work: Promise<unknown>[] = [];
    const t = 3_000_000;
    // Ten hits, each refunded (ten successful sign-ins): the window still has all ten left.
    for (let i = 0; i < 10; i++) {
      expect((await limiter.hit('key:r', rule, (w) => work.push(w), t)).allowed).toBe(true);
      limiter.refund('key:r', rule, t);
    }
    const decisions = [];
    for (let i = 0; i < 11; i++) decisions.push(await limiter.hit('key:r', rule, (w) => work.push(w), t));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    // A refund after the flush wrote the count lowers what KV holds.
    await limiter.flushAll();
    await Promise.all(work);
    expect(Number([...store.values()][0])).toBe(10);
    limiter.refund('key:r', rule, t);
    await limiter.flushAll();
    expect(Number([...store.values()][0])).toBe(9);
    // Nothing counted, nothing taken back.
    limiter.refund('key:never-hit', rule, t);
    expect(store.size).toBe(1);
  });

  it('counts requests admitted while a flush is in flight', async () => {
    const { kv, store } = fakeKv(5);
    const limiter = new KvRateLimiter(kv);
    const work: Promise<unknown>[] = [];
    let t = 1_000_000;
    await limiter.hit('key:b', rule, (w) => work.push(w), t);
    t += 1_500; // the next hit triggers a flush
    const decisions = await Promise.all(
      Array.from({ length: 15 }, () => limiter.hit('key:b', rule, (w) => work.push(w), t)),
    );
    await Promise.all(work);
    expect(decisions.filter((d) => d.allowed)).toHaveLength(9);
    await limiter.flushAll();
    expect(Number([...store.values()][0])).toBe(10);
  });

  it('publishes its count even after the limit is reached, so another isolate sees it', async () => {
    const { kv } = fakeKv();
    const a = new KvRateLimiter(kv);
    const b = new KvRateLimiter(kv);
    const work: Promise<unknown>[] = [];
    let t = 2_000_000;
    for (let i = 0; i < 10; i++) await a.hit('key:c', rule, (w) => work.push(w), t);
    t += 1_100;
    expect((await a.hit('key:c', rule, (w) => work.push(w), t)).allowed).toBe(false);
    await Promise.all(work);
    expect((await b.hit('key:c', rule, (w) => work.push(w), t)).allowed).toBe(false);
  });

  it('starts a new window', async () => {
    const { kv } = fakeKv();
    const limiter = new KvRateLimiter(kv);
    for (let i = 0; i < 10; i++) await limiter.hit('key:d', rule, () => undefined, 3_000_000);
    expect((await limiter.hit('key:d', rule, () => undefined, 3_000_000)).allowed).toBe(false);
    expect((await limiter.hit('key:d', rule, () => undefined, 3_000_000 + 60_000)).allowed).toBe(true);
  });
});
