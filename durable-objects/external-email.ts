/**
 * An approved external email draft is actually sent: from the platform's configured sender
 * (EMAIL_FROM), through the mailer's Queue, and the delivery is recorded on the message
 * (`email_delivery_id`). Drafts for other channels (a post) stay approved text for people to use.
 */
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { agents, messages } from '../core/db/org-schema';
import { queueEmail } from '../core/email/mailer';
import { log } from '../core/log';
import { captureError } from '../core/monitoring';
import type { EngineHost } from './engine-host';

export interface ParsedDraft {
  channel: string;
  to: string;
  subject: string | null;
  body: string;
}

/** The draft as `draft_external` stored it: `Channel:`, `To:`, optional `Subject:`, a blank line, the body. */
export function parseDraft(text: string): ParsedDraft | null {
  const blank = text.indexOf('\n\n');
  const head = (blank === -1 ? text : text.slice(0, blank)).split('\n');
  const body = blank === -1 ? '' : text.slice(blank + 2);
  const field = (name: string) =>
    head
      .find((line) => line.startsWith(`${name}: `))
      ?.slice(name.length + 2)
      .trim() ?? null;
  const channel = field('Channel');
  const to = field('To');
  if (!channel || !to) return null;
  return { channel, to, subject: field('Subject'), body };
}

const Address = z.email();

/** Queues the approved draft's email; returns the delivery id, or null when it is not an email. */
export async function sendApprovedDraft(
  host: EngineHost,
  draft: { id: string; body: string; senderId: string | null },
): Promise<string | null> {
  const parsed = parseDraft(draft.body);
  if (parsed?.channel !== 'email') return null;
  const to = Address.safeParse(parsed.to);
  if (!to.success) {
    log.warn('external_draft_bad_address', { message_id: draft.id });
    return null;
  }
  try {
    const agent = draft.senderId ? await host.store.first(agents, eq(agents.id, draft.senderId)) : undefined;
    const deliveryId = await queueEmail(host.env, {
      to: to.data.toLowerCase(),
      content: {
        template: 'external_message',
        props: {
          organization: host.org().name,
          agent: agent?.name ?? 'An agent',
          subject: parsed.subject ?? `A message from ${host.org().name}`,
          body: parsed.body,
        },
      },
      ref: `message:${draft.id}`,
    });
    host.store.updateRows(messages, { emailDeliveryId: deliveryId }, eq(messages.id, draft.id)).run();
    return deliveryId;
  } catch (error) {
    // The approval stands; the send is reported so someone can act on it.
    captureError(error, { message_id: draft.id, org_id: host.orgId });
    log.error('external_draft_send_failed', {
      message_id: draft.id,
      error: error instanceof Error ? error.message : String(error),
    });
    return null;
  }
}
