/**
 * Owners buy a plan through Stripe Checkout and manage it in the Customer Portal. One Stripe
 * customer per org, created once (idempotency key `customer:<orgId>`) and stored in
 * organizations.stripe_customer_id. The plan itself changes only when Stripe's webhook says so
 * (core/billing/webhooks.ts), never on the redirect back.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { auditInsert } from '../audit';
import type { Db } from '../db/client';
import { organizations } from '../db/schema';
import { ApiError } from '../errors';
import type { Organization } from '../orgs';
import { log } from '../log';
import { requirePermission } from '../permissions';
import type { OrgContext } from '../tenant';
import {
  type BillingConfig,
  isPurchasablePlan,
  PURCHASABLE_PLANS,
  priceIdFor,
  requireBilling,
  stripeClient,
} from './stripe';

type CheckoutConfig = BillingConfig & { APP_URL: string };

/** Where Stripe sends the owner back: the billing settings page, with a flag for the banner. */
export function billingPageUrl(config: { APP_URL: string }, slug: string, flag?: Record<string, string>): string {
  const url = new URL(`/orgs/${encodeURIComponent(slug)}/settings/billing`, config.APP_URL);
  for (const [key, value] of Object.entries(flag ?? {})) url.searchParams.set(key, value);
  return url.toString();
}

/** The org's Stripe customer, created on first use. Safe to race: Stripe's idempotency key. */
export async function ensureStripeCustomer(
  db: Db,
  config: BillingConfig,
  org: Organization,
  email: string | null,
): Promise<string> {
  if (org.stripeCustomerId) return org.stripeCustomerId;
  const stripe = await stripeClient(config);
  const customer = await stripe.customers.create(
    {
      name: org.name,
      ...(email ? { email } : {}),
      metadata: { org_id: org.id, org_slug: org.slug },
    },
    { idempotencyKey: `customer:${org.id}` },
  );
  await db
    .update(organizations)
    .set({ stripeCustomerId: customer.id, updatedAt: Date.now() })
    .where(and(eq(organizations.id, org.id), isNull(organizations.stripeCustomerId)));
  return customer.id;
}

/** Starts Checkout for a plan (owners); returns the URL to send the browser to. */
export async function createCheckoutSession(
  db: Db,
  config: CheckoutConfig,
  ctx: OrgContext,
  org: Organization,
  input: { plan: string; email: string | null },
  ip: string | null,
): Promise<{ url: string }> {
  requirePermission(ctx.role, 'billing:manage');
  requireBilling(config); // 404 when billing is off, 503 when it is not configured
  if (!isPurchasablePlan(input.plan))
    throw new ApiError(
      'validation_failed',
      `Unknown plan "${input.plan}". Choose one of: ${PURCHASABLE_PLANS.join(', ')}.`,
      [{ field: 'plan', message: `Must be one of: ${PURCHASABLE_PLANS.join(', ')}.` }],
    );
  const plan = input.plan;
  if (org.stripeSubscriptionId && (org.subscriptionStatus === 'active' || org.subscriptionStatus === 'past_due'))
    throw new ApiError(
      'conflict',
      'This organization already has a subscription. Change or cancel it in the billing portal.',
      { portal: true },
    );
  const price = priceIdFor(config, plan);
  const customer = await ensureStripeCustomer(db, config, org, input.email);
  const metadata = { org_id: org.id, plan };
  const stripe = await stripeClient(config);
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer,
    client_reference_id: org.id,
    line_items: [{ price, quantity: 1 }],
    metadata,
    subscription_data: { metadata },
    success_url: billingPageUrl(config, org.slug, { checkout: 'success' }),
    cancel_url: billingPageUrl(config, org.slug, { checkout: 'canceled' }),
    allow_promotion_codes: true,
  });
  if (!session.url) throw new ApiError('service_unavailable', 'Stripe did not return a Checkout URL; try again.');
  await auditInsert(db, {
    organizationId: org.id,
    actor: ctx.actor,
    action: 'billing.checkout_started',
    target: { type: 'organization', id: org.id },
    ip,
    metadata: { plan, checkout_session: session.id },
  });
  return { url: session.url };
}

/** A Customer Portal session for the org's Stripe customer (owners). */
export async function createPortalSession(
  config: CheckoutConfig,
  ctx: OrgContext,
  org: Organization,
): Promise<{ url: string }> {
  requirePermission(ctx.role, 'billing:manage');
  const stripe = await stripeClient(config);
  if (!org.stripeCustomerId)
    throw new ApiError('conflict', 'This organization has no billing account yet. Choose a plan first.');
  const session = await stripe.billingPortal.sessions.create({
    customer: org.stripeCustomerId,
    return_url: billingPageUrl(config, org.slug),
  });
  return { url: session.url };
}

/**
 * Signup with `?plan=starter|pro` (the pricing page's buttons): once the org exists, its new
 * owner goes straight to Checkout. Returns null when billing is off or not configured here, so
 * the caller lands the owner in the org instead; a Stripe failure goes to the billing page.
 */
export async function checkoutAfterSignup(
  db: Db,
  config: CheckoutConfig,
  input: { orgId: string; userId: string; email: string; plan: string },
  ip: string | null,
): Promise<{ url: string } | null> {
  if (!config.billingEnabled || !config.STRIPE_SECRET_KEY || !isPurchasablePlan(input.plan)) return null;
  const [org] = await db.select().from(organizations).where(eq(organizations.id, input.orgId)).limit(1);
  if (!org) return null;
  try {
    return await createCheckoutSession(
      db,
      config,
      { orgId: org.id, actor: { type: 'user', id: input.userId }, role: 'owner' },
      org,
      { plan: input.plan, email: input.email },
      ip,
    );
  } catch (error) {
    log.warn('signup_checkout_failed', { org_id: org.id, error: error instanceof Error ? error.message : 'unknown' });
    return { url: billingPageUrl(config, org.slug, { checkout: 'unavailable', plan: input.plan }) };
  }
}
