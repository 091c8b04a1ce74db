/**
 * Revocation races (issue 10, finding 8): a key revoked while a cache fill or a last-used touch
 * is in flight cannot come back, in this isolate or another; and the OrgHub refuses a revoked
 * key's work even when the Worker's caches still hold it.
 */
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { clearKeyMemory, revokeApiKey, verifyApiKey } from '../../core/auth/api-keys';
import { getDb } from '../../core/db/client';
import { orgHub } from '../../core/org-hub-client';
import { call, createKey, signUp } from './helpers';

/** The real KV, with a hook that runs just before a matching call is passed on. */
function racingKv(hook: {
  on: 'get' | 'put';
  nth?: number;
  when?: (value?: string) => boolean;
  run: () => Promise<void>;
}) {
  let calls = 0;
  let fired = false;
  const kv = env.KV;
  const maybe = async (method: 'get' | 'put', value?: string) => {
    if (fired || method !== hook.on || (hook.when && !hook.when(value))) return;
    calls += 1;
    if (hook.nth !== undefined && calls !== hook.nth) return;
    fired = true;
    await hook.run();
  };
  const wrapped = {
    get: async (key: string, type?: unknown) => {
      await maybe('get');
      return kv.get(key, type as 'json');
    },
    put: async (key: string, value: string, options?: KVNamespacePutOptions) => {
      await maybe('put', value);
      return kv.put(key, value, options);
    },
    delete: (key: string) => kv.delete(key),
  } as unknown as KVNamespace;
  return { kv: wrapped, fired: () => fired };
}

async function setUp() {
  const a = await signUp();
  const created = await createKey(a.cookie, a.org.slug, { name: 'race', scopes: ['tasks:read', 'tasks:write'] });
  return { a, created, db: getDb(env) };
}

/** Another isolate revokes: D1 and the KV tombstone change; this isolate's memory does not. */
async function revokeElsewhere(orgId: string, keyId: string) {
  await revokeApiKey(getDb(env), env.KV, orgId, keyId);
  clearKeyMemory();
}

describe('API-key revocation races', () => {
  beforeEach(() => clearKeyMemory());

  it('a revoke between the D1 read and the re-check of a cache fill wins', async () => {
    const { a, created, db } = await setUp();
    await env.KV.delete(`apikey:${created.prefix}`);
    const { kv, fired } = racingKv({ on: 'get', nth: 2, run: () => revokeElsewhere(a.org.id, created.id) });
    const first = await verifyApiKey(db, kv, created.key);
    expect(fired()).toBe(true);
    expect(first).toMatchObject({ ok: false, reason: 'revoked' });
    expect(await verifyApiKey(db, env.KV, created.key)).toMatchObject({ ok: false, reason: 'revoked' });
  });

  it('a revoke between the re-check and the KV write of a cache fill cannot come back', async () => {
    const { a, created, db } = await setUp();
    await env.KV.delete(`apikey:${created.prefix}`);
    const { kv, fired } = racingKv({
      on: 'put',
      when: (value) => value?.includes('secretHash') ?? false,
      run: () => revokeElsewhere(a.org.id, created.id),
    });
    const first = await verifyApiKey(db, kv, created.key);
    expect(fired()).toBe(true);
    expect(first).toMatchObject({ ok: false, reason: 'revoked' });
    // Neither this isolate nor a fresh one (KV) accepts it again.
    expect(await verifyApiKey(db, env.KV, created.key)).toMatchObject({ ok: false, reason: 'revoked' });
    clearKeyMemory();
    expect(await verifyApiKey(db, env.KV, created.key)).toMatchObject({ ok: false, reason: 'revoked' });
    const stored = await env.KV.get(`apikey:${created.prefix}`, 'json');
    expect(stored).not.toHaveProperty('secretHash');
  });

  it('a revoke while touch() writes last_used_at cannot come back', async () => {
    const { a, created, db } = await setUp();
    const check = await verifyApiKey(db, env.KV, created.key);
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    // The touch's D1 update succeeds; the revoke lands before its KV write.
    const { kv, fired } = racingKv({
      on: 'put',
      when: (value) => /"lastUsedAt":\d/.test(value ?? ''),
      run: () => revokeElsewhere(a.org.id, created.id),
    });
    const raced = await verifyApiKey(db, kv, created.key);
    expect(raced.ok).toBe(true);
    if (!raced.ok) return;
    await raced.touch();
    expect(fired()).toBe(true);
    expect(await verifyApiKey(db, env.KV, created.key)).toMatchObject({ ok: false, reason: 'revoked' });
    clearKeyMemory();
    expect(await verifyApiKey(db, env.KV, created.key)).toMatchObject({ ok: false, reason: 'revoked' });
  });

  it('the OrgHub refuses a revoked key’s work even while the Worker’s caches still hold the key', async () => {
    const { a, created } = await setUp();
    expect((await call('/v1/tasks', { key: created.key })).status).toBe(200);
    const stale = await env.KV.get(`apikey:${created.prefix}`);
    expect(stale).toContain('secretHash');
    expect(
      (await call(`/api/orgs/${a.org.slug}/keys/${created.id}`, { cookie: a.cookie, method: 'DELETE' })).status,
    ).toBe(204);
    // Every cache still says the key is live (another region's KV, another isolate's memory).
    await env.KV.put(`apikey:${created.prefix}`, stale!);
    clearKeyMemory();
    const worker = await call('/v1/tasks', {
      key: created.key,
      body: { agent: 'sable', description: 'After revocation' },
    });
    expect(worker.status).toBe(401);
    const hub = orgHub(env, { orgId: a.org.id, actor: { type: 'api_key', id: created.id } });
    await expect(hub.createTask({ agent: 'sable', description: 'Direct' } as never, null)).rejects.toMatchObject({
      status: 401,
    });
    await expect(hub.read.tasks({})).rejects.toMatchObject({ status: 401 });
    const listed = await call('/v1/tasks', { cookie: a.cookie, org: a.org.slug });
    expect(JSON.stringify(listed.json)).not.toContain('After revocation');
    expect(JSON.stringify(listed.json)).not.toContain('Direct');
  });
});
