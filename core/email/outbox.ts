/** Reading the local outbox (development's `/dev/outbox`, tests): the newest deliveries first. */
import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { emailDeliveries } from '../db/schema';

export type OutboxEmail = typeof emailDeliveries.$inferSelect;

export async function listOutbox(db: Db, options: { to?: string; limit?: number } = {}): Promise<OutboxEmail[]> {
  return db
    .select()
    .from(emailDeliveries)
    .where(options.to ? eq(emailDeliveries.toAddress, options.to.trim().toLowerCase()) : undefined)
    .orderBy(desc(emailDeliveries.createdAt), desc(emailDeliveries.id))
    .limit(options.limit ?? 50);
}
