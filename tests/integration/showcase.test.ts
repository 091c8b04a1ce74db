/**
 * The landing page's showcase (core/showcase.ts): one org for the deployment, created on first
 * need and reused, kept busy by the platform, read through public read-only endpoints within a
 * global viewer budget, nobody's org, impossible to sign into, and left alone by the purge.
 */
import { createExecutionContext, createScheduledController, env } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import { getOrgHub } from '../../core/org-hub-client';
import { SHOWCASE_ORG_ID, SHOWCASE_SLUG } from '../../core/showcase';
import worker from '../../worker/index';
import { call, hubSql, ORIGIN, randomIp, signUp } from './helpers';

interface Frame {
  type: string;
  seq?: number;
  data?: any;
  error?: { code: string };
}

async function openLive(path = '/showcase/live', target: { env?: Env } = {}) {
  const request = new Request(`${ORIGIN}${path}`, {
    headers: { Upgrade: 'websocket', 'CF-Connecting-IP': randomIp() },
  });
  const res = target.env
    ? await worker.fetch(request, target.env, createExecutionContext())
    : await (await import('cloudflare:test')).SELF.fetch(request);
  if (res.status !== 101) return { res, ws: null, frames: [] as Frame[] };
  const ws = res.webSocket!;
  const frames: Frame[] = [];
  ws.addEventListener('message', (event) => {
    frames.push(JSON.parse(event.data as string));
  });
  ws.accept();
  return { res, ws, frames };
}

const sweep = () => worker.scheduled(createScheduledController({ cron: '*/5 * * * *' }), env, createExecutionContext());

