/**
 * Reads of the activity log (every state change the OrgHub records, with its actor) through
 * the org-scoped layer: the org's recent feed, and the history of one task. The same rows
 * `GET /v1/activity` serves; the dashboard renders them as sentences.
 */
import { and, asc, desc, eq, lt, notInArray } from 'drizzle-orm';
import type { OrgStore } from './db/org-store';
import type { OrgEventType } from './events';
import { activityLog } from './db/org-schema';

export type ActivityRow = typeof activityLog.$inferSelect;

export interface ActivityEntry {
  id: string;
  seq: number | null;
  type: OrgEventType;
  actor: { type: ActivityRow['actorType']; id: string | null };
  subject: { type: string | null; id: string | null };
  data: Record<string, unknown>;
  createdAt: number;
}

/**
 * A row's data as every reader may see it. A connection's URL can carry its secret in the path,
 * and anyone who reads activity (viewers included) would see it: older rows recorded it, so it
 * is dropped here (the audit log, for admins, keeps it).
 */
export function activityData(row: Pick<ActivityRow, 'type' | 'data'>): Record<string, unknown> {
  const data = row.data ?? {};
  if (!row.type.startsWith('connection.') || !('url' in data)) return data;
  const { url: _url, ...rest } = data;
  return rest;
}

function entry(row: ActivityRow): ActivityEntry {
  return {
    id: row.id,
    seq: row.seq,
    type: row.type as OrgEventType,
    actor: { type: row.actorType, id: row.actorId },
    subject: { type: row.subjectType, id: row.subjectId },
    data: activityData(row),
    createdAt: row.createdAt,
  };
}

/** The org's recent activity, newest first; `excludeTypes` leaves out noisy kinds (e.g. `agent.status`). */
export async function listRecentActivity(
  scope: OrgStore,
  options: { limit?: number; cursor?: string; excludeTypes?: string[] } = {},
): Promise<{ data: ActivityEntry[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(options.limit ?? 30, 1), 200);
  const rows = await scope
    .select(
      activityLog,
      options.cursor ? lt(activityLog.id, options.cursor) : undefined,
      options.excludeTypes?.length ? notInArray(activityLog.type, options.excludeTypes) : undefined,
    )
    .orderBy(desc(activityLog.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { data: page.map(entry), nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
}

/** Everything recorded about one task, oldest first (its status timeline). */
export async function listTaskActivity(scope: OrgStore, taskId: string, limit = 300): Promise<ActivityEntry[]> {
  const rows = await scope
    .select(activityLog, and(eq(activityLog.subjectType, 'task'), eq(activityLog.subjectId, taskId)))
    .orderBy(asc(activityLog.seq), asc(activityLog.id))
    .limit(limit);
  return rows.map(entry);
}
