/**
 * The email consumer's outcomes against the fake Resend (HTTP level): a 5xx is retried and
 * recorded, the last attempt or a 4xx fails for good, a success records Resend's id.
 */
import { env } from 'cloudflare:test';
import { describe, expect, inject, it } from 'vitest';
import { deliverEmail } from '../../core/email/mailer';
import type { SendEmailMessage } from '../../core/email/messages';

const base = inject('resendApiBase');
/** The Worker's env with Resend configured (a new object: config is parsed per env object). */
const resendEnv = () => ({ ...env, RESEND_API_KEY: 're_test_fake', RESEND_API_BASE: base }) as Env;

async function queuedDelivery(): Promise<SendEmailMessage> {
  const id = `eml_${crypto.randomUUID()}`;
  const to = `person-${crypto.randomUUID()}@example.com`;
  await env.DB.prepare(
    `INSERT INTO email_deliveries (id, template, to_address, status, attempts) VALUES (?, 'payment_failed', ?, 'queued', 0)`,
  )
    .bind(id, to)
    .run();
  return {
    kind: 'send_email',
    deliveryId: id,
    to,
    content: {
      template: 'payment_failed',
      props: { organization: 'Acme', url: 'https://app.test/orgs/acme/settings/billing' },
    },
  };
}

const row = (id: string) =>
  env.DB.prepare(`SELECT status, attempts, last_error, provider_id, transport, html FROM email_deliveries WHERE id = ?`)
    .bind(id)
    .first<{
      status: string;
      attempts: number;
      last_error: string | null;
      provider_id: string | null;
      transport: string;
      html: string | null;
    }>();

const failNext = (status: number) =>
  fetch(`${base}/__fake/fail-next`, { method: 'POST', body: JSON.stringify({ count: 1, status }) });

describe('email delivery through Resend', () => {
  it('a provider error is recorded and retried; the next attempt sends and records the provider id', async () => {
    const message = await queuedDelivery();
    await failNext(500);
    expect(await deliverEmail(resendEnv(), message, 1)).toBe('retry');
    expect(await row(message.deliveryId)).toMatchObject({ status: 'queued', attempts: 1, transport: 'resend' });
    expect((await row(message.deliveryId))!.last_error).toContain('500');

    expect(await deliverEmail(resendEnv(), message, 2)).toBe('sent');
    const sent = await row(message.deliveryId);
    expect(sent).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    expect(sent!.provider_id).toMatch(/^fake-email-/);
    // The provider transport keeps no copy of the message.
    expect(sent!.html).toBeNull();
    // A duplicate delivery of the Queue message sends nothing more.
    expect(await deliverEmail(resendEnv(), message, 3)).toBe('skipped');
  });

  it('a 4xx fails at once; the last attempt of a 5xx fails too', async () => {
    const refused = await queuedDelivery();
    await failNext(422);
    expect(await deliverEmail(resendEnv(), refused, 1)).toBe('failed');
    expect(await row(refused.deliveryId)).toMatchObject({ status: 'failed', attempts: 1 });

    const exhausted = await queuedDelivery();
    await failNext(503);
    expect(await deliverEmail(resendEnv(), exhausted, 6)).toBe('failed');
    expect(await row(exhausted.deliveryId)).toMatchObject({ status: 'failed', attempts: 6 });
  });
});
