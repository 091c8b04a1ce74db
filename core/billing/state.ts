/**
 * An org's billing state (plan, subscription status, period and trial ends, Stripe subscription)
 * and the one way it changes: `applyBillingState` writes D1 and the audit entry in one batch,
 * then pushes the plan to the org's OrgHub (limits apply at once, agents over the new limit
 * pause) and evicts the org's cached API keys (they carry the plan). Webhooks, the trial sweep
 * and support tooling all go through it.
 */
import type Stripe from 'stripe';
import { and, eq, isNull, lt, ne } from 'drizzle-orm';
import { auditInsert } from '../audit';
import { evictOrgKeysFromCache } from '../auth/api-keys';
import type { Db } from '../db/client';
import { organizations, type SubscriptionStatus } from '../db/schema';
import { log } from '../log';
import { type Organization, syncOrgHub } from '../orgs';
import type { PlanId } from '../plans';
import { type BillingConfig, planForPrice } from './stripe';

export interface BillingState {
  plan: PlanId;
  subscriptionStatus: SubscriptionStatus;
  currentPeriodEnd: number | null;
  trialEndsAt: number | null;
  stripeSubscriptionId: string | null;
}

const FIELDS = ['plan', 'subscriptionStatus', 'currentPeriodEnd', 'trialEndsAt', 'stripeSubscriptionId'] as const;

export interface BillingCause {
  /** What changed it: `stripe:<event type>`, `trial_expired`… */
  reason: string;
  eventId?: string;
}

/**
 * Moves an org to `next` (only the fields given). Nothing is written when nothing changes, but
 * the plan is still pushed to the hub, so a retried webhook whose first try wrote D1 and then
 * failed to reach the hub converges.
 */
export async function applyBillingState(
  db: Db,
  env: Pick<Env, 'ORG_HUB' | 'KV'>,
  initial: Organization,
  next: Partial<BillingState>,
  cause: BillingCause,
): Promise<{ changed: boolean; org: Organization }> {
  let org = initial;
  // Compare-and-set on updated_at: two deliveries racing on one org cannot both apply (and audit)
  // the same change; the loser re-reads the row and finds nothing left to do.
  for (let attempt = 0; attempt < 5; attempt++) {
    const changes: Partial<BillingState> = {};
    for (const field of FIELDS) {
      if (next[field] !== undefined && next[field] !== org[field]) Object.assign(changes, { [field]: next[field] });
    }
    if (Object.keys(changes).length === 0) {
      await syncOrgHub(env, org);
      return { changed: false, org };
    }
    // The grace period counts from the first moment the subscription was past_due.
    const pastDueSince =
      changes.subscriptionStatus === undefined
        ? {}
        : { pastDueSince: changes.subscriptionStatus === 'past_due' ? (org.pastDueSince ?? Date.now()) : null };
    const [updated] = await db
      .update(organizations)
      .set({ ...changes, ...pastDueSince, updatedAt: Math.max(Date.now(), org.updatedAt + 1) })
      .where(and(eq(organizations.id, org.id), eq(organizations.updatedAt, org.updatedAt)))
      .returning();
    if (updated) return recordChange(db, env, org, updated, changes, cause);
    const [current] = await db.select().from(organizations).where(eq(organizations.id, org.id)).limit(1);
    if (!current) return { changed: false, org };
    org = current;
  }
  throw new Error(`Billing state of ${org.id} kept changing under us`);
}

async function recordChange(
  db: Db,
  env: Pick<Env, 'ORG_HUB' | 'KV'>,
  org: Organization,
  updated: Organization,
  changes: Partial<BillingState>,
  cause: BillingCause,
): Promise<{ changed: boolean; org: Organization }> {
  const planChanged = changes.plan !== undefined;
  await db.batch([
    auditInsert(db, {
      organizationId: org.id,
      actor: { type: 'system', id: null },
      action: planChanged ? 'billing.plan_changed' : 'billing.subscription_changed',
      target: { type: 'organization', id: org.id },
      metadata: {
        from: { plan: org.plan, status: org.subscriptionStatus },
        to: { plan: changes.plan ?? org.plan, status: changes.subscriptionStatus ?? org.subscriptionStatus },
        reason: cause.reason,
        ...(cause.eventId ? { stripe_event: cause.eventId } : {}),
        ...(changes.stripeSubscriptionId ? { stripe_subscription: changes.stripeSubscriptionId } : {}),
      },
    }),
  ]);
  await syncOrgHub(env, updated);
  if (planChanged) await evictOrgKeysFromCache(db, env.KV, org.id);
  log.info('billing_state_changed', {
    org_id: org.id,
    from_plan: org.plan,
    to_plan: updated.plan,
    from_status: org.subscriptionStatus,
    to_status: updated.subscriptionStatus,
    reason: cause.reason,
  });
  return { changed: true, org: updated };
}

/** What a Stripe subscription means for the org, or why it changes nothing. */
export type SubscriptionOutcome = { apply: BillingState } | { ignore: string };

