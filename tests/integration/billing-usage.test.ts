/**
 * Metering in the hosted edition (the `billing` project): the agent-minute quota at the exact
 * boundary with its visible reason and warnings, release on a bigger plan or a new period, Pro
 * overage as Stripe meter events (idempotent, retried, never twice) and its reconciliation, the
 * past_due grace period, and `GET /v1/usage`.
 */
import {
  createExecutionContext,
  createScheduledController,
  env,
  runDurableObjectAlarm,
  runInDurableObject,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { reconcileOverage } from '../../core/billing/metering';
import { endExpiredGrace } from '../../core/billing/state';
import { loadConfig } from '../../core/config';
import { getDb } from '../../core/db/client';
import { auditLog, organizations } from '../../core/db/schema';
import { getOrgHub, orgHub } from '../../core/org-hub-client';
import worker from '../../worker/index';
import { call, createKey, hubSql, ORIGIN, PASSWORD, setPlan, signUp, uniqueEmail } from './helpers';
import { fake, fakeId, send, sentToStripe, stripeHas } from './stripe-helpers';

const db = () => getDb(env);
const DAY_MS = 24 * 3600 * 1000;
const STARTER_LIMIT_MS = 1_000 * 60_000;
const PRO_LIMIT_MS = 10_000 * 60_000;

function period(now = Date.now()) {
  const d = new Date(now);
  return {
    start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
    end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
  };
}

async function orgRow(orgId: string) {
  const [row] = await db().select().from(organizations).where(eq(organizations.id, orgId));
  return row!;
}

/** Sets this period's agent-ms in the org's hub (what finished runs would have added up to). */
async function setUsedMs(orgId: string, agentMs: number) {
  const { start, end } = period();
  await hubSql(
    orgId,
    `INSERT INTO usage_periods (period_start, period_end, agent_ms) VALUES (?, ?, ?)
     ON CONFLICT (period_start) DO UPDATE SET agent_ms = excluded.agent_ms`,
    start,
    end,
    agentMs,
  );
}

async function owner() {
  const signed = await signUp();
  const { key } = await createKey(signed.cookie, signed.org.slug, {
    name: 'usage',
    scopes: ['tasks:read', 'tasks:write', 'usage:read', 'agents:read'],
  });
  return { ...signed, key };
}

async function task(key: string, id: string) {
  return (await call(`/v1/tasks/${id}`, { key })).json;
}

async function events(orgId: string, type: string) {
  const rows = await hubSql<{ data: string }>(orgId, `SELECT data FROM events WHERE type = ? ORDER BY seq`, type);
  return rows.map((row) => JSON.parse(row.data));
}

describe('agent-minute quota at admission', () => {
  it('one ms under the limit admits; at the limit the task waits with reason quota; a bigger plan releases it', async () => {
    const o = await owner();
    expect((await orgRow(o.org.id)).plan).toBe('starter');

    await setUsedMs(o.org.id, STARTER_LIMIT_MS - 1);
    const under = await call('/v1/tasks', { key: o.key, body: { agent: 'sable', description: 'Just under' } });
    expect(under.status).toBe(201);
    expect(under.json.waiting_reason).toBeNull();
    await vi.waitFor(async () => expect((await task(o.key, under.json.id)).status).toBe('completed'), {
      timeout: 15_000,
    });

    await setUsedMs(o.org.id, STARTER_LIMIT_MS);
    const at = await call('/v1/tasks', { key: o.key, body: { agent: 'sable', description: 'At the limit' } });
    expect(at.status).toBe(201);
    expect(at.json).toMatchObject({ status: 'pending', waiting_reason: 'quota' });
    // It stays there: nothing runs while the quota is used up.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await task(o.key, at.json.id)).toMatchObject({ status: 'pending', waiting_reason: 'quota' });
    const reached = await events(o.org.id, 'usage.quota_reached');
    expect(reached).toHaveLength(1);
    expect(reached[0]).toMatchObject({ threshold_percent: 100, limit_agent_ms: STARTER_LIMIT_MS, plan: 'starter' });
    // The hub wakes when the period rolls over.
    const alarm = await runInDurableObject(getOrgHub(env, { orgId: o.org.id }), (_hub, state) =>
      state.storage.getAlarm(),
    );
    expect(alarm).not.toBeNull();
    expect(alarm!).toBeLessThanOrEqual(period().end);

    const usage = await call('/v1/usage', { key: o.key });
    expect(usage.json.quota).toMatchObject({ reached: true, limit_agent_ms: STARTER_LIMIT_MS, used_percent: 100 });

    await setPlan(o.org.id, 'pro');
    await vi.waitFor(async () => expect((await task(o.key, at.json.id)).status).toBe('completed'), {
      timeout: 15_000,
    });
    expect((await task(o.key, at.json.id)).waiting_reason).toBeNull();
    const released = await hubSql(o.org.id, `SELECT id FROM tasks WHERE waiting_reason IS NOT NULL`);
    expect(released).toHaveLength(0);
  });

  it('warns once at 80% (not again, and not yet at 100%)', async () => {
    const o = await owner();
    // A minute under 80% (a simulated run takes far less).
    await setUsedMs(o.org.id, STARTER_LIMIT_MS * 0.8 - 60_000);
    const first = await call('/v1/tasks', { key: o.key, body: { agent: 'sable', description: 'Below 80%' } });
    await vi.waitFor(async () => expect((await task(o.key, first.json.id)).status).toBe('completed'));
    expect(await events(o.org.id, 'usage.quota_warning')).toHaveLength(0);

    await setUsedMs(o.org.id, STARTER_LIMIT_MS * 0.8);
    for (const description of ['At 80%', 'Still at 80%']) {
      const created = await call('/v1/tasks', { key: o.key, body: { agent: 'sable', description } });
      await vi.waitFor(async () => expect((await task(o.key, created.json.id)).status).toBe('completed'));
    }
    const warnings = await events(o.org.id, 'usage.quota_warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ threshold_percent: 80, agent_ms: STARTER_LIMIT_MS * 0.8 });
    expect(await events(o.org.id, 'usage.quota_reached')).toHaveLength(0);
  });

  it('a new period releases held work (the alarm at the period end)', async () => {
    const o = await owner();
    await setUsedMs(o.org.id, STARTER_LIMIT_MS + 5);
    const held = await call('/v1/tasks', { key: o.key, body: { agent: 'sable', description: 'Next month' } });
    expect(held.json.waiting_reason).toBe('quota');
    // The month rolls over: the new period has no usage yet (its counters start at zero).
    await hubSql(o.org.id, `DELETE FROM usage_periods`);
    await runDurableObjectAlarm(getOrgHub(env, { orgId: o.org.id }));
    await vi.waitFor(async () => expect((await task(o.key, held.json.id)).status).toBe('completed'), {
      timeout: 15_000,
    });
    expect((await task(o.key, held.json.id)).waiting_reason).toBeNull();
  });
});

/** A Pro org with a Stripe customer (through Checkout and the webhook, as in production). */
async function proOrg() {
  const o = await owner();
  const checkout = await call(`/api/orgs/${o.org.slug}/billing/checkout`, { cookie: o.cookie, body: { plan: 'pro' } });
  expect(checkout.status).toBe(200);
  const customer = (await orgRow(o.org.id)).stripeCustomerId!;
  const sub = await stripeHas({ id: fakeId('sub'), customer, orgId: o.org.id, plan: 'pro', status: 'active' });
  expect((await send({ type: 'customer.subscription.created', object: sub })).json.outcome).toBe('applied');
  expect((await orgRow(o.org.id)).plan).toBe('pro');
  return { ...o, customer, sub };
}

let attempts = 100;

/** A finished run in the hub, as run-lifecycle writes it (agent-ms added to the period). */
async function finishedRun(orgId: string, agentMs: number, endedAt: number) {
  const id = fakeId('run');
  const [agent] = await hubSql<{ id: string }>(orgId, `SELECT id FROM agents LIMIT 1`);
  const [t] = await hubSql<{ id: string }>(orgId, `SELECT id FROM tasks LIMIT 1`);
  await hubSql(
    orgId,
    `INSERT INTO agent_runs (id, task_id, agent_id, attempt, provider, model, outcome, agent_ms, started_at, ended_at)
     VALUES (?, ?, ?, ?, 'simulated', 'simulated', 'completed', ?, ?, ?)`,
    id,
    t!.id,
    agent!.id,
    ++attempts,
    agentMs,
    endedAt - agentMs,
    endedAt,
  );
  const { start, end } = period(endedAt);
  await hubSql(
    orgId,
    `INSERT INTO usage_periods (period_start, period_end, agent_ms, runs) VALUES (?, ?, ?, 1)
     ON CONFLICT (period_start) DO UPDATE SET agent_ms = agent_ms + excluded.agent_ms, runs = runs + 1`,
    start,
    end,
    agentMs,
  );
  return id;
}

const meterEvents = (customer: string) =>
  fake<{ data: Array<{ identifier: string; event_name: string; timestamp: number; payload: Record<string, string> }> }>(
    `/__fake/meter-events?customer=${customer}`,
  ).then((r) => r.data);

const report = (orgId: string) =>
  orgHub(env, { orgId, actor: { type: 'system', id: null } }).reportOverage(period().start);

describe('Pro overage', () => {
  it('is reported as meter events per run, exactly, once, and retried until Stripe accepts it', async () => {
    const o = await proOrg();
    // A task gives the runs something to belong to.
    const t = await call('/v1/tasks', { key: o.key, body: { agent: 'sable', description: 'Busy month' } });
    await vi.waitFor(async () => expect((await task(o.key, t.json.id)).status).toBe('completed'));
    const base = Number((await hubSql<{ ms: number }>(o.org.id, `SELECT agent_ms AS ms FROM usage_periods`))[0]!.ms);
    const now = Date.now();
    // Up to 2 s under the limit, then two runs take it 5 s over.
    await setUsedMs(o.org.id, PRO_LIMIT_MS - 2_000);
    // Both end after the task's own run, which is therefore not the one that went over.
    const older = await finishedRun(o.org.id, 3_000, now + 1);
    const newer = await finishedRun(o.org.id, 4_000, now + 2);
    expect(base).toBeGreaterThanOrEqual(0);

    const totals = await report(o.org.id);
    expect(totals).toMatchObject({ owedMs: 5_000, recordedMs: 5_000, sentMs: 5_000, unsent: 0 });
    const sent = await meterEvents(o.customer);
    expect(sent.map((e) => [e.identifier, e.payload.value]).sort()).toEqual(
      [
        [`${o.org.id}:${newer}`, '4000'],
        [`${o.org.id}:${older}`, '1000'],
      ].sort(),
    );
    expect(sent.every((e) => e.event_name === loadConfig(env).STRIPE_METER_EVENT_NAME)).toBe(true);
    expect(sent.find((e) => e.identifier.endsWith(newer))!.timestamp).toBe(Math.floor((now + 2) / 1000));

    // Nothing new owed: nothing sent again.
    expect(await report(o.org.id)).toMatchObject({ owedMs: 5_000, sentMs: 5_000 });
    expect(await meterEvents(o.customer)).toHaveLength(2);

    // Stripe fails: the run's overage stays in the outbox and goes on the next try.
    const third = await finishedRun(o.org.id, 2_500, now + 3);
    await fake('/__fake/fail-next', { method: 'POST', body: { count: 1 } });
    expect(await report(o.org.id)).toMatchObject({ owedMs: 7_500, recordedMs: 7_500, sentMs: 5_000, unsent: 1 });
    const [failed] = await hubSql<{ attempts: number; last_error: string }>(
      o.org.id,
      `SELECT attempts, last_error FROM meter_reports WHERE run_id = ?`,
      third,
    );
    expect(failed).toMatchObject({ attempts: 1 });
    expect(failed!.last_error).toBeTruthy();
    expect(await report(o.org.id)).toMatchObject({ owedMs: 7_500, sentMs: 7_500, unsent: 0 });

    // Accepted but the answer lost: the resend carries the same identifier and Stripe keeps one.
    await hubSql(o.org.id, `UPDATE meter_reports SET sent_at = NULL WHERE run_id = ?`, third);
    expect(await report(o.org.id)).toMatchObject({ sentMs: 7_500, unsent: 0 });
    const all = await meterEvents(o.customer);
    expect(all).toHaveLength(3);
    expect(all.reduce((sum, e) => sum + Number(e.payload.value), 0)).toBe(7_500);

    // The ledger in D1 carries what Stripe accepted, for the reconciliation.
    const [ledger] = await env.DB.prepare(
      `SELECT agent_ms, reported_agent_ms FROM usage_periods WHERE organization_id = ? AND period_start = ?`,
    )
      .bind(o.org.id, period().start)
      .all<{ agent_ms: number; reported_agent_ms: number }>()
      .then((r) => r.results);
    expect(ledger).toMatchObject({ agent_ms: PRO_LIMIT_MS + 7_500, reported_agent_ms: 7_500 });
  });

  it('Pro does not stop at its minutes: work past the limit runs (and is billed), with the 100% event', async () => {
    const o = await proOrg();
    await setUsedMs(o.org.id, PRO_LIMIT_MS + 60_000);
    const t = await call('/v1/tasks', { key: o.key, body: { agent: 'sable', description: 'Past the limit' } });
    expect(t.json.waiting_reason).toBeNull();
    await vi.waitFor(async () => expect((await task(o.key, t.json.id)).status).toBe('completed'));
    expect(await events(o.org.id, 'usage.quota_reached')).toHaveLength(1);
    const usage = (await call('/v1/usage', { key: o.key })).json;
    expect(usage.quota).toMatchObject({ reached: false, overage_billed: true });
    expect(usage.quota.overage_agent_ms).toBeGreaterThanOrEqual(60_000);
  });

  it('within the limit, or on Starter, nothing is reported', async () => {
    const o = await proOrg();
    await setUsedMs(o.org.id, PRO_LIMIT_MS - 10_000);
    const t = await call('/v1/tasks', { key: o.key, body: { agent: 'sable', description: 'Small' } });
    await vi.waitFor(async () => expect((await task(o.key, t.json.id)).status).toBe('completed'));
    await finishedRun(o.org.id, 5_000, Date.now());
    expect(await report(o.org.id)).toMatchObject({ owedMs: 0, recordedMs: 0 });
    expect(await meterEvents(o.customer)).toHaveLength(0);
  });

  it('the reconciliation finds an org behind and has its hub send what is owed', async () => {
    const o = await proOrg();
    const t = await call('/v1/tasks', { key: o.key, body: { agent: 'sable', description: 'Reconcile me' } });
    await vi.waitFor(async () => expect((await task(o.key, t.json.id)).status).toBe('completed'));
    // Stripe was down when the hub flushed: the ledger shows the usage but nothing accepted.
    await setUsedMs(o.org.id, PRO_LIMIT_MS);
    const run = await finishedRun(o.org.id, 1_234, Date.now());
    const { start, end } = period();
    await env.DB.prepare(
      `INSERT INTO usage_periods (id, organization_id, period_start, period_end, agent_ms, reported_agent_ms)
       VALUES (?, ?, ?, ?, ?, 0)
       ON CONFLICT (organization_id, period_start) DO UPDATE SET agent_ms = excluded.agent_ms, reported_agent_ms = 0`,
    )
      .bind(`use_${o.org.id}_${start}`, o.org.id, start, end, PRO_LIMIT_MS + 1_234)
      .run();

    const result = await reconcileOverage(db(), env);
    expect(result.behind).toBeGreaterThanOrEqual(1);
    expect(result.over).toBe(0);
    const sent = await meterEvents(o.customer);
    expect(sent).toEqual([expect.objectContaining({ identifier: `${o.org.id}:${run}` })]);
    expect(sent[0]!.payload.value).toBe('1234');
    const [ledger] = await env.DB.prepare(
      `SELECT reported_agent_ms FROM usage_periods WHERE organization_id = ? AND period_start = ?`,
    )
      .bind(o.org.id, start)
      .all<{ reported_agent_ms: number }>()
      .then((r) => r.results);
    expect(ledger!.reported_agent_ms).toBe(1_234);
    // Reconciled: a second pass finds it in step and sends nothing.
    await reconcileOverage(db(), env);
    expect(await meterEvents(o.customer)).toHaveLength(1);
  });
});

describe('past_due grace period', () => {
  it('a failed payment keeps the plan for the grace period, then Free; paying restores it', async () => {
    const o = await proOrg();
    const failing = await stripeHas({
      id: o.sub.id,
      customer: o.customer,
      orgId: o.org.id,
      plan: 'pro',
      status: 'past_due',
    });
    expect((await send({ type: 'customer.subscription.updated', object: failing })).json.outcome).toBe('applied');
    const pastDue = await orgRow(o.org.id);
    expect(pastDue).toMatchObject({ plan: 'pro', subscriptionStatus: 'past_due' });
    expect(Date.now() - pastDue.pastDueSince!).toBeLessThan(60_000);

    // The dashboard says so, with the day the grace ends.
    const page = await call(`/orgs/${o.org.slug}/tasks`, { cookie: o.cookie });
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="past-due-banner"');

    const config = loadConfig(env);
    // Within the grace period the sweep leaves it alone.
    expect(await endExpiredGrace(db(), env, config)).toBe(0);
    expect((await orgRow(o.org.id)).plan).toBe('pro');

    // The grace period is over.
    await db()
      .update(organizations)
      .set({ pastDueSince: Date.now() - config.BILLING_GRACE_DAYS * DAY_MS - 1_000 })
      .where(eq(organizations.id, o.org.id));
    expect(await endExpiredGrace(db(), env, config)).toBeGreaterThanOrEqual(1);
    expect(await orgRow(o.org.id)).toMatchObject({ plan: 'free', subscriptionStatus: 'past_due' });
    const [audit] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.organizationId, o.org.id), eq(auditLog.action, 'billing.plan_changed')))
      .then((rows) => rows.filter((r) => (r.metadata as { reason?: string }).reason === 'grace_expired'));
    expect(audit!.metadata).toMatchObject({ to: { plan: 'free', status: 'past_due' } });
    expect((await call(`/api/orgs/${o.org.slug}`, { cookie: o.cookie })).json.limits.agents).toBe(3);

    // Stripe retries the card again and fails: still Free.
    const retried = await send({ type: 'customer.subscription.updated', object: failing });
    expect(retried.json.outcome).toBe('unchanged');
    expect((await orgRow(o.org.id)).plan).toBe('free');

    // The card works at last: Pro again, the grace cleared.
    const paid = await stripeHas({
      id: o.sub.id,
      customer: o.customer,
      orgId: o.org.id,
      plan: 'pro',
      status: 'active',
    });
    expect((await send({ type: 'customer.subscription.updated', object: paid })).json.outcome).toBe('applied');
    expect(await orgRow(o.org.id)).toMatchObject({ plan: 'pro', subscriptionStatus: 'active', pastDueSince: null });
  });
});

