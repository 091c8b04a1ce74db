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
import { z } from 'zod';
import { AgentInput, AgentPatch } from '../core/agents';
import { ConnectionInput } from '../core/mcp/connections';
import { sendApprovedDraft } from './external-email';
import { activeRuns, deadLetters } from '../core/db/org-schema';
import { createOrgDb, OrgStore } from '../core/db/org-store';
import { type HubEvent, LIVE_CLOSE, type OrgEventType } from '../core/events';
import type { JsonObject } from '../core/json';
import { log } from '../core/log';
import { tagEvents } from '../core/monitoring';
import { isTestFaultAllowed } from '../core/test-faults';
import { ApiError } from '../core/errors';
import { OrgInfo } from '../core/org-info';
import { RunTaskMessage } from '../core/queue-messages';
import { capture, type RpcResult } from '../core/rpc-result';
import { ScheduleInput, SchedulePatch } from '../core/schedules';
import { TaskInput, TaskPatch } from '../core/tasks';
import { LiveHub, liveConnectArgsOf } from './live-hub';
import type { LiveRoom } from './live-room';
import { assertLifetimeCaps } from './quota';
import { ORG_READS, type OrgReadName, type OrgReads } from './org-reads';
import type { MeterTotals } from './meter-reports';
import { metaValue, PlatformLink, setMeta } from './platform-link';
import { ShowcaseDesk } from './showcase-desk';
import { TaskEngine } from './task-engine';
import { migrateOrgStorage } from './org-storage';
import { RevokedKeys } from './revoked-keys';
import { EventLog } from './event-log';
import { type Caller, CallerArg, IdArg, IdempotencyArg, MessageArg } from './hub-args';

export type { Caller } from './hub-args';

export type { HubEvent } from '../core/events';

export interface RunDeliveryResult {
  /** `duplicate`: this (task, attempt) was already delivered; `stale`: the task moved on. */
  outcome: 'ran' | 'duplicate' | 'stale' | 'refused';
}

export class OrgHub extends DurableObject<Env> {
  private readonly store: OrgStore;
  private orgId: string | null = null;
  /** Assigned under blockConcurrencyWhile, before any call is delivered. */
  private platform!: PlatformLink;
  private readonly eventLog: EventLog;
  private readonly showcase: ShowcaseDesk;
  private readonly revokedKeys: RevokedKeys;
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
    this.eventLog = new EventLog(this.store);
    this.revokedKeys = new RevokedKeys(this.store);
    this.live = new LiveHub({
      appendEvent: (type, data) => this.appendEvent(type as OrgEventType, data),
      eventsAfter: (since, limit) => this.eventLog.since(since, limit),
      oldestSeq: () => this.eventLog.oldestSeq(),
      lastSeq: () => this.eventLog.lastSeq,
      taskStatus: (id) => this.store.statements.taskById.get({ id })?.status,
      room: () => {
        if (!this.orgId) throw new Error('OrgHub is not bound to an org yet');
        // `wrangler types` cannot type a class of another script: LIVE_ROOM is LiveRoom's namespace.
        const rooms = this.env.LIVE_ROOM as unknown as DurableObjectNamespace<LiveRoom>;
        this.roomStub ??= rooms.get(rooms.idFromName(this.orgId));
        return this.roomStub;
      },
    });
    this.showcase = new ShowcaseDesk({
      store: this.store,
      live: this.live,
      orgId: () => this.orgId,
      ensureInfo: () => this.platform.ensureInfo(),
      plan: () => this.platform.org().plan,
      lastSeq: () => this.eventLog.lastSeq,
      exclusive: (work) => this.exclusive(work),
      createTask: (input) => this.engine.createTask({ type: 'system', id: null }, input, null),
      wakeAt: (at) => this.wakeAt(at),
    });
    // State is rebuilt from storage on every start, including after eviction.
    void ctx.blockConcurrencyWhile(async () => {
      migrateOrgStorage(this.store);
      this.orgId = metaValue(this.store, 'org_id');
      this.platform = new PlatformLink(
        () => this.env,
        this.store,
        () => this.orgId,
        (at) => this.wakeAt(at),
      );
      this.eventLog.load();
      // Runs recorded as active belong to a previous instance: wake the watchdog for them.
      if ((await this.store.count(activeRuns)) > 0) await ctx.storage.setAlarm(Date.now() + 100);
    });
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
    return { ok: true, seq: this.eventLog.lastSeq, at: Date.now() };
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
      this.revokedKeys.add(id);
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
    migrateOrgStorage(this.store);
    this.eventLog.load();
    this.orgId = null;
    this.revokedKeys.forget();
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
    return this.eventLog.since(z.number().int().min(0).parse(since), z.number().int().min(1).max(5_000).parse(limit));
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
    if (url.pathname === '/showcase') return this.showcase.socket(request, url);
    const args = liveConnectArgsOf(request, url);
    if (!args.success) return new Response('Bad live request', { status: 400 });
    this.bindOrg(args.data.orgId);
    if (args.data.principalType === 'api_key' && this.revokedKeys.has(args.data.principalId))
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
      await assertLifetimeCaps(this.store, this.platform.org().plan, 'task');
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
      await assertLifetimeCaps(this.store, this.platform.org().plan, 'run');
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
    if (this.showcase.isShowcase()) await this.showcase.upkeep();
  }

  // ─── The showcase (core/showcase.ts; durable-objects/showcase-desk.ts) ──────────────

  /** Marks this org as the showcase and keeps its team busy (the cron sweep calls it). */
  async showcaseTick(orgId: string): Promise<{ created: boolean }> {
    this.bindOrg(IdArg.parse(orgId));
    return this.showcase.tick();
  }

  /** What the landing page starts from: the team with their current tasks, and the seq to resume after. */
  async showcaseSnapshot(orgId: string, maxViewers: number) {
    this.bindOrg(IdArg.parse(orgId));
    return this.showcase.snapshot(maxViewers);
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
      appendEvents: (list) => this.eventLog.write(list),
      broadcast: (list) => {
        for (const event of list) this.live.broadcast(event);
      },
      emit: (type, data) => this.appendEvent(type, data).seq,
      nextSeq: () => this.eventLog.lastSeq + 1,
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
    if (actor.type === 'api_key' && this.revokedKeys.has(actor.id))
      return Promise.resolve({ ok: false, error: { code: 'unauthorized', message: 'This API key was revoked.' } });
    return capture(work);
  }

  private run<T>(caller: Caller, work: () => Promise<T>): Promise<RpcResult<T>> {
    return this.guard(caller, async () => {
      await this.platform.ensureInfo();
      return this.exclusive(work);
    });
  }

  private appendEvent(type: OrgEventType, data: JsonObject): HubEvent {
    const event = this.eventLog.write([{ type, data }])[0]!;
    this.live.broadcast(event);
    return event;
  }

  /** An object serves exactly one org; a call for another org is a programming error. */
  private bindOrg(orgId: string): void {
    if (this.orgId === orgId) return;
    if (this.orgId !== null) throw new Error(`OrgHub for ${this.orgId} called for ${orgId}`);
    setMeta(this.store, 'org_id', orgId);
    this.orgId = orgId;
  }
}
