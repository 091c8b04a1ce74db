/**
 * Stripe webhooks (`POST /webhooks/stripe`), in three steps:
 *
 * 1. Verify: the raw body against `Stripe-Signature` with the webhook secret (5-minute
 *    tolerance, WebCrypto). A missing or bad signature is a 400 and nothing is written.
 * 2. Deduplicate: the event id goes into `stripe_events` first; a repeat answers 200 and does
 *    nothing. When handling fails, the row is removed again so Stripe's retry is processed.
 * 3. Apply, order-independently: an event is only a hint. The subscription it names is re-read
 *    from Stripe and its *current* state is applied, so a late or replayed
 *    `customer.subscription.updated` can never put back an older state; an event for a
 *    subscription the org has since replaced cannot cancel the new one.
 *
 * Unknown event types and events for an unknown customer or org answer 200 and change nothing.
 */
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { auditInsert } from '../audit';
import type { Db } from '../db/client';
import { organizations, stripeEvents } from '../db/schema';
import { ApiError } from '../errors';
import { log } from '../log';
import type { Organization } from '../orgs';
import { applyBillingState, type BillingState, stateFromSubscription, withGrace } from './state';
import { type BillingConfig, requireBilling, stripeClient, stripeCryptoProvider, stripeErrors } from './stripe';

/** Stripe's default: a signed event older than this (seconds) is refused (replay protection). */
export const SIGNATURE_TOLERANCE_S = 300;

export type WebhookOutcome = 'applied' | 'unchanged' | 'ignored' | 'duplicate';

export interface WebhookResult {
  event_id: string;
  type: string;
  outcome: WebhookOutcome;
  reason?: string;
  org_id?: string;
}

interface Handling {
  db: Db;
  env: Pick<Env, 'ORG_HUB' | 'KV'>;
  config: BillingConfig;
  stripe: Stripe;
  event: Stripe.Event;
}

/** Verifies, deduplicates and applies one delivery. Throws ApiError(400) for a bad signature. */
export async function handleStripeWebhook(
  db: Db,
  env: Pick<Env, 'ORG_HUB' | 'KV'>,
  config: BillingConfig,
  request: Request,
): Promise<WebhookResult> {
  const { webhookSecret } = requireBilling(config);
  const stripe = await stripeClient(config);
  const signature = request.headers.get('stripe-signature');
  if (!signature) throw new ApiError('bad_request', 'The Stripe-Signature header is missing.');
  const body = await request.text();
  let event: Stripe.Event;
  try {
    event = await stripe.webhooks.constructEventAsync(
      body,
      signature,
      webhookSecret,
      SIGNATURE_TOLERANCE_S,
      await stripeCryptoProvider(),
    );
  } catch (error) {
    log.warn('stripe_webhook_rejected', {
      error: (error instanceof Error ? error.message : String(error)).split('\n')[0],
    });
    throw new ApiError('bad_request', 'The webhook signature is not valid.');
  }

  const first = await db
    .insert(stripeEvents)
    .values({ id: event.id, type: event.type })
    .onConflictDoNothing()
    .returning({ id: stripeEvents.id });
  if (first.length === 0) return { event_id: event.id, type: event.type, outcome: 'duplicate' };

  try {
    const result = await dispatch({ db, env, config, stripe, event });
    const full = { event_id: event.id, type: event.type, ...result };
    if (result.outcome === 'ignored') log.info('stripe_webhook_ignored', { ...full });
    return full;
  } catch (error) {
    // Not processed: forget the id so Stripe's retry of this event is handled.
    await db.delete(stripeEvents).where(eq(stripeEvents.id, event.id));
    throw error;
  }
}

type Outcome = Omit<WebhookResult, 'event_id' | 'type'>;
const ignored = (reason: string, orgId?: string): Outcome => ({
  outcome: 'ignored',
  reason,
  ...(orgId ? { org_id: orgId } : {}),
});

