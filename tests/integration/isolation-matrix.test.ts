import { describe, expect, it } from 'vitest';
import { API_KEY_SCOPES } from '../../core/auth/api-keys';
import type { Role } from '../../core/db/schema';
import { app } from '../../worker/app';
import { call, createKey, signUp, uniqueEmail, hubSql } from './helpers';

interface Fixture {
  slug: string;
  orgId: string;
  ownerId: string;
  /** A member other than the actor, for member routes. */
  targetUserId: string;
  keyId: string;
  invitationId: string;
  invitationToken: string;
  ownerCookie: string;
  agentId: string;
  spareAgentId: string;
  taskId: string;
  approvalId: string;
  scheduleId: string;
  threadId: string;
  runId: string;
  connectionId: string;
}

type Fill = (f: Fixture) => { path: string; body?: unknown };

interface TenantRoute {
  kind: 'tenant';
  /** Lowest role allowed (function-level check). */
  minRole: Role;
  request: Fill;
  /** /v1 routes are also reachable with an API key of the org. */
  apiKey?: boolean;
  /** Besides 409: what an allowed role may still get (a feature off in this edition). */
  allowedRefusals?: number[];
}
interface OpenRoute {
  kind: 'public' | 'self';
  why: string;
}
type Entry = TenantRoute | OpenRoute;

const orgPath =
  (suffix = ''): Fill =>
  (f) => ({ path: `/api/orgs/${f.slug}${suffix}` });
const v1 = (minRole: Role, request: Fill): TenantRoute => ({ kind: 'tenant', minRole, request, apiKey: true });
const later = () => new Date(Date.now() + 3600_000).toISOString();

