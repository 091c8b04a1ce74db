/**
 * The task engine of one org, run inside its OrgHub (the single writer). Every transition of a
 * task or agent goes through here, inside the hub's exclusive section: its rows, its activity
 * row and its events are written to the object's own SQLite in one synchronous transaction,
 * and the events go out to live clients only after it commits. No transition waits on I/O:
 * what it needs from outside (the org's plan, the model key) the hub already holds. Admission
 * is exact: dependencies satisfied, one task per agent at a time, concurrent runs and queue
 * depth per plan, agent-minute quota left; priority order, then age.
 */
import { track } from '../core/analytics';
import { type HubAuditAction, recordAudit } from '../core/audit';
import { getDb } from '../core/db/client';
import { eq, inArray, sql } from 'drizzle-orm';
import { requireAgent } from '../core/agents';
import { bound, type Statement } from '../core/db/org-store';
import { agents, taskDependencies, tasks } from '../core/db/org-schema';
import { ApiError } from '../core/errors';
import { newId } from '../core/ids';
import type { JsonObject } from '../core/json';
import { log } from '../core/log';
import { effectivePlan } from '../core/plans';
import type { RunTaskMessage } from '../core/queue-messages';
import type { OrgEventType } from '../core/events';
import type { Actor } from '../core/tenant';
import {
  dependsTransitively,
  isFinal,
  type Task,
  type TaskInput,
  type TaskPatch,
  type TaskView,
  titleFrom,
  viewTask,
} from '../core/tasks';
import { AgentCommands } from './agent-commands';
import { type EngineHost, PublishingStore } from './engine-host';
import { MessageCommands } from './message-commands';
import { RunLifecycle } from './run-lifecycle';
import { enforceQuota } from './quota';
import { metaValue, setMeta } from './platform-link';
import { ScheduleCommands } from './schedule-commands';

/** A cancelled task's `error`: who stopped it, in words (the activity log names them). */
const CANCELLED_BY: Record<Actor['type'], string> = {
  user: 'Cancelled by a person in the organization.',
  api_key: 'Cancelled through the API.',
  agent: 'Cancelled by an agent.',
  schedule: 'Cancelled by its schedule.',
  system: 'Cancelled by the platform.',
};

export type { EngineHost } from './engine-host';
export { retryBackoffMs } from './run-lifecycle';

const WATCHDOG_INTERVAL_MS = 60_000;

export class TaskEngine {
  /** The org's data; a batch also writes the events recorded for it and publishes them after commit. */
  readonly scope: PublishingStore;
  readonly agents: AgentCommands;
  readonly schedules: ScheduleCommands;
  readonly messages: MessageCommands;
  readonly runner: RunLifecycle;

  constructor(readonly host: EngineHost) {
    this.scope = new PublishingStore(host);
    this.agents = new AgentCommands(this);
    this.schedules = new ScheduleCommands(this);
    this.messages = new MessageCommands(this);
    this.runner = new RunLifecycle(this);
  }

  async plan() {
    return effectivePlan(this.host.org());
  }

  record(type: OrgEventType, actor: Actor, subject: { type: string; id: string }, data: JsonObject) {
    return this.scope.record(type, actor, subject, data);
  }

  /**
   * An entry in the org's audit log (D1), after the change committed. Best effort: the audit
   * log must not hold up a run or a request, and an agent's own actions are the system's.
   */
  audit(actor: Actor, action: HubAuditAction, target: { type: string; id: string }, metadata: Record<string, unknown>) {
    const auditActor =
      actor.type === 'user' || actor.type === 'api_key' ? actor : ({ type: 'system', id: null } as const);
    const write = recordAudit(getDb(this.host.env), {
      organizationId: this.host.orgId,
      actor: auditActor,
      action,
      target,
      metadata,
    }).catch((error) => log.warn('audit_failed', { action, error: error instanceof Error ? error.message : '' }));
    void write;
  }

  async taskView(id: string): Promise<TaskView> {
    const view = viewTask(this.scope, id);
    if (!view) throw new ApiError('not_found', 'No such task.');
    return view;
  }

