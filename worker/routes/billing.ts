/**
 * Billing for owners (hosted edition): Stripe Checkout to buy a plan, the Customer Portal to
 * change or cancel it. Mounted inside the org routes (worker/routes/orgs.ts), so the caller is a
 * signed-in member of `:slug` before these run; `billing:manage` (owners) is checked here.
 * The plan changes when Stripe's webhook arrives (worker/routes/webhooks.ts), not on return.
 */
import { track } from '../../core/analytics';
import { createRoute, z } from '@hono/zod-openapi';
import { eq } from 'drizzle-orm';
import { createCheckoutSession, createPortalSession } from '../../core/billing/checkout';
import { PURCHASABLE_PLANS } from '../../core/billing/stripe';
import { type Db, getDb } from '../../core/db/client';
import { organizations } from '../../core/db/schema';
import type { Organization } from '../../core/orgs';
import { ApiError } from '../../core/errors';
import { clientIp } from '../middleware/rate-limit';
import { createApiApp } from '../openapi';
import { errorResponses, jsonBody, jsonResponse } from '../schemas/common';
import { DASHBOARD_TAG, sessionSecurity } from '../schemas/dashboard';

const SlugParam = z.object({
  slug: z.string().openapi({ param: { name: 'slug', in: 'path' }, description: 'The organization’s slug.' }),
});

const CheckoutInput = z.strictObject({
  plan: z
    .enum(PURCHASABLE_PLANS, { error: `Unknown plan. Choose one of: ${PURCHASABLE_PLANS.join(', ')}.` })
    .openapi({ description: 'The plan to buy.', example: 'pro' }),
});

const BillingRedirectSchema = z
  .object({ url: z.string().openapi({ description: 'Send the browser here (Stripe).' }) })
  .openapi('BillingRedirect');

/** The org's full row, fresh (the request's org context carries only its names and plan). */
async function currentOrg(db: Db, orgId: string): Promise<Organization> {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, orgId)).limit(1);
  if (!org) throw new ApiError('not_found', 'No such organization.');
  return org;
}

const billingErrors = (...statuses: number[]) => ({
  ...errorResponses(...statuses),
  503: {
    description: 'Billing is not configured on this deployment',
    content: errorResponses(503)[503]!.content,
  },
});

export const billingRoutes = createApiApp()
  .openapi(
    createRoute({
      tags: [DASHBOARD_TAG],
      security: sessionSecurity,
      method: 'post',
      path: '/orgs/{slug}/billing/checkout',
      summary: 'Start Stripe Checkout for a plan (owners; hosted edition)',
      description:
        'Returns the Checkout URL. The plan changes when Stripe confirms the subscription (webhook), not on the redirect back to the billing settings page (`?checkout=success`).',
      request: { params: SlugParam, body: jsonBody(CheckoutInput) },
      responses: {
        200: jsonResponse(BillingRedirectSchema, 'The Checkout URL'),
        ...billingErrors(400, 401, 403, 404, 409, 413, 415),
      },
    }),
    async (c) => {
      const { ctx } = c.get('org');
      const db = getDb(c.env);
      const auth = c.get('auth');
      if (auth?.kind !== 'session') throw new ApiError('unauthorized', 'Sign in first.');
      const result = await createCheckoutSession(
        db,
        c.get('config'),
        ctx,
        await currentOrg(db, ctx.orgId),
        { plan: c.req.valid('json').plan, email: auth.user.email },
        clientIp(c),
      );
      await track(c.env, 'checkout_started', { org: ctx.orgId, actor: auth.user.id, detail: c.req.valid('json').plan });
      return c.json(result, 200);
    },
  )
  .openapi(
    createRoute({
      tags: [DASHBOARD_TAG],
      security: sessionSecurity,
      method: 'post',
      path: '/orgs/{slug}/billing/portal',
      summary: 'Open the Stripe Customer Portal: payment method, invoices, plan changes (owners; hosted edition)',
      request: { params: SlugParam },
      responses: {
        200: jsonResponse(BillingRedirectSchema, 'The Customer Portal URL'),
        ...billingErrors(401, 403, 404, 409),
      },
    }),
    async (c) => {
      const { ctx } = c.get('org');
      const org = await currentOrg(getDb(c.env), ctx.orgId);
      return c.json(await createPortalSession(c.get('config'), ctx, org), 200);
    },
  );
