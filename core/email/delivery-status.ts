/**
 * What became of emails sent for an org, by delivery id: the approvals page shows whether an
 * approved draft went out. Ids come from the org's own records (a message's
 * `email_delivery_id`), so only that org's deliveries are ever asked for.
 */
import { inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import { emailDeliveries } from '../db/schema';

export type DeliveryStatus = (typeof emailDeliveries.$inferSelect)['status'];

/** The status of each delivery found; one query for at most a page of ids. */
export async function deliveryStatuses(db: Db, ids: readonly string[]): Promise<Map<string, DeliveryStatus>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db
    .select({ id: emailDeliveries.id, status: emailDeliveries.status })
    .from(emailDeliveries)
    .where(inArray(emailDeliveries.id, unique));
  return new Map(rows.map((row) => [row.id, row.status]));
}

/**
 * What became of an approved email draft: its delivery's status (`queued` until the consumer
 * records one), or `not_sent` when none was queued (an address that is not one, or the queue
 * refused it). Null for anything that is not an approved email.
 */
export function approvedEmailDelivery(
  approval: { status: string; channel: string | null },
  deliveryId: string | null,
  statuses: ReadonlyMap<string, DeliveryStatus>,
): DeliveryStatus | 'not_sent' | null {
  if (approval.status !== 'approved' || approval.channel !== 'email') return null;
  if (!deliveryId) return 'not_sent';
  return statuses.get(deliveryId) ?? 'queued';
}
