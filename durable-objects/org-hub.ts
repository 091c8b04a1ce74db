/**
 * OrgHub: one Durable Object per organization (named by org id). The single writer of its
 * org's live state: every task and agent transition runs here, one at a time, and gets the
 * org's next event sequence number. It admits tasks to the agent-runs queue, runs them when
 * the queue hands them back, and wakes on alarms for schedules, retries and the watchdog.
 * Called through typed RPC on a stub from `core/org-hub-client.ts`; methods that can refuse
 * return an RpcResult so the caller gets the same error envelope.
 */
import { DurableObject } from 'cloudflare:workers';
import { z } from 'zod';
import { AgentInput, AgentPatch } from '../core/agents';
import type { JsonObject } from '../core/json';
import { log } from '../core/log';
import { RunTaskMessage } from '../core/queue-messages';
import { capture, type RpcResult } from '../core/rpc-result';
import { ScheduleInput, SchedulePatch } from '../core/schedules';
import { TaskInput, TaskPatch } from '../core/tasks';
import { LIVE_LIMITS, LiveConnectArgs, LiveHub } from './live-hub';
import { migrateOrgHubStorage } from './org-hub-storage';
import { type EngineActor, TaskEngine } from './task-engine';

/** How many events the replay log keeps. */
const EVENT_LOG_LIMIT = 5_000;

export interface HubEvent {
  seq: number;
  type: string;
  data: JsonObject;
  at: number;
}

export interface RunDeliveryResult {
  /** `duplicate`: this (task, attempt) was already delivered; `stale`: the task moved on. */
  outcome: 'ran' | 'duplicate' | 'stale';
}

const OrgIdArg = z.string().min(1).max(64);
const IdArg = z.string().min(1).max(64);
const ActorArg = z.discriminatedUnion('type', [
  z.object({ type: z.enum(['user', 'api_key', 'agent', 'schedule']), id: z.string().min(1).max(64) }),
  z.object({ type: z.literal('system'), id: z.null() }),
]);
const EventArgs = z.object({ type: z.string().min(1).max(64), data: z.record(z.string(), z.json()) });
const IdempotencyArg = z.object({ key: z.string().min(1).max(255), hash: z.string().min(1).max(128) }).nullable();
const MessageArg = z.object({
  agent: z.string().min(1).max(64),
  body: z.string().trim().min(1).max(16_000),
  thread_id: z.string().max(64).nullable().optional(),
});

