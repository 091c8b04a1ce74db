/**
 * Spend on the platform's model key has ceilings (issue 10, finding 5): models are an allow-list
 * with prices, org creation is capped and rate-limited per user, and runs on the platform key stop
 * at the org's monthly share and at the platform's monthly total. Runs on an org's own key do not.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, inject, it, vi } from 'vitest';
import { getOrgHub } from '../../core/org-hub-client';
import { PLATFORM_BUDGET_MESSAGES, usagePeriodOf } from '../../core/platform-budget';
import { ORG_CREATION_LIMITS } from '../../core/rate-limit';
import { AGENT_MODELS } from '../../core/runtime/pricing';
import { call, createKey, hubSql, signUp } from './helpers';

const FAKE = inject('anthropicBaseUrl');
const PLATFORM_KEY = `sk-ant-platform-${crypto.randomUUID()}`;

/** The org's hub runs as a deployment with a platform key and these ceilings (dollars). */
async function withPlatformKey(orgId: string, ceilings: { org?: number; platform?: number } = {}) {
  await runInDurableObject(getOrgHub(env, { orgId }), async (hub) => {
    (hub as unknown as { env: Env }).env = {
      ...env,
      ANTHROPIC_API_KEY: PLATFORM_KEY,
      ...(ceilings.org === undefined ? {} : { PLATFORM_KEY_ORG_MONTHLY_USD: String(ceilings.org) }),
      ...(ceilings.platform === undefined ? {} : { PLATFORM_KEY_MONTHLY_USD: String(ceilings.platform) }),
    } as Env;
  });
}

async function waitForTask(key: string, id: string, statuses: string[]) {
  return vi.waitFor(
    async () => {
      const task = (await call(`/v1/tasks/${id}`, { key })).json;
      expect(statuses).toContain(task.status);
      return task;
    },
    { timeout: 20_000, interval: 100 },
  );
}

async function platformRequests(marker: string) {
  const all = (await (await fetch(`${FAKE}/__requests?scenario=${encodeURIComponent(marker)}`)).json()) as Array<{
    apiKey: string;
  }>;
  return all.filter((r) => r.apiKey === PLATFORM_KEY);
}

async function setUp() {
  const owner = await signUp();
  const { key } = await createKey(owner.cookie, owner.org.slug, {
    name: 'k',
    scopes: ['tasks:read', 'tasks:write', 'agents:read', 'agents:write'],
  });
  return { ...owner, key };
}

describe('models are an allow-list with prices', () => {
  it('refuses an unknown model with a 400 that lists the valid ones', async () => {
    const { key } = await setUp();
    const created = await call('/v1/agents', {
      key,
      body: { name: 'Spendy', role: 'Analyst', personality: 'Costly.', model: 'claude-opus-9000-max' },
    });
    expect(created.status).toBe(400);
    expect(created.json.error.details[0].field).toBe('model');
    expect(created.json.error.details[0].message).toContain(AGENT_MODELS.join(', '));
    const patched = await call('/v1/agents/sable', { key, method: 'PATCH', body: { model: 'gpt-whatever' } });
    expect(patched.status).toBe(400);
    const ok = await call('/v1/agents/sable', { key, method: 'PATCH', body: { model: 'claude-haiku-5-5' } });
    expect(ok.status).toBe(200);
    expect(ok.json.model).toBe('claude-haiku-5-5');
  });
});

