/**
 * OrgHub: one Durable Object per organization (named by org id). The single writer of its
 * org's live state: event sequencing, run deliveries, and (in later work) admission, the
 * WebSocket hub and the agent runner. Called through typed RPC on a stub from
 * `core/org-hub-client.ts`, never through fetch plumbing.
 */
import { DurableObject } from 'cloudflare:workers';
import { z } from 'zod';
import type { JsonObject } from '../core/json';
import { log } from '../core/log';
import { RunTaskMessage } from '../core/queue-messages';
import { migrateOrgHubStorage } from './org-hub-storage';

/** How many events the replay log keeps. */
const EVENT_LOG_LIMIT = 5_000;

export interface HubEvent {
  seq: number;
  type: string;
  data: JsonObject;
  at: number;
}

export interface RunDeliveryResult {
  /** `duplicate`: this (task, attempt) was already handled; the delivery is acknowledged. */
  outcome: 'accepted' | 'duplicate';
}

const OrgIdArg = z.string().min(1).max(64);
const EventArgs = z.object({ type: z.string().min(1).max(64), data: z.record(z.string(), z.json()) });

export class OrgHub extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private orgId: string | null = null;
  private lastSeq = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    // State is rebuilt from storage on every start, including after eviction.
    void ctx.blockConcurrencyWhile(async () => {
      migrateOrgHubStorage(this.sql);
      this.orgId = this.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'org_id'`).toArray()[0]?.value ?? null;
      this.lastSeq = this.sql.exec<{ seq: number | null }>(`SELECT MAX(seq) AS seq FROM events`).one().seq ?? 0;
    });
  }

  /** Health round trip: proves the object starts, its storage answers and RPC works. */
  async ping(): Promise<{ ok: true; seq: number; at: number }> {
    this.sql.exec(`SELECT 1`);
    return { ok: true, seq: this.lastSeq, at: Date.now() };
  }

  /** Runs in progress (a later issue's runner fills this); org deletion waits for zero. */
  async activeRunCount(): Promise<number> {
    return 0;
  }

  /** Clears every piece of this org's live state (org deletion). */
  async purge(orgId: string): Promise<void> {
    this.bindOrg(OrgIdArg.parse(orgId));
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    migrateOrgHubStorage(this.sql);
    this.lastSeq = 0;
    this.orgId = null;
  }

  /** Appends an event to the org's log with the next sequence number. */
  async publish(orgId: string, type: string, data: JsonObject): Promise<HubEvent> {
    this.bindOrg(OrgIdArg.parse(orgId));
    const args = EventArgs.parse({ type, data });
    return this.appendEvent(args.type, args.data as JsonObject);
  }

  /** Events after `since`, oldest first (the replay log). */
  async eventsSince(orgId: string, since: number, limit = 500): Promise<HubEvent[]> {
    this.bindOrg(OrgIdArg.parse(orgId));
    const rows = this.sql
      .exec<{ seq: number; type: string; data: string; created_at: number }>(
        `SELECT seq, type, data, created_at FROM events WHERE seq > ? ORDER BY seq LIMIT ?`,
        z.number().int().min(0).parse(since),
        z.number().int().min(1).max(5_000).parse(limit),
      )
      .toArray();
    return rows.map((row) => ({ seq: row.seq, type: row.type, data: JSON.parse(row.data), at: row.created_at }));
  }

  /**
   * A delivery from the agent-runs queue. At-least-once: a (task, attempt) pair already
   * seen is acknowledged as a duplicate and does nothing.
   */
  async deliverRun(body: RunTaskMessage): Promise<RunDeliveryResult> {
    const message = RunTaskMessage.parse(body);
    this.bindOrg(message.orgId);
    const seen = this.sql
      .exec(`SELECT 1 FROM run_deliveries WHERE task_id = ? AND attempt = ?`, message.taskId, message.attempt)
      .toArray();
    if (seen.length > 0) return { outcome: 'duplicate' };
    this.sql.exec(
      `INSERT INTO run_deliveries (task_id, attempt, status, received_at) VALUES (?, ?, 'received', ?)`,
      message.taskId,
      message.attempt,
      Date.now(),
    );
    this.appendEvent('run.delivered', { task_id: message.taskId, attempt: message.attempt });
    return { outcome: 'accepted' };
  }

  /** A message that exhausted its retries: recorded so the failure is visible and explained. */
  async recordDeadLetter(body: RunTaskMessage, reason: string): Promise<void> {
    const message = RunTaskMessage.parse(body);
    this.bindOrg(message.orgId);
    this.sql.exec(`INSERT INTO dead_letters (body, reason, received_at) VALUES (?, ?, ?)`, JSON.stringify(message), reason, Date.now());
    this.appendEvent('run.dead_lettered', { task_id: message.taskId, attempt: message.attempt, reason });
    log.warn('run_dead_lettered', { org_id: message.orgId, task_id: message.taskId, attempt: message.attempt, reason });
  }

  private appendEvent(type: string, data: JsonObject): HubEvent {
    const event: HubEvent = { seq: this.lastSeq + 1, type, data, at: Date.now() };
    this.sql.exec(`INSERT INTO events (seq, type, data, created_at) VALUES (?, ?, ?, ?)`, event.seq, type, JSON.stringify(data), event.at);
    this.lastSeq = event.seq;
    if (event.seq % 100 === 0) this.sql.exec(`DELETE FROM events WHERE seq <= ?`, event.seq - EVENT_LOG_LIMIT);
    return event;
  }

  /** An object serves exactly one org; a call for another org is a programming error. */
  private bindOrg(orgId: string): void {
    if (this.orgId === orgId) return;
    if (this.orgId !== null) throw new Error(`OrgHub for ${this.orgId} called for ${orgId}`);
    this.sql.exec(`INSERT INTO meta (key, value) VALUES ('org_id', ?)`, orgId);
    this.orgId = orgId;
  }
}