  /**
   * The task's `type` event with its view, recorded in one transaction with `writes` (the view
   * is read after them) and any `announce`d events after it.
   */
  async publishTask(
    type: 'task.created' | 'task.updated',
    id: string,
    actor: Actor,
    extra: JsonObject = {},
    {
      writes = [],
      announce = [],
    }: { writes?: readonly Statement[]; announce?: Array<{ type: OrgEventType; data: JsonObject }> } = {},
  ): Promise<TaskView> {
    let view: TaskView | undefined;
    this.scope.batch(writes, () => {
      view = viewTask(this.scope, id);
      if (!view) throw new ApiError('not_found', 'No such task.');
      const data = { task: view as unknown as JsonObject[string], ...extra } as JsonObject;
      const recorded = this.record(type, actor, { type: 'task', id }, data);
      for (const event of announce) this.scope.announce(event.type, event.data);
      return [recorded];
    });
    return view!;
  }

  async createTask(
    actor: Actor,
    input: TaskInput,
    idempotency: { key: string; hash: string } | null,
    extra: { parentId?: string; metadata?: Record<string, string | number | boolean | null>; skipAdmit?: boolean } = {},
  ): Promise<{ task: TaskView; replayed: boolean }> {
    const scope = this.scope;
    if (idempotency) {
      const existing = scope.statements.taskByIdempotencyKey.get({ key: idempotency.key });
      if (existing) {
        if (existing.requestHash !== idempotency.hash) {
          throw new ApiError('conflict', 'This Idempotency-Key was used with a different request body.', {
            idempotency_key: idempotency.key,
          });
        }
        return { task: await this.taskView(existing.id), replayed: true };
      }
    }
    const agent = await requireAgent(scope, input.agent);
    if (agent.status === 'paused')
      throw new ApiError('conflict', `${agent.name} is paused. Resume the agent, or give the task to someone else.`, [
        { field: 'agent', message: 'Paused.' },
      ]);

    const dependsOn = [...new Set(input.depends_on)];
    const deps = dependsOn.length ? await scope.select(tasks, inArray(tasks.id, dependsOn)) : [];
    const missing = dependsOn.filter((id) => !deps.some((d) => d.id === id));
    if (missing.length)
      throw new ApiError('not_found', 'A task in depends_on does not exist in this organization.', [
        { field: 'depends_on', message: `Unknown task at position ${dependsOn.indexOf(missing[0]!)}.` },
      ]);

    const parentId = extra.parentId ?? input.parent_id ?? null;
    if (parentId && !(await scope.first(tasks, eq(tasks.id, parentId)))) {
      throw new ApiError('not_found', 'The parent task does not exist in this organization.', [
        { field: 'parent_id', message: 'Unknown task.' },
      ]);
    }
    const now = Date.now();
    const scheduledFor = input.scheduled_for ? Date.parse(input.scheduled_for) : null;
    if (scheduledFor !== null && scheduledFor < now - 60_000) {
      throw new ApiError('validation_failed', 'The request is not valid.', [
        { field: 'scheduled_for', message: 'Must not be in the past.' },
      ]);
    }
    const plan = await this.plan();
    // An unlimited plan needs no count of the backlog.
    const waiting = Number.isFinite(plan.limits.queueDepth) ? (scope.statements.countWaiting.get()?.n ?? 0) : 0;
    if (waiting >= plan.limits.queueDepth) {
      throw new ApiError(
        'quota_exceeded',
        `Your ${plan.name} plan allows ${plan.limits.queueDepth} waiting tasks. Let some finish, or upgrade.`,
        {
          limit: plan.limits.queueDepth,
          upgrade_url: '/pricing',
        },
      );
    }
    const failedDep = deps.find((d) => d.status === 'failed' || d.status === 'cancelled');
    const id = newId('tsk', now);
    let view: TaskView;
    try {
      const writes = [
        bound(scope.statements.insertTask, {
          id,
          agentId: agent.id,
          creatorType: actor.type === 'system' ? 'schedule' : actor.type,
          creatorId: actor.id,
          parentId,
          title: input.title ?? titleFrom(input.description),
          description: input.description,
          priority: input.priority,
          status: failedDep ? 'blocked' : 'pending',
          error: failedDep ? blockedReason(failedDep, failedDep.status) : null,
          maxAttempts: input.max_attempts,
          idempotencyKey: idempotency?.key ?? null,
          requestHash: idempotency?.hash ?? null,
          metadata: { ...(input.metadata ?? {}), ...(extra.metadata ?? {}) },
          scheduledFor,
          now,
        }),
        ...(dependsOn.length
          ? [
              scope.insertRows(
                taskDependencies,
                dependsOn.map((dependsOnId) => ({ taskId: id, dependsOnId })),
              ),
            ]
          : []),
      ];
      view = await this.publishTask('task.created', id, actor, {}, { writes });
    } catch (error) {
      // Two requests with one Idempotency-Key raced past the lookup: the unique index decided.
      if (idempotency && /UNIQUE/i.test(String(error))) return this.createTask(actor, input, idempotency, extra);
      throw error;
    }
    if (!extra.skipAdmit) await this.admit();
    // Product analytics: the org's first task given by a person or their key (not a schedule, agent or the platform).
    if (actor.type === 'user' || actor.type === 'api_key') this.trackMilestone('task_given', actor.id);
    return { task: scheduledFor || failedDep ? view : await this.taskView(id), replayed: false };
  }

