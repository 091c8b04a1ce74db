/**
 * Billing emails to an org's owners, sent when a Stripe webhook was applied (each Stripe event is
 * applied once, so each notice is sent once): the trial is ending, a payment failed.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from './db/client';
import { memberships, organizations, users } from './db/schema';
import { type EmailEnv, queueEmail } from './email/mailer';

export const NOTICE_FOR_STRIPE_EVENT = {
  'customer.subscription.trial_will_end': 'trial_ending',
  'invoice.payment_failed': 'payment_failed',
} as const;

export type BillingNotice = (typeof NOTICE_FOR_STRIPE_EVENT)[keyof typeof NOTICE_FOR_STRIPE_EVENT];

export function noticeForStripeEvent(type: string): BillingNotice | null {
  return (NOTICE_FOR_STRIPE_EVENT as Record<string, BillingNotice>)[type] ?? null;
}

/** Mails the notice to every owner of the org; returns how many were queued. */
export async function mailBillingNotice(
  db: Db,
  env: EmailEnv,
  appUrl: string,
  orgId: string,
  notice: BillingNotice,
): Promise<number> {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId)).limit(1);
  if (!org) return 0;
  const owners = await db
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, orgId), eq(memberships.role, 'owner'), eq(users.isGuest, false)));
  const url = `${appUrl}/orgs/${org.slug}/settings/billing`;
  for (const owner of owners) {
    await queueEmail(env, {
      to: owner.email,
      content:
        notice === 'trial_ending'
          ? {
              template: 'trial_ending',
              props: {
                organization: org.name,
                trialEndsAt: org.trialEndsAt ? new Date(org.trialEndsAt).toUTCString().slice(0, 16) : 'soon',
                url,
              },
            }
          : { template: 'payment_failed', props: { organization: org.name, url } },
      ref: `organization:${org.id}`,
    });
  }
  return owners.length;
}
