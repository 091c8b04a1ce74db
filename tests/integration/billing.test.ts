/**
 * Billing in the hosted edition (the `billing` project of vitest.config.mts), against the fake
 * Stripe of tests/fakes/stripe-server.ts: Checkout and the Portal for owners, the Stripe
 * webhook (signature, deduplication, order independence), plan limits following the plan in
 * the org's OrgHub, and the trial sweep.
 */
import { createScheduledController, createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createCheckoutSession } from '../../core/billing/checkout';
import { loadConfig } from '../../core/config';
import { getDb } from '../../core/db/client';
import { auditLog, organizations, stripeEvents } from '../../core/db/schema';
import { ApiError } from '../../core/errors';
import worker from '../../worker/index';
import { call, ORIGIN, signUp, uniqueEmail } from './helpers';
import {
  deliver,
  eventPayload,
  fake,
  fakeId,
  send,
  sentToStripe,
  sign,
  stripeHas,
  subscriptionObject,
} from './stripe-helpers';

const db = () => getDb(env);

async function orgRow(orgId: string) {
  const [row] = await db().select().from(organizations).where(eq(organizations.id, orgId));
  return row!;
}

async function auditActions(orgId: string, action: string) {
  return db()
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.organizationId, orgId), eq(auditLog.action, action)));
}

/** A new hosted org (on its Starter trial) whose owner has opened Checkout once: it has a customer. */
async function customerOrg() {
  const owner = await signUp();
  const checkout = await call(`/api/orgs/${owner.org.slug}/billing/checkout`, {
    cookie: owner.cookie,
    body: { plan: 'pro' },
  });
  expect(checkout.status).toBe(200);
  const row = await orgRow(owner.org.id);
  expect(row.stripeCustomerId).toMatch(/^cus_/);
  return { ...owner, customer: row.stripeCustomerId! };
}

async function agents(owner: { cookie: string; org: { slug: string } }) {
  const list = await call('/v1/agents', { cookie: owner.cookie, org: owner.org.slug });
  expect(list.status).toBe(200);
  return list.json.data as Array<{ slug: string; status: string }>;
}

async function addAgent(owner: { cookie: string; org: { slug: string } }, name: string) {
  return call('/v1/agents', {
    cookie: owner.cookie,
    org: owner.org.slug,
    body: { name, role: 'Analyst', personality: 'Careful.' },
  });
}

describe('hosted edition', () => {
  it('a new org starts on the Starter trial', async () => {
    const owner = await signUp();
    const row = await orgRow(owner.org.id);
    expect(row).toMatchObject({ plan: 'starter', subscriptionStatus: 'trialing' });
    expect(row.trialEndsAt! - Date.now()).toBeGreaterThan(13 * 86400_000);
  });

  it('without a Stripe key, billing says so (503) instead of failing later', async () => {
    const owner = await signUp();
    const config = loadConfig({ ...env, STRIPE_SECRET_KEY: '', STRIPE_WEBHOOK_SECRET: '' });
    const attempt = createCheckoutSession(
      db(),
      config,
      { orgId: owner.org.id, actor: { type: 'user', id: owner.user.id }, role: 'owner' },
      await orgRow(owner.org.id),
      { plan: 'pro', email: null },
      null,
    );
    await expect(attempt).rejects.toMatchObject({
      status: 503,
      code: 'service_unavailable',
      message: 'Billing is not configured on this deployment.',
    });
    await expect(attempt).rejects.toBeInstanceOf(ApiError);
  });
});