  /** Funnel milestones already tracked for this org (read from meta once per wake-up). */
  private readonly milestones = new Set<string>();

  /**
   * A milestone of the activation funnel (first task given, first task completed), tracked once
   * per org: the funnel counts orgs that reached it, so one data point per task is not needed.
   */
  trackMilestone(event: 'task_given' | 'task_completed', actorId: string | null = null) {
    const key = `milestone:${event}`;
    if (this.milestones.has(key)) return;
    this.milestones.add(key);
    if (metaValue(this.scope, key) !== null) return;
    setMeta(this.scope, key, String(Date.now()));
    void track(this.host.env, event, { org: this.host.orgId, actor: actorId });
  }

  async updateTask(actor: Actor, id: string, patch: TaskPatch): Promise<TaskView> {
    const scope = this.scope;
    const task = await this.requireTask(id);
    if (!['pending', 'blocked'].includes(task.status) && (patch.title || patch.description || patch.depends_on)) {
      throw new ApiError(
        'conflict',
        `The title, description and dependencies can change only before the task starts (it is ${task.status}).`,
      );
    }
    if (isFinal(task.status)) throw new ApiError('conflict', `The task is ${task.status}.`);
    const statements = [];
    if (patch.depends_on) {
      const dependsOn = [...new Set(patch.depends_on)];
      if (dependsOn.includes(id))
        throw new ApiError('conflict', 'A task cannot depend on itself.', [{ field: 'depends_on', message: 'Cycle.' }]);
      const deps = dependsOn.length ? await scope.select(tasks, inArray(tasks.id, dependsOn)) : [];
      const missing = dependsOn.filter((dep) => !deps.some((d) => d.id === dep));
      if (missing.length)
        throw new ApiError('not_found', 'A task in depends_on does not exist in this organization.', [
          { field: 'depends_on', message: `Unknown task at position ${dependsOn.indexOf(missing[0]!)}.` },
        ]);
      if (await dependsTransitively(scope, dependsOn, id))
        throw new ApiError('conflict', 'Those dependencies would make a cycle.', [
          { field: 'depends_on', message: 'Cycle.' },
        ]);
      statements.push(scope.deleteRows(taskDependencies, eq(taskDependencies.taskId, id)));
      if (dependsOn.length)
        statements.push(
          scope.insertRows(
            taskDependencies,
            dependsOn.map((dependsOnId) => ({ taskId: id, dependsOnId })),
          ),
        );
    }
    statements.push(
      scope.updateRows(
        tasks,
        {
          ...(patch.title && { title: patch.title }),
          ...(patch.description && { description: patch.description }),
          ...(patch.priority && { priority: patch.priority }),
          updatedAt: Date.now(),
        },
        eq(tasks.id, id),
      ),
    );
    await scope.batch(statements as [(typeof statements)[number], ...(typeof statements)[number][]]);
    if (patch.depends_on) await this.reevaluateBlocked([id]);
    const view = await this.publishTask('task.updated', id, actor, { change: 'edited' });
    await this.admit();
    return view;
  }

