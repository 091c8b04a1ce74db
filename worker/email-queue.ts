/**
 * The `emails` Queue consumer: each message is one delivery (core/email/mailer.ts). Acked when
 * sent or finally failed (recorded on the delivery), retried with exponential backoff otherwise.
 */
import { isTestFaultAllowed } from '../core/test-faults';
import { deliverEmail } from '../core/email/mailer';
import { EmailQueueMessage } from '../core/email/messages';
import { log } from '../core/log';
import { captureError } from '../core/monitoring';
import { retryDelaySeconds } from '../core/queue-messages';

export const EMAIL_QUEUE = 'emails';

export async function handleEmailQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const parsed = EmailQueueMessage.safeParse(message.body);
    if (!parsed.success) {
      log.error('email_message_invalid', { message_id: message.id });
      message.ack();
      continue;
    }
    if (parsed.data.kind === 'test_fault') {
      message.ack();
      // Reported as the consumer reports its own failures (a thrown error would redeliver the batch).
      if (isTestFaultAllowed(env)) captureError(new Error('Test fault thrown in the email queue consumer'));
      continue;
    }
    try {
      const outcome = await deliverEmail(env, parsed.data, message.attempts);
      if (outcome === 'retry') message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      else message.ack();
    } catch (error) {
      // Our own failure (D1, rendering), not the provider's: report it and try again later.
      captureError(error, { delivery_id: parsed.data.deliveryId });
      log.error('email_delivery_error', {
        delivery_id: parsed.data.deliveryId,
        error: error instanceof Error ? error.message : String(error),
      });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}