describe('GET /v1/usage', () => {
  it('gives the period, the limit, and per-agent and per-day figures that add up to the totals', async () => {
    const o = await owner();
    for (const agent of ['sable', 'sable', 'marcus']) {
      const created = await call('/v1/tasks', { key: o.key, body: { agent, description: `Work for ${agent}` } });
      await vi.waitFor(async () => expect((await task(o.key, created.json.id)).status).toBe('completed'), {
        timeout: 15_000,
      });
    }
    const usage = await call('/v1/usage', { key: o.key });
    expect(usage.status).toBe(200);
    const body = usage.json;
    expect(body).toMatchObject({
      plan: { id: 'starter', name: 'Starter' },
      runs: 3,
      limits: { agent_minutes_per_month: 1_000 },
      quota: { limit_agent_ms: STARTER_LIMIT_MS, reached: false, overage_agent_ms: 0 },
    });
    expect(body.period_start).toBe(new Date(period().start).toISOString());
    const bySlug = Object.fromEntries(body.by_agent.map((a: any) => [a.agent.slug, a]));
    expect(bySlug.sable.runs).toBe(2);
    expect(bySlug.marcus.runs).toBe(1);
    const sum = (rows: any[], field: string) => rows.reduce((total, row) => total + row[field], 0);
    for (const field of ['agent_ms', 'runs', 'input_tokens', 'output_tokens']) {
      expect(sum(body.by_agent, field)).toBe(body[field]);
      expect(sum(body.by_day, field)).toBe(body[field]);
    }
    expect(body.by_day.at(-1).date).toBe(new Date().toISOString().slice(0, 10));
    // One entry per day, not per run.
    const dates = body.by_day.map((day: { date: string }) => day.date);
    expect(new Set(dates).size).toBe(dates.length);
  });
});

