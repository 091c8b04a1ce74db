/**
 * An org's event log in its OrgHub's SQLite: each event gets the org's next sequence number, a
 * transition's events are written in one statement (inside its transaction), and the log keeps
 * the last EVENT_LOG_LIMIT events for replay (`/v1/live?since=`).
 */
import { sql as sqlTag } from 'drizzle-orm';
import type { OrgStore } from '../core/db/org-store';
import { events } from '../core/db/org-schema';
import type { HubEvent, OrgEventType } from '../core/events';
import type { JsonObject } from '../core/json';

/** How many events the replay log keeps. */
const EVENT_LOG_LIMIT = 5_000;

export class EventLog {
  /** The last sequence number written (0: none yet). */
  private last = 0;

  constructor(private readonly store: OrgStore) {}

  /** Reads the last sequence number back from storage (on every start, and after a purge). */
  load(): void {
    this.last =
      this.store.db
        .select({ seq: sqlTag<number | null>`MAX(${events.seq})` })
        .from(events)
        .get()?.seq ?? 0;
  }

  get lastSeq(): number {
    return this.last;
  }

  /** The oldest sequence number still in the log (the next one when the log is empty). */
  oldestSeq(): number {
    return (
      this.store.db
        .select({ seq: sqlTag<number | null>`MIN(${events.seq})` })
        .from(events)
        .get()?.seq ?? this.last + 1
    );
  }

  /** Writes events (inside the caller's transaction, if any) with the next sequence numbers. */
  write(list: ReadonlyArray<{ type: OrgEventType; data: JsonObject }>): HubEvent[] {
    if (!list.length) return [];
    const at = Date.now();
    const written = list.map(({ type, data }, i): HubEvent => ({ seq: this.last + 1 + i, type, data, at }));
    const values: Array<string | number> = [];
    for (const event of written) values.push(event.seq, event.type, JSON.stringify(event.data), at);
    const sql = this.store.storage.sql;
    sql.exec(
      `INSERT INTO events (seq, type, data, created_at) VALUES ${written.map(() => '(?, ?, ?, ?)').join(', ')}`,
      ...values,
    );
    const first = this.last + 1;
    this.last += written.length;
    // Trim the log whenever the sequence passes a multiple of 100.
    if (Math.floor(this.last / 100) > Math.floor((first - 1) / 100))
      sql.exec(`DELETE FROM events WHERE seq <= ?`, this.last - EVENT_LOG_LIMIT);
    return written;
  }

  /** Events after `since`, oldest first. */
  since(since: number, limit: number): HubEvent[] {
    const rows = this.store.db
      .select()
      .from(events)
      .where(sqlTag`${events.seq} > ${since}`)
      .orderBy(events.seq)
      .limit(limit)
      .all();
    return rows.map((row) => ({
      seq: row.seq,
      type: row.type as OrgEventType,
      data: JSON.parse(row.data),
      at: row.createdAt,
    }));
  }
}