/**
 * Stripe's subscription status mapped to ours: active and trialing keep the price's plan;
 * past_due and unpaid keep it too (a grace period while Stripe retries the card); canceled,
 * incomplete_expired and paused fall back to `free`; incomplete (first payment pending) changes
 * nothing yet.
 */
export function stateFromSubscription(config: BillingConfig, sub: Stripe.Subscription): SubscriptionOutcome {
  const item = sub.items?.data?.[0];
  const periodEnd = item?.current_period_end ? item.current_period_end * 1000 : null;
  switch (sub.status) {
    case 'canceled':
    case 'incomplete_expired':
    case 'paused':
      return {
        apply: {
          plan: 'free',
          subscriptionStatus: 'canceled',
          currentPeriodEnd: null,
          trialEndsAt: null,
          stripeSubscriptionId: sub.id,
        },
      };
    case 'incomplete':
      return { ignore: 'subscription_incomplete' };
    case 'active':
    case 'trialing':
    case 'past_due':
    case 'unpaid': {
      const plan = planForPrice(config, item?.price?.id);
      if (!plan) return { ignore: 'unknown_price' };
      return {
        apply: {
          plan,
          subscriptionStatus: sub.status === 'unpaid' ? 'past_due' : (sub.status as 'active' | 'trialing' | 'past_due'),
          currentPeriodEnd: periodEnd,
          trialEndsAt: sub.status === 'trialing' && sub.trial_end ? sub.trial_end * 1000 : null,
          stripeSubscriptionId: sub.id,
        },
      };
    }
    default:
      return { ignore: `subscription_status_${String(sub.status)}` };
  }
}

const DAY_MS = 24 * 3600 * 1000;

/** When a past_due org's grace period ends (it drops to Free), or null when it is not past_due. */
export function graceEndsAt(config: Pick<BillingConfig, 'BILLING_GRACE_DAYS'>, org: Organization): number | null {
  if (org.subscriptionStatus !== 'past_due' || org.pastDueSince === null) return null;
  return org.pastDueSince + config.BILLING_GRACE_DAYS * DAY_MS;
}

/**
 * A past_due state for an org whose grace period has run out keeps the status (the banner
 * still says how to recover) but not the plan: Free until a payment succeeds.
 */
export function withGrace(
  config: Pick<BillingConfig, 'BILLING_GRACE_DAYS'>,
  org: Organization,
  state: BillingState,
  now = Date.now(),
): BillingState {
  if (state.subscriptionStatus !== 'past_due') return state;
  const ends = graceEndsAt(config, org);
  return ends !== null && now >= ends ? { ...state, plan: 'free' } : state;
}

/**
 * Ends the grace of past_due orgs whose card Stripe has not managed to charge within
 * BILLING_GRACE_DAYS: the org drops to Free (audited, pushed to its hub, agents over the
 * limit paused). A later `invoice.paid` brings the paid plan back through the webhook.
 */
export async function endExpiredGrace(
  db: Db,
  env: Pick<Env, 'ORG_HUB' | 'KV'>,
  config: Pick<BillingConfig, 'BILLING_GRACE_DAYS'>,
  now = Date.now(),
  limit = 100,
): Promise<number> {
  const expired = await db
    .select()
    .from(organizations)
    .where(
      and(
        eq(organizations.subscriptionStatus, 'past_due'),
        lt(organizations.pastDueSince, now - config.BILLING_GRACE_DAYS * DAY_MS),
        ne(organizations.plan, 'free'),
        isNull(organizations.deletedAt),
      ),
    )
    .limit(limit);
  let ended = 0;
  for (const org of expired) {
    try {
      const { changed } = await applyBillingState(db, env, org, { plan: 'free' }, { reason: 'grace_expired' });
      if (changed) ended++;
    } catch (error) {
      log.error('grace_expiry_failed', { org_id: org.id, error });
    }
  }
  return ended;
}

/**
 * Ends the no-card trials (the platform's own, without a Stripe subscription) whose end has
 * passed: the org falls back to `free`, audited and pushed to its hub. A trial run by Stripe
 * (a subscription in `trialing`) is ended by Stripe's own events instead.
 */
export async function endExpiredTrials(
  db: Db,
  env: Pick<Env, 'ORG_HUB' | 'KV'>,
  now = Date.now(),
  limit = 100,
): Promise<number> {
  const expired = await db
    .select()
    .from(organizations)
    .where(
      and(
        eq(organizations.subscriptionStatus, 'trialing'),
        lt(organizations.trialEndsAt, now),
        isNull(organizations.stripeSubscriptionId),
        isNull(organizations.deletedAt),
      ),
    )
    .limit(limit);
  let ended = 0;
  for (const org of expired) {
    try {
      await applyBillingState(db, env, org, { plan: 'free', subscriptionStatus: 'none' }, { reason: 'trial_expired' });
      ended++;
    } catch (error) {
      log.error('trial_expiry_failed', { org_id: org.id, error });
    }
  }
  return ended;
}