describe('signup with ?plan= and the usage page', () => {
  const FORM = { 'Content-Type': 'application/x-www-form-urlencoded', Host: new URL(ORIGIN).host };

  it('signup with ?plan=pro creates the org, signs in, and hands off to Checkout for it', async () => {
    const page = await call('/signup?plan=pro');
    expect(page.status).toBe(200);
    expect(page.text).toContain('name="plan" value="pro"');
    const email = uniqueEmail('plan');
    const signup = await call('/signup?plan=pro', {
      body: new URLSearchParams({
        email,
        password: PASSWORD,
        name: 'Plan Buyer',
        organization_name: 'Plan Buyers',
        plan: 'pro',
      }).toString(),
      headers: FORM,
    });
    expect(signup.status).toBe(302);
    expect(signup.res.headers.get('location')).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/);
    expect(signup.res.headers.get('set-cookie')).toContain('gc_session=');
    const [org] = await db().select().from(organizations).where(eq(organizations.name, 'Plan Buyers'));
    expect(org!.stripeCustomerId).toMatch(/^cus_/);
    const [session] = (await sentToStripe('/v1/checkout/sessions')).data.filter(
      (s) => s.body.client_reference_id === org!.id,
    );
    expect(session!.body).toMatchObject({ metadata: { org_id: org!.id, plan: 'pro' } });
    expect(session!.body.cancel_url).toBe(`${env.APP_URL}/orgs/${org!.slug}/settings/billing?checkout=canceled`);
  });

  it('an unknown ?plan= is ignored: plain signup into the org', async () => {
    const signup = await call('/signup?plan=platinum', {
      body: new URLSearchParams({
        email: uniqueEmail('noplan'),
        password: PASSWORD,
        name: 'No Plan',
        organization_name: 'No Plan Org',
        plan: 'platinum',
      }).toString(),
      headers: FORM,
    });
    expect(signup.status).toBe(302);
    expect(signup.res.headers.get('location')).toMatch(/^\/orgs\/no-plan-org/);
  });

  it('the usage page renders its charts on the server, with the plan limit and the upgrade path', async () => {
    const o = await owner();
    const created = await call('/v1/tasks', { key: o.key, body: { agent: 'sable', description: 'Chart me' } });
    await vi.waitFor(async () => expect((await task(o.key, created.json.id)).status).toBe('completed'));
    const page = await call(`/orgs/${o.org.slug}/settings/usage`, { cookie: o.cookie });
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="usage-chart-period"');
    expect(page.text).toContain('data-testid="usage-chart-agents"');
    expect(page.text).toMatch(/<svg[^>]*recharts-surface/);
    // The numbers behind the period chart, for screen readers (the SVG gives them only ticks).
    expect(page.text).toContain('<caption>Agent-minutes by day</caption>');
    expect(page.text).toMatch(
      /agent-minutes used so far this period(<!-- -->)? of (<!-- -->)?1,000(<!-- -->)? in the plan/,
    );
    expect(page.text).toMatch(/Plan limit: (<!-- -->)?1,000(<!-- -->)? min/);
    expect(page.text).toContain(`/orgs/${o.org.slug}/settings/billing`);
    expect(page.text).toContain('Sable');
  });
});

