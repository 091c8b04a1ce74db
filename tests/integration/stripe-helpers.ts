/**
 * Stripe for the billing tests (hosted project in vitest.config.mts): the fake's controls, the
 * objects Stripe sends, and webhook deliveries signed the way Stripe signs them.
 */
import { env, SELF } from 'cloudflare:test';
import Stripe from 'stripe';
import { inject } from 'vitest';
import { ORIGIN } from './helpers';

export const FAKE_STRIPE = inject('stripeApiBase');
export const PRICE = { starter: env.STRIPE_PRICE_STARTER!, pro: env.STRIPE_PRICE_PRO! };

const crypto = Stripe.createSubtleCryptoProvider();

export async function fake<T = any>(path: string, init?: { method?: string; body?: unknown }): Promise<T> {
  const res = await fetch(`${FAKE_STRIPE}${path}`, {
    method: init?.method ?? (init?.body !== undefined ? 'PUT' : 'GET'),
    headers: { 'content-type': 'application/json' },
    body: init?.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return (await res.json()) as T;
}

/** What the app sent to Stripe (optionally one path, after a sequence number). */
export async function sentToStripe(path?: string, since = 0) {
  const query = new URLSearchParams({ since: String(since), ...(path ? { path } : {}) });
  return fake<{ seq: number; data: Array<{ path: string; idempotencyKey?: string; body: any }> }>(
    `/__fake/requests?${query}`,
  );
}

let n = 0;
export const fakeId = (prefix: string) => `${prefix}_t${Date.now().toString(36)}${(++n).toString(36)}`;

export interface SubscriptionInput {
  id: string;
  customer: string;
  orgId?: string;
  plan: 'starter' | 'pro' | 'unknown';
  status: Stripe.Subscription.Status;
  periodEnd?: number;
  trialEnd?: number | null;
  latestInvoice?: string | null;
}

export function subscriptionObject(s: SubscriptionInput): Stripe.Subscription {
  const periodEnd = s.periodEnd ?? Math.floor(Date.now() / 1000) + 30 * 86400;
  return {
    id: s.id,
    object: 'subscription',
    customer: s.customer,
    status: s.status,
    metadata: s.orgId ? { org_id: s.orgId } : {},
    trial_end: s.trialEnd ?? null,
    latest_invoice: s.latestInvoice ?? null,
    created: Math.floor(Date.now() / 1000),
    items: {
      object: 'list',
      data: [
        {
          id: `si_${s.id}`,
          object: 'subscription_item',
          price: { id: s.plan === 'unknown' ? 'price_someone_else' : PRICE[s.plan], object: 'price' },
          current_period_end: periodEnd,
        },
      ],
    },
  } as unknown as Stripe.Subscription;
}

/** Sets what Stripe (the fake) says the subscription is now. */
export async function stripeHas(s: SubscriptionInput): Promise<Stripe.Subscription> {
  const sub = subscriptionObject(s);
  await fake(`/__fake/subscriptions/${s.id}`, { body: sub });
  return sub;
}

export interface EventInput {
  id?: string;
  type: string;
  object: unknown;
  /** Seconds since the epoch. */
  created?: number;
}

export function eventPayload(e: EventInput): string {
  return JSON.stringify({
    id: e.id ?? fakeId('evt'),
    object: 'event',
    api_version: '2026-10-28.endive',
    created: e.created ?? Math.floor(Date.now() / 1000),
    type: e.type,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object: e.object },
  });
}

export async function sign(payload: string, secret = env.STRIPE_WEBHOOK_SECRET!): Promise<string> {
  return Stripe.webhooks.generateTestHeaderStringAsync({ payload, secret, cryptoProvider: crypto });
}

/** POSTs a delivery to the Worker as Stripe would. */
export async function deliver(payload: string, signature: string | null) {
  const res = await SELF.fetch(`${ORIGIN}/webhooks/stripe`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature ? { 'stripe-signature': signature } : {}) },
    body: payload,
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, json };
}

/** Signs and delivers one event. */
export async function send(e: EventInput) {
  const payload = eventPayload(e);
  return deliver(payload, await sign(payload));
}