const MATRIX: Record<string, Entry> = {
  'GET /v1/health': { kind: 'public', why: 'health check, no tenant data' },
  'GET /v1/ping': { kind: 'public', why: 'liveness only, touches no binding' },
  'GET /v1/openapi.json': { kind: 'public', why: 'API description' },
  'GET /v1/org': v1('viewer', () => ({ path: '/v1/org' })),
  'GET /v1/live': {
    kind: 'self',
    why: 'WebSocket upgrade: org isolation, Origin, scope and 404 for foreign orgs are tested in live.test.ts',
  },
  'GET /v1/tasks/:id/stream': { kind: 'self', why: 'an open event stream: foreign task 404 is tested in live.test.ts' },
  'GET /v1/agents': v1('viewer', () => ({ path: '/v1/agents' })),
  'POST /v1/agents': v1('member', () => ({
    path: '/v1/agents',
    body: { name: `Agent ${crypto.randomUUID().slice(0, 6)}`, role: 'Tester', personality: 'Careful.' },
  })),
  'GET /v1/agents/:agent': v1('viewer', (f) => ({ path: `/v1/agents/${f.agentId}` })),
  'PATCH /v1/agents/:agent': v1('member', (f) => ({ path: `/v1/agents/${f.agentId}`, body: { role: 'Changed' } })),
  'DELETE /v1/agents/:agent': v1('member', (f) => ({ path: `/v1/agents/${f.spareAgentId}` })),
  'GET /v1/tasks': v1('viewer', () => ({ path: '/v1/tasks' })),
  'POST /v1/tasks': v1('member', (f) => ({
    path: '/v1/tasks',
    body: { agent: f.agentId, description: 'From the matrix', scheduled_for: later() },
  })),
  'GET /v1/tasks/:id': v1('viewer', (f) => ({ path: `/v1/tasks/${f.taskId}` })),
  'PATCH /v1/tasks/:id': v1('member', (f) => ({ path: `/v1/tasks/${f.taskId}`, body: { priority: 'high' } })),
  'POST /v1/tasks/:id/cancel': v1('member', (f) => ({ path: `/v1/tasks/${f.taskId}/cancel` })),
  'POST /v1/tasks/:id/retry': v1('member', (f) => ({ path: `/v1/tasks/${f.taskId}/retry` })),
  'GET /v1/tasks/:id/runs': v1('viewer', (f) => ({ path: `/v1/tasks/${f.taskId}/runs` })),
  'GET /v1/runs/:id/steps': v1('viewer', (f) => ({ path: `/v1/runs/${f.runId}/steps` })),
  'GET /v1/schedules': v1('viewer', () => ({ path: '/v1/schedules' })),
  'POST /v1/schedules': v1('member', (f) => ({
    path: '/v1/schedules',
    body: { name: 'Matrix', cron: '0 9 * * *', task: { agent: f.agentId, description: 'x' } },
  })),
  'GET /v1/schedules/:id': v1('viewer', (f) => ({ path: `/v1/schedules/${f.scheduleId}` })),
  'PATCH /v1/schedules/:id': v1('member', (f) => ({ path: `/v1/schedules/${f.scheduleId}`, body: { enabled: false } })),
  'DELETE /v1/schedules/:id': v1('member', (f) => ({ path: `/v1/schedules/${f.scheduleId}` })),
  'GET /v1/messages': v1('viewer', () => ({ path: '/v1/messages' })),
  'POST /v1/messages': v1('member', (f) => ({
    path: '/v1/messages',
    body: { agent: f.agentId, body: 'Hello from the matrix', thread_id: f.threadId },
  })),
  'GET /v1/threads/:id': v1('viewer', (f) => ({ path: `/v1/threads/${f.threadId}` })),
  'GET /v1/activity': v1('viewer', () => ({ path: '/v1/activity' })),
  'GET /v1/approvals': v1('viewer', () => ({ path: '/v1/approvals' })),
  'POST /v1/approvals/:id/approve': v1('member', (f) => ({ path: `/v1/approvals/${f.approvalId}/approve` })),
  'POST /v1/approvals/:id/reject': v1('member', (f) => ({ path: `/v1/approvals/${f.approvalId}/reject` })),
  'GET /v1/connections': v1('member', () => ({ path: '/v1/connections' })),
  'POST /v1/connections': v1('admin', () => ({
    path: '/v1/connections',
    body: { name: 'Matrix', url: 'https://mcp.example.com/mcp', auth: { type: 'bearer', token: 'matrix-token' } },
  })),
  'POST /v1/connections/:id/test': v1('admin', (f) => ({ path: `/v1/connections/${f.connectionId}/test` })),
  'GET /v1/connections/:id/tools': v1('member', (f) => ({ path: `/v1/connections/${f.connectionId}/tools` })),
  'DELETE /v1/connections/:id': v1('admin', (f) => ({ path: `/v1/connections/${f.connectionId}` })),
  'GET /api/orgs/:slug/credentials': { kind: 'tenant', minRole: 'admin', request: orgPath('/credentials') },
  'PUT /api/orgs/:slug/credentials': {
    kind: 'tenant',
    minRole: 'admin',
    request: (f) => ({
      path: `/api/orgs/${f.slug}/credentials`,
      body: { anthropic_api_key: `sk-ant-matrix-${crypto.randomUUID()}` },
    }),
  },
  'DELETE /api/orgs/:slug/credentials': { kind: 'tenant', minRole: 'admin', request: orgPath('/credentials') },
  'POST /api/orgs/:slug/credentials/test': {
    kind: 'tenant',
    minRole: 'admin',
    request: (f) => ({ path: `/api/orgs/${f.slug}/credentials/test`, body: {} }),
  },
  'GET /v1/usage': v1('viewer', () => ({ path: '/v1/usage' })),
  'GET /api/openapi.json': { kind: 'public', why: 'API description' },
  'POST /api/auth/signup': { kind: 'public', why: 'creates a new user and org' },
  'POST /api/auth/login': { kind: 'public', why: 'authenticates' },
  'POST /api/auth/logout': { kind: 'self', why: 'ends the caller’s own session' },
  'POST /api/auth/password-reset': {
    kind: 'public',
    why: 'mails a link to the address’s owner; same answer for any address',
  },
  'POST /api/auth/password-reset/confirm': {
    kind: 'public',
    why: 'acts only on the account the single-use token names',
  },
  'POST /api/auth/verify-email': { kind: 'public', why: 'acts only on the account the single-use token names' },
  'POST /api/me/verification-email': { kind: 'self', why: 'mails the caller’s own address' },
  'GET /api/me': { kind: 'self', why: 'the caller’s own user and memberships' },
  'GET /api/me/sessions': { kind: 'self', why: 'the caller’s own sessions' },
  'DELETE /api/me/sessions': { kind: 'self', why: 'the caller’s own sessions' },
  'DELETE /api/me/sessions/:id': { kind: 'self', why: 'filtered by the caller’s user id' },
  'GET /api/orgs': { kind: 'self', why: 'the caller’s own memberships' },
  'POST /api/orgs': { kind: 'self', why: 'creates a new org owned by the caller' },
  'POST /api/invitations/:token/accept': {
    kind: 'self',
    why: 'only for the invited email; tested in members-and-keys',
  },
  'POST /webhooks/clerk': { kind: 'public', why: 'signature-verified webhook' },
  'POST /webhooks/resend': { kind: 'public', why: 'signature-verified webhook' },
  'POST /webhooks/stripe': { kind: 'public', why: 'signature-verified webhook' },
  // Billing is off in this (self-hosted) edition: an owner gets 404 "Billing is off"; billing.test.ts
  // runs the hosted edition.
  'POST /api/orgs/:slug/billing/checkout': {
    kind: 'tenant',
    minRole: 'owner',
    request: (f) => ({ path: `/api/orgs/${f.slug}/billing/checkout`, body: { plan: 'pro' } }),
    allowedRefusals: [404],
  },
  'POST /api/orgs/:slug/billing/portal': {
    kind: 'tenant',
    minRole: 'owner',
    request: (f) => ({ path: `/api/orgs/${f.slug}/billing/portal`, body: {} }),
    allowedRefusals: [404],
  },
  'GET /api/orgs/:slug': { kind: 'tenant', minRole: 'viewer', request: orgPath() },
  'PATCH /api/orgs/:slug': {
    kind: 'tenant',
    minRole: 'admin',
    request: (f) => ({ path: `/api/orgs/${f.slug}`, body: { name: 'Changed' } }),
  },
  'DELETE /api/orgs/:slug': { kind: 'tenant', minRole: 'owner', request: orgPath() },
  'GET /api/orgs/:slug/members': { kind: 'tenant', minRole: 'viewer', request: orgPath('/members') },
  'PATCH /api/orgs/:slug/members/:userId': {
    kind: 'tenant',
    minRole: 'admin',
    request: (f) => ({ path: `/api/orgs/${f.slug}/members/${f.targetUserId}`, body: { role: 'viewer' } }),
  },
  'DELETE /api/orgs/:slug/members/:userId': {
    kind: 'tenant',
    minRole: 'admin',
    request: (f) => ({ path: `/api/orgs/${f.slug}/members/${f.targetUserId}` }),
  },
  'GET /api/orgs/:slug/invitations': { kind: 'tenant', minRole: 'admin', request: orgPath('/invitations') },
  'POST /api/orgs/:slug/invitations': {
    kind: 'tenant',
    minRole: 'admin',
    request: (f) => ({ path: `/api/orgs/${f.slug}/invitations`, body: { email: uniqueEmail(), role: 'member' } }),
  },
  'DELETE /api/orgs/:slug/invitations/:id': {
    kind: 'tenant',
    minRole: 'admin',
    request: (f) => ({ path: `/api/orgs/${f.slug}/invitations/${f.invitationId}` }),
  },
  'GET /api/orgs/:slug/keys': { kind: 'tenant', minRole: 'admin', request: orgPath('/keys') },
  'POST /api/orgs/:slug/keys': {
    kind: 'tenant',
    minRole: 'admin',
    request: (f) => ({ path: `/api/orgs/${f.slug}/keys`, body: { name: 'matrix' } }),
  },
  'DELETE /api/orgs/:slug/keys/:id': {
    kind: 'tenant',
    minRole: 'admin',
    request: (f) => ({ path: `/api/orgs/${f.slug}/keys/${f.keyId}` }),
  },
  'GET /api/orgs/:slug/audit': { kind: 'tenant', minRole: 'admin', request: orgPath('/audit') },
};

