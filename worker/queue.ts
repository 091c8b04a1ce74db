/**
 * Queue consumers. `agent-runs`: each message is validated and handed to its org's OrgHub;
 * acked on success, retried with exponential backoff on failure (at-least-once; the hub makes
 * duplicates harmless). `agent-runs-dlq`: messages that exhausted their retries are recorded
 * with the org so the failure is visible.
 */
import { captureError } from '../core/monitoring';
import { getOrgHub } from '../core/org-hub-client';
import { log } from '../core/log';
import { AgentRunMessage, retryDelaySeconds } from '../core/queue-messages';
import { EMAIL_QUEUE, handleEmailQueue } from './email-queue';

export const DEAD_LETTER_QUEUE = 'agent-runs-dlq';

export async function handleQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  if (batch.queue === EMAIL_QUEUE) return handleEmailQueue(batch, env);
  if (batch.queue === DEAD_LETTER_QUEUE || batch.queue.endsWith('-dlq')) return handleDeadLetters(batch, env);
  await Promise.all(batch.messages.map((message) => deliver(message, env)));
}

async function deliver(message: Message<unknown>, env: Env): Promise<void> {
  const parsed = AgentRunMessage.safeParse(message.body);
  if (!parsed.success) {
    // Retrying cannot fix a malformed body; it would only delay the dead-letter record.
    log.error('queue_message_invalid', { message_id: message.id, issues: parsed.error.issues.map((i) => i.message) });
    message.ack();
    return;
  }
  try {
    const result = await getOrgHub(env, { orgId: parsed.data.orgId }).deliverRun(parsed.data);
    log.debug('queue_message_delivered', {
      message_id: message.id,
      task_id: parsed.data.taskId,
      outcome: result.outcome,
    });
    message.ack();
  } catch (error) {
    const delaySeconds = retryDelaySeconds(message.attempts);
    captureError(error, { task_id: parsed.data.taskId, org_id: parsed.data.orgId });
    log.warn('queue_message_retry', {
      message_id: message.id,
      task_id: parsed.data.taskId,
      attempts: message.attempts,
      delay_seconds: delaySeconds,
      error: error instanceof Error ? error.message : String(error),
    });
    message.retry({ delaySeconds });
  }
}

async function handleDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const parsed = AgentRunMessage.safeParse(message.body);
    if (!parsed.success) {
      log.error('dead_letter_invalid', { message_id: message.id });
      message.ack();
      continue;
    }
    try {
      await getOrgHub(env, { orgId: parsed.data.orgId }).recordDeadLetter(
        parsed.data,
        `gave up after ${message.attempts} deliveries`,
      );
      message.ack();
    } catch (error) {
      log.error('dead_letter_record_failed', {
        message_id: message.id,
        error: error instanceof Error ? error.message : String(error),
      });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  }
}
