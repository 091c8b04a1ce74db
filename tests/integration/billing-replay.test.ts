/**
 * A replay of Stripe's worst day: 1,000 events for 50 orgs delivered shuffled and concurrently,
 * with 10% redelivered and some forged. Every org must end in the state Stripe holds last, each
 * event must be processed once, and every forgery must be refused.
 */
import { env } from 'cloudflare:test';
import { inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config';
import { getDb } from '../../core/db/client';
import { auditLog, organizations, stripeEvents, users } from '../../core/db/schema';
import { newId } from '../../core/ids';
import { createOrganization } from '../../core/orgs';
import { hubSql } from './helpers';
import { deliver, eventPayload, fakeId, sign, stripeHas, subscriptionObject } from './stripe-helpers';

const ORGS = 50;
const EVENTS_PER_ORG = 20;
const CONCURRENCY = 8;

type Final = { plan: 'starter' | 'pro'; status: 'active' | 'past_due' | 'canceled' | 'trialing' };
const FINALS: Final[] = [
  { plan: 'pro', status: 'active' },
  { plan: 'starter', status: 'active' },
  { plan: 'pro', status: 'past_due' },
  { plan: 'pro', status: 'canceled' },
  { plan: 'starter', status: 'trialing' },
];

/** A seeded PRNG, so a failure replays the same order. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('webhook replay', () => {
  it('1,000 shuffled events for 50 orgs, 10% duplicates, forgeries refused: every org ends right', async () => {
    const random = rng(20261129);
    const db = getDb(env);
    const config = loadConfig(env);
    const t0 = Math.floor(Date.now() / 1000) - 3600;

    // 50 hosted orgs on their trial, each with a Stripe customer and a subscription whose
    // history is a sequence of states; Stripe (the fake) ends up holding the last one.
    const orgs: Array<{ id: string; customer: string; sub: string; final: Final }> = [];
    for (let i = 0; i < ORGS; i++) {
      const userId = newId('usr');
      await db.insert(users).values({ id: userId, email: `replay-${userId}@example.com`, name: 'Replay' });
      const org = await createOrganization(db, config, { name: `Replay ${i}`, ownerUserId: userId });
      const customer = fakeId('cus');
      await db
        .update(organizations)
        .set({ stripeCustomerId: customer })
        .where(inArray(organizations.id, [org.id]));
      orgs.push({ id: org.id, customer, sub: fakeId('sub'), final: FINALS[i % FINALS.length]! });
    }

    const payloads: string[] = [];
    for (const org of orgs) {
      const finalInvoice = `in_final_${org.sub}`;
      const final = await stripeHas({
        id: org.sub,
        customer: org.customer,
        orgId: org.id,
        plan: org.final.plan,
        status: org.final.status,
        latestInvoice: finalInvoice,
        trialEnd: org.final.status === 'trialing' ? t0 + 7 * 86400 * 2 : null,
      });
      for (let n = 0; n < EVENTS_PER_ORG; n++) {
        const created = t0 + n * 60;
        const last = n === EVENTS_PER_ORG - 1;
        // A historical snapshot: what the subscription looked like when the event was sent.
        const snapshot = last
          ? final
          : subscriptionObject({
              id: org.sub,
              customer: org.customer,
              orgId: org.id,
              plan: n % 2 ? 'pro' : 'starter',
              status: (['active', 'past_due', 'active', 'trialing'] as const)[n % 4]!,
            });
        const invoice = (id: string) => ({
          id,
          object: 'invoice',
          customer: org.customer,
          parent: { type: 'subscription_details', subscription_details: { subscription: org.sub } },
        });
        const kind = n % 5;
        const event =
          n === 0
            ? {
                type: 'checkout.session.completed',
                object: {
                  id: fakeId('cs_test'),
                  object: 'checkout.session',
                  mode: 'subscription',
                  customer: org.customer,
                  client_reference_id: org.id,
                  subscription: org.sub,
                },
              }
            : last
              ? {
                  type:
                    org.final.status === 'canceled' ? 'customer.subscription.deleted' : 'customer.subscription.updated',
                  object: snapshot,
                }
              : kind === 1
                ? { type: 'invoice.payment_failed', object: invoice(`in_old_${org.sub}_${n}`) }
                : kind === 2
                  ? { type: 'invoice.paid', object: invoice(finalInvoice) }
                  : kind === 3
                    ? { type: 'customer.updated', object: { id: org.customer, object: 'customer' } }
                    : { type: 'customer.subscription.updated', object: snapshot };
        payloads.push(eventPayload({ ...event, created }));
      }
    }
    expect(payloads).toHaveLength(ORGS * EVENTS_PER_ORG);

    // Deliveries: each event once, 10% of them again, and 30 forgeries (a foreign secret; some
    // claim the org moved to Pro, some replay a real payload under a bad signature).
    type Delivery = { payload: string; forged: boolean; eventId: string };
    const idOf = (payload: string) => (JSON.parse(payload) as { id: string }).id;
    const deliveries: Delivery[] = payloads.map((payload) => ({ payload, forged: false, eventId: idOf(payload) }));
    for (let i = 0; i < payloads.length / 10; i++) {
      const payload = payloads[Math.floor(random() * payloads.length)]!;
      deliveries.push({ payload, forged: false, eventId: idOf(payload) });
    }
    const forgeries = 30;
    for (let i = 0; i < forgeries; i++) {
      const victim = orgs[Math.floor(random() * orgs.length)]!;
      const payload =
        i % 2
          ? payloads[Math.floor(random() * payloads.length)]!
          : eventPayload({
              id: fakeId('evt_forged'),
              type: 'customer.subscription.updated',
              object: subscriptionObject({
                id: victim.sub,
                customer: victim.customer,
                orgId: victim.id,
                plan: 'pro',
                status: 'active',
              }),
            });
      deliveries.push({ payload, forged: true, eventId: idOf(payload) });
    }
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
    }

    const results: Array<{ delivery: Delivery; status: number; outcome?: string }> = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < deliveries.length) {
          const delivery = deliveries[next++]!;
          const signature = delivery.forged
            ? await sign(delivery.payload, 'whsec_forged')
            : await sign(delivery.payload);
          const { status, json } = await deliver(delivery.payload, signature);
          results.push({ delivery, status, outcome: json?.outcome });
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const rate = deliveries.length / seconds;
    console.log(
      `replay: ${deliveries.length} deliveries (${payloads.length} events, ${deliveries.length - payloads.length - forgeries} duplicates, ${forgeries} forged) in ${seconds.toFixed(1)} s = ${rate.toFixed(0)} deliveries/s`,
    );

    // Forgeries: 400, every one. Genuine deliveries: 200, each event processed exactly once.
    expect(results.filter((r) => r.delivery.forged).every((r) => r.status === 400)).toBe(true);
    const genuine = results.filter((r) => !r.delivery.forged);
    expect(genuine.every((r) => r.status === 200)).toBe(true);
    const processed = new Map<string, number>();
    for (const r of genuine)
      if (r.outcome !== 'duplicate') processed.set(r.delivery.eventId, (processed.get(r.delivery.eventId) ?? 0) + 1);
    expect(processed.size).toBe(payloads.length);
    expect([...processed.values()].every((count) => count === 1)).toBe(true);
    expect(genuine.filter((r) => r.outcome === 'duplicate')).toHaveLength(genuine.length - payloads.length);
    // D1 binds at most 100 parameters per statement.
    const ids = [...new Set(deliveries.map((d) => d.eventId))];
    let stored = 0;
    for (let i = 0; i < ids.length; i += 90) {
      const chunk = ids.slice(i, i + 90);
      stored += (await db.select({ id: stripeEvents.id }).from(stripeEvents).where(inArray(stripeEvents.id, chunk)))
        .length;
    }
    expect(stored).toBe(payloads.length);

    // Every org in the state Stripe holds last, in D1 and in its OrgHub.
    const rows = await db
      .select()
      .from(organizations)
      .where(
        inArray(
          organizations.id,
          orgs.map((o) => o.id),
        ),
      );
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const org of orgs) {
      const row = byId.get(org.id)!;
      const expected =
        org.final.status === 'canceled'
          ? { plan: 'free', subscriptionStatus: 'canceled' }
          : { plan: org.final.plan, subscriptionStatus: org.final.status };
      expect({ id: org.id, plan: row.plan, subscriptionStatus: row.subscriptionStatus }).toEqual({
        id: org.id,
        ...expected,
      });
      expect(row.stripeSubscriptionId).toBe(org.sub);
      const meta = await hubSql<{ value: string }>(org.id, `SELECT value FROM meta`);
      expect(meta.some((m) => m.value.includes(`"plan":"${expected.plan}"`))).toBe(true);
    }
    // One state change per org: the first event processed moved it, the rest found it there.
    const audits = await db
      .select({ org: auditLog.organizationId, action: auditLog.action })
      .from(auditLog)
      .where(
        inArray(
          auditLog.organizationId,
          orgs.map((o) => o.id),
        ),
      );
    const changes = audits.filter(
      (a) => a.action === 'billing.plan_changed' || a.action === 'billing.subscription_changed',
    );
    expect(changes).toHaveLength(ORGS);
    expect(seconds).toBeLessThan(60);
  }, 120_000);
});
