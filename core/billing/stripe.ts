/**
 * The Stripe client of the hosted edition and the one map between our plans and Stripe Prices.
 * The self-hosted edition has no billing at all (404); a hosted deployment without
 * STRIPE_SECRET_KEY answers 503 on every billing endpoint instead of failing later.
 * `STRIPE_API_BASE` points the client elsewhere (the tests' fake Stripe, tests/fakes).
 */
import type Stripe from 'stripe';
import type { AppConfig } from '../config';
import { ApiError } from '../errors';
import type { PlanId } from '../plans';
import { loadOnce, loadStripeSdk } from '../lazy-modules';

/** The plans sold through Checkout, in the order the pricing page shows them. */
export const PURCHASABLE_PLANS = ['starter', 'pro'] as const satisfies readonly PlanId[];
export type PurchasablePlan = (typeof PURCHASABLE_PLANS)[number];

export const BILLING_NOT_CONFIGURED = 'Billing is not configured on this deployment.';

export type BillingConfig = Pick<
  AppConfig,
  | 'billingEnabled'
  | 'STRIPE_SECRET_KEY'
  | 'STRIPE_WEBHOOK_SECRET'
  | 'STRIPE_API_BASE'
  | 'STRIPE_PRICE_STARTER'
  | 'STRIPE_PRICE_PRO'
  | 'BILLING_GRACE_DAYS'
>;

/** Throws the envelope error for a deployment without billing; otherwise returns the secrets. */
export function requireBilling(config: BillingConfig): { secretKey: string; webhookSecret: string } {
  if (!config.billingEnabled) throw new ApiError('not_found', 'Billing is off in the self-hosted edition.');
  if (!config.STRIPE_SECRET_KEY || !config.STRIPE_WEBHOOK_SECRET)
    throw new ApiError('service_unavailable', BILLING_NOT_CONFIGURED, {
      missing: ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'].filter((name) => !config[name as keyof BillingConfig]),
    });
  return { secretKey: config.STRIPE_SECRET_KEY, webhookSecret: config.STRIPE_WEBHOOK_SECRET };
}

const clients = new Map<string, Stripe>();

/**
 * One client per key and base per isolate; fetch-based (workerd), no retries (webhooks retry).
 * Throws the billing errors of `requireBilling` before it loads the SDK.
 */
export async function stripeClient(config: BillingConfig): Promise<Stripe> {
  const { secretKey } = requireBilling(config);
  const cacheKey = `${secretKey}|${config.STRIPE_API_BASE ?? ''}`;
  let client = clients.get(cacheKey);
  if (!client) {
    const { default: StripeSdk } = await loadStripeSdk();
    const base = config.STRIPE_API_BASE ? new URL(config.STRIPE_API_BASE) : null;
    client = new StripeSdk(secretKey, {
      ...(base
        ? {
            host: base.hostname,
            port: base.port || (base.protocol === 'http:' ? 80 : 443),
            protocol: base.protocol === 'http:' ? 'http' : 'https',
          }
        : {}),
      httpClient: StripeSdk.createFetchHttpClient(),
      maxNetworkRetries: 0,
      timeout: 15_000,
      appInfo: { name: 'generic-corp' },
    });
    clients.set(cacheKey, client);
  }
  return client;
}

/** Stripe's error classes, for `instanceof` checks (loads the SDK). */
export async function stripeErrors(): Promise<typeof Stripe.errors> {
  return (await loadStripeSdk()).default.errors;
}

/** The Web Crypto provider that verifies webhook signatures in workerd (loads the SDK; one per isolate). */
export const stripeCryptoProvider = loadOnce(
  async (): Promise<Stripe.CryptoProvider> => (await loadStripeSdk()).default.createSubtleCryptoProvider(),
);

/** The Stripe Price id that sells a plan (from configuration). */
export function priceIdFor(config: BillingConfig, plan: PurchasablePlan): string {
  const price = plan === 'starter' ? config.STRIPE_PRICE_STARTER : config.STRIPE_PRICE_PRO;
  if (!price) throw new ApiError('service_unavailable', BILLING_NOT_CONFIGURED, { missing: [priceSetting(plan)] });
  return price;
}

/** The plan a Stripe Price id sells, or undefined for a price this deployment does not know. */
export function planForPrice(config: BillingConfig, priceId: string | null | undefined): PurchasablePlan | undefined {
  if (!priceId) return undefined;
  if (priceId === config.STRIPE_PRICE_STARTER) return 'starter';
  if (priceId === config.STRIPE_PRICE_PRO) return 'pro';
  return undefined;
}

function priceSetting(plan: PurchasablePlan): string {
  return plan === 'starter' ? 'STRIPE_PRICE_STARTER' : 'STRIPE_PRICE_PRO';
}

export function isPurchasablePlan(value: unknown): value is PurchasablePlan {
  return typeof value === 'string' && (PURCHASABLE_PLANS as readonly string[]).includes(value);
}