  async cancelTask(actor: Actor, id: string): Promise<TaskView> {
    const task = await this.requireTask(id);
    if (isFinal(task.status))
      throw new ApiError('conflict', `The task is already ${task.status}; only unfinished tasks can be cancelled.`);
    const now = Date.now();
    await this.scope.batch([
      this.scope.updateRows(
        tasks,
        { status: 'cancelled', error: CANCELLED_BY[actor.type], completedAt: now, updatedAt: now },
        eq(tasks.id, id),
      ),
    ]);
    const run = this.runner.runs.get(id);
    run?.abort.abort();
    const view = await this.publishTask('task.updated', id, actor, { change: 'cancelled' });
    await this.blockDependents(id, 'cancelled', actor);
    await this.admit();
    return view;
  }

  async retryTask(actor: Actor, id: string): Promise<TaskView> {
    const task = await this.requireTask(id);
    if (task.status !== 'failed' && task.status !== 'cancelled')
      throw new ApiError('conflict', `Only failed or cancelled tasks can be retried (this one is ${task.status}).`);
    const agent = await this.scope.first(agents, eq(agents.id, task.agentId));
    if (!agent || agent.archivedAt !== null)
      throw new ApiError('conflict', 'This task’s agent was deleted: give the work to another agent as a new task.');
    const now = Date.now();
    await this.scope.batch([
      this.scope.updateRows(
        tasks,
        {
          status: 'pending',
          error: null,
          result: null,
          progress: 0,
          completedAt: null,
          // A task cancelled before its time keeps its time; one that is due runs now.
          scheduledFor: task.scheduledFor !== null && task.scheduledFor > now ? task.scheduledFor : null,
          // Attempt numbers only grow (they tell a stale queue message from the current one), so
          // a retry allows as many more attempts as the task was created with.
          maxAttempts: task.attempts + (task.attemptBudget ?? task.maxAttempts),
          updatedAt: now,
        },
        eq(tasks.id, id),
      ),
    ]);
    await this.reevaluateBlocked([id]);
    const view = await this.publishTask('task.updated', id, actor, { change: 'retried' });
    await this.reevaluateDependentsOf(id);
    await this.admit();
    return view;
  }

  async requireTask(id: string): Promise<Task> {
    const task = this.scope.statements.taskById.get({ id });
    if (!task) throw new ApiError('not_found', 'No such task.');
    return task;
  }

  /** Dependents of a failed or cancelled task become blocked with the reason. */
  /** Open tasks waiting on `id`, which failed or was cancelled, are blocked, saying why. */
  async blockDependents(id: string, outcome: 'failed' | 'cancelled', actor: Actor) {
    const dependents = this.scope.statements.dependentsOf.all({ id });
    if (!dependents.length) return;
    const reason = blockedReason(this.scope.statements.taskById.get({ id }) ?? { id, title: id }, outcome);
    const open = await this.scope.select(
      tasks,
      inArray(
        tasks.id,
        dependents.map((d) => d.taskId),
      ),
      inArray(tasks.status, ['pending', 'queued']),
    );
    for (const task of open) {
      if (task.status === 'queued') continue; // already admitted: its run will see the failed dependency in its prompt
      await this.scope.batch([
        this.scope.updateRows(
          tasks,
          { status: 'blocked', error: reason, updatedAt: Date.now() },
          eq(tasks.id, task.id),
        ),
      ]);
      await this.publishTask('task.updated', task.id, actor, { change: 'blocked' });
    }
  }

  /** Blocked dependents of `id` whose dependencies no longer include a failure go back to pending. */
  async reevaluateDependentsOf(id: string) {
    const dependents = this.scope.statements.dependentsOf.all({ id });
    await this.reevaluateBlocked(dependents.map((d) => d.taskId));
  }

