/**
 * The public demo (core/demo.ts): `/demo` creates a sandbox and signs the visitor in as its
 * guest; the same cookie comes back to it; the demo plan's caps and the demo's 403s hold; one
 * address gets DEMO_SANDBOXES_PER_IP_HOUR sandboxes (3 in tests: vitest.config.mts); the cron
 * sweep purges expired sandboxes with their OrgHub storage, guest and rows; signing up keeps one.
 */
import { createExecutionContext, createScheduledController, env } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import { SANDBOX_IDLE_MS } from '../../core/demo';
import worker from '../../worker/index';
import { call, hubSql, ORIGIN, PASSWORD, randomIp, sessionCookie, signUp, uniqueEmail } from './helpers';

interface OrgRow {
  id: string;
  slug: string;
  plan: string;
  is_demo: number;
  expires_at: number | null;
  name: string;
}

async function orgBySlug(slug: string) {
  return env.DB.prepare(`SELECT id, slug, plan, is_demo, expires_at, name FROM organizations WHERE slug = ?`)
    .bind(slug)
    .first<OrgRow>();
}

/** The POST the /demo page sends as it loads (a form post: the browser's Origin and Host). */
const startDemo = (options: { ip?: string; cookie?: string } = {}) =>
  call('/demo?index', {
    ...options,
    method: 'POST',
    body: '',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Host: new URL(ORIGIN).host },
  });

/** Opens /demo as a new visitor (its own address unless given); returns the cookie and the sandbox. */
async function openDemo(ip = randomIp()) {
  const { status, res } = await startDemo({ ip });
  expect(status).toBe(302);
  const location = res.headers.get('location')!;
  const slug = /^\/orgs\/(demo-[a-z0-9-]+)$/.exec(location)?.[1];
  expect(slug, location).toBeTruthy();
  const org = (await orgBySlug(slug!))!;
  return { cookie: sessionCookie(res), slug: slug!, org };
}

const sweep = () => worker.scheduled(createScheduledController({ cron: '*/5 * * * *' }), env, createExecutionContext());

