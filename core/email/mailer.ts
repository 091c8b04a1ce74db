/**
 * The mailer: `queueEmail` records a delivery and hands it to the email Queue (a request never
 * waits for a provider); `deliverEmail` is the consumer's half: render, send through the
 * configured transport, record the outcome. Failures are retried with backoff through the Queue
 * and recorded on the delivery; the last attempt's failure marks it failed.
 */
import { eq } from 'drizzle-orm';
import { loadConfig } from '../config';
import { getDb } from '../db/client';
import { emailDeliveries } from '../db/schema';
import { newId } from '../ids';
import { log } from '../log';
import { EMAIL_MAX_ATTEMPTS, type EmailContent, type SendEmailMessage } from './messages';
import { renderEmail } from './templates';
import { emailTransport, PermanentEmailError } from './transports';

export type EmailEnv = Pick<Env, 'DB' | 'EMAILS'>;

export interface QueuedEmail {
  to: string;
  content: EmailContent;
  /** What the email is about (`invitation:inv_…`), for support and tests. */
  ref?: string;
}

/** Records the delivery and enqueues it; returns its id. Never sends inline. */
export async function queueEmail(env: EmailEnv, email: QueuedEmail): Promise<string> {
  const now = Date.now();
  const id = newId('eml', now);
  await getDb(env)
    .insert(emailDeliveries)
    .values({
      id,
      template: email.content.template,
      toAddress: email.to,
      ref: email.ref ?? null,
      status: 'queued',
      createdAt: now,
      updatedAt: now,
    });
  const message: SendEmailMessage = { kind: 'send_email', deliveryId: id, to: email.to, content: email.content };
  await env.EMAILS.send(message, { contentType: 'json' });
  log.info('email_queued', { delivery_id: id, template: email.content.template, ref: email.ref ?? null });
  return id;
}

export type DeliveryOutcome = 'sent' | 'retry' | 'failed' | 'skipped';

/** The consumer's work for one message; `attempts` is the Queue's delivery count (1 first). */
export async function deliverEmail(env: Env, message: SendEmailMessage, attempts: number): Promise<DeliveryOutcome> {
  const db = getDb(env);
  const [delivery] = await db.select().from(emailDeliveries).where(eq(emailDeliveries.id, message.deliveryId)).limit(1);
  // Already sent (a duplicate delivery of the message) or gone: nothing to do.
  if (!delivery || delivery.status === 'sent') return 'skipped';
  const config = loadConfig(env);
  const transport = emailTransport(config);
  const rendered = await renderEmail(message.content);
  const now = Date.now();
  try {
    const { providerId } = await transport.send({
      ...rendered,
      deliveryId: delivery.id,
      from: config.EMAIL_FROM,
      to: message.to,
    });
    await db
      .update(emailDeliveries)
      .set({
        status: 'sent',
        transport: transport.name,
        fromAddress: config.EMAIL_FROM,
        subject: rendered.subject,
        providerId,
        attempts,
        lastError: null,
        sentAt: now,
        updatedAt: now,
        ...(transport.keepsContent ? { html: rendered.html, text: rendered.text } : {}),
      })
      .where(eq(emailDeliveries.id, delivery.id));
    log.info('email_sent', { delivery_id: delivery.id, transport: transport.name, template: delivery.template });
    return 'sent';
  } catch (error) {
    const permanent = error instanceof PermanentEmailError;
    const final = permanent || attempts >= EMAIL_MAX_ATTEMPTS;
    const reason = error instanceof Error ? error.message.slice(0, 500) : String(error);
    await db
      .update(emailDeliveries)
      .set({
        status: final ? 'failed' : 'queued',
        transport: transport.name,
        subject: rendered.subject,
        attempts,
        lastError: reason,
        updatedAt: now,
      })
      .where(eq(emailDeliveries.id, delivery.id));
    (final ? log.error : log.warn)('email_send_failed', {
      delivery_id: delivery.id,
      template: delivery.template,
      attempts,
      final,
      error: reason,
    });
    return final ? 'failed' : 'retry';
  }
}
