/** Inbound webhooks: signature-verified before anything is read or written. */
import { Hono } from 'hono';
import { handleClerkWebhook } from '../../core/auth/clerk';
import { handleStripeWebhook } from '../../core/billing/webhooks';
import { getDb } from '../../core/db/client';
import { ApiError } from '../../core/errors';
import { log } from '../../core/log';
import type { AppEnv } from '../types';

export const webhooks = new Hono<AppEnv>();

// Stripe (hosted edition): verified, deduplicated, applied order-independently (core/billing/webhooks.ts).
webhooks.post('/stripe', async (c) => {
  const result = await handleStripeWebhook(getDb(c.env), c.env, c.get('config'), c.req.raw);
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
