/**
 * What the email Queue carries (validated with zod on both sides): which delivery to send, to
 * whom, and the template with its props. The consumer renders it (core/email/templates.tsx), so a
 * request only writes one row and enqueues one message.
 */
import { z } from 'zod';

const Url = z.url();

export const EmailContent = z.discriminatedUnion('template', [
  z.object({ template: z.literal('password_reset'), props: z.object({ name: z.string(), url: Url }) }),
  z.object({ template: z.literal('email_verification'), props: z.object({ name: z.string(), url: Url }) }),
  z.object({
    template: z.literal('invitation'),
    props: z.object({ organization: z.string(), inviter: z.string(), role: z.string(), url: Url }),
  }),
  z.object({
    template: z.literal('trial_ending'),
    props: z.object({ organization: z.string(), trialEndsAt: z.string(), url: Url }),
  }),
  z.object({ template: z.literal('payment_failed'), props: z.object({ organization: z.string(), url: Url }) }),
  z.object({
    template: z.literal('external_message'),
    props: z.object({ organization: z.string(), agent: z.string(), subject: z.string(), body: z.string() }),
  }),
]);
export type EmailContent = z.infer<typeof EmailContent>;
export type EmailTemplate = EmailContent['template'];

export const SendEmailMessage = z.object({
  kind: z.literal('send_email'),
  deliveryId: z.string().min(1),
  to: z.email(),
  content: EmailContent,
});
export type SendEmailMessage = z.infer<typeof SendEmailMessage>;

/**
 * `test_fault`: only honoured under APP_ENV=test on a local host (worker/test-faults.ts), to prove
 * an error thrown in the consumer reaches error monitoring; elsewhere it is acked and ignored.
 */
export const EmailQueueMessage = z.discriminatedUnion('kind', [
  SendEmailMessage,
  z.object({ kind: z.literal('test_fault') }),
]);
export type EmailQueueMessage = z.infer<typeof EmailQueueMessage>;

/** Sends are retried this many times (with backoff) before the delivery is recorded as failed. */
export const EMAIL_MAX_ATTEMPTS = 6;
