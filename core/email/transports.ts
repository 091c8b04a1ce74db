/**
 * The mailer's two transports behind one interface: Resend's HTTP API (official SDK, key from the
 * RESEND_API_KEY secret) and the local outbox (development and tests: nothing leaves the machine,
 * the rendered message is kept on its delivery row for `/dev/outbox` and tests to read).
 */
import { Resend } from 'resend';
import type { AppConfig } from '../config';
import type { RenderedEmail } from './templates';

export interface OutgoingEmail extends RenderedEmail {
  /** Our delivery id: the provider's idempotency key, so a retried send is not sent twice. */
  deliveryId: string;
  from: string;
  to: string;
}

export interface EmailTransport {
  readonly name: 'resend' | 'outbox';
  /** The outbox keeps the rendered message on the delivery row; a provider transport does not. */
  readonly keepsContent: boolean;
  send(email: OutgoingEmail): Promise<{ providerId: string | null }>;
}

/** A send the provider refused for good (bad address, unverified sender): retrying cannot help. */
export class PermanentEmailError extends Error {
  override name = 'PermanentEmailError';
}

export function resendTransport(apiKey: string, baseUrl?: string): EmailTransport {
  const client = new Resend(apiKey, baseUrl ? { baseUrl } : undefined);
  return {
    name: 'resend',
    keepsContent: false,
    async send(email) {
      const { data, error } = await client.emails.send(
        { from: email.from, to: email.to, subject: email.subject, html: email.html, text: email.text },
        { idempotencyKey: email.deliveryId },
      );
      if (error) {
        const status = (error as { statusCode?: number | null }).statusCode ?? null;
        const message = `Resend ${status ?? ''} ${error.name}: ${error.message}`.replace(/\s+/g, ' ');
        // 4xx other than rate limits are the request's fault: the same request fails again.
        if (status !== null && status >= 400 && status < 500 && status !== 429) throw new PermanentEmailError(message);
        throw new Error(message);
      }
      return { providerId: data?.id ?? null };
    },
  };
}

export const outboxTransport: EmailTransport = {
  name: 'outbox',
  keepsContent: true,
  async send() {
    return { providerId: null };
  },
};

/** Resend when its key is set, else the local outbox. */
export function emailTransport(config: AppConfig): EmailTransport {
  return config.RESEND_API_KEY ? resendTransport(config.RESEND_API_KEY, config.RESEND_API_BASE) : outboxTransport;
}