export class OrgHub extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private orgId: string | null = null;
  private lastSeq = 0;
  private engineInstance: TaskEngine | null = null;
  /** Tail of the exclusive-section chain: transitions run one after another. */
  private chain: Promise<unknown> = Promise.resolve();
  private readonly live: LiveHub;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.live = new LiveHub({
      ctx,
      appendEvent: (type, data) => this.appendEvent(type, data),
      eventsAfter: (since, limit) => this.readEvents(since, limit),
      oldestSeq: () =>
        this.sql.exec<{ seq: number | null }>(`SELECT MIN(seq) AS seq FROM events`).one().seq ?? this.lastSeq + 1,
      lastSeq: () => this.lastSeq,
    });
    // State is rebuilt from storage on every start, including after eviction.
    void ctx.blockConcurrencyWhile(async () => {
      migrateOrgHubStorage(this.sql);
      this.orgId =
        this.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'org_id'`).toArray()[0]?.value ?? null;
      this.lastSeq = this.sql.exec<{ seq: number | null }>(`SELECT MAX(seq) AS seq FROM events`).one().seq ?? 0;
      // Runs recorded as active belong to a previous instance: wake the watchdog for them.
      const orphans = this.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM active_runs`).one().n;
      if (orphans > 0) await ctx.storage.setAlarm(Date.now() + 100);
    });
  }

  // ─── Platform ────────────────────────────────────────────────────────────────────────

  /** Health round trip: proves the object starts, its storage answers and RPC works. */
  async ping(): Promise<{ ok: true; seq: number; at: number }> {
    this.sql.exec(`SELECT 1`);
    return { ok: true, seq: this.lastSeq, at: Date.now() };
  }

  async activeRunCount(): Promise<number> {
    return this.engineInstance?.activeRunCount() ?? 0;
  }

  /** Clears every piece of this org's live state (org deletion). */
  async purge(orgId: string): Promise<void> {
    this.bindOrg(OrgIdArg.parse(orgId));
    for (const ws of this.ctx.getWebSockets()) ws.close(4003, 'The organization was deleted.');
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    migrateOrgHubStorage(this.sql);
    this.lastSeq = 0;
    this.orgId = null;
    this.engineInstance = null;
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
    return this.readEvents(z.number().int().min(0).parse(since), z.number().int().min(1).max(5_000).parse(limit));
  }

  // ─── Live connections ────────────────────────────────────────────────────────────────

  /**
   * `/live` (WebSocket upgrade) and `/sse?task=` (Server-Sent Events), forwarded by the Worker
   * after it authenticated the caller; identity arrives in `x-gc-*` headers only the Worker sets.
   */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const header = (name: string) => request.headers.get(`x-gc-${name}`);
    const args = LiveConnectArgs.safeParse({
      orgId: header('org'),
      principalType: header('principal-type'),
      principalId: header('principal-id'),
      principalName: decodeURIComponent(header('principal-name') ?? ''), // percent-encoded by the Worker
      credential: header('credential'),
      since: url.searchParams.get('since') || null,
      maxSockets: header('max-sockets'),
    });
    if (!args.success) return new Response('Bad live request', { status: 400 });
    this.bindOrg(args.data.orgId);
    if (url.pathname === '/live') {
      if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket')
        return new Response('Expected a WebSocket upgrade', { status: 426 });
      const response = this.live.accept(args.data);
      await this.scheduleSweep();
      return response;
    }
    if (url.pathname === '/sse') {
      const taskId = IdArg.parse(url.searchParams.get('task'));
      return this.live.openSse(taskId, args.data.since, args.data.maxSockets);
    }
    return new Response('Not found', { status: 404 });
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    this.live.onMessage(ws, message);
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.live.onClose(ws, code, reason);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.live.onClose(ws, 1011, 'socket error');
  }

  /** Closes the live connections of a revoked key or an ended session at once. */
  async disconnect(orgId: string, credential: string, reason: string): Promise<number> {
    this.bindOrg(OrgIdArg.parse(orgId));
    return this.live.disconnect(z.string().min(1).max(200).parse(credential), z.string().max(120).parse(reason));
  }

  async liveConnectionCount(): Promise<number> {
    return this.live.socketCount();
  }

  private async scheduleSweep() {
    const current = await this.ctx.storage.getAlarm();
    const at = Date.now() + LIVE_LIMITS.idleMs / 2;
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  // ─── Agents ──────────────────────────────────────────────────────────────────────────

  async createAgent(orgId: string, actor: EngineActor, input: AgentInput) {
    return this.run(orgId, () => this.engine.createAgent(ActorArg.parse(actor), AgentInput.parse(input)));
  }

  async updateAgent(orgId: string, actor: EngineActor, ref: string, patch: AgentPatch) {
    return this.run(orgId, () =>
      this.engine.updateAgent(ActorArg.parse(actor), IdArg.parse(ref), AgentPatch.parse(patch)),
    );
  }

  async deleteAgent(orgId: string, actor: EngineActor, ref: string) {
    return this.run(orgId, () => this.engine.deleteAgent(ActorArg.parse(actor), IdArg.parse(ref)));
  }

  /** After a plan change: pauses agents over the new limit (billing calls this). */
  async enforceAgentLimit(orgId: string) {
    return this.run(orgId, () => this.engine.enforceAgentLimit({ type: 'system', id: null }));
  }

  // ─── Tasks ───────────────────────────────────────────────────────────────────────────

  async createTask(
    orgId: string,
    actor: EngineActor,
    input: TaskInput,
    idempotency: { key: string; hash: string } | null,
  ) {
    return this.run(orgId, () =>
      this.engine.createTask(ActorArg.parse(actor), TaskInput.parse(input), IdempotencyArg.parse(idempotency)),
    );
  }

  async updateTask(orgId: string, actor: EngineActor, id: string, patch: TaskPatch) {
    return this.run(orgId, () =>
      this.engine.updateTask(ActorArg.parse(actor), IdArg.parse(id), TaskPatch.parse(patch)),
    );
  }

  async cancelTask(orgId: string, actor: EngineActor, id: string) {
    return this.run(orgId, () => this.engine.cancelTask(ActorArg.parse(actor), IdArg.parse(id)));
  }

  async retryTask(orgId: string, actor: EngineActor, id: string) {
    return this.run(orgId, () => this.engine.retryTask(ActorArg.parse(actor), IdArg.parse(id)));
  }

  async postMessage(
    orgId: string,
    actor: EngineActor,
    input: { agent: string; body: string; thread_id?: string | null },
  ) {
    return this.run(orgId, () => this.engine.postMessage(ActorArg.parse(actor), MessageArg.parse(input)));
  }

  async decideApproval(
    orgId: string,
    actor: EngineActor,
    approvalId: string,
    decision: 'approved' | 'rejected',
    note: string | null,
  ) {
    return this.run(orgId, () =>
      this.engine.decideApproval(
        ActorArg.parse(actor),
        IdArg.parse(approvalId),
        z.enum(['approved', 'rejected']).parse(decision),
        z.string().max(1_000).nullable().parse(note),
      ),
    );
  }

  // ─── Schedules ───────────────────────────────────────────────────────────────────────

  async createSchedule(orgId: string, actor: EngineActor, input: ScheduleInput) {
    return this.run(orgId, () => this.engine.createSchedule(ActorArg.parse(actor), ScheduleInput.parse(input)));
  }

  async updateSchedule(orgId: string, actor: EngineActor, id: string, patch: SchedulePatch) {
    return this.run(orgId, () =>
      this.engine.updateSchedule(ActorArg.parse(actor), IdArg.parse(id), SchedulePatch.parse(patch)),
    );
  }

  async deleteSchedule(orgId: string, actor: EngineActor, id: string) {
    return this.run(orgId, () =>
      this.engine.deleteSchedule(ActorArg.parse(actor), IdArg.parse(id)).then(() => ({ deleted: true })),
    );
  }

  // ─── Runs ────────────────────────────────────────────────────────────────────────────

  /**
   * A delivery from the agent-runs queue. At-least-once: a (task, attempt) already delivered
   * is a duplicate and does nothing; a task that moved on (cancelled, re-queued) is stale.
   * Otherwise the run executes here and this returns when it has finished.
   */
  async deliverRun(body: RunTaskMessage): Promise<RunDeliveryResult> {
    const message = RunTaskMessage.parse(body);
    this.bindOrg(message.orgId);
    const seen = this.sql
      .exec(`SELECT 1 FROM run_deliveries WHERE task_id = ? AND attempt = ?`, message.taskId, message.attempt)
      .toArray();
    if (seen.length > 0) return { outcome: 'duplicate' };
    // startRun claims the task only if it is still `queued` at this attempt (that check is what
    // makes a run happen once). The delivery is remembered only after a claim, so a message
    // that arrived just before a crash is still runnable when the queue or the watchdog resends it.
    const started = await this.exclusive(() => this.engine.startRun(message));
    if (!started) return { outcome: 'stale' };
    this.sql.exec(
      `INSERT OR IGNORE INTO run_deliveries (task_id, attempt, status, received_at) VALUES (?, ?, 'started', ?)`,
      message.taskId,
      message.attempt,
      Date.now(),
    );
    try {
      await this.engine.executeRun(started.task, started.runId, started.abort, started.choice);
    } catch (error) {
      // An unexpected failure (not the model's: the loop handles those) must not leave the task
      // "running" forever: fail this attempt so it is retried, or leave it to the watchdog.
      log.error('run_crashed', {
        org_id: message.orgId,
        task_id: message.taskId,
        error: error instanceof Error ? error.message : String(error),
      });
      await this.exclusive(() => this.engine.abandonRun(message.taskId, started.runId, error)).catch(() => undefined);
    }
    return { outcome: 'ran' };
  }

  /** A message that exhausted its retries: the task fails with the reason. */
  async recordDeadLetter(body: RunTaskMessage, reason: string): Promise<void> {
    const message = RunTaskMessage.parse(body);
    this.bindOrg(message.orgId);
    this.sql.exec(
      `INSERT INTO dead_letters (body, reason, received_at) VALUES (?, ?, ?)`,
      JSON.stringify(message),
      reason,
      Date.now(),
    );
    log.warn('run_dead_lettered', { org_id: message.orgId, task_id: message.taskId, attempt: message.attempt, reason });
    await this.exclusive(() => this.engine.deadLetter(message, z.string().max(500).parse(reason)));
  }

  /** Watchdog, due schedules, delayed retries and scheduled tasks. Idempotent. */
  override async alarm(): Promise<void> {
    if (!this.orgId) return;
    this.live.closeIdle();
    if (this.ctx.getWebSockets().length > 0) await this.scheduleSweep();
    await this.exclusive(async () => {
      const orphans = this.sql
        .exec<{ task_id: string }>(`SELECT task_id FROM active_runs`)
        .toArray()
        .map((row) => row.task_id);
      const { requeued, resent } = await this.engine.watchdog(orphans);
      const scheduled = await this.engine.runDueSchedules();
      await this.engine.admit();
      await this.engine.scheduleNextAlarm();
      if (requeued || resent || scheduled) log.info('org_alarm', { org_id: this.orgId, requeued, resent, scheduled });
    });
  }

  // ─── Internals ───────────────────────────────────────────────────────────────────────

  private get engine(): TaskEngine {
    if (!this.orgId) throw new Error('OrgHub is not bound to an org yet');
    this.engineInstance ??= new TaskEngine({
      orgId: this.orgId,
      env: this.env,
      emit: (type, data) => this.appendEvent(type, data).seq,
      emitStep: (step) => this.live.queueStep(step),
      flushSteps: () => this.live.flushSteps(),
      exclusive: (work) => this.exclusive(work),
      setAlarmAt: async (at) => {
        const current = await this.ctx.storage.getAlarm();
        if (current === null || at < current || current < Date.now()) await this.ctx.storage.setAlarm(at);
      },
      markRunActive: (taskId, attempt) => {
        this.sql.exec(
          `INSERT OR REPLACE INTO active_runs (task_id, attempt, started_at) VALUES (?, ?, ?)`,
          taskId,
          attempt,
          Date.now(),
        );
      },
      markRunEnded: (taskId) => {
        this.sql.exec(`DELETE FROM active_runs WHERE task_id = ?`, taskId);
      },
    });
    return this.engineInstance;
  }

  /**
   * One transition at a time. D1 calls are external I/O, so without this other RPCs would
   * interleave at every await. Sections must not call exclusive() again (it would wait on itself).
   */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private run<T>(orgId: string, work: () => Promise<T>): Promise<RpcResult<T>> {
    this.bindOrg(OrgIdArg.parse(orgId));
    return this.exclusive(() => capture(work));
  }

  private appendEvent(type: string, data: JsonObject): HubEvent {
    const event: HubEvent = { seq: this.lastSeq + 1, type, data, at: Date.now() };
    this.sql.exec(
      `INSERT INTO events (seq, type, data, created_at) VALUES (?, ?, ?, ?)`,
      event.seq,
      type,
      JSON.stringify(data),
      event.at,
    );
    this.lastSeq = event.seq;
    if (event.seq % 100 === 0) this.sql.exec(`DELETE FROM events WHERE seq <= ?`, event.seq - EVENT_LOG_LIMIT);
    this.live.broadcast(event);
    return event;
  }

  private readEvents(since: number, limit: number): HubEvent[] {
    const rows = this.sql
      .exec<{ seq: number; type: string; data: string; created_at: number }>(
        `SELECT seq, type, data, created_at FROM events WHERE seq > ? ORDER BY seq LIMIT ?`,
        since,
        limit,
      )
      .toArray();
    return rows.map((row) => ({ seq: row.seq, type: row.type, data: JSON.parse(row.data), at: row.created_at }));
  }

  /** An object serves exactly one org; a call for another org is a programming error. */
  private bindOrg(orgId: string): void {
    if (this.orgId === orgId) return;
    if (this.orgId !== null) throw new Error(`OrgHub for ${this.orgId} called for ${orgId}`);
    this.sql.exec(`INSERT INTO meta (key, value) VALUES ('org_id', ?)`, orgId);
    this.orgId = orgId;
  }
}