describe('operator plan changes (npm run ops -- set-plan)', () => {
  const sync = (orgId: string, secret: string | null) =>
    call(`/internal/ops/orgs/${orgId}/sync`, {
      method: 'POST',
      origin: null,
      headers: secret ? { Authorization: `Bearer ${secret}` } : {},
    });

  it('the push endpoint needs the operator secret, then gives the hub the plan and limits D1 has', async () => {
    const o = await owner();
    // What the script writes with wrangler d1 execute.
    await db()
      .update(organizations)
      .set({
        plan: 'enterprise',
        planLimits: { agents: 7, agentMinutesPerMonth: 50_000 },
        subscriptionStatus: 'active',
      })
      .where(eq(organizations.id, o.org.id));

    expect((await sync(o.org.id, null)).status).toBe(401);
    expect((await sync(o.org.id, 'wrong')).status).toBe(401);
    expect((await sync('not-an-org', env.OPS_SECRET!)).status).toBe(400);
    const pushed = await sync(o.org.id, env.OPS_SECRET!);
    expect(pushed.status).toBe(200);
    expect(pushed.json.organization).toMatchObject({
      plan: 'enterprise',
      limits: { agents: 7, agent_minutes_per_month: 50_000 },
    });
    // The hub applies the contract's limits: 7 agents (not Enterprise's default 200).
    const add = (name: string) =>
      call('/v1/agents', {
        cookie: o.cookie,
        org: o.org.slug,
        body: { name, role: 'Analyst', personality: 'Careful.' },
      });
    expect((await add('Sixth')).status).toBe(201);
    expect((await add('Seventh')).status).toBe(201);
    expect((await add('Eighth')).status).toBe(402);
    expect((await call('/v1/usage', { key: o.key })).json.limits.agent_minutes_per_month).toBe(50_000);
  });

  it('a change whose push did not get through reaches the hub with the next cron sweep, in the self-hosted edition too', async () => {
    const o = await owner();
    // A contract limit written to D1 (what the script does), never pushed.
    await db()
      .update(organizations)
      .set({ planLimits: { agents: 9 }, updatedAt: Date.now() })
      .where(eq(organizations.id, o.org.id));
    const hubLimits = async () => {
      const [row] = await hubSql<{ value: string }>(o.org.id, `SELECT value FROM meta WHERE key = 'org_info'`);
      return row ? ((JSON.parse(row.value) as { limits?: Record<string, number> | null }).limits ?? null) : null;
    };
    expect(await hubLimits()).toBeNull();

    const ctx = createExecutionContext();
    const selfHosted = { ...env, EDITION: 'self-hosted' } as typeof env;
    await worker.scheduled(
      createScheduledController({ cron: '*/5 * * * *', scheduledTime: Date.now() }),
      selfHosted,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(await hubLimits()).toEqual({ agents: 9 });
  });
});
