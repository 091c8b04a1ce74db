/**
 * Resend's delivery webhooks (`POST /webhooks/resend`, signed with the endpoint's secret,
 * RESEND_WEBHOOK_SECRET; verified with the SDK): a bounce, complaint, failure or suppression is
 * recorded on the delivery it is about (found by Resend's email id).
 */
import { eq } from 'drizzle-orm';
import { Resend } from 'resend';
import type { Db } from '../db/client';
import { emailDeliveries } from '../db/schema';
import { ApiError } from '../errors';
import { log } from '../log';

const UNDELIVERED: Record<string, 'bounced' | 'failed'> = {
  'email.bounced': 'bounced',
  'email.complained': 'bounced',
  'email.failed': 'failed',
  'email.suppressed': 'failed',
};

export async function handleResendWebhook(
  db: Db,
  secret: string,
  request: Request,
): Promise<{ type: string; recorded: boolean }> {
  const payload = await request.text();
  let event: { type: string; data?: { email_id?: string; bounce?: { message?: string; type?: string } } };
  try {
    // The SDK's verifier (Standard Webhooks) needs no API key; the client is only its home.
    event = new Resend('re_webhook_verification_only').webhooks.verify({
      payload,
      headers: {
        id: request.headers.get('svix-id') ?? '',
        timestamp: request.headers.get('svix-timestamp') ?? '',
        signature: request.headers.get('svix-signature') ?? '',
      } as never,
      webhookSecret: secret,
    }) as typeof event;
  } catch {
    throw new ApiError('bad_request', 'The webhook signature is not valid.');
  }
  const status = UNDELIVERED[event.type];
  const emailId = event.data?.email_id;
  if (!status || !emailId) return { type: event.type, recorded: false };
  const reason = [event.type, event.data?.bounce?.type, event.data?.bounce?.message].filter(Boolean).join(': ');
  const result = await db
    .update(emailDeliveries)
    .set({ status, lastError: reason.slice(0, 500), updatedAt: Date.now() })
    .where(eq(emailDeliveries.providerId, emailId));
  log.warn('email_undelivered', { provider_id: emailId, type: event.type, recorded: result.meta.changes > 0 });
  return { type: event.type, recorded: result.meta.changes > 0 };
}