const ROLES: Role[] = ['viewer', 'member', 'admin', 'owner'];
const RANK: Record<Role, number> = { viewer: 0, member: 1, admin: 2, owner: 3 };

function registeredRoutes(): string[] {
  const seen = new Set<string>();
  for (const route of app.routes) {
    if (route.method === 'ALL' || !/^\/(v1|api|webhooks)\//.test(route.path)) continue;
    seen.add(`${route.method} ${route.path}`);
  }
  return [...seen].sort();
}

async function invite(ownerCookie: string, slug: string, role: Role) {
  const email = uniqueEmail(role);
  const res = await call(`/api/orgs/${slug}/invitations`, { cookie: ownerCookie, body: { email, role } });
  return { email, token: res.json.token as string, id: res.json.id as string };
}

/** An org with an owner, a second member (target), a key and a pending invitation. */
async function buildFixture(): Promise<Fixture> {
  const owner = await signUp();
  const target = await invite(owner.cookie, owner.org.slug, 'member');
  const targetUser = await signUp({ email: target.email, invitationToken: target.token });
  const key = await createKey(owner.cookie, owner.org.slug, {
    name: 'fixture',
    scopes: ['tasks:write', 'schedules:write'],
  });
  const pending = await invite(owner.cookie, owner.org.slug, 'viewer');
  const agents = (await call('/v1/agents', { cookie: owner.cookie, org: owner.org.slug })).json.data as Array<{
    id: string;
    slug: string;
  }>;
  const agentId = agents.find((a) => a.slug === 'sable')!.id;
  const spareAgentId = agents.find((a) => a.slug === 'graham')!.id;
  const task = await call('/v1/tasks', {
    key: key.key,
    body: { agent: 'sable', description: 'Fixture task', scheduled_for: later() },
  });
  const schedule = await call('/v1/schedules', {
    key: key.key,
    body: { name: 'Fixture', cron: '0 9 * * *', task: { agent: 'sable', description: 'x' } },
  });
  const threadId = `thr_${crypto.randomUUID()}`;
  const runId = `run_${crypto.randomUUID()}`;
  const approvalId = `msg_${crypto.randomUUID()}`;
  const connectionId = `mcp_${crypto.randomUUID()}`;
  // A connection to a closed local port, with its tools listed already (no network for reads).
  await hubSql(
    owner.org.id,
    `INSERT INTO mcp_connections (id, slug, name, url, auth_type, tools_cache, tools_cached_at) VALUES (?, 'fixture', 'Fixture', 'http://127.0.0.1:9/mcp', 'none', '[]', ?)`,
    connectionId,
    Date.now(),
  );
  await hubSql(owner.org.id, `INSERT INTO threads (id, subject, kind) VALUES (?, 'Fixture', 'human_agent')`, threadId);
  await hubSql(
    owner.org.id,
    `INSERT INTO messages (id, thread_id, sender_type, sender_id, recipient_type, type, body, task_id, approval_status) VALUES (?, ?, 'agent', ?, 'external', 'external_draft', 'Draft', ?, 'pending')`,
    approvalId,
    threadId,
    agentId,
    task.json.id,
  );
  await hubSql(
    owner.org.id,
    `INSERT INTO agent_runs (id, task_id, agent_id, attempt, provider, model, outcome, started_at) VALUES (?, ?, ?, 1, 'simulated', 'simulated-1', 'failed', ?)`,
    runId,
    task.json.id,
    agentId,
    Date.now(),
  );
  return {
    agentId,
    spareAgentId,
    taskId: task.json.id,
    approvalId,
    scheduleId: schedule.json.id,
    threadId,
    runId,
    connectionId,
    slug: owner.org.slug,
    orgId: owner.org.id,
    ownerId: owner.user.id,
    targetUserId: targetUser.user.id,
    keyId: key.id,
    invitationId: pending.id,
    invitationToken: pending.token,
    ownerCookie: owner.cookie,
  };
}

async function actorWithRole(fixture: Fixture, role: Role): Promise<string> {
  if (role === 'owner') return fixture.ownerCookie;
  const inv = await invite(fixture.ownerCookie, fixture.slug, role);
  return (await signUp({ email: inv.email, invitationToken: inv.token })).cookie;
}

function methodOf(routeKey: string) {
  return routeKey.split(' ')[0]!;
}

describe('route coverage', () => {
  it('every registered route has an isolation entry', () => {
    const missing = registeredRoutes().filter((route) => !(route in MATRIX));
    expect(missing, 'add these routes to MATRIX in tests/integration/isolation-matrix.test.ts').toEqual([]);
    const stale = Object.keys(MATRIX).filter((route) => !registeredRoutes().includes(route));
    expect(stale, 'MATRIX entries for routes that no longer exist').toEqual([]);
  });
});

describe('tenant isolation: org B acting on org A', () => {
  const tenantRoutes = Object.entries(MATRIX).filter(
    (entry): entry is [string, TenantRoute] => entry[1].kind === 'tenant',
  );

  for (const [routeKey, entry] of tenantRoutes) {
    it(`${routeKey} → 404 with nothing of org A`, async () => {
      const a = await buildFixture();
      const b = await signUp();
      const bKey = await createKey(b.cookie, b.org.slug, { name: 'b', scopes: API_KEY_SCOPES as unknown as string[] });
      const { path, body } = entry.request(a);
      const method = methodOf(routeKey);
      const leaked = [
        a.orgId,
        a.slug,
        a.ownerId,
        a.targetUserId,
        a.keyId,
        a.invitationId,
        a.agentId,
        a.taskId,
        a.approvalId,
        a.scheduleId,
        a.threadId,
        a.runId,
        a.connectionId,
      ];

      if (path.startsWith('/v1/')) {
        // By session: B's user names A's org → 404.
        const bySession = await call(path, { method, body, cookie: b.cookie, org: a.slug });
        expect(bySession.status).toBe(404);
        for (const value of leaked) expect(bySession.text).not.toContain(value);
        // By key: B's key always means B's org; A's ids are 404 there, and nothing of A comes back.
        const byKey = await call(path, { method, body, key: bKey.key });
        expect(byKey.status).toBeLessThan(500);
        if (/\/(agt|tsk|sch|thr|run|msg)_/.test(path)) expect(byKey.status).toBe(404);
        for (const value of leaked) expect(byKey.text).not.toContain(value);
      } else {
        const bySession = await call(path, { method, body, cookie: b.cookie });
        expect(bySession.status).toBe(404);
        expect(bySession.json.error.code).toBe('not_found');
        for (const value of leaked) expect(bySession.text).not.toContain(value);
        // A key is not a dashboard credential.
        const byKey = await call(path, { method, body, key: bKey.key });
        expect([401, 404]).toContain(byKey.status);
        for (const value of leaked) expect(byKey.text).not.toContain(value);
      }
      // Org A is untouched.
      const check = await call(`/api/orgs/${a.slug}/members`, { cookie: a.ownerCookie });
      expect(check.status).toBe(200);
      expect(check.json.data).toHaveLength(2);
    });
  }
});

describe('role matrix', () => {
  const tenantRoutes = Object.entries(MATRIX).filter(
    (entry): entry is [string, TenantRoute] => entry[1].kind === 'tenant',
  );

  for (const [routeKey, entry] of tenantRoutes) {
    for (const role of ROLES) {
      const allowed = RANK[role] >= RANK[entry.minRole];
      it(`${routeKey} as ${role} → ${allowed ? 'allowed' : '403'}`, async () => {
        const fixture = await buildFixture();
        const cookie = await actorWithRole(fixture, role);
        const { path, body } = entry.request(fixture);
        const res = await call(path, {
          method: methodOf(routeKey),
          body,
          cookie,
          org: path.startsWith('/v1/') ? fixture.slug : undefined,
        });
        if (allowed) {
          // Allowed means the function-level check passed; the action itself may still refuse
          // on the record's state (409), e.g. retrying a task that has not failed.
          expect([401, 403]).not.toContain(res.status);
          expect(res.status, JSON.stringify(res.json)).toBeLessThan(500);
          if (res.status >= 300) expect([409, ...(entry.allowedRefusals ?? [])]).toContain(res.status);
        } else {
          expect(res.status).toBe(403);
          expect(res.json.error.code).toBe('forbidden');
        }
      });
    }
  }
});