describe('checkout and portal', () => {
  it('an owner gets a Checkout URL for one customer per org, with the org on the session', async () => {
    const owner = await signUp();
    const before = (await sentToStripe()).seq;
    const first = await call(`/api/orgs/${owner.org.slug}/billing/checkout`, {
      cookie: owner.cookie,
      body: { plan: 'pro' },
    });
    expect(first.status).toBe(200);
    expect(first.json.url).toMatch(/^https:\/\/checkout\.stripe\.test\/c\/pay\/cs_test_/);

    const customers = (await sentToStripe('/v1/customers', before)).data;
    expect(customers).toHaveLength(1);
    expect(customers[0]!.idempotencyKey).toBe(`customer:${owner.org.id}`);
    expect(customers[0]!.body.metadata).toEqual({ org_id: owner.org.id, org_slug: owner.org.slug });
    const row = await orgRow(owner.org.id);
    expect(row.stripeCustomerId).toMatch(/^cus_/);

    const [session] = (await sentToStripe('/v1/checkout/sessions', before)).data;
    expect(session!.body).toMatchObject({
      mode: 'subscription',
      customer: row.stripeCustomerId,
      client_reference_id: owner.org.id,
      line_items: [{ price: env.STRIPE_PRICE_PRO, quantity: '1' }],
      metadata: { org_id: owner.org.id, plan: 'pro' },
      subscription_data: { metadata: { org_id: owner.org.id, plan: 'pro' } },
    });
    expect(session!.body.success_url).toBe(`${env.APP_URL}/orgs/${owner.org.slug}/settings/billing?checkout=success`);
    expect(session!.body.cancel_url).toBe(`${env.APP_URL}/orgs/${owner.org.slug}/settings/billing?checkout=canceled`);

    // A second Checkout reuses the customer.
    const again = await call(`/api/orgs/${owner.org.slug}/billing/checkout`, {
      cookie: owner.cookie,
      body: { plan: 'starter' },
    });
    expect(again.status).toBe(200);
    expect((await sentToStripe('/v1/customers', before)).data).toHaveLength(1);
    expect((await auditActions(owner.org.id, 'billing.checkout_started')).length).toBe(2);
  });

  it('a member gets 403, an unknown plan 400 naming the plans, a stranger 404', async () => {
    const owner = await signUp();
    const email = uniqueEmail('member');
    const invite = await call(`/api/orgs/${owner.org.slug}/invitations`, {
      cookie: owner.cookie,
      body: { email, role: 'admin' },
    });
    const admin = await signUp({ email, invitationToken: invite.json.token });
    const path = `/api/orgs/${owner.org.slug}/billing/checkout`;

    const forbidden = await call(path, { cookie: admin.cookie, body: { plan: 'pro' } });
    expect(forbidden.status).toBe(403);
    expect(forbidden.json.error.code).toBe('forbidden');
    expect((await call(`/api/orgs/${owner.org.slug}/billing/portal`, { cookie: admin.cookie, body: {} })).status).toBe(
      403,
    );

    const bad = await call(path, { cookie: owner.cookie, body: { plan: 'platinum' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details).toEqual([{ field: 'plan', message: 'Unknown plan. Choose one of: starter, pro.' }]);
    expect((await call(path, { cookie: owner.cookie, body: { plan: 'enterprise' } })).status).toBe(400);

    const stranger = await signUp();
    expect((await call(path, { cookie: stranger.cookie, body: { plan: 'pro' } })).status).toBe(404);
    expect((await orgRow(owner.org.id)).stripeCustomerId).toBeNull();
  });

  it('the portal needs a customer, then returns its URL', async () => {
    const owner = await signUp();
    const portal = `/api/orgs/${owner.org.slug}/billing/portal`;
    expect((await call(portal, { cookie: owner.cookie, body: {} })).status).toBe(409);
    await call(`/api/orgs/${owner.org.slug}/billing/checkout`, { cookie: owner.cookie, body: { plan: 'pro' } });
    const opened = await call(portal, { cookie: owner.cookie, body: {} });
    expect(opened.status).toBe(200);
    expect(opened.json.url).toMatch(/^https:\/\/billing\.stripe\.test\/p\/session\//);
    const [sent] = (await sentToStripe('/v1/billing_portal/sessions')).data.slice(-1);
    expect(sent!.body.return_url).toBe(`${env.APP_URL}/orgs/${owner.org.slug}/settings/billing`);
  });

  it('both routes are in the dashboard API document', async () => {
    const doc = await call('/api/openapi.json');
    expect(doc.json.paths['/api/orgs/{slug}/billing/checkout'].post.requestBody).toBeTruthy();
    expect(doc.json.paths['/api/orgs/{slug}/billing/portal'].post.responses['503']).toBeTruthy();
  });
});

describe('billing settings page', () => {
  it('shows plan, trial days and status; its buttons go to Checkout and the portal', async () => {
    const owner = await signUp();
    const page = await call(`/orgs/${owner.org.slug}/settings/billing`, { cookie: owner.cookie });
    expect(page.status).toBe(200);
    expect(page.text).toContain('Starter');
    expect(page.text).toMatch(/1[34]<!-- --> day<!-- -->s<!-- --> left|1[34] days left/);
    expect(page.text).toContain('value="checkout"');
    const form = (intent: string, plan?: string) =>
      call(`/orgs/${owner.org.slug}/settings/billing`, {
        cookie: owner.cookie,
        body: new URLSearchParams({ intent, ...(plan ? { plan } : {}) }).toString(),
        // Browsers always send Host; Remix compares it with Origin on a form post.
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Host: new URL(ORIGIN).host },
      });
    const checkout = await form('checkout', 'pro');
    expect(checkout.status).toBe(302);
    expect(checkout.res.headers.get('location')).toMatch(/^https:\/\/checkout\.stripe\.test\//);
    const portal = await form('portal');
    expect(portal.status).toBe(302);
    expect(portal.res.headers.get('location')).toMatch(/^https:\/\/billing\.stripe\.test\//);
  });
});

describe('stripe webhook', () => {
  it('refuses a bad or missing signature with 400 and writes nothing', async () => {
    const { org, customer } = await customerOrg();
    const sub = await stripeHas({ id: fakeId('sub'), customer, orgId: org.id, plan: 'pro', status: 'active' });
    const id = fakeId('evt');
    const payload = eventPayload({ id, type: 'customer.subscription.updated', object: sub });

    const forged = await deliver(payload, await sign(payload, 'whsec_not_the_secret'));
    expect(forged.status).toBe(400);
    expect(forged.json.error.code).toBe('bad_request');
    expect((await deliver(payload, null)).status).toBe(400);
    const tampered = await sign(payload);
    expect((await deliver(payload.replace('"active"', '"canceled"'), tampered)).status).toBe(400);
    const stale = await sign(payload);
    const old = stale.replace(/t=(\d+)/, (_, t) => `t=${Number(t) - 3600}`);
    expect((await deliver(payload, old)).status).toBe(400);

    expect(await db().select().from(stripeEvents).where(eq(stripeEvents.id, id))).toHaveLength(0);
    expect(await orgRow(org.id)).toMatchObject({ plan: 'starter', subscriptionStatus: 'trialing' });
  });

  it('a duplicate event has one effect', async () => {
    const { org, customer } = await customerOrg();
    const sub = await stripeHas({ id: fakeId('sub'), customer, orgId: org.id, plan: 'pro', status: 'active' });
    const payload = eventPayload({ type: 'customer.subscription.created', object: sub });
    const first = await deliver(payload, await sign(payload));
    expect(first).toMatchObject({ status: 200, json: { outcome: 'applied', org_id: org.id } });
    const second = await deliver(payload, await sign(payload));
    expect(second).toMatchObject({ status: 200, json: { outcome: 'duplicate' } });
    expect(await auditActions(org.id, 'billing.plan_changed')).toHaveLength(1);
    expect(await orgRow(org.id)).toMatchObject({ plan: 'pro', subscriptionStatus: 'active', trialEndsAt: null });
  });

  it('a late, older event never overwrites a newer state', async () => {
    const { org, customer } = await customerOrg();
    const id = fakeId('sub');
    const t0 = Math.floor(Date.now() / 1000) - 60;
    const onStarter = await stripeHas({ id, customer, orgId: org.id, plan: 'starter', status: 'active' });
    const older = { type: 'customer.subscription.updated', object: onStarter, created: t0 };
    const onPro = await stripeHas({ id, customer, orgId: org.id, plan: 'pro', status: 'active' });
    expect((await send({ type: 'customer.subscription.updated', object: onPro, created: t0 + 30 })).status).toBe(200);
    expect((await orgRow(org.id)).plan).toBe('pro');
    // The starter-era event arrives last: Stripe now says pro, so pro stays.
    const late = await send(older);
    expect(late.json.outcome).toBe('unchanged');
    expect(await orgRow(org.id)).toMatchObject({ plan: 'pro', subscriptionStatus: 'active' });
  });

  it('Pro raises the hub’s limits; deletion falls back to Free and pauses agents over its limit', async () => {
    const { org, customer, cookie } = await customerOrg();
    const owner = { cookie, org };
    // The Starter trial allows 5 active agents: the default team.
    expect((await addAgent(owner, 'Sixth')).status).toBe(402);

    const id = fakeId('sub');
    const session = {
      id: fakeId('cs_test'),
      object: 'checkout.session',
      mode: 'subscription',
      customer,
      client_reference_id: org.id,
      subscription: id,
      metadata: { org_id: org.id },
    };
    await stripeHas({ id, customer, orgId: org.id, plan: 'pro', status: 'active' });
    const completed = await send({ type: 'checkout.session.completed', object: session });
    expect(completed.json).toMatchObject({ outcome: 'applied', org_id: org.id });
    const row = await orgRow(org.id);
    expect(row).toMatchObject({ plan: 'pro', subscriptionStatus: 'active', stripeSubscriptionId: id });
    expect(row.currentPeriodEnd).toBeGreaterThan(Date.now());
    expect((await call(`/api/orgs/${org.slug}`, { cookie })).json.limits.agents).toBe(20);

    for (const name of ['Sixth', 'Seventh', 'Eighth']) expect((await addAgent(owner, name)).status).toBe(201);
    expect((await agents(owner)).filter((a) => a.status !== 'paused')).toHaveLength(8);

    const deleted = await stripeHas({ id, customer, orgId: org.id, plan: 'pro', status: 'canceled' });
    expect((await send({ type: 'customer.subscription.deleted', object: deleted })).json.outcome).toBe('applied');
    expect(await orgRow(org.id)).toMatchObject({ plan: 'free', subscriptionStatus: 'canceled' });
    const after = await agents(owner);
    expect(after.filter((a) => a.status === 'paused')).toHaveLength(5);
    expect(after.filter((a) => a.status !== 'paused')).toHaveLength(3);
    const changes = await auditActions(org.id, 'billing.plan_changed');
    expect(changes.map((c) => c.metadata)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          from: { plan: 'starter', status: 'trialing' },
          to: { plan: 'pro', status: 'active' },
        }),
        expect.objectContaining({ from: { plan: 'pro', status: 'active' }, to: { plan: 'free', status: 'canceled' } }),
      ]),
    );
  });

  it('a failed payment is past_due with the plan kept; the paid invoice makes it active again', async () => {
    const { org, customer } = await customerOrg();
    const id = fakeId('sub');
    const invoice = fakeId('in');
    await stripeHas({ id, customer, orgId: org.id, plan: 'starter', status: 'active', latestInvoice: invoice });
    const invoiceObject = {
      id: invoice,
      object: 'invoice',
      customer,
      parent: { type: 'subscription_details', subscription_details: { subscription: id } },
    };
    expect((await send({ type: 'invoice.payment_failed', object: invoiceObject })).json.outcome).toBe('applied');
    expect(await orgRow(org.id)).toMatchObject({ plan: 'starter', subscriptionStatus: 'past_due' });

    const paid = fakeId('in');
    await stripeHas({ id, customer, orgId: org.id, plan: 'starter', status: 'active', latestInvoice: paid });
    expect((await send({ type: 'invoice.paid', object: { ...invoiceObject, id: paid } })).json.outcome).toBe('applied');
    expect(await orgRow(org.id)).toMatchObject({ plan: 'starter', subscriptionStatus: 'active' });
    // The old failure, redelivered late, no longer applies: its invoice is not the latest.
    expect((await send({ type: 'invoice.payment_failed', object: invoiceObject })).json.outcome).toBe('unchanged');
  });

  it('ignores unknown types and unknown customers (200, nothing written); audits trial_will_end', async () => {
    const { org, customer } = await customerOrg();
    const unknownType = await send({ type: 'charge.refunded', object: { id: fakeId('ch') } });
    expect(unknownType).toMatchObject({ status: 200, json: { outcome: 'ignored', reason: 'unhandled_type' } });

    const strangerSub = await stripeHas({ id: fakeId('sub'), customer: 'cus_nobody', plan: 'pro', status: 'active' });
    const stranger = await send({ type: 'customer.subscription.updated', object: strangerSub });
    expect(stranger).toMatchObject({ status: 200, json: { outcome: 'ignored', reason: 'unknown_customer' } });
    // Another org's id in the metadata does not let a stranger's customer in.
    const spoof = await stripeHas({
      ...{ id: fakeId('sub'), customer: 'cus_nobody' },
      orgId: org.id,
      plan: 'pro',
      status: 'active',
    });
    expect((await send({ type: 'customer.subscription.updated', object: spoof })).json.reason).toBe('unknown_customer');
    expect(await orgRow(org.id)).toMatchObject({ plan: 'starter', subscriptionStatus: 'trialing' });

    const trialing = subscriptionObject({
      id: fakeId('sub'),
      customer,
      orgId: org.id,
      plan: 'pro',
      status: 'trialing',
      trialEnd: Math.floor(Date.now() / 1000) + 3 * 86400,
    });
    expect((await send({ type: 'customer.subscription.trial_will_end', object: trialing })).json.outcome).toBe(
      'applied',
    );
    expect(await auditActions(org.id, 'billing.trial_will_end')).toHaveLength(1);
    expect(await auditActions(org.id, 'billing.plan_changed')).toHaveLength(0);
  });

  it('an event for a replaced subscription does not cancel the new one', async () => {
    const { org, customer } = await customerOrg();
    const oldId = fakeId('sub');
    const newId = fakeId('sub');
    await stripeHas({ id: oldId, customer, orgId: org.id, plan: 'starter', status: 'canceled' });
    const current = await stripeHas({ id: newId, customer, orgId: org.id, plan: 'pro', status: 'active' });
    await send({ type: 'customer.subscription.created', object: current });
    const stale = await send({
      type: 'customer.subscription.deleted',
      object: subscriptionObject({ id: oldId, customer, plan: 'starter', status: 'canceled' }),
    });
    expect(stale.json).toMatchObject({ outcome: 'ignored', reason: 'replaced_subscription' });
    expect(await orgRow(org.id)).toMatchObject({ plan: 'pro', stripeSubscriptionId: newId });
  });

  it('when Stripe cannot be reached the event is not marked processed, so the retry applies', async () => {
    const { org, customer } = await customerOrg();
    const sub = await stripeHas({ id: fakeId('sub'), customer, orgId: org.id, plan: 'pro', status: 'active' });
    const payload = eventPayload({ type: 'customer.subscription.updated', object: sub });
    await fake('/__fake/fail-next', { method: 'POST', body: { count: 1 } });
    const failed = await deliver(payload, await sign(payload));
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect((await orgRow(org.id)).plan).toBe('starter');
    const retried = await deliver(payload, await sign(payload));
    expect(retried.json.outcome).toBe('applied');
    expect((await orgRow(org.id)).plan).toBe('pro');
  });
});

describe('trials', () => {
  it('the cron sweep ends expired no-card trials: Free, audited, pushed to the hub', async () => {
    const owner = await signUp();
    const fresh = await signUp();
    await db()
      .update(organizations)
      .set({ trialEndsAt: Date.now() - 1000 })
      .where(eq(organizations.id, owner.org.id));
    expect((await addAgent(owner, 'Pending')).status).toBe(402);

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: '*/5 * * * *', scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);

    expect(await orgRow(owner.org.id)).toMatchObject({ plan: 'free', subscriptionStatus: 'none' });
    expect(await orgRow(fresh.org.id)).toMatchObject({ plan: 'starter', subscriptionStatus: 'trialing' });
    const [audit] = await auditActions(owner.org.id, 'billing.plan_changed');
    expect(audit!.metadata).toMatchObject({ reason: 'trial_expired', to: { plan: 'free', status: 'none' } });
    const team = await agents(owner);
    expect(team.filter((a) => a.status === 'paused')).toHaveLength(2);
    expect((await call(`/api/orgs/${owner.org.slug}`, { cookie: owner.cookie })).json.limits.agents).toBe(3);
  });
});