describe('creating organizations is capped per user', () => {
  it(`a user owns at most ${ORG_CREATION_LIMITS.maxOwnedPerUser} organizations (403 with a clear message)`, async () => {
    const owner = await signUp();
    for (let i = 1; i < ORG_CREATION_LIMITS.maxOwnedPerUser; i++) {
      const res = await call('/api/orgs', { cookie: owner.cookie, body: { name: `Extra ${i}` } });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
    }
    const over = await call('/api/orgs', { cookie: owner.cookie, body: { name: 'One too many' } });
    expect(over.status).toBe(403);
    expect(over.json.error.message).toContain(`own ${ORG_CREATION_LIMITS.maxOwnedPerUser} organizations`);
  });

  it(`and creates at most ${ORG_CREATION_LIMITS.perUserPerDay.limit} a day, even after deleting them (429)`, async () => {
    const owner = await signUp();
    for (let i = 0; i < ORG_CREATION_LIMITS.perUserPerDay.limit; i++) {
      const res = await call('/api/orgs', { cookie: owner.cookie, body: { name: `Churn ${i}` } });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      const deleted = await call(`/api/orgs/${res.json.slug}`, { cookie: owner.cookie, method: 'DELETE' });
      expect(deleted.status).toBe(204);
    }
    const over = await call('/api/orgs', { cookie: owner.cookie, body: { name: 'Churn again' } });
    expect(over.status).toBe(429);
    expect(over.res.headers.get('retry-after')).toBeTruthy();
    expect(over.json.error.message).toContain('a day');
  });
});

describe('spend ceilings on the platform model key', () => {
  it('a run on the platform key starts under the org’s ceiling', async () => {
    const { org, key } = await setUp();
    await withPlatformKey(org.id, { org: 5, platform: 1_000_000 });
    const marker = `loop:${crypto.randomUUID().slice(0, 8)}`;
    const task = await call('/v1/tasks', { key, body: { agent: 'sable', description: `Go [fake:${marker}]` } });
    const done = await waitForTask(key, task.json.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect((await platformRequests(marker)).length).toBeGreaterThan(0);
  });

  it('stops runs on the platform key once the org’s monthly share is spent, with the reason', async () => {
    const { org, key } = await setUp();
    await withPlatformKey(org.id, { org: 5, platform: 1_000_000 });
    const period = usagePeriodOf(Date.now());
    await hubSql(org.id, `INSERT INTO meta (key, value) VALUES (?, ?)`, `platform_spend:${period.start}`, '5000000');
    const marker = `loop:${crypto.randomUUID().slice(0, 8)}`;
    const task = await call('/v1/tasks', { key, body: { agent: 'sable', description: `Go [fake:${marker}]` } });
    const failed = await waitForTask(key, task.json.id, ['failed', 'completed']);
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe(PLATFORM_BUDGET_MESSAGES.org(5));
    expect(await platformRequests(marker)).toEqual([]);
  });

  it('stops runs on the platform key once the platform’s monthly total is spent', async () => {
    const { org, key } = await setUp();
    const other = await signUp();
    const period = usagePeriodOf(Date.now());
    await env.DB.prepare(
      `INSERT INTO usage_periods (id, organization_id, period_start, period_end, cost_micro_usd, platform_cost_micro_usd, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
      .bind(`use_${other.org.id}_${period.start}`, other.org.id, period.start, period.end, 80e6, 80e6, Date.now())
      .run();
    await withPlatformKey(org.id, { org: 1_000_000, platform: 75 });
    const marker = `loop:${crypto.randomUUID().slice(0, 8)}`;
    const task = await call('/v1/tasks', { key, body: { agent: 'sable', description: `Go [fake:${marker}]` } });
    const failed = await waitForTask(key, task.json.id, ['failed', 'completed']);
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe(
      "The platform's model budget for this month is used up; add your own Anthropic key in Settings → Model key.",
    );
    expect(await platformRequests(marker)).toEqual([]);
  });

  it('runs on the org’s own key are not limited by the platform’s ceilings', async () => {
    const { org, key, cookie } = await setUp();
    const own = `sk-ant-own-${crypto.randomUUID()}`;
    const put = await call(`/api/orgs/${org.slug}/credentials`, {
      cookie,
      method: 'PUT',
      body: { anthropic_api_key: own },
    });
    expect(put.status).toBe(200);
    await withPlatformKey(org.id, { org: 0, platform: 0 });
    const marker = `loop:${crypto.randomUUID().slice(0, 8)}`;
    const task = await call('/v1/tasks', { key, body: { agent: 'sable', description: `Go [fake:${marker}]` } });
    const done = await waitForTask(key, task.json.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
  });
});