  async reevaluateBlocked(ids: string[]) {
    if (!ids.length) return;
    const blocked = await this.scope.select(
      tasks,
      inArray(tasks.id, ids),
      eq(tasks.status, 'blocked'),
      sql`${tasks.error} LIKE 'Dependency %'`,
    );
    for (const task of blocked) {
      const deps = await this.dependencyStatuses(task.id);
      if (deps.some((d) => d.status === 'failed' || d.status === 'cancelled')) continue;
      await this.scope.batch([
        this.scope.updateRows(tasks, { status: 'pending', error: null, updatedAt: Date.now() }, eq(tasks.id, task.id)),
      ]);
      await this.publishTask('task.updated', task.id, { type: 'system', id: null }, { change: 'unblocked' });
    }
  }

  async dependencyStatuses(taskId: string) {
    return this.scope.statements.dependencyStatuses.all({ id: taskId });
  }

  /**
   * Moves every admissible pending task to `queued` and sends it to the agent-runs queue. An
   * agent runs one task at a time, so the candidates are each idle agent's first ready task;
   * the free run slots go to them in priority order, then age.
   */
  async admit(): Promise<number> {
    const { statements } = this.scope;
    const plan = await this.plan();
    const now = Date.now();
    const occupying = statements.occupying.all();
    let slots = plan.limits.concurrentRuns - occupying.length;
    // Every exit re-arms the alarm: the watchdog must keep running while tasks are in flight.
    if (slots <= 0) {
      await this.scheduleNextAlarm();
      return 0;
    }
    // At the agent-minute quota pending tasks wait, with the reason on them (durable-objects/quota.ts).
    if (await enforceQuota(this, plan, now)) {
      await this.scheduleNextAlarm();
      return 0;
    }
    const ids = statements.nextTaskPerIdleAgent.all({ now }).flatMap((row) => (row.taskId ? [row.taskId] : []));
    const candidates = ids.length
      ? statements.admissionCandidates
          .all({ ids: JSON.stringify(ids) })
          .sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : 1))
      : [];
    let admitted = 0;
    let blocked = 0;
    for (const task of candidates) {
      if (slots <= 0) break;
      if (task.failedDependency) {
        const [depId, depStatus] = task.failedDependency.split(' ');
        const dependency = this.scope.statements.taskById.get({ id: depId! }) ?? { id: depId!, title: depId! };
        await this.scope.batch([
          this.scope.updateRows(
            tasks,
            { status: 'blocked', error: blockedReason(dependency, depStatus!), updatedAt: now },
            eq(tasks.id, task.id),
          ),
        ]);
        await this.publishTask('task.updated', task.id, { type: 'system', id: null }, { change: 'blocked' });
        blocked += 1;
        continue;
      }
      const attempt = task.attempts + 1;
      const claimed = statements.claimTask.all({ id: task.id, attempt, now });
      if (!claimed.length) continue;
      slots -= 1;
      admitted += 1;
      await this.publishTask('task.updated', task.id, { type: 'system', id: null }, { change: 'queued' });
      await this.send({ kind: 'run_task', orgId: this.host.orgId, taskId: task.id, attempt, enqueuedAt: now });
    }
    // A blocked candidate may have hidden its agent's next ready task.
    if (blocked && slots > 0) return admitted + (await this.admit());
    await this.scheduleNextAlarm();
    return admitted;
  }

  async send(message: RunTaskMessage) {
    try {
      await this.host.env.AGENT_RUNS.send(message);
    } catch (error) {
      // The watchdog re-sends queued tasks whose message never arrived.
      log.error('queue_send_failed', {
        org_id: this.host.orgId,
        task_id: message.taskId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** The next moment the engine must wake: a scheduled task, a schedule, or the watchdog. */
  async scheduleNextAlarm() {
    const now = Date.now();
    const wake = this.scope.statements.nextWake.get({ now });
    const candidates = [wake?.nextTask, wake?.nextSchedule, wake?.inFlight ? now + WATCHDOG_INTERVAL_MS : null].filter(
      (v): v is number => typeof v === 'number' && v > 0,
    );
    if (candidates.length) await this.host.setAlarmAt(Math.max(now + 50, Math.min(...candidates)));
  }
}

/** Why a task is blocked, as its card shows it: the dependency's title first, then its id. */
function blockedReason(dependency: { id: string; title: string }, status: string): string {
  const outcome = status === 'cancelled' ? 'was cancelled' : 'failed';
  return `Waiting on “${dependency.title}” (${dependency.id}), which ${outcome}.`;
}