async function dispatch(h: Handling): Promise<Outcome> {
  const { event } = h;
  switch (event.type) {
    case 'checkout.session.completed': {
      const session = event.data.object;
      if (session.mode !== 'subscription') return ignored('not_a_subscription');
      const subscriptionId = idOf(session.subscription);
      if (!subscriptionId) return ignored('no_subscription');
      return applySubscription(h, subscriptionId, {
        orgHint: session.client_reference_id ?? session.metadata?.org_id,
      });
    }
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.deleted':
      return applySubscription(h, event.data.object.id, {
        fallback: event.type === 'customer.subscription.deleted' ? event.data.object : undefined,
      });
    case 'invoice.paid': {
      const subscriptionId = subscriptionOfInvoice(event.data.object);
      if (!subscriptionId) return ignored('no_subscription');
      return applySubscription(h, subscriptionId, {});
    }
    case 'invoice.payment_failed': {
      const invoice = event.data.object;
      const subscriptionId = subscriptionOfInvoice(invoice);
      if (!subscriptionId) return ignored('no_subscription');
      return applySubscription(h, subscriptionId, {
        // Stripe marks the subscription past_due itself; until it has, the failed latest
        // invoice says so. A failure of an older invoice (since paid) changes nothing.
        adjust: (state, sub) =>
          state.subscriptionStatus === 'active' && idOf(sub.latest_invoice) === invoice.id
            ? { ...state, subscriptionStatus: 'past_due' }
            : state,
      });
    }
    case 'customer.subscription.trial_will_end': {
      const sub = event.data.object;
      const org = await orgForCustomer(h.db, idOf(sub.customer), sub.metadata?.org_id);
      if (!org) return ignored('unknown_customer');
      await auditInsert(h.db, {
        organizationId: org.id,
        actor: { type: 'system', id: null },
        action: 'billing.trial_will_end',
        target: { type: 'organization', id: org.id },
        metadata: {
          stripe_event: event.id,
          stripe_subscription: sub.id,
          trial_end: sub.trial_end ? new Date(sub.trial_end * 1000).toISOString() : null,
        },
      });
      log.info('stripe_trial_will_end', { org_id: org.id, trial_end: sub.trial_end });
      return { outcome: 'applied', org_id: org.id };
    }
    default:
      return ignored('unhandled_type');
  }
}

interface ApplyOptions {
  /** The org id the event itself names (Checkout's client_reference_id). */
  orgHint?: string | null;
  /** The payload to use when Stripe no longer has the subscription (deleted events). */
  fallback?: Stripe.Subscription;
  adjust?: (state: BillingState, sub: Stripe.Subscription) => BillingState;
}

async function applySubscription(h: Handling, subscriptionId: string, options: ApplyOptions): Promise<Outcome> {
  const sub = await currentSubscription(h.stripe, subscriptionId, options.fallback);
  if (!sub) return ignored('subscription_not_found');
  const org = await orgForCustomer(h.db, idOf(sub.customer), options.orgHint ?? sub.metadata?.org_id);
  if (!org) return ignored('unknown_customer');
  const outcome = stateFromSubscription(h.config, sub);
  if ('ignore' in outcome) return ignored(outcome.ignore, org.id);
  const adjusted = options.adjust ? options.adjust(outcome.apply, sub) : outcome.apply;
  // Past the grace period a past_due org stays on Free until a payment succeeds.
  const state = withGrace(h.config, org, adjusted);
  // A subscription the org has moved on from may end; it does not take the org with it.
  if (org.stripeSubscriptionId && org.stripeSubscriptionId !== sub.id && state.subscriptionStatus === 'canceled')
    return ignored('replaced_subscription', org.id);
  const customerId = idOf(sub.customer);
  if (!org.stripeCustomerId && customerId) {
    await h.db.update(organizations).set({ stripeCustomerId: customerId }).where(eq(organizations.id, org.id));
  }
  const { changed } = await applyBillingState(h.db, h.env, org, state, {
    reason: `stripe:${h.event.type}`,
    eventId: h.event.id,
  });
  return { outcome: changed ? 'applied' : 'unchanged', org_id: org.id };
}

/** The subscription as Stripe has it now; the event's own copy only when Stripe no longer does. */
async function currentSubscription(
  stripe: Stripe,
  id: string,
  fallback: Stripe.Subscription | undefined,
): Promise<Stripe.Subscription | undefined> {
  try {
    return await stripe.subscriptions.retrieve(id);
  } catch (error) {
    const { StripeInvalidRequestError } = await stripeErrors();
    if (error instanceof StripeInvalidRequestError && error.statusCode === 404) return fallback;
    throw error;
  }
}

/** The org of a Stripe customer; else the org the event names, if it has no other customer. */
async function orgForCustomer(
  db: Db,
  customerId: string | undefined,
  orgHint: string | null | undefined,
): Promise<Organization | undefined> {
  if (customerId) {
    const [byCustomer] = await db
      .select()
      .from(organizations)
      .where(eq(organizations.stripeCustomerId, customerId))
      .limit(1);
    if (byCustomer) return byCustomer.deletedAt ? undefined : byCustomer;
  }
  if (!orgHint) return undefined;
  const [byId] = await db.select().from(organizations).where(eq(organizations.id, orgHint)).limit(1);
  if (!byId || byId.deletedAt) return undefined;
  if (byId.stripeCustomerId && byId.stripeCustomerId !== customerId) return undefined;
  return byId;
}

function idOf(value: string | { id: string } | null | undefined): string | undefined {
  if (!value) return undefined;
  return typeof value === 'string' ? value : value.id;
}

function subscriptionOfInvoice(invoice: Stripe.Invoice): string | undefined {
  const details = invoice.parent?.subscription_details;
  const legacy = (invoice as unknown as { subscription?: string | { id: string } | null }).subscription;
  return idOf(details?.subscription ?? legacy);
}
