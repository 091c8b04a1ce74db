/**
 * OrgHub: one Durable Object per organization (named by org id). It holds the org's work in
 * its own SQLite storage (core/db/org-schema.ts) and is its single writer: every task and
 * agent transition runs here, one at a time, in one synchronous transaction that also writes
 * the activity row and the event (with the org's next sequence number), published after it
 * commits. It admits tasks to the agent-runs queue, runs them when the queue hands them back,
 * serves every read of the org's data (durable-objects/org-reads.ts), and wakes on alarms for
 * schedules, retries and the watchdog. Called through `orgHub(env, ctx)` (core/org-hub-client.ts),
 * which fills in the caller and turns failures back into the API's errors.
 */
import { DurableObject } from 'cloudflare:workers';
import { sql as sqlTag } from 'drizzle-orm';
import { migrate } from 'drizzle-orm/durable-sqlite/migrator';
import { z } from 'zod';
import { AgentInput, AgentPatch } from '../core/agents';
import { ConnectionInput } from '../core/mcp/connections';
import { sendApprovedDraft } from './external-email';
import { activeRuns, agentRuns, deadLetters, events, revokedKeys, tasks } from '../core/db/org-schema';
import { createOrgDb, OrgStore } from '../core/db/org-store';
import { type HubEvent, LIVE_CLOSE, type OrgEventType } from '../core/events';
import type { JsonObject } from '../core/json';
import { log } from '../core/log';
import { tagEvents } from '../core/monitoring';
import { isTestFaultAllowed } from '../core/test-faults';
import { ApiError } from '../core/errors';
import { OrgInfo } from '../core/org-info';
import { getPlan } from '../core/plans';
import { RunTaskMessage } from '../core/queue-messages';
import { capture, type RpcResult } from '../core/rpc-result';
import { ScheduleInput, SchedulePatch } from '../core/schedules';
import { SHOWCASE_CREDENTIAL, SHOWCASE_SCOPES } from '../core/showcase';
import { currentTaskOf } from '../core/task-reads';
import { TaskInput, TaskPatch } from '../core/tasks';
import type { Actor } from '../core/tenant';
import { LiveConnectArgs, LiveHub } from './live-hub';
import type { LiveRoom } from './live-room';
import orgMigrations from './migrations';
import { ORG_READS, type OrgReadName, type OrgReads } from './org-reads';
import type { MeterTotals } from './meter-reports';
import { metaValue, PlatformLink, setMeta } from './platform-link';
import { nextShowcaseTask, pruneShowcase, SHOWCASE_TICK_MS, showcaseBusy } from './showcase';
import { TaskEngine } from './task-engine';

export type { HubEvent } from '../core/events';

/** How many events the replay log keeps. */
const EVENT_LOG_LIMIT = 5_000;

export interface RunDeliveryResult {
  /** `duplicate`: this (task, attempt) was already delivered; `stale`: the task moved on. */
  outcome: 'ran' | 'duplicate' | 'stale' | 'refused';
}

const IdArg = z.string().min(1).max(64);
const ActorArg: z.ZodType<Actor> = z.discriminatedUnion('type', [
  z.object({ type: z.enum(['user', 'api_key', 'agent', 'schedule']), id: z.string().min(1).max(64) }),
  z.object({ type: z.literal('system'), id: z.null() }),
]);
/**
 * Who is calling: the org (which must be this object's) and the acting party; for a call made
 * while serving a request, its id, which tags the object's error events like the Worker's.
 */
export const CallerArg = z.object({
  orgId: z.string().min(1).max(64),
  actor: ActorArg,
  requestId: z.string().max(128).optional(),
});
export type Caller = z.infer<typeof CallerArg>;
const IdempotencyArg = z.object({ key: z.string().min(1).max(255), hash: z.string().min(1).max(128) }).nullable();
const MessageArg = z.object({
  agent: z.string().min(1).max(64),
  body: z.string().trim().min(1).max(16_000),
  thread_id: z.string().max(64).nullable().optional(),
});