describe('the showcase', () => {
  it('is created once on first need and reused: a demo org that never expires and has no members', async () => {
    const first = await call('/showcase/snapshot', { origin: null });
    const second = await call('/showcase/snapshot', { origin: null });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    const rows = await env.DB.prepare(`SELECT id, slug, plan, is_demo, expires_at FROM organizations WHERE slug = ?`)
      .bind(SHOWCASE_SLUG)
      .all();
    expect(rows.results).toEqual([
      { id: SHOWCASE_ORG_ID, slug: SHOWCASE_SLUG, plan: 'demo', is_demo: 1, expires_at: null },
    ]);
    const members = await env.DB.prepare(`SELECT COUNT(*) AS n FROM memberships WHERE organization_id = ?`)
      .bind(SHOWCASE_ORG_ID)
      .first<{ n: number }>();
    expect(members!.n).toBe(0);
    // The default team, and the platform already gave it work.
    const names = (first.json.agents as Array<{ name: string }>).map((agent) => agent.name);
    for (const name of ['Marcus', 'Sable', 'DeVonte', 'Yuki', 'Graham']) expect(names).toContain(name);
    expect(first.json.live).toBe(true);
    expect(typeof first.json.seq).toBe('number');
    const tasks = await hubSql<{ n: number }>(SHOWCASE_ORG_ID, `SELECT COUNT(*) AS n FROM tasks`);
    expect(tasks[0]!.n).toBeGreaterThan(0);
  });

  it('streams the office read-only: events arrive, presence never does, frames other than ping are refused', async () => {
    const snapshot = await call('/showcase/snapshot', { origin: null });
    const live = await openLive(`/showcase/live?since=${Math.max(0, snapshot.json.seq - 50)}`);
    expect(live.res.status).toBe(101);
    await vi.waitFor(() => expect(live.frames.some((f) => f.type === 'hello')).toBe(true));
    await vi.waitFor(
      () => expect(live.frames.some((f) => f.type.startsWith('task.') || f.type === 'run.step')).toBe(true),
      {
        timeout: 15_000,
      },
    );
    live.ws!.send(JSON.stringify({ type: 'presence', page: '/' }));
    await vi.waitFor(() => expect(live.frames.some((f) => f.error?.code === 'read_only')).toBe(true));
    expect(
      live.frames.some((f) => f.type === 'presence' || f.type.startsWith('member.') || f.type === 'usage.updated'),
    ).toBe(false);
    live.ws!.close(1000);

    // Nothing there writes.
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await call('/showcase/live', { method, body: {}, origin: null });
      expect([403, 405]).toContain(res.status);
      const snap = await call('/showcase/snapshot', { method, body: {}, origin: null });
      expect([403, 405]).toContain(snap.status);
    }
    const plain = await call('/showcase/live', { origin: null });
    expect(plain.status).toBe(400);
  });

  it('enforces the global viewer budget: over it, 429 and no socket; 0 turns the live view off', async () => {
    await call('/showcase/snapshot', { origin: null });
    const hub = getOrgHub(env, { orgId: SHOWCASE_ORG_ID });
    const open = await hub.liveConnectionCount();
    const budget = open + 2;
    const limited = { ...env, SHOWCASE_MAX_VIEWERS: String(budget) } as Env;
    const a = await openLive('/showcase/live', { env: limited });
    const b = await openLive('/showcase/live', { env: limited });
    expect(a.res.status).toBe(101);
    expect(b.res.status).toBe(101);
    const c = await openLive('/showcase/live', { env: limited });
    expect(c.res.status).toBe(429);
    expect(c.ws).toBeNull();
    const snap = await worker.fetch(
      new Request(`${ORIGIN}/showcase/snapshot`, { headers: { 'CF-Connecting-IP': randomIp() } }),
      limited,
      createExecutionContext(),
    );
    expect(((await snap.json()) as { live: boolean }).live).toBe(false);
    a.ws!.close(1000);
    b.ws!.close(1000);

    const off = { ...env, SHOWCASE_MAX_VIEWERS: '0' } as Env;
    const refused = await openLive('/showcase/live', { env: off });
    expect(refused.res.status).toBe(429);
    expect(refused.ws).toBeNull();
  });

  it('is nobody’s org, cannot be signed into or reached by slug, and the purge sweep leaves it', async () => {
    await call('/showcase/snapshot', { origin: null });
    const someone = await signUp();
    const orgs = await call('/api/orgs', { cookie: someone.cookie });
    expect(JSON.stringify(orgs.json)).not.toContain(SHOWCASE_ORG_ID);
    const dashboard = await call(`/orgs/${SHOWCASE_SLUG}`, { cookie: someone.cookie, origin: null });
    expect([302, 404]).toContain(dashboard.status);
    const v1 = await call('/v1/tasks', { cookie: someone.cookie, org: SHOWCASE_SLUG });
    expect([403, 404]).toContain(v1.status);
    const liveAsMember = await call(`/v1/live?org=${SHOWCASE_SLUG}`, {
      cookie: someone.cookie,
      headers: { Upgrade: 'websocket' },
    });
    expect(liveAsMember.status).toBe(404);
    // No user can own it, and its slug cannot be taken.
    const taken = await call('/api/orgs', { cookie: someone.cookie, body: { name: 'Showcase', slug: 'showcase' } });
    expect(JSON.stringify(taken.json ?? {})).not.toContain(`"slug":"${SHOWCASE_SLUG}"`);

    // Far past any sandbox expiry, the sweep purges sandboxes but never the showcase.
    await sweep();
    const row = await env.DB.prepare(`SELECT id FROM organizations WHERE id = ?`).bind(SHOWCASE_ORG_ID).first();
    expect(row).not.toBeNull();
    const agents = await hubSql<{ n: number }>(SHOWCASE_ORG_ID, `SELECT COUNT(*) AS n FROM agents`);
    expect(agents[0]!.n).toBeGreaterThan(0);
  });

  it('stays small: old finished work is pruned on every tick, and an idle showcase is given the next task', async () => {
    await call('/showcase/snapshot', { origin: null });
    const hub = getOrgHub(env, { orgId: SHOWCASE_ORG_ID });
    const [agent] = await hubSql<{ id: string }>(SHOWCASE_ORG_ID, `SELECT id FROM agents LIMIT 1`);
    const old = Date.now() - 3600_000;
    for (let i = 0; i < 12; i++)
      await hubSql(
        SHOWCASE_ORG_ID,
        `INSERT INTO tasks (id, agent_id, creator_type, title, description, status, completed_at, created_at, updated_at)
         VALUES (?, ?, 'schedule', 'old', 'old work', 'completed', ?, ?, ?)`,
        `tsk_old_${i}`,
        agent!.id,
        old + i,
        old + i,
        old + i,
      );
    await hub.showcaseTick(SHOWCASE_ORG_ID);
    const finished = await hubSql<{ n: number }>(
      SHOWCASE_ORG_ID,
      `SELECT COUNT(*) AS n FROM tasks WHERE parent_id IS NULL AND status IN ('completed', 'failed', 'cancelled')`,
    );
    expect(finished[0]!.n).toBeLessThanOrEqual(6);
    const leftovers = await hubSql(SHOWCASE_ORG_ID, `SELECT id FROM tasks WHERE id LIKE 'tsk_old_%'`);
    expect(leftovers.length).toBeLessThan(12);

    // Once everything in flight is done, the next tick gives the team new work.
    await vi.waitFor(
      async () => {
        const open = await hubSql(
          SHOWCASE_ORG_ID,
          `SELECT id FROM tasks WHERE status NOT IN ('completed', 'failed', 'cancelled')`,
        );
        expect(open).toHaveLength(0);
      },
      { timeout: 60_000, interval: 500 },
    );
    expect((await hub.showcaseTick(SHOWCASE_ORG_ID)).created).toBe(true);
  }, 90_000);
});
