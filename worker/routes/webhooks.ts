/** Inbound webhooks: signature-verified before anything is read or written. */
import { track } from '../../core/analytics';
import { Hono } from 'hono';
import { handleClerkWebhook } from '../../core/auth/clerk';
import { mailBillingNotice, noticeForStripeEvent } from '../../core/billing-notices';
import { handleStripeWebhook } from '../../core/billing/webhooks';
import { getDb } from '../../core/db/client';
import { handleResendWebhook } from '../../core/email/provider-events';
import { ApiError } from '../../core/errors';
import { log } from '../../core/log';
import type { AppEnv } from '../types';

export const webhooks = new Hono<AppEnv>();

// Stripe (hosted edition): verified, deduplicated, applied order-independently (core/billing/webhooks.ts).
webhooks.post('/stripe', async (c) => {
  const db = getDb(c.env);
  const result = await handleStripeWebhook(db, c.env, c.get('config'), c.req.raw);
  // Trial ending, payment failed: the owners are emailed (queued; a failure to queue is logged, the event stays applied).
  const notice = noticeForStripeEvent(result.type);
  if (notice && result.outcome === 'applied' && result.org_id)
    await mailBillingNotice(db, c.env, c.get('config').APP_URL, result.org_id, notice).catch((error) =>
      log.error('billing_notice_failed', {
        org_id: result.org_id,
        notice,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  if (result.type === 'checkout.session.completed' && result.outcome === 'applied')
    await track(c.env, 'checkout_completed', { org: result.org_id ?? null });
  return c.json({ received: true, ...result });
});

// Resend delivery events: bounces and failures recorded on the delivery (core/email/provider-events.ts).
webhooks.post('/resend', async (c) => {
  const secret = c.get('config').RESEND_WEBHOOK_SECRET;
  if (!secret) throw new ApiError('not_found', 'Resend webhooks are not configured on this deployment.');
  const result = await handleResendWebhook(getDb(c.env), secret, c.req.raw);
  return c.json({ received: true, ...result });
});

webhooks.post('/clerk', async (c) => {
  const config = c.get('config');
  if (!config.CLERK_WEBHOOK_SECRET) throw new ApiError('not_found', 'Clerk is not configured on this deployment.');
  let result: Awaited<ReturnType<typeof handleClerkWebhook>>;
  try {
    result = await handleClerkWebhook(getDb(c.env), c.env, config, c.req.raw);
  } catch (error) {
    log.warn('clerk_webhook_rejected', { error: error instanceof Error ? error.message : String(error) });
    throw new ApiError('bad_request', 'The webhook signature is not valid.');
  }
  log.info('clerk_webhook', result);
  return c.json({ received: true, ...result });
});