export class OrgHub extends DurableObject<Env> {
  private readonly store: OrgStore;
  private orgId: string | null = null;
  /** Assigned under blockConcurrencyWhile, before any call is delivered. */
  private platform!: PlatformLink;
  private lastSeq = 0;
  private engineInstance: TaskEngine | null = null;
  /** Tail of the exclusive-section chain: transitions run one after another. */
  private chain: Promise<unknown> = Promise.resolve();
  private readonly live: LiveHub;
  private roomStub: DurableObjectStub<LiveRoom> | null = null;
  /** When the alarm is set for (null: not set), as last set or read; undefined until read. */
  private alarmAt: number | null | undefined;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new OrgStore(createOrgDb(ctx.storage), ctx.storage);
    this.live = new LiveHub({
      appendEvent: (type, data) => this.appendEvent(type as OrgEventType, data),
      eventsAfter: (since, limit) => this.readEvents(since, limit),
      oldestSeq: () =>
        this.store.db
          .select({ seq: sqlTag<number | null>`MIN(${events.seq})` })
          .from(events)
          .get()?.seq ?? this.lastSeq + 1,
      lastSeq: () => this.lastSeq,
      taskStatus: (id) => this.store.statements.taskById.get({ id })?.status,
      room: () => {
        if (!this.orgId) throw new Error('OrgHub is not bound to an org yet');
        // `wrangler types` cannot type a class of another script: LIVE_ROOM is LiveRoom's namespace.
        const rooms = this.env.LIVE_ROOM as unknown as DurableObjectNamespace<LiveRoom>;
        this.roomStub ??= rooms.get(rooms.idFromName(this.orgId));
        return this.roomStub;
      },
    });
    // State is rebuilt from storage on every start, including after eviction.
    void ctx.blockConcurrencyWhile(async () => {
      this.migrateStorage();
      this.orgId = metaValue(this.store, 'org_id');
      this.platform = new PlatformLink(
        () => this.env,
        this.store,
        () => this.orgId,
        (at) => this.wakeAt(at),
      );
      this.lastSeq =
        this.store.db
          .select({ seq: sqlTag<number | null>`MAX(${events.seq})` })
          .from(events)
          .get()?.seq ?? 0;
      // Runs recorded as active belong to a previous instance: wake the watchdog for them.
      if ((await this.store.count(activeRuns)) > 0) await ctx.storage.setAlarm(Date.now() + 100);
    });
  }

  /** drizzle-kit's migrations (bundled), after moving an object of the first layout out of the way. */
  private migrateStorage() {
    const sql = this.ctx.storage.sql;
    const legacy = sql.exec(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_schema'`).toArray();
    if (legacy.length > 0) {
      // The first layout kept only bookkeeping here (the org's work was in D1): keep the org id,
      // drop the rest; live clients resync.
      const orgId = sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'org_id'`).toArray()[0]?.value;
      for (const table of ['_schema', 'meta', 'events', 'run_deliveries', 'dead_letters', 'active_runs'])
        sql.exec(`DROP TABLE IF EXISTS ${table}`);
      migrate(this.store.db, orgMigrations);
      if (orgId) setMeta(this.store, 'org_id', orgId);
      return;
    }
    migrate(this.store.db, orgMigrations);
  }

  // ─── Platform ────────────────────────────────────────────────────────────────────────

  /** Test only (core/test-faults.ts): an unexpected error inside the object, for error monitoring. */
  async testFault(caller: Caller): Promise<RpcResult<never>> {
    return this.guard(caller, async () => {
      if (!isTestFaultAllowed(this.env)) throw new ApiError('not_found', 'No such command.');
      throw new Error('Test fault thrown in the OrgHub');
    });
  }

  /** Health round trip: proves the object starts, its storage answers and RPC works. */
  async ping(): Promise<{ ok: true; seq: number; at: number }> {
    this.ctx.storage.sql.exec(`SELECT 1`);
    return { ok: true, seq: this.lastSeq, at: Date.now() };
  }

  /** The org changed in D1 (plan, name, slug, default model): limits apply at once. */
  async syncOrg(caller: Caller, org: OrgInfo): Promise<RpcResult<{ plan: string }>> {
    return this.run(caller, async () => {
      const info = OrgInfo.parse(org);
      await this.platform.ensureInfo();
      const before = this.platform.org();
      // Enterprise limits are per org: a change of them is a plan change too.
      const planChanged =
        before.plan !== info.plan || JSON.stringify(before.limits ?? null) !== JSON.stringify(info.limits ?? null);
      this.platform.save(info);
      if (planChanged) {
        await this.engine.agents.enforceAgentLimit({ type: 'system', id: null });
        await this.engine.admit();
      }
      return { plan: info.plan };
    });
  }

  /**
   * Pro overage for reconciliation (the cron, core/billing/metering.ts): records and sends what
   * is owed, then returns the period's figures (owed, in the outbox, accepted by Stripe).
   */
  async reportOverage(caller: Caller, periodStart: number): Promise<RpcResult<MeterTotals>> {
    return this.run(caller, async () => {
      await this.platform.ensureInfo();
      // The flush records and sends overage, then copies what Stripe accepted to the D1 ledger.
      await this.platform.flushLedger();
      return this.platform.meter.totals(z.number().int().min(0).parse(periodStart));
    });
  }

  /** The org's model key was saved or removed: the next run reads it again. */
  async credentialsChanged(caller: Caller): Promise<RpcResult<true>> {
    return this.run(caller, async () => {
      this.platform.credentialsChanged();
      return true as const;
    });
  }

  /** A key of this org was revoked: its work is refused here at once and its sockets close. */
  async revokeKey(caller: Caller, keyId: string): Promise<RpcResult<number>> {
    const revoked = await this.run(caller, async () => {
      const id = IdArg.parse(keyId);
      this.store.batch([
        this.store.insertRows(revokedKeys, { keyId: id, revokedAt: Date.now() }).onConflictDoNothing(),
      ]);
      this.revoked?.add(id);
      return id;
    });
    // Outside the writer's turn: closing sockets is a call to the live room.
    if (!revoked.ok) return revoked;
    return { ok: true, value: await this.live.disconnect(`api_key:${revoked.value}`, 'API key revoked') };
  }

  async activeRunCount(): Promise<number> {
    return this.engineInstance?.runner.activeRunCount() ?? 0;
  }

  /** Clears every piece of this org's state (org deletion). */
  async purge(orgId: string): Promise<void> {
    this.bindOrg(IdArg.parse(orgId));
    await this.live.closeAll('The organization was deleted.');
    await this.ctx.storage.deleteAlarm();
    this.alarmAt = null;
    await this.ctx.storage.deleteAll();
    migrate(this.store.db, orgMigrations);
    this.lastSeq = 0;
    this.orgId = null;
    this.revoked = null;
    this.platform.reset();
    this.engineInstance = null;
  }

  /** Appends an event to the org's log with the next sequence number (tests and operators). */
  async publish(orgId: string, type: string, data: JsonObject): Promise<HubEvent> {
    this.bindOrg(IdArg.parse(orgId));
    const args = z
      .object({ type: z.string().min(1).max(64), data: z.record(z.string(), z.json()) })
      .parse({ type, data });
    return this.appendEvent(args.type as OrgEventType, args.data as JsonObject);
  }

  /** Events after `since`, oldest first (the replay log). */
  async eventsSince(orgId: string, since: number, limit = 500): Promise<HubEvent[]> {
    this.bindOrg(IdArg.parse(orgId));
    return this.readEvents(z.number().int().min(0).parse(since), z.number().int().min(1).max(5_000).parse(limit));
  }

  // ─── Reads ───────────────────────────────────────────────────────────────────────────

  /** Every read of the org's data, by name (durable-objects/org-reads.ts). */
  async read<K extends OrgReadName>(
    caller: Caller,
    name: K,
    args: z.input<OrgReads[K]['args']>,
  ): Promise<RpcResult<unknown>> {
    const entry = ORG_READS[name];
    if (!entry) throw new Error(`No read named ${String(name)}`);
    const input = entry.args.parse(args) as unknown[];
    return this.guard(caller, async () => {
      await this.platform.ensureInfo();
      const run = entry.run as (
        ctx: { store: OrgStore; plan: OrgInfo['plan']; limits?: OrgInfo['limits'] },
        ...input: unknown[]
      ) => unknown;
      const org = this.platform.org();
      return await run({ store: this.store, plan: org.plan, limits: org.limits }, ...input);
    });
  }

  /**
   * A read answered as JSON text: for the public API, which sends it as the body unchanged. A
   * string crosses the RPC boundary as one copy; an object is cloned field by field, then
   * serialized again by the Worker.
   */
  async readJson<K extends OrgReadName>(
    caller: Caller,
    name: K,
    args: z.input<OrgReads[K]['args']>,
  ): Promise<RpcResult<string>> {
    const result = await this.read(caller, name, args);
    return result.ok ? { ok: true, value: JSON.stringify(result.value) } : result;
  }

  // ─── Live connections ────────────────────────────────────────────────────────────────

  /**
   * `/live` (WebSocket upgrade) and `/sse?task=` (Server-Sent Events), forwarded by the Worker
   * after it authenticated the caller; identity arrives in `x-gc-*` headers only the Worker sets.
   */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/showcase') return this.showcaseSocket(request, url);
    const header = (name: string) => request.headers.get(`x-gc-${name}`);
    const args = LiveConnectArgs.safeParse({
      orgId: header('org'),
      principalType: header('principal-type'),
      principalId: header('principal-id'),
      principalName: decodeURIComponent(header('principal-name') ?? ''), // percent-encoded by the Worker
      credential: header('credential'),
      role: header('role'),
      // Only a key has scopes; a user is governed by their role.
      scopes: header('principal-type') === 'api_key' ? (header('scopes') ?? '').split(',').filter(Boolean) : null,
      since: url.searchParams.get('since') || null,
      maxSockets: header('max-sockets'),
    });
    if (!args.success) return new Response('Bad live request', { status: 400 });
    this.bindOrg(args.data.orgId);
    if (args.data.principalType === 'api_key' && this.isRevoked(args.data.principalId))
      return new Response('This API key was revoked.', { status: 401 });
    if (url.pathname === '/live') {
      if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket')
        return new Response('Expected a WebSocket upgrade', { status: 426 });
      return this.live.accept(args.data);
    }
    if (url.pathname === '/sse') {
      const taskId = IdArg.parse(url.searchParams.get('task'));
      return await this.live.openSse(taskId, args.data);
    }
    return new Response('Not found', { status: 404 });
  }

  /**
   * Closes every live connection (sockets and streams) of one user: their membership ended
   * (`reauthorize: false`, final) or their role changed (`reauthorize: true`, the client reconnects).
   */
  async disconnectUser(
    caller: Caller,
    userId: string,
    reason: string,
    reauthorize = false,
  ): Promise<RpcResult<number>> {
    return this.guard(caller, async () =>
      this.live.disconnectUser(
        IdArg.parse(userId),
        z.string().max(120).parse(reason),
        z.boolean().parse(reauthorize) ? LIVE_CLOSE.reauthorize : LIVE_CLOSE.revoked,
      ),
    );
  }

  /** Closes the live connections of a revoked key or an ended session at once. */
  async disconnect(orgId: string, credential: string, reason: string): Promise<number> {
    this.bindOrg(IdArg.parse(orgId));
    return this.live.disconnect(z.string().min(1).max(200).parse(credential), z.string().max(120).parse(reason));
  }

  async liveConnectionCount(): Promise<number> {
    return this.live.connectionCount();
  }

  /**
   * Makes sure the alarm fires no later than `at`. Only this object sets its alarm, so the time
   * is read from storage once per wake-up and then kept in memory (every admission re-arms it).
   */
  private async wakeAt(at: number) {
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    const current = this.alarmAt;
    if (current === null || current > at || current < Date.now()) {
      await this.ctx.storage.setAlarm(at);
      this.alarmAt = at;
    }
  }

  // ─── Agents ──────────────────────────────────────────────────────────────────────────

  async createAgent(caller: Caller, input: AgentInput) {
    return this.run(caller, () => this.engine.agents.createAgent(caller.actor, AgentInput.parse(input)));
  }

  async updateAgent(caller: Caller, ref: string, patch: AgentPatch) {
    return this.run(caller, () =>
      this.engine.agents.updateAgent(caller.actor, IdArg.parse(ref), AgentPatch.parse(patch)),
    );
  }

  async deleteAgent(caller: Caller, ref: string) {
    return this.run(caller, () => this.engine.agents.deleteAgent(caller.actor, IdArg.parse(ref)));
  }

  /** After a plan change: pauses agents over the new limit. */
  async enforceAgentLimit(caller: Caller) {
    return this.run(caller, () => this.engine.agents.enforceAgentLimit({ type: 'system', id: null }));
  }

  // ─── Tasks ───────────────────────────────────────────────────────────────────────────

  async createTask(caller: Caller, input: TaskInput, idempotency: { key: string; hash: string } | null) {
    return this.run(caller, async () => {
      await this.assertLifetimeCaps('task');
      return this.engine.createTask(caller.actor, TaskInput.parse(input), IdempotencyArg.parse(idempotency));
    });
  }

  async updateTask(caller: Caller, id: string, patch: TaskPatch) {
    return this.run(caller, () => this.engine.updateTask(caller.actor, IdArg.parse(id), TaskPatch.parse(patch)));
  }

  async cancelTask(caller: Caller, id: string) {
    return this.run(caller, () => this.engine.cancelTask(caller.actor, IdArg.parse(id)));
  }

  async retryTask(caller: Caller, id: string) {
    return this.run(caller, async () => {
      await this.assertLifetimeCaps('run');
      return this.engine.retryTask(caller.actor, IdArg.parse(id));
    });
  }

  async postMessage(caller: Caller, input: { agent: string; body: string; thread_id?: string | null }) {
    return this.run(caller, () => this.engine.messages.postMessage(caller.actor, MessageArg.parse(input)));
  }

  async decideApproval(caller: Caller, approvalId: string, decision: 'approved' | 'rejected', note: string | null) {
    return this.guard(caller, async () => {
      await this.platform.ensureInfo();
      const { approval, approvedDraft } = await this.exclusive(() =>
        this.engine.messages.decideApproval(
          caller.actor,
          IdArg.parse(approvalId),
          z.enum(['approved', 'rejected']).parse(decision),
          z.string().max(1_000).nullable().parse(note),
        ),
      );
      // The email (a D1 row and a Queue message) goes out after the transition, outside the
      // org's single writer; its delivery id is recorded on the message before we answer.
      if (approvedDraft) await sendApprovedDraft(this.engine.host, approvedDraft);
      return approval;
    });
  }

  // ─── MCP connections (decision 015) ──────────────────────────────────────────────────

  async listConnections(caller: Caller) {
    return this.guard(caller, async () => ({ data: await this.engine.runner.mcp.list(), next_cursor: null }));
  }

  async createConnection(caller: Caller, input: ConnectionInput) {
    return this.run(caller, () => this.engine.runner.mcp.create(caller.actor, ConnectionInput.parse(input)));
  }

  async deleteConnection(caller: Caller, ref: string) {
    return this.run(caller, () => this.engine.runner.mcp.remove(caller.actor, IdArg.parse(ref)));
  }

  /** Connects and lists the server's tools now (network I/O: outside the exclusive section). */
  async testConnection(caller: Caller, ref: string) {
    return this.guard(caller, () => this.engine.runner.mcp.test(IdArg.parse(ref)));
  }

  async connectionTools(caller: Caller, ref: string, refresh: boolean) {
    return this.guard(caller, () => this.engine.runner.mcp.tools(IdArg.parse(ref), z.boolean().parse(refresh)));
  }

  /** Every tool an agent can be given a policy for: built-in, MCP (as last listed) and server tools. */
  async toolCatalog(caller: Caller) {
    return this.guard(caller, async () => ({ mcp: await this.engine.runner.mcp.cachedTools() }));
  }

  // ─── Schedules ───────────────────────────────────────────────────────────────────────

  async createSchedule(caller: Caller, input: ScheduleInput) {
    return this.run(caller, () => this.engine.schedules.createSchedule(caller.actor, ScheduleInput.parse(input)));
  }

  async updateSchedule(caller: Caller, id: string, patch: SchedulePatch) {
    return this.run(caller, () =>
      this.engine.schedules.updateSchedule(caller.actor, IdArg.parse(id), SchedulePatch.parse(patch)),
    );
  }

  async deleteSchedule(caller: Caller, id: string) {
    return this.run(caller, () =>
      this.engine.schedules.deleteSchedule(caller.actor, IdArg.parse(id)).then(() => ({ deleted: true })),
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
    const seen = this.store.statements.deliveryOf.get({ taskId: message.taskId, attempt: message.attempt });
    if (seen) return { outcome: 'duplicate' };
    // A message for an org that no longer exists has nothing to run.
    if (!(await this.platform.hasOrg())) return { outcome: 'stale' };
    const task = this.store.statements.taskById.get({ id: message.taskId });
    if (!task) return { outcome: 'stale' };
    // The model key comes from D1 (cached): fetched before the transition, never inside it.
    await this.platform.prepareModelKey(task.agentId);
    // The platform's model key has spend ceilings (read before the transition, like the key).
    const refusal = await this.platform.platformBudgetRefusal(task.agentId);
    if (refusal) {
      log.warn('run_refused_budget', { org_id: message.orgId, task_id: message.taskId, reason: refusal });
      await this.exclusive(() => this.engine.runner.deadLetter(message, refusal, 'run_refused'));
      return { outcome: 'refused' };
    }
    // startRun claims the task only if it is still `queued` at this attempt (that check is what
    // makes a run happen once). The delivery is remembered only after a claim, so a message
    // that arrived just before a crash is still runnable when the queue or the watchdog resends it.
    const started = await this.exclusive(() => this.engine.runner.startRun(message));
    if (!started) return { outcome: 'stale' };
    this.store.statements.recordDelivery.run({ taskId: message.taskId, attempt: message.attempt, now: Date.now() });
    try {
      await this.engine.runner.executeRun(started);
      if (started.choice.keySource === 'platform') this.platform.addPlatformSpend(started.runId);
    } catch (error) {
      // An unexpected failure (not the model's: the loop handles those) must not leave the task
      // "running" forever: fail this attempt so it is retried, or leave it to the watchdog.
      log.error('run_crashed', {
        org_id: message.orgId,
        task_id: message.taskId,
        error: error instanceof Error ? error.message : String(error),
      });
      await this.exclusive(() => this.engine.runner.abandonRun(message.taskId, started.runId, error)).catch(
        () => undefined,
      );
    }
    return { outcome: 'ran' };
  }

  /** A message that exhausted its retries: the task fails with the reason. */
  async recordDeadLetter(body: RunTaskMessage, reason: string): Promise<void> {
    const message = RunTaskMessage.parse(body);
    this.bindOrg(message.orgId);
    if (!(await this.platform.hasOrg())) return;
    this.store.batch([
      this.store.insertRows(deadLetters, { body: JSON.stringify(message), reason, receivedAt: Date.now() }),
    ]);
    log.warn('run_dead_lettered', {
      org_id: message.orgId,
      task_id: message.taskId,
      attempt: message.attempt,
      reason,
    });
    await this.exclusive(() => this.engine.runner.deadLetter(message, z.string().max(500).parse(reason)));
  }

  /** Watchdog, due schedules, delayed retries, scheduled tasks and the usage ledger. Idempotent. */
  override async alarm(): Promise<void> {
    // A fired alarm is no longer set; whatever this run needs next is set anew.
    this.alarmAt = null;
    if (!this.orgId || !(await this.platform.hasOrg())) return;
    if (this.platform.ledgerDirty()) await this.platform.flushLedger();
    await this.exclusive(async () => {
      const orphans = (await this.store.select(activeRuns)).map((row) => row.taskId);
      const { requeued, resent } = await this.engine.runner.watchdog(orphans);
      const scheduled = await this.engine.schedules.runDueSchedules();
      await this.engine.admit();
      await this.engine.scheduleNextAlarm();
      if (requeued || resent || scheduled) log.info('org_alarm', { org_id: this.orgId, requeued, resent, scheduled });
    });
    if (metaValue(this.store, 'showcase') === '1') await this.showcaseUpkeep();
  }

  // ─── The showcase (core/showcase.ts) ─────────────────────────────────────────────────

  /**
   * Marks this org as the showcase, prunes it, and gives it the next task of the rotation when
   * nothing is in flight. The cron sweep and every visitor's snapshot call it; the alarm calls
   * it every SHOWCASE_TICK_MS while viewers are connected.
   */
  async showcaseTick(orgId: string): Promise<{ created: boolean }> {
    this.bindOrg(IdArg.parse(orgId));
    await this.platform.ensureInfo();
    if (metaValue(this.store, 'showcase') !== '1') setMeta(this.store, 'showcase', '1');
    return this.showcaseUpkeep();
  }

  private async showcaseUpkeep(): Promise<{ created: boolean }> {
    const sql = this.ctx.storage.sql;
    const created = await this.exclusive(async () => {
      pruneShowcase(sql);
      if (showcaseBusy(sql)) return false;
      const next = nextShowcaseTask(sql);
      await this.engine.createTask({ type: 'system', id: null }, TaskInput.parse(next), null);
      return true;
    });
    if ((await this.live.connectionCount(SHOWCASE_CREDENTIAL)) > 0) {
      await this.wakeAt(Date.now() + SHOWCASE_TICK_MS);
    }
    return { created };
  }

  /** What the landing page starts from: the team with their current tasks, and the seq to resume after. */
  async showcaseSnapshot(orgId: string, maxViewers: number) {
    const { created } = await this.showcaseTick(orgId);
    const seq = this.lastSeq;
    const team = await ORG_READS.agents.run({ store: this.store, plan: this.platform.org().plan }, {});
    const current = await currentTaskOf(
      this.store,
      team.map((agent) => agent.id),
    );
    const viewers = await this.live.connectionCount(SHOWCASE_CREDENTIAL);
    return {
      seq,
      created,
      live: viewers < z.number().int().min(0).parse(maxViewers),
      agents: team.map((agent) => ({
        id: agent.id,
        slug: agent.slug,
        name: agent.name,
        role: agent.role,
        status: agent.status,
        avatar_color: agent.avatarColor,
        desk: { x: agent.deskX, y: agent.deskY },
        current_task: current.get(agent.id) ?? null,
      })),
    };
  }

  /**
   * A landing-page viewer's socket: read-only (the office's events only; frames other than
   * ping are refused), within the global budget `x-gc-max-viewers`; over it, 429 before any
   * socket exists.
   */
  private async showcaseSocket(request: Request, url: URL): Promise<Response> {
    if (metaValue(this.store, 'showcase') !== '1' || !this.orgId) return new Response('Not found', { status: 404 });
    if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket')
      return new Response('Expected a WebSocket upgrade', { status: 426 });
    const max = z.coerce.number().int().min(0).safeParse(request.headers.get('x-gc-max-viewers'));
    if (!max.success) return new Response('Bad live request', { status: 400 });
    // The room counts the viewers and accepts without an await in between: the budget is exact.
    const since = z.coerce
      .number()
      .int()
      .min(0)
      .safeParse(url.searchParams.get('since') || undefined);
    const response = await this.live.accept(
      {
        orgId: this.orgId,
        principalType: 'api_key',
        principalId: 'showcase',
        principalName: '',
        credential: SHOWCASE_CREDENTIAL,
        role: 'viewer',
        scopes: [...SHOWCASE_SCOPES],
        since: since.success ? (since.data ?? null) : null,
        maxSockets: max.data,
      },
      { readOnly: true },
    );
    await this.showcaseUpkeep();
    return response;
  }

  // ─── Internals ───────────────────────────────────────────────────────────────────────

  private get engine(): TaskEngine {
    if (!this.orgId) throw new Error('OrgHub is not bound to an org yet');
    this.engineInstance ??= new TaskEngine({
      orgId: this.orgId,
      env: this.env,
      store: this.store,
      org: () => this.platform.org(),
      modelKey: (agentId) => this.platform.modelKey(agentId),
      appendEvents: (list) => this.writeEvents(list),
      broadcast: (list) => {
        for (const event of list) this.live.broadcast(event);
      },
      emit: (type, data) => this.appendEvent(type, data).seq,
      nextSeq: () => this.lastSeq + 1,
      usageChanged: () => this.platform.usageChanged(),
      countRunOutcome: (outcome) =>
        this.platform.runOutcomes.count(this.env, 'run_finished', { org: this.orgId, detail: outcome }),
      emitStep: (step) => this.live.queueStep(step),
      flushSteps: () => this.live.flushSteps(),
      exclusive: (work) => this.exclusive(work),
      setAlarmAt: (at) => this.wakeAt(at),
      markRunActive: (taskId, attempt) => {
        this.store.statements.markRunActive.run({ taskId, attempt, now: Date.now() });
      },
      markRunEnded: (taskId) => {
        this.store.statements.markRunEnded.run({ taskId });
      },
    });
    return this.engineInstance;
  }

  /**
   * The plan's lifetime caps on work given from outside (the demo plan's; the others have none):
   * tasks in all, and runs in all (a new task or a retry means at least one more run).
   */
  private async assertLifetimeCaps(kind: 'task' | 'run') {
    const plan = getPlan(this.platform.org().plan);
    const { maxTasks, maxRuns } = plan.limits;
    const demo = plan.id === 'demo';
    const refuse = (limit: number, what: string) =>
      new ApiError(
        'quota_exceeded',
        demo
          ? `The demo allows ${limit} ${what}. Sign up to keep this team and give it more work.`
          : `Your ${plan.name} plan allows ${limit} ${what}. Upgrade for more.`,
        { limit, upgrade_url: demo ? '/demo/keep' : '/pricing', ...(demo ? { demo: true } : {}) },
      );
    if (kind === 'task' && Number.isFinite(maxTasks) && (await this.store.count(tasks)) >= maxTasks)
      throw refuse(maxTasks, 'tasks');
    if (Number.isFinite(maxRuns) && (await this.store.count(agentRuns)) >= maxRuns) throw refuse(maxRuns, 'agent runs');
  }

  /** Revoked key ids, read from storage once per wake-up: every API-key call checks them. */
  private revoked: Set<string> | null = null;

  private isRevoked(keyId: string): boolean {
    this.revoked ??= new Set(
      this.store.db
        .select({ keyId: revokedKeys.keyId })
        .from(revokedKeys)
        .all()
        .map((r) => r.keyId),
    );
    return this.revoked.has(keyId);
  }

  /**
   * One transition at a time. Runs await the model and the queue, so without this other RPCs
   * would interleave at those awaits. Sections must not call exclusive() again (it would wait on itself).
   */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Binds the caller's org, refuses a revoked key, and returns failures as data (they cross RPC). */
  private guard<T>(caller: Caller, work: () => Promise<T>): Promise<RpcResult<T>> {
    const { orgId, actor, requestId } = CallerArg.parse(caller);
    this.bindOrg(orgId);
    tagEvents({ org_id: orgId, request_id: requestId });
    if (actor.type === 'api_key' && this.isRevoked(actor.id))
      return Promise.resolve({ ok: false, error: { code: 'unauthorized', message: 'This API key was revoked.' } });
    return capture(work);
  }

  private run<T>(caller: Caller, work: () => Promise<T>): Promise<RpcResult<T>> {
    return this.guard(caller, async () => {
      await this.platform.ensureInfo();
      return this.exclusive(work);
    });
  }

  /**
   * Writes events (inside the caller's transaction, if any) with the next sequence numbers, in
   * one statement: a transition's events go in together.
   */
  private writeEvents(list: ReadonlyArray<{ type: OrgEventType; data: JsonObject }>): HubEvent[] {
    if (!list.length) return [];
    const at = Date.now();
    const written = list.map(({ type, data }, i): HubEvent => ({ seq: this.lastSeq + 1 + i, type, data, at }));
    const values: Array<string | number> = [];
    for (const event of written) values.push(event.seq, event.type, JSON.stringify(event.data), at);
    this.ctx.storage.sql.exec(
      `INSERT INTO events (seq, type, data, created_at) VALUES ${written.map(() => '(?, ?, ?, ?)').join(', ')}`,
      ...values,
    );
    const first = this.lastSeq + 1;
    this.lastSeq += written.length;
    // Trim the log whenever the sequence passes a multiple of 100.
    if (Math.floor(this.lastSeq / 100) > Math.floor((first - 1) / 100))
      this.ctx.storage.sql.exec(`DELETE FROM events WHERE seq <= ?`, this.lastSeq - EVENT_LOG_LIMIT);
    return written;
  }

  private appendEvent(type: OrgEventType, data: JsonObject): HubEvent {
    const event = this.writeEvents([{ type, data }])[0]!;
    this.live.broadcast(event);
    return event;
  }

  private readEvents(since: number, limit: number): HubEvent[] {
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

  /** An object serves exactly one org; a call for another org is a programming error. */
  private bindOrg(orgId: string): void {
    if (this.orgId === orgId) return;
    if (this.orgId !== null) throw new Error(`OrgHub for ${this.orgId} called for ${orgId}`);
    setMeta(this.store, 'org_id', orgId);
    this.orgId = orgId;
  }
}