describe('the public demo', () => {
  it('a GET of /demo makes nothing (a crawler or an image on another site): the page posts to start', async () => {
    const count = async () =>
      (await env.DB.prepare(`SELECT COUNT(*) AS n FROM organizations WHERE is_demo = 1`).first<{ n: number }>())!.n;
    const before = await count();
    const page = await call('/demo', { origin: null });
    expect(page.status).toBe(200);
    expect(page.res.headers.get('set-cookie')).toBeNull();
    expect(page.text).toContain('Start the demo');
    expect(await count()).toBe(before);
  });

  it('gives a visitor a sandbox: a guest session, the demo plan, the default team and tasks that run', async () => {
    const before = Date.now();
    const { cookie, slug, org } = await openDemo();
    expect(org).toMatchObject({ plan: 'demo', is_demo: 1 });
    expect(org.expires_at!).toBeGreaterThanOrEqual(before + SANDBOX_IDLE_MS);
    const guest = await env.DB.prepare(
      `SELECT u.is_guest, u.password_hash, u.email FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.organization_id = ? AND m.role = 'owner'`,
    )
      .bind(org.id)
      .first<{ is_guest: number; password_hash: string | null; email: string }>();
    expect(guest).toMatchObject({ is_guest: 1, password_hash: null });
    expect(guest!.email).toMatch(/@guest\.invalid$/);

    // The dashboard: the banner, and the team in the office.
    const page = await call(`/orgs/${slug}`, { cookie, origin: null });
    expect(page.status).toBe(200);
    expect(page.text).toContain('This is a live demo.');
    expect(page.text).toContain('Sign up to keep this team');
    for (const name of ['Marcus', 'Sable', 'DeVonte', 'Yuki', 'Graham']) expect(page.text).toContain(name);

    // The starter tasks were given through the hub and run on the simulated model.
    await vi.waitFor(
      async () => {
        const runs = await hubSql<{ provider: string; outcome: string }>(
          org.id,
          `SELECT provider, outcome FROM agent_runs`,
        );
        expect(runs.length).toBeGreaterThanOrEqual(2);
        expect(runs.every((run) => run.provider === 'simulated')).toBe(true);
      },
      { timeout: 15_000, interval: 200 },
    );
    const agents = await hubSql<{ n: number }>(org.id, `SELECT COUNT(*) AS n FROM agents`);
    expect(agents[0]!.n).toBe(5);
  });

  it('brings a returning visitor (same cookie) back to the same sandbox, and slides its expiry at most every few minutes', async () => {
    const { cookie, slug, org } = await openDemo();
    const again = await call('/demo', { cookie, origin: null });
    expect(again.status).toBe(302);
    expect(again.res.headers.get('location')).toBe(`/orgs/${slug}`);
    expect(again.res.headers.get('set-cookie')).toBeNull();

    // Used a minute after the last write: not written again.
    const recent = Date.now() + SANDBOX_IDLE_MS - 60_000;
    await env.DB.prepare(`UPDATE organizations SET expires_at = ? WHERE id = ?`).bind(recent, org.id).run();
    await call(`/orgs/${slug}`, { cookie, origin: null });
    expect((await orgBySlug(slug))!.expires_at).toBe(recent);
    // Used ten minutes after: slid forward.
    const older = Date.now() + SANDBOX_IDLE_MS - 10 * 60_000;
    await env.DB.prepare(`UPDATE organizations SET expires_at = ? WHERE id = ?`).bind(older, org.id).run();
    await call(`/orgs/${slug}`, { cookie, origin: null });
    expect((await orgBySlug(slug))!.expires_at!).toBeGreaterThan(older + 9 * 60_000);

    // An expired sandbox is not revived: /demo gives a new one.
    await env.DB.prepare(`UPDATE organizations SET expires_at = ? WHERE id = ?`)
      .bind(Date.now() - 1, org.id)
      .run();
    const fresh = await startDemo({ cookie });
    expect(fresh.status).toBe(302);
    expect(fresh.res.headers.get('location')).not.toBe(`/orgs/${slug}`);
  });

  it('refuses API keys, invitations, model keys, MCP connections and new orgs with a 403 that says it is a demo', async () => {
    const { cookie, slug } = await openDemo();
    const refusals = [
      await call(`/api/orgs/${slug}/keys`, { cookie, body: { name: 'ci' } }),
      await call(`/api/orgs/${slug}/invitations`, { cookie, body: { email: uniqueEmail(), role: 'member' } }),
      await call(`/api/orgs/${slug}/credentials`, {
        cookie,
        method: 'PUT',
        body: { anthropic_api_key: `sk-ant-api03-${'x'.repeat(40)}` },
      }),
      await call(`/api/orgs/${slug}/credentials/test`, { cookie, body: {} }),
      await call('/api/orgs', { cookie, body: { name: 'Escape hatch' } }),
      await call('/v1/connections', {
        cookie,
        org: slug,
        body: { name: 'Tracker', url: 'https://mcp.example.com/mcp' },
      }),
    ];
    for (const refusal of refusals) {
      expect(refusal.status, refusal.text).toBe(403);
      expect(refusal.json.error.code).toBe('forbidden');
      expect(refusal.json.error.message).toMatch(/demo/i);
    }
    const keys = await env.DB.prepare(
      `SELECT COUNT(*) AS n FROM api_keys k JOIN organizations o ON o.id = k.organization_id WHERE o.slug = ?`,
    )
      .bind(slug)
      .first<{ n: number }>();
    expect(keys!.n).toBe(0);
  });

  it('never reaches another org', async () => {
    const other = await signUp();
    const { cookie, org } = await openDemo();
    expect((await call(`/orgs/${other.org.slug}`, { cookie, origin: null })).status).toBe(404);
    expect((await call('/v1/tasks', { cookie, org: other.org.slug })).status).toBe(404);
    expect((await call(`/api/orgs/${other.org.slug}/members`, { cookie })).status).toBe(404);

    // Not even by an invitation made out to the guest's own (made-up) address.
    const guest = await env.DB.prepare(
      `SELECT u.email FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.organization_id = ?`,
    )
      .bind(org.id)
      .first<{ email: string }>();
    const invite = await call(`/api/orgs/${other.org.slug}/invitations`, {
      cookie: other.cookie,
      body: { email: guest!.email, role: 'member' },
    });
    expect(invite.status).toBe(201);
    const accepted = await call(`/api/invitations/${invite.json.token}/accept`, { cookie, method: 'POST' });
    expect(accepted.status, accepted.text).toBe(403);
    expect(accepted.json.error.message).toMatch(/account/);
    // Signing up, for a guest, is keeping the sandbox.
    const signup = await call('/signup', { cookie, origin: null });
    expect(signup.status).toBe(302);
    expect(signup.res.headers.get('location')).toBe('/demo/keep');
  });

  it('caps agents, schedules and tasks with the demo plan', async () => {
    const { cookie, slug, org } = await openDemo();
    const v1 = (path: string, body: unknown) => call(path, { cookie, org: slug, body });
    // Agents: the team of five and one more.
    const agent = (n: number) => ({
      slug: `extra-${n}`,
      name: `Extra ${n}`,
      role: 'Analyst',
      department: 'Data',
      personality: 'Careful.',
    });
    expect((await v1('/v1/agents', agent(1))).status).toBe(201);
    const sixth = await v1('/v1/agents', agent(2));
    expect(sixth.status, sixth.text).toBe(402);
    // Schedules: two, at most hourly.
    const schedule = (n: number) => ({
      name: `Report ${n}`,
      cron: `${n} * * * *`,
      task: { agent: 'graham', description: 'Weekly metrics' },
    });
    expect((await v1('/v1/schedules', schedule(1))).status).toBe(201);
    expect((await v1('/v1/schedules', schedule(2))).status).toBe(201);
    expect((await v1('/v1/schedules', schedule(3))).status).toBe(402);
    // Tasks: 30 in all (filled in directly here), then a clear refusal.
    await hubSql(
      org.id,
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)
       INSERT INTO tasks (id, agent_id, creator_type, title, description, status)
       SELECT 'tsk_fill_' || i, (SELECT id FROM agents WHERE slug = 'sable'), 'user', 'Filler', 'Filler', 'completed'
       FROM n WHERE (SELECT COUNT(*) FROM tasks) + i <= 30`,
    );
    const refused = await v1('/v1/tasks', { agent: 'sable', description: 'One more' });
    expect(refused.status, refused.text).toBe(402);
    expect(refused.json.error).toMatchObject({
      code: 'quota_exceeded',
      message: expect.stringMatching(/demo allows 30 tasks/),
    });
  });

  it('limits how many sandboxes one address creates', async () => {
    const ip = randomIp();
    for (let i = 0; i < 3; i++) await openDemo(ip);
    const limited = await startDemo({ ip });
    expect(limited.status).toBe(429);
    expect(limited.text).toContain('Too many demos');
    // Another address is not affected.
    await openDemo();
  });

  it('the cron sweep purges expired sandboxes: OrgHub storage, guest, sessions and rows; live and kept ones stay', async () => {
    const expired = await openDemo();
    const live = await openDemo();
    await vi.waitFor(
      async () => {
        const open = await hubSql<{ n: number }>(
          expired.org.id,
          `SELECT COUNT(*) AS n FROM tasks WHERE status NOT IN ('completed', 'failed', 'cancelled')`,
        );
        expect(open[0]!.n).toBe(0);
      },
      { timeout: 15_000, interval: 200 },
    );
    const guestId = (await env.DB.prepare(`SELECT user_id FROM memberships WHERE organization_id = ?`)
      .bind(expired.org.id)
      .first<{ user_id: string }>())!.user_id;
    await env.DB.prepare(`UPDATE organizations SET expires_at = ? WHERE id = ?`)
      .bind(Date.now() - 1000, expired.org.id)
      .run();

    await sweep();

    expect(await orgBySlug(expired.slug)).toBeNull();
    const leftovers = await env.DB.batch([
      env.DB.prepare(`SELECT COUNT(*) AS n FROM users WHERE id = ?`).bind(guestId),
      env.DB.prepare(`SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?`).bind(guestId),
      env.DB.prepare(`SELECT COUNT(*) AS n FROM memberships WHERE organization_id = ?`).bind(expired.org.id),
      env.DB.prepare(`SELECT COUNT(*) AS n FROM audit_log WHERE organization_id = ?`).bind(expired.org.id),
    ]);
    expect(leftovers.map((r) => (r.results[0] as { n: number }).n)).toEqual([0, 0, 0, 0]);
    for (const table of ['agents', 'tasks', 'agent_runs', 'events', 'activity_log'])
      expect((await hubSql<{ n: number }>(expired.org.id, `SELECT COUNT(*) AS n FROM ${table}`))[0]!.n).toBe(0);
    // The old cookie leads nowhere; the live sandbox is untouched.
    expect((await call(`/orgs/${expired.slug}`, { cookie: expired.cookie, origin: null })).status).toBe(302);
    expect(await orgBySlug(live.slug)).not.toBeNull();
    expect((await call(`/orgs/${live.slug}`, { cookie: live.cookie, origin: null })).status).toBe(200);
  });

  it('"Sign up to keep this team" turns the sandbox into a real org with its agents and work', async () => {
    const { cookie, slug, org } = await openDemo();
    const email = uniqueEmail('keeper');
    const form = new URLSearchParams({
      name: 'Kim Keeper',
      email,
      password: PASSWORD,
      organization_name: 'Keepers Inc',
    });
    const kept = await call('/demo/keep', {
      cookie,
      body: form.toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Host: new URL(ORIGIN).host },
    });
    expect(kept.status, kept.text.slice(0, 300)).toBe(302);
    const location = kept.res.headers.get('location')!;
    expect(location).toMatch(/^\/orgs\/keepers-inc/);
    const after = (await env.DB.prepare(`SELECT * FROM organizations WHERE id = ?`).bind(org.id).first<OrgRow>())!;
    expect(after).toMatchObject({ is_demo: 0, expires_at: null, name: 'Keepers Inc', plan: 'self_hosted' });
    // The guest cookie is over; the new one and the password work.
    expect((await call(`/orgs/${after.slug}`, { cookie, origin: null })).status).toBe(302);
    const newCookie = sessionCookie(kept.res);
    const page = await call(`/orgs/${after.slug}`, { cookie: newCookie, origin: null });
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('This is a live demo.');
    const login = await call('/api/auth/login', { body: { email, password: PASSWORD } });
    expect(login.status).toBe(200);
    // Its agents and tasks stayed, and it may now create keys; the sweep leaves it alone.
    expect((await hubSql<{ n: number }>(org.id, `SELECT COUNT(*) AS n FROM agents`))[0]!.n).toBe(5);
    expect((await hubSql<{ n: number }>(org.id, `SELECT COUNT(*) AS n FROM tasks`))[0]!.n).toBeGreaterThanOrEqual(2);
    expect((await call(`/api/orgs/${after.slug}/keys`, { cookie: newCookie, body: { name: 'ci' } })).status).toBe(201);
    await sweep();
    expect(await orgBySlug(after.slug)).not.toBeNull();
    expect(slug).not.toBe(after.slug);
  });
});
