/**
 * The task engine of one org, run inside its OrgHub (the single writer). Every transition of a
 * task or agent goes through here, inside the hub's exclusive section: its rows, its activity
 * row and its events are written to the object's own SQLite in one synchronous transaction,
 * and the events go out to live clients only after it commits. No transition waits on I/O:
 * what it needs from outside (the org's plan, the model key) the hub already holds. Admission
 * is exact: dependencies satisfied, one task per agent at a time, concurrent runs and queue
 * depth per plan, agent-minute quota left; priority order, then age.
 */
import { asc, eq, inArray, isNull, lte, notInArray, or, sql } from 'drizzle-orm';
import {
  type AgentInput,
  type AgentPatch,
  agentView,
  countActiveAgents,
  findAgent,
  requireAgent,
  resolveManager,
  wouldCreateManagerCycle,
} from '../core/agents';
import {
  activityLog,
  agentNotes,
  agentRuns,
  agents,
  messages,
  runSteps,
  schedules,
  taskDependencies,
  tasks,
  threads,
  usagePeriods,
} from '../core/db/org-schema';
import { OrgStore, type Statement } from '../core/db/org-store';
import { DEFAULT_TEAM } from '../core/default-team';
import { ApiError } from '../core/errors';
import { newId } from '../core/ids';
import type { JsonObject } from '../core/json';
import { log } from '../core/log';
import { getPlan } from '../core/plans';
import type { RunTaskMessage } from '../core/queue-messages';
import { type RunStep, runAgentLoop, type ToolSet } from '../core/runtime/run-loop';
import { AnthropicProvider } from '../core/runtime/anthropic-provider';
import { costMicroUsd, DEFAULT_MODEL } from '../core/runtime/pricing';
import { SIMULATED_MODEL_ID, SimulatedModel } from '../core/runtime/simulated-model';
import type { ModelProvider } from '../core/runtime/types';
import { loadConfig } from '../core/config';
import type { ResolvedModelKey } from '../core/credentials';
import type { HubEvent, OrgEventType } from '../core/events';
import type { OrgInfo } from '../core/org-info';
import type { Actor } from '../core/tenant';
import { agentToolEffects, approvalsOf } from './agent-tool-effects';
import { buildSystemPrompt, buildTaskPrompt } from '../core/runtime/prompt';
import { coreTools } from '../core/runtime/tools';
import { replyThreadOf } from '../core/threads';
import {
  assertCronInterval,
  nextRun,
  type Schedule,
  type ScheduleInput,
  type SchedulePatch,
  scheduleView,
} from '../core/schedules';
import {
  dependsTransitively,
  isFinal,
  type Task,
  type TaskInput,
  type TaskPatch,
  type TaskView,
  titleFrom,
  viewTasks,
} from '../core/tasks';

export interface EngineHost {
  orgId: string;
  env: Env;
  store: OrgStore;
  /** What the hub knows of its org (plan, name, default model), kept current by the Worker. */
  org(): OrgInfo;
  /** The model key an agent's run uses; resolved by the hub before the run's transition. */
  modelKey(agentId: string): ResolvedModelKey | null;
  /** Writes events to the log inside the caller's transaction; returns them with their seq. */
  appendEvents(events: Array<{ type: OrgEventType; data: JsonObject }>): HubEvent[];
  /** Sends committed events to live clients. */
  broadcast(events: HubEvent[]): void;
  /** Appends and broadcasts one event outside a transition. */
  emit(type: OrgEventType, data: JsonObject): number;
  /** The usage counters changed: the hub copies them to the D1 ledger soon. */
  usageChanged(): void;
  /** A run step for the live hub: coalesced into `run.step` events every ~75 ms. */
  emitStep(step: JsonObject): void;
  flushSteps(): void;
  /** Runs `work` with no other transition of this org in between. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  setAlarmAt(at: number): Promise<void>;
  markRunActive(taskId: string, attempt: number): void;
  markRunEnded(taskId: string): void;
}

/** Backoff before retry attempt N+1: 5 s, 20 s, 80 s … capped at 10 minutes. */
export function retryBackoffMs(attempts: number): number {
  return Math.min(10 * 60_000, 5_000 * 4 ** Math.max(0, attempts - 1));
}

const STEP_CHUNK_CHARS = 32_000;
const MAX_DELEGATION_DEPTH = 5;
const QUEUED_RESEND_AFTER_MS = 2 * 60_000;
const WATCHDOG_INTERVAL_MS = 60_000;

function monthPeriod(now: number) {
  const d = new Date(now);
  return {
    start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
    end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
  };
}

interface ActiveRun {
  runId: string;
  abort: AbortController;
}

/** Which model a run uses: the org's own key, else the platform key, else the simulated model. */
interface ProviderChoice {
  kind: 'anthropic' | 'simulated';
  model: string;
  apiKey: string | null;
  keySource: 'org' | 'platform' | null;
}

export class TaskEngine {
  private readonly runs = new Map<string, ActiveRun>();
  /** The org's data; a batch also writes the events recorded for it and publishes them after commit. */
  private readonly scope: PublishingStore;

  constructor(private readonly host: EngineHost) {
    this.scope = new PublishingStore(host);
  }

  activeRunCount(): number {
    return this.runs.size;
  }

  private async plan() {
    return getPlan(this.host.org().plan);
  }

  /**
   * The activity row of a transition, for the caller's batch; its event (with the org's next
   * sequence number) goes out to live clients only after that batch commits, so nobody sees a
   * change that did not happen.
   */
  private record(type: OrgEventType, actor: Actor, subject: { type: string; id: string }, data: JsonObject) {
    this.scope.pending.push({ type, data });
    return this.scope.insertRows(activityLog, {
      id: newId('act'),
      seq: null,
      type,
      actorType: actor.type,
      actorId: actor.id,
      subjectType: subject.type,
      subjectId: subject.id,
      data,
    });
  }

  private async taskView(id: string): Promise<TaskView> {
    const task = await this.scope.first(tasks, eq(tasks.id, id));
    if (!task) throw new ApiError('not_found', 'No such task.');
    return (await viewTasks(this.scope, [task]))[0]!;
  }

  private async publishTask(type: 'task.created' | 'task.updated', id: string, actor: Actor, extra: JsonObject = {}) {
    const view = await this.taskView(id);
    const data = { task: view as unknown as JsonObject[string], ...extra } as JsonObject;
    await this.scope.batch([this.record(type, actor, { type: 'task', id }, data)]);
    return view;
  }

  // ─── Agents ──────────────────────────────────────────────────────────────────────────

  async createAgent(actor: Actor, input: AgentInput) {
    const scope = this.scope;
    const plan = await this.plan();
    const active = await countActiveAgents(scope);
    if (active >= plan.limits.agents) {
      throw new ApiError(
        'payment_required',
        `Your ${plan.name} plan includes ${plan.limits.agents} active agents. Upgrade, or pause or archive an agent first.`,
        {
          limit: plan.limits.agents,
          upgrade_url: '/pricing',
        },
      );
    }
    const slug =
      input.slug ??
      input.name
        .toLowerCase()
        .normalize('NFKD')
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 40);
    if (!slug || slug.length < 2)
      throw new ApiError('validation_failed', 'The request is not valid.', [
        { field: 'slug', message: 'Give the agent a slug of 2+ letters or digits.' },
      ]);
    if (await scope.first(agents, eq(agents.slug, slug)))
      throw new ApiError('conflict', `An agent with slug "${slug}" already exists.`, [
        { field: 'slug', message: 'Taken.' },
      ]);
    const managerId = await resolveManager(scope, input.manager);
    const id = newId('agt');
    const palette = DEFAULT_TEAM.map((a) => a.avatarColor);
    const count = await scope.count(agents);
    await scope.batch([
      scope.insertRows(agents, {
        id,
        slug,
        name: input.name,
        role: input.role,
        department: input.department,
        level: input.level,
        personality: input.personality,
        model: input.model ?? null,
        status: 'idle',
        managerId: managerId ?? null,
        toolPermissions: input.tool_permissions ?? DEFAULT_TEAM[1]!.toolPermissions,
        avatarColor: input.avatar_color ?? palette[count % palette.length]!,
        deskX: input.desk?.x ?? count % 5,
        deskY: input.desk?.y ?? 4 + Math.floor(count / 5),
      }),
      this.record('agent.created', actor, { type: 'agent', id }, { agent_id: id, slug }),
    ]);
    return agentView((await scope.first(agents, eq(agents.id, id)))!);
  }

  async updateAgent(actor: Actor, ref: string, patch: AgentPatch) {
    const scope = this.scope;
    const agent = await requireAgent(scope, ref);
    const managerId = await resolveManager(scope, patch.manager);
    if (managerId && (managerId === agent.id || (await wouldCreateManagerCycle(scope, agent.id, managerId)))) {
      throw new ApiError('conflict', 'That manager would make a cycle in the org tree.', [
        { field: 'manager', message: 'Cycle.' },
      ]);
    }
    if (patch.status === 'idle' && agent.status === 'paused') {
      const plan = await this.plan();
      if ((await countActiveAgents(scope)) >= plan.limits.agents) {
        throw new ApiError(
          'payment_required',
          `Your ${plan.name} plan includes ${plan.limits.agents} active agents. Upgrade to resume this one.`,
          { limit: plan.limits.agents, upgrade_url: '/pricing' },
        );
      }
    }
    const status =
      patch.status === 'paused'
        ? 'paused'
        : patch.status === 'idle' && agent.status === 'paused'
          ? this.agentBusy(agent.id)
            ? 'working'
            : 'idle'
          : undefined;
    await scope.batch([
      scope.updateRows(
        agents,
        {
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.role !== undefined && { role: patch.role }),
          ...(patch.department !== undefined && { department: patch.department }),
          ...(patch.level !== undefined && { level: patch.level }),
          ...(patch.personality !== undefined && { personality: patch.personality }),
          ...(patch.model !== undefined && { model: patch.model }),
          ...(managerId !== undefined && { managerId }),
          ...(patch.tool_permissions !== undefined && { toolPermissions: patch.tool_permissions }),
          ...(patch.avatar_color !== undefined && { avatarColor: patch.avatar_color }),
          ...(patch.desk !== undefined && { deskX: patch.desk.x, deskY: patch.desk.y }),
          ...(status && { status }),
          updatedAt: Date.now(),
        },
        eq(agents.id, agent.id),
      ),
      this.record(
        status ? 'agent.status' : 'agent.updated',
        actor,
        { type: 'agent', id: agent.id },
        { agent_id: agent.id, slug: agent.slug, ...(status ? { status } : {}) },
      ),
    ]);
    if (status === 'idle') await this.admit();
    return agentView((await scope.first(agents, eq(agents.id, agent.id)))!);
  }

  /** Deletes an agent with no history; archives one that has tasks (nothing is lost). */
  async deleteAgent(actor: Actor, ref: string): Promise<{ archived: boolean }> {
    const scope = this.scope;
    const agent = await requireAgent(scope, ref);
    const open = await scope.count(
      tasks,
      eq(tasks.agentId, agent.id),
      inArray(tasks.status, ['pending', 'queued', 'running', 'awaiting_approval', 'blocked']),
    );
    if (open > 0)
      throw new ApiError('conflict', `${agent.name} has ${open} open task(s). Cancel or finish them first.`);
    const history = await scope.count(tasks, eq(tasks.agentId, agent.id));
    const reports = await scope.count(agents, eq(agents.managerId, agent.id));
    const statements = [
      scope.updateRows(agents, { managerId: agent.managerId }, eq(agents.managerId, agent.id)),
      history > 0
        ? scope.updateRows(
            agents,
            { archivedAt: Date.now(), status: 'offline', updatedAt: Date.now() },
            eq(agents.id, agent.id),
          )
        : scope.deleteRows(agents, eq(agents.id, agent.id)),
      this.record(
        history > 0 ? 'agent.archived' : 'agent.deleted',
        actor,
        { type: 'agent', id: agent.id },
        { agent_id: agent.id, slug: agent.slug, reports_moved: reports },
      ),
    ] as const;
    await scope.batch(statements);
    return { archived: history > 0 };
  }

  /** After a downgrade: agents over the plan's count are paused (newest first), never deleted. */
  async enforceAgentLimit(actor: Actor): Promise<string[]> {
    const plan = await this.plan();
    const active = (await this.scope.select(agents, isNull(agents.archivedAt)).orderBy(asc(agents.createdAt))).filter(
      (a) => a.status !== 'paused',
    );
    const over = active.slice(plan.limits.agents);
    for (const agent of over) {
      await this.scope.batch([
        this.scope.updateRows(agents, { status: 'paused', updatedAt: Date.now() }, eq(agents.id, agent.id)),
        this.record(
          'agent.status',
          actor,
          { type: 'agent', id: agent.id },
          { agent_id: agent.id, slug: agent.slug, status: 'paused', reason: 'plan_limit' },
        ),
      ]);
    }
    return over.map((a) => a.slug);
  }

  private agentBusy(agentId: string): boolean {
    return [...this.runs.keys()].some((taskId) => this.runAgents.get(taskId) === agentId);
  }
  private readonly runAgents = new Map<string, string>();

  // ─── Tasks ───────────────────────────────────────────────────────────────────────────

  async createTask(
    actor: Actor,
    input: TaskInput,
    idempotency: { key: string; hash: string } | null,
    extra: { parentId?: string; metadata?: Record<string, string | number | boolean | null>; skipAdmit?: boolean } = {},
  ): Promise<{ task: TaskView; replayed: boolean }> {
    const scope = this.scope;
    if (idempotency) {
      const existing = await scope.first(tasks, eq(tasks.idempotencyKey, idempotency.key));
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
    const waiting = await scope.count(tasks, inArray(tasks.status, ['pending', 'queued']));
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
    try {
      await scope.batch([
        scope.insertRows(tasks, {
          id,
          agentId: agent.id,
          creatorType: actor.type === 'system' ? 'schedule' : actor.type,
          creatorId: actor.id,
          parentId,
          title: input.title ?? titleFrom(input.description),
          description: input.description,
          priority: input.priority,
          status: failedDep ? 'blocked' : 'pending',
          error: failedDep ? `Dependency ${failedDep.id} ${failedDep.status}.` : null,
          maxAttempts: input.max_attempts,
          idempotencyKey: idempotency?.key ?? null,
          requestHash: idempotency?.hash ?? null,
          metadata: { ...(input.metadata ?? {}), ...(extra.metadata ?? {}) },
          scheduledFor,
          createdAt: now,
          updatedAt: now,
        }),
        ...(dependsOn.length
          ? [
              scope.insertRows(
                taskDependencies,
                dependsOn.map((dependsOnId) => ({ taskId: id, dependsOnId })),
              ),
            ]
          : []),
      ]);
    } catch (error) {
      // Two requests with one Idempotency-Key raced past the lookup: the unique index decided.
      if (idempotency && /UNIQUE/i.test(String(error))) return this.createTask(actor, input, idempotency, extra);
      throw error;
    }
    const view = await this.publishTask('task.created', id, actor);
    if (!extra.skipAdmit) await this.admit();
    return { task: scheduledFor || failedDep ? view : await this.taskView(id), replayed: false };
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
        { status: 'cancelled', error: `Cancelled by ${actor.type}.`, completedAt: now, updatedAt: now },
        eq(tasks.id, id),
      ),
    ]);
    const run = this.runs.get(id);
    run?.abort.abort();
    const view = await this.publishTask('task.updated', id, actor, { change: 'cancelled' });
    await this.blockDependents(id, `Dependency ${id} was cancelled.`, actor);
    await this.admit();
    return view;
  }

  async retryTask(actor: Actor, id: string): Promise<TaskView> {
    const task = await this.requireTask(id);
    if (task.status !== 'failed' && task.status !== 'cancelled')
      throw new ApiError('conflict', `Only failed or cancelled tasks can be retried (this one is ${task.status}).`);
    await this.scope.batch([
      this.scope.updateRows(
        tasks,
        {
          status: 'pending',
          error: null,
          result: null,
          progress: 0,
          completedAt: null,
          scheduledFor: null,
          maxAttempts: task.attempts + 3,
          updatedAt: Date.now(),
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

  private async requireTask(id: string): Promise<Task> {
    const task = await this.scope.first(tasks, eq(tasks.id, id));
    if (!task) throw new ApiError('not_found', 'No such task.');
    return task;
  }

  /** Dependents of a failed or cancelled task become blocked with the reason. */
  private async blockDependents(id: string, reason: string, actor: Actor) {
    const dependents = await this.scope.selectFields(
      { taskId: taskDependencies.taskId },
      taskDependencies,
      eq(taskDependencies.dependsOnId, id),
    );
    if (!dependents.length) return;
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
  private async reevaluateDependentsOf(id: string) {
    const dependents = await this.scope.selectFields(
      { taskId: taskDependencies.taskId },
      taskDependencies,
      eq(taskDependencies.dependsOnId, id),
    );
    await this.reevaluateBlocked(dependents.map((d) => d.taskId));
  }

  private async reevaluateBlocked(ids: string[]) {
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

  private async dependencyStatuses(taskId: string) {
    const deps = await this.scope.selectFields(
      { id: taskDependencies.dependsOnId },
      taskDependencies,
      eq(taskDependencies.taskId, taskId),
    );
    if (!deps.length) return [];
    return this.scope.selectFields(
      { id: tasks.id, status: tasks.status },
      tasks,
      inArray(
        tasks.id,
        deps.map((d) => d.id),
      ),
    );
  }

  // ─── Admission ───────────────────────────────────────────────────────────────────────

  /** Moves every admissible pending task to `queued` and sends it to the agent-runs queue. */
  async admit(): Promise<number> {
    const scope = this.scope;
    const plan = await this.plan();
    const now = Date.now();
    const occupying = await scope.selectFields(
      { id: tasks.id, agentId: tasks.agentId },
      tasks,
      inArray(tasks.status, ['queued', 'running']),
    );
    let slots = plan.limits.concurrentRuns - occupying.length;
    // Every exit re-arms the alarm: the watchdog must keep running while tasks are in flight.
    if (slots <= 0) {
      await this.scheduleNextAlarm();
      return 0;
    }
    if (Number.isFinite(plan.limits.agentMinutesPerMonth)) {
      const period = monthPeriod(now);
      const usage = await scope.first(usagePeriods, eq(usagePeriods.periodStart, period.start));
      if ((usage?.agentMs ?? 0) >= plan.limits.agentMinutesPerMonth * 60_000) {
        await this.scheduleNextAlarm();
        return 0;
      }
    }
    const busy = new Set(occupying.map((t) => t.agentId));
    // Busy agents' tasks are left out in SQL, so a backlog for one agent cannot hide the others'.
    const candidates = await scope
      .select(
        tasks,
        eq(tasks.status, 'pending'),
        or(isNull(tasks.scheduledFor), lte(tasks.scheduledFor, now)),
        busy.size ? notInArray(tasks.agentId, [...busy]) : undefined,
      )
      .orderBy(
        sql`CASE ${tasks.priority} WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END`,
        asc(tasks.id),
      )
      .limit(200);
    const agentRows = candidates.length
      ? await scope.selectFields(
          { id: agents.id, status: agents.status, archivedAt: agents.archivedAt },
          agents,
          inArray(agents.id, [...new Set(candidates.map((c) => c.agentId))]),
        )
      : [];
    const agentById = new Map(agentRows.map((a) => [a.id, a]));
    let admitted = 0;
    for (const task of candidates) {
      if (slots <= 0) break;
      if (busy.has(task.agentId)) continue;
      const agent = agentById.get(task.agentId);
      if (!agent || agent.status === 'paused' || agent.archivedAt) continue;
      const deps = await this.dependencyStatuses(task.id);
      if (deps.some((d) => d.status === 'failed' || d.status === 'cancelled')) {
        const bad = deps.find((d) => d.status === 'failed' || d.status === 'cancelled')!;
        await scope.batch([
          scope.updateRows(
            tasks,
            { status: 'blocked', error: `Dependency ${bad.id} ${bad.status}.`, updatedAt: now },
            eq(tasks.id, task.id),
          ),
        ]);
        await this.publishTask('task.updated', task.id, { type: 'system', id: null }, { change: 'blocked' });
        continue;
      }
      if (deps.some((d) => d.status !== 'completed')) continue;
      const attempt = task.attempts + 1;
      const claimed = await scope
        .updateRows(
          tasks,
          { status: 'queued', attempts: attempt, queuedAt: now, updatedAt: now },
          eq(tasks.id, task.id),
          eq(tasks.status, 'pending'),
        )
        .returning({ id: tasks.id });
      if (!claimed.length) continue;
      busy.add(task.agentId);
      slots -= 1;
      admitted += 1;
      await this.publishTask('task.updated', task.id, { type: 'system', id: null }, { change: 'queued' });
      await this.send({ kind: 'run_task', orgId: this.host.orgId, taskId: task.id, attempt, enqueuedAt: now });
    }
    await this.scheduleNextAlarm();
    return admitted;
  }

  private async send(message: RunTaskMessage) {
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
    const scope = this.scope;
    const now = Date.now();
    const [nextTask] = await scope.selectFields(
      { at: sql<number>`MIN(${tasks.scheduledFor})` },
      tasks,
      eq(tasks.status, 'pending'),
      sql`${tasks.scheduledFor} > ${now}`,
    );
    const [nextSchedule] = await scope.selectFields(
      { at: sql<number>`MIN(${schedules.nextRunAt})` },
      schedules,
      eq(schedules.enabled, true),
    );
    const inFlight = await scope.count(tasks, inArray(tasks.status, ['queued', 'running']));
    const candidates = [nextTask?.at, nextSchedule?.at, inFlight > 0 ? now + WATCHDOG_INTERVAL_MS : null].filter(
      (v): v is number => typeof v === 'number' && v > 0,
    );
    if (candidates.length) await this.host.setAlarmAt(Math.max(now + 50, Math.min(...candidates)));
  }

  // ─── Runs ────────────────────────────────────────────────────────────────────────────

  /** Claims a queued task for a delivered (task, attempt): running, a run row, agent working. */
  async startRun(
    message: RunTaskMessage,
  ): Promise<{ task: Task; runId: string; abort: AbortController; choice: ProviderChoice } | null> {
    const scope = this.scope;
    const task = await scope.first(tasks, eq(tasks.id, message.taskId));
    if (task?.status !== 'queued' || task.attempts !== message.attempt) return null;
    const agent = await scope.first(agents, eq(agents.id, task.agentId));
    if (!agent) return null;
    const now = Date.now();
    const runId = newId('run', now);
    const choice = await this.chooseProvider(agent);
    await scope.batch([
      scope.updateRows(
        tasks,
        { status: 'running', startedAt: task.startedAt ?? now, updatedAt: now },
        eq(tasks.id, task.id),
      ),
      scope.insertRows(agentRuns, {
        id: runId,
        taskId: task.id,
        agentId: agent.id,
        attempt: message.attempt,
        provider: choice.kind,
        model: choice.model,
        outcome: 'running',
        startedAt: now,
      }),
      scope.updateRows(agents, { status: 'working', updatedAt: now }, eq(agents.id, agent.id)),
      this.record(
        'agent.status',
        { type: 'system', id: null },
        { type: 'agent', id: agent.id },
        { agent_id: agent.id, slug: agent.slug, status: 'working', task_id: task.id },
      ),
    ]);
    const abort = new AbortController();
    this.runs.set(task.id, { runId, abort });
    this.runAgents.set(task.id, agent.id);
    this.host.markRunActive(task.id, message.attempt);
    await this.publishTask(
      'task.updated',
      task.id,
      { type: 'system', id: null },
      { change: 'started', run_id: runId, provider: choice.kind, model: choice.model },
    );
    return { task: { ...task, status: 'running' }, runId, abort, choice };
  }

  private async chooseProvider(agent: typeof agents.$inferSelect): Promise<ProviderChoice> {
    const key = this.host.modelKey(agent.id);
    if (!key) return { kind: 'simulated', model: SIMULATED_MODEL_ID, apiKey: null, keySource: null };
    return {
      kind: 'anthropic',
      model: agent.model ?? this.host.org().defaultModel ?? DEFAULT_MODEL,
      apiKey: key.apiKey,
      keySource: key.source,
    };
  }

  /** Runs the agent loop for a started task (outside the exclusive section), then finalizes. */
  async executeRun(task: Task, runId: string, abort: AbortController, choice: ProviderChoice): Promise<void> {
    const scope = this.scope;
    const started = Date.now();
    const agent = (await scope.first(agents, eq(agents.id, task.agentId)))!;
    const roster = await scope.select(agents, isNull(agents.archivedAt));
    const deps = await this.dependencyStatuses(task.id);
    const depTasks = deps.length
      ? await scope.select(
          tasks,
          inArray(
            tasks.id,
            deps.map((d) => d.id),
          ),
        )
      : [];
    const parent = task.parentId ? await scope.first(tasks, eq(tasks.id, task.parentId)) : undefined;
    const nameOf = (id: string) => roster.find((a) => a.id === id)?.name ?? 'a teammate';
    const org = this.host.org();
    const [unread, notes, recent, decided] = await Promise.all([
      scope
        .select(
          messages,
          eq(messages.recipientType, 'agent'),
          eq(messages.recipientId, agent.id),
          isNull(messages.readAt),
        )
        .orderBy(messages.id)
        .limit(10),
      scope.select(agentNotes, eq(agentNotes.agentId, agent.id)).orderBy(agentNotes.key).limit(50),
      scope.select(activityLog).orderBy(sql`${activityLog.id} DESC`).limit(15),
      approvalsOf(scope, task.id),
    ]);

    let stepSeq = 0;
    const steps: Array<RunStep & { seq: number }> = [];
    let flushed = 0;
    const flushSteps = async () => {
      const pending = steps.slice(flushed);
      flushed = steps.length;
      const rows = pending.flatMap((step) =>
        chunk(step.content).map((content, index) => ({
          id: newId('stp'),
          runId,
          seq: step.seq,
          chunk: index,
          type: step.type,
          toolName: step.toolName,
          content,
        })),
      );
      for (let i = 0; i < rows.length; i += 20) await scope.insertRows(runSteps, rows.slice(i, i + 20));
    };
    const provider: ModelProvider =
      choice.kind === 'anthropic' && choice.apiKey
        ? new AnthropicProvider({
            apiKey: choice.apiKey,
            model: choice.model,
            baseURL: loadConfig(this.host.env).ANTHROPIC_BASE_URL,
            onTextDelta: (delta) =>
              this.host.emitStep({
                task_id: task.id,
                run_id: runId,
                seq: stepSeq + 1,
                type: 'text_delta',
                tool_name: null,
                content: delta,
              }),
          })
        : new SimulatedModel({
            agentName: agent.name,
            taskTitle: task.title,
            description: task.description,
            attempt: task.attempts,
            teammates: roster
              .filter((a) => a.id !== agent.id && a.status !== 'paused')
              .map((a) => ({ slug: a.slug, name: a.name })),
            dependencyResults: depTasks.map((d) => ({
              agentName: nameOf(d.agentId),
              title: d.title,
              result: d.result ?? `(${d.status})`,
            })),
            canDelegate:
              agent.toolPermissions.includes('delegate_task') &&
              (await this.delegationDepth(task)) < MAX_DELEGATION_DEPTH,
          });
    const tools = coreTools({
      agent,
      task,
      roster,
      progress: (progress, note) =>
        this.host.exclusive(async () => {
          await scope.updateRows(tasks, { progress, updatedAt: Date.now() }, eq(tasks.id, task.id));
          await this.publishTask(
            'task.updated',
            task.id,
            { type: 'agent', id: agent.id },
            { change: 'progress', ...(note ? { note } : {}) },
          );
        }),
      delegate: (input) => this.host.exclusive(() => this.delegate(agent.id, task, input)),
      ...agentToolEffects(
        {
          scope,
          exclusive: (work) => this.host.exclusive(work),
          record: (type, actor, subject, data) => this.record(type, actor, subject, data),
        },
        agent,
        task,
      ),
    });
    const result = await runAgentLoop({
      provider,
      system: buildSystemPrompt({
        agent,
        roster,
        orgName: org?.name ?? null,
        notes: notes.map((n) => ({ key: n.key, content: n.content })),
        recentActivity: recent.map((a) =>
          `${a.type} ${a.subjectType ?? ''} ${(a.data as { task?: { title?: string } } | null)?.task?.title ?? ''}`.trim(),
        ),
        unreadMessages: unread.map((m) => ({
          from: m.senderType === 'agent' ? nameOf(m.senderId ?? '') : 'a human',
          body: m.body,
        })),
      }),
      prompt: buildTaskPrompt({
        task,
        parent,
        dependencies: depTasks.map((d) => ({ ...d, agentName: nameOf(d.agentId) })),
        approvals: decided.map((m) => ({ id: m.id, status: m.approvalStatus ?? 'pending', draft: m.body })),
      }),
      tools: filterTools(tools, agent.toolPermissions),
      signal: abort.signal,
      onStep: async (step) => {
        const seq = ++stepSeq;
        steps.push({ ...step, seq });
        this.host.emitStep({
          task_id: task.id,
          run_id: runId,
          seq,
          type: step.type,
          tool_name: step.toolName,
          content: step.content.slice(0, 4_000),
        });
        if (steps.length - flushed >= 20) await flushSteps();
      },
    });
    await flushSteps();
    const agentMs = Date.now() - started;
    await this.host.exclusive(() =>
      this.finishRun(task.id, runId, agent.id, {
        ...result,
        agentMs,
        provider: provider.kind,
        costMicroUsd: costMicroUsd(provider.model, result.inputTokens, result.outputTokens),
      }),
    );
  }

  /** A human approves or rejects an agent's external draft; the task continues or ends. */
  async decideApproval(actor: Actor, approvalId: string, decision: 'approved' | 'rejected', note: string | null) {
    const scope = this.scope;
    const draft = await scope.first(messages, eq(messages.id, approvalId), eq(messages.type, 'external_draft'));
    if (!draft) throw new ApiError('not_found', 'No such approval.');
    if (draft.approvalStatus !== 'pending')
      throw new ApiError('conflict', `This draft was already ${draft.approvalStatus}.`);
    const now = Date.now();
    await scope.batch([
      scope.updateRows(
        messages,
        { approvalStatus: decision, decidedBy: actor.id, decidedAt: now },
        eq(messages.id, draft.id),
      ),
      this.record(
        'approval.decided',
        actor,
        { type: 'message', id: draft.id },
        { approval_id: draft.id, task_id: draft.taskId, decision, note },
      ),
    ]);
    if (draft.taskId) {
      const task = await scope.first(tasks, eq(tasks.id, draft.taskId));
      const stillWaiting = await scope.count(
        messages,
        eq(messages.taskId, draft.taskId),
        eq(messages.type, 'external_draft'),
        eq(messages.approvalStatus, 'pending'),
      );
      if (task?.status === 'awaiting_approval' && stillWaiting === 0) {
        const next =
          decision === 'approved'
            ? { status: 'pending' as const, maxAttempts: task.maxAttempts + 1 }
            : {
                status: 'failed' as const,
                error: `The external draft was rejected${note ? `: ${note}` : '.'}`,
                completedAt: now,
              };
        await scope.batch([scope.updateRows(tasks, { ...next, updatedAt: now }, eq(tasks.id, task.id))]);
        await this.publishTask('task.updated', task.id, actor, {
          change: decision === 'approved' ? 'approval_granted' : 'approval_rejected',
        });
        if (decision === 'rejected') await this.blockDependents(task.id, `Dependency ${task.id} failed.`, actor);
        await this.admit();
      }
    }
    const decidedRow = (await scope.first(messages, eq(messages.id, draft.id)))!;
    return {
      id: decidedRow.id,
      status: decision as string,
      task_id: decidedRow.taskId,
      decided_at: new Date(now).toISOString(),
    };
  }

  private async delegationDepth(task: Task): Promise<number> {
    let depth = 0;
    let parentId = task.parentId;
    while (parentId && depth <= MAX_DELEGATION_DEPTH) {
      const parent = await this.scope.first(tasks, eq(tasks.id, parentId));
      parentId = parent?.parentId ?? null;
      depth += 1;
    }
    return depth;
  }

  private async delegate(
    fromAgentId: string,
    task: Task,
    input: { agent: string; title?: string; description: string; priority?: Task['priority'] },
  ) {
    const target = await findAgent(this.scope, input.agent);
    if (!target) return { content: `No teammate "${input.agent}". Use list_agents to see the team.`, isError: true };
    if (target.id === fromAgentId) return { content: 'You cannot delegate to yourself.', isError: true };
    if (target.status === 'paused') return { content: `${target.name} is paused; choose someone else.`, isError: true };
    const { task: child } = await this.createTask(
      { type: 'agent', id: fromAgentId },
      {
        agent: target.id,
        description: input.description,
        title: input.title,
        priority: input.priority ?? task.priority,
        depends_on: [],
        max_attempts: 3,
      },
      null,
      { parentId: task.id, skipAdmit: true },
    );
    await this.scope.insertRows(taskDependencies, { taskId: task.id, dependsOnId: child.id });
    return {
      content: `Delegated to ${target.name} as task ${child.id}. This task resumes when it completes.`,
      yieldRun: true,
    };
  }

  /** Applies a run's outcome: the task's next status, usage, the agent back to idle, dependents. */
  async finishRun(
    taskId: string,
    runId: string,
    agentId: string,
    result: {
      outcome: 'completed' | 'failed' | 'blocked' | 'waiting' | 'awaiting_approval' | 'cancelled' | 'timed_out';
      result: string | null;
      error: string | null;
      turns: number;
      inputTokens: number;
      outputTokens: number;
      agentMs: number;
      provider: string;
      costMicroUsd: number;
    },
  ) {
    const scope = this.scope;
    // Steps of this run go out before its final status.
    this.host.flushSteps();
    this.runs.delete(taskId);
    this.runAgents.delete(taskId);
    this.host.markRunEnded(taskId);
    const task = await scope.first(tasks, eq(tasks.id, taskId));
    if (!task) return;
    const now = Date.now();
    const cancelled = task.status === 'cancelled';
    let next: Partial<Task> = {};
    let change = 'finished';
    if (cancelled) change = 'cancelled';
    else if (result.outcome === 'completed')
      next = { status: 'completed', result: result.result, error: null, progress: 100, completedAt: now };
    else if (result.outcome === 'blocked')
      next = { status: 'blocked', result: result.result, error: result.result ?? 'The agent is blocked.' };
    else if (result.outcome === 'waiting') {
      next = { status: 'pending', maxAttempts: task.maxAttempts + 1 };
      change = 'waiting_on_delegation';
    } else if (result.outcome === 'awaiting_approval') {
      next = { status: 'awaiting_approval' };
      change = 'awaiting_approval';
    } else if (task.attempts < task.maxAttempts) {
      next = { status: 'pending', error: result.error, scheduledFor: now + retryBackoffMs(task.attempts) };
      change = 'retry_scheduled';
    } else next = { status: 'failed', error: result.error ?? 'The run failed.', completedAt: now };

    const runOutcome = cancelled ? 'cancelled' : result.outcome === 'waiting' ? 'blocked' : result.outcome;
    const cost = result.costMicroUsd;
    const period = monthPeriod(now);
    const agent = await scope.first(agents, eq(agents.id, agentId));
    const agentStatus = agent?.status === 'paused' ? 'paused' : 'idle';
    await scope.batch([
      scope.updateRows(
        agentRuns,
        {
          outcome: runOutcome,
          turns: result.turns,
          inputTokens: result.inputTokens,
          outputTokens: result.outputTokens,
          costMicroUsd: cost,
          agentMs: result.agentMs,
          error: result.error,
          endedAt: now,
        },
        eq(agentRuns.id, runId),
      ),
      scope.updateRows(
        tasks,
        {
          ...next,
          inputTokens: sql`${tasks.inputTokens} + ${result.inputTokens}`,
          outputTokens: sql`${tasks.outputTokens} + ${result.outputTokens}`,
          agentMs: sql`${tasks.agentMs} + ${result.agentMs}`,
          costMicroUsd: sql`${tasks.costMicroUsd} + ${cost}`,
          updatedAt: now,
        } as never,
        eq(tasks.id, taskId),
      ),
      scope
        .insertRows(usagePeriods, {
          periodStart: period.start,
          periodEnd: period.end,
          agentMs: result.agentMs,
          runs: 1,
          inputTokens: result.inputTokens,
          outputTokens: result.outputTokens,
          costMicroUsd: cost,
        })
        .onConflictDoUpdate({
          target: usagePeriods.periodStart,
          set: {
            agentMs: sql`${usagePeriods.agentMs} + ${result.agentMs}`,
            runs: sql`${usagePeriods.runs} + 1`,
            inputTokens: sql`${usagePeriods.inputTokens} + ${result.inputTokens}`,
            outputTokens: sql`${usagePeriods.outputTokens} + ${result.outputTokens}`,
            costMicroUsd: sql`${usagePeriods.costMicroUsd} + ${cost}`,
            updatedAt: now,
          },
        }),
      scope.updateRows(agents, { status: agentStatus, updatedAt: now }, eq(agents.id, agentId)),
      this.record(
        'agent.status',
        { type: 'system', id: null },
        { type: 'agent', id: agentId },
        { agent_id: agentId, slug: agent?.slug ?? '', status: agentStatus },
      ),
    ]);
    const view = await this.publishTask(
      'task.updated',
      taskId,
      { type: 'agent', id: agentId },
      { change, run_id: runId, run_outcome: runOutcome },
    );
    this.host.emit('usage.updated', {
      period_start: new Date(period.start).toISOString(),
      agent_ms: result.agentMs,
      input_tokens: result.inputTokens,
      output_tokens: result.outputTokens,
      cost_usd: cost / 1_000_000,
      task_id: taskId,
    });
    this.host.usageChanged();

    if (view.status === 'completed') {
      await this.replyInThread(task, view.result ?? '');
      await this.reevaluateDependentsOf(taskId);
    }
    if (view.status === 'failed')
      await this.blockDependents(taskId, `Dependency ${taskId} failed.`, { type: 'system', id: null });
    await this.admit();
  }

  /** A task created from a human's message answers in that thread when it completes. */
  private async replyInThread(task: Task, result: string) {
    const threadId = await replyThreadOf(this.scope, task); // only the engine's own routing (core/threads.ts)
    if (!threadId) return;
    const id = newId('msg');
    await this.scope.batch([
      this.scope.insertRows(messages, {
        id,
        threadId,
        senderType: 'agent',
        senderId: task.agentId,
        recipientType: 'humans',
        recipientId: null,
        type: 'direct',
        body: result,
        taskId: task.id,
      }),
      this.scope.updateRows(threads, { updatedAt: Date.now() }, eq(threads.id, threadId)),
      this.record(
        'message.created',
        { type: 'agent', id: task.agentId },
        { type: 'message', id },
        { message_id: id, thread_id: threadId, sender_type: 'agent', sender_id: task.agentId, task_id: task.id },
      ),
    ]);
  }

  /** Ends a run whose execution crashed outside the model loop; the watchdog covers the rest. */
  async abandonRun(taskId: string, runId: string, error: unknown) {
    const agentId = this.runAgents.get(taskId);
    this.runs.delete(taskId);
    this.runAgents.delete(taskId);
    if (!agentId) return;
    await this.finishRun(taskId, runId, agentId, {
      outcome: 'failed',
      result: null,
      error: `The run stopped unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
      turns: 0,
      inputTokens: 0,
      outputTokens: 0,
      agentMs: 0,
      provider: 'unknown',
      costMicroUsd: 0,
    });
  }

  /** Watchdog: runs orphaned by a restart are re-queued; queued tasks whose message got lost are re-sent. */
  async watchdog(orphanedTaskIds: string[]): Promise<{ requeued: number; resent: number }> {
    const scope = this.scope;
    let requeued = 0;
    const running = await scope.select(tasks, eq(tasks.status, 'running'));
    for (const task of running) {
      if (this.runs.has(task.id)) continue;
      if (!orphanedTaskIds.includes(task.id) && Date.now() - task.updatedAt < 30_000) continue;
      const [run] = await scope.select(agentRuns, eq(agentRuns.taskId, task.id), eq(agentRuns.attempt, task.attempts));
      await this.finishRun(task.id, run?.id ?? 'none', task.agentId, {
        outcome: 'failed',
        result: null,
        error: 'The run was interrupted (the org engine restarted); it will be retried.',
        turns: run?.turns ?? 0,
        inputTokens: 0,
        outputTokens: 0,
        agentMs: 0,
        provider: run?.provider ?? 'simulated',
        costMicroUsd: 0,
      });
      requeued += 1;
    }
    let resent = 0;
    const stale = await scope.select(
      tasks,
      eq(tasks.status, 'queued'),
      sql`${tasks.queuedAt} < ${Date.now() - QUEUED_RESEND_AFTER_MS}`,
    );
    for (const task of stale) {
      await this.send({
        kind: 'run_task',
        orgId: this.host.orgId,
        taskId: task.id,
        attempt: task.attempts,
        enqueuedAt: Date.now(),
      });
      resent += 1;
    }
    return { requeued, resent };
  }

  /** A message that exhausted its deliveries: the task fails with the reason. */
  async deadLetter(message: RunTaskMessage, reason: string, change: 'dead_lettered' | 'run_refused' = 'dead_lettered') {
    const task = await this.scope.first(tasks, eq(tasks.id, message.taskId));
    if (!task || isFinal(task.status) || task.attempts !== message.attempt) return;
    const now = Date.now();
    await this.scope.batch([
      this.scope.updateRows(
        tasks,
        {
          status: 'failed',
          error: change === 'run_refused' ? reason : `The run could not be delivered: ${reason}.`,
          completedAt: now,
          updatedAt: now,
        },
        eq(tasks.id, task.id),
      ),
    ]);
    await this.publishTask('task.updated', task.id, { type: 'system', id: null }, { change });
    await this.blockDependents(task.id, `Dependency ${task.id} failed.`, { type: 'system', id: null });
    await this.admit();
  }

  // ─── Schedules ───────────────────────────────────────────────────────────────────────

  async createSchedule(actor: Actor, input: ScheduleInput) {
    const scope = this.scope;
    const plan = await this.plan();
    assertCronInterval(input.cron, input.timezone, plan);
    if ((await scope.count(schedules)) >= plan.limits.maxSchedules)
      throw new ApiError(
        'payment_required',
        `Your ${plan.name} plan includes ${plan.limits.maxSchedules} schedules. Delete one, or upgrade.`,
        { limit: plan.limits.maxSchedules, upgrade_url: '/pricing' },
      );
    const agent = await requireAgent(scope, input.task.agent, 'task.agent');
    const id = newId('sch');
    const now = Date.now();
    await scope.batch([
      scope.insertRows(schedules, {
        id,
        name: input.name,
        cron: input.cron,
        timezone: input.timezone,
        enabled: input.enabled,
        taskTemplate: {
          agentId: agent.id,
          title: input.task.title ?? titleFrom(input.task.description),
          description: input.task.description,
          priority: input.task.priority,
        },
        nextRunAt: input.enabled ? nextRun(input.cron, input.timezone, now) : null,
        createdBy: actor.id,
      }),
      this.record('schedule.created', actor, { type: 'schedule', id }, { schedule_id: id }),
    ]);
    await this.scheduleNextAlarm();
    return scheduleView((await scope.first(schedules, eq(schedules.id, id)))!);
  }

  async updateSchedule(actor: Actor, id: string, patch: SchedulePatch) {
    const scope = this.scope;
    const current = await scope.first(schedules, eq(schedules.id, id));
    if (!current) throw new ApiError('not_found', 'No such schedule.');
    const agentId = patch.task?.agent
      ? (await requireAgent(scope, patch.task.agent, 'task.agent')).id
      : current.taskTemplate.agentId;
    const cron = patch.cron ?? current.cron;
    const timezone = patch.timezone ?? current.timezone;
    if (patch.cron !== undefined || patch.timezone !== undefined) assertCronInterval(cron, timezone, await this.plan());
    const enabled = patch.enabled ?? current.enabled;
    await scope.batch([
      scope.updateRows(
        schedules,
        {
          name: patch.name ?? current.name,
          cron,
          timezone,
          enabled,
          taskTemplate: {
            agentId,
            title: patch.task?.title ?? current.taskTemplate.title,
            description: patch.task?.description ?? current.taskTemplate.description,
            priority: patch.task?.priority ?? current.taskTemplate.priority,
          },
          nextRunAt: enabled ? nextRun(cron, timezone, Date.now()) : null,
          ...(patch.enabled ? { failureCount: 0, lastError: null } : {}),
          updatedAt: Date.now(),
        },
        eq(schedules.id, id),
      ),
      this.record('schedule.updated', actor, { type: 'schedule', id }, { schedule_id: id }),
    ]);
    await this.scheduleNextAlarm();
    return scheduleView((await scope.first(schedules, eq(schedules.id, id)))!);
  }

  async deleteSchedule(actor: Actor, id: string) {
    const scope = this.scope;
    if (!(await scope.first(schedules, eq(schedules.id, id)))) throw new ApiError('not_found', 'No such schedule.');
    await scope.batch([
      scope.deleteRows(schedules, eq(schedules.id, id)),
      this.record('schedule.deleted', actor, { type: 'schedule', id }, { schedule_id: id }),
    ]);
  }

  /** Creates the task of every due schedule, at most once per tick (idempotency key per tick). */
  async runDueSchedules(): Promise<number> {
    const scope = this.scope;
    const now = Date.now();
    const due = await scope.select(schedules, eq(schedules.enabled, true), lte(schedules.nextRunAt, now));
    let created = 0;
    for (const schedule of due) {
      const tick = schedule.nextRunAt!;
      try {
        await this.createTask(
          { type: 'schedule', id: schedule.id },
          {
            agent: schedule.taskTemplate.agentId,
            title: schedule.taskTemplate.title,
            description: schedule.taskTemplate.description,
            priority: schedule.taskTemplate.priority,
            depends_on: [],
            max_attempts: 3,
          },
          { key: `schedule:${schedule.id}:${tick}`, hash: `schedule:${schedule.id}` },
          { metadata: { schedule_id: schedule.id }, skipAdmit: true },
        );
        await scope.updateRows(
          schedules,
          {
            lastRunAt: now,
            nextRunAt: nextRun(schedule.cron, schedule.timezone, Math.max(now, tick)),
            failureCount: 0,
            lastError: null,
            updatedAt: now,
          },
          eq(schedules.id, schedule.id),
        );
        created += 1;
      } catch (error) {
        await this.recordScheduleFailure(schedule, error, now);
      }
    }
    if (created) await this.admit();
    return created;
  }

  private async recordScheduleFailure(schedule: Schedule, error: unknown, now: number) {
    const message = error instanceof Error ? error.message : String(error);
    const failures = schedule.failureCount + 1;
    // Ten failures in a row disable the schedule rather than fail forever.
    await this.scope.updateRows(
      schedules,
      {
        failureCount: failures,
        lastError: message,
        lastRunAt: now,
        nextRunAt: nextRun(schedule.cron, schedule.timezone, now),
        enabled: failures < 10,
        updatedAt: now,
      },
      eq(schedules.id, schedule.id),
    );
    this.host.emit('schedule.failed', { schedule_id: schedule.id, error: message, failure_count: failures });
  }

  // ─── Messages ────────────────────────────────────────────────────────────────────────

  async postMessage(actor: Actor, input: { agent: string; body: string; thread_id?: string | null }) {
    const scope = this.scope;
    const agent = await requireAgent(scope, input.agent);
    let threadId = input.thread_id ?? null;
    const now = Date.now();
    if (threadId) {
      if (!(await scope.first(threads, eq(threads.id, threadId))))
        throw new ApiError('not_found', 'No such thread.', [{ field: 'thread_id', message: 'Unknown thread.' }]);
    }
    const statements = [];
    if (!threadId) {
      threadId = newId('thr', now);
      statements.push(scope.insertRows(threads, { id: threadId, subject: titleFrom(input.body), kind: 'human_agent' }));
    }
    const messageId = newId('msg', now);
    statements.push(
      scope.insertRows(messages, {
        id: messageId,
        threadId,
        senderType: actor.type === 'user' || actor.type === 'api_key' ? actor.type : 'system',
        senderId: actor.id,
        recipientType: 'agent',
        recipientId: agent.id,
        type: 'direct',
        body: input.body,
      }),
      scope.updateRows(threads, { updatedAt: now }, eq(threads.id, threadId)),
      this.record(
        'message.created',
        actor,
        { type: 'message', id: messageId },
        { message_id: messageId, thread_id: threadId, sender_type: actor.type, recipient_id: agent.id },
      ),
    );
    await scope.batch(statements as [(typeof statements)[number], ...(typeof statements)[number][]]);
    const { task } = await this.createTask(
      actor,
      { agent: agent.id, description: input.body, priority: 'normal', depends_on: [], max_attempts: 3 },
      null,
      {
        metadata: { thread_id: threadId, message_id: messageId },
      },
    );
    await scope.updateRows(messages, { taskId: task.id }, eq(messages.id, messageId));
    return { thread_id: threadId, message_id: messageId, task };
  }
}

/**
 * The org's store, plus: a batch writes the events recorded for it in the same transaction
 * (each gets the org's next sequence number) and publishes them only after it commits.
 */
class PublishingStore extends OrgStore {
  /** Events of the transition being written. */
  pending: Array<{ type: OrgEventType; data: JsonObject }> = [];

  constructor(private readonly host: EngineHost) {
    super(host.store.db, host.store.storage);
  }

  override batch(statements: readonly Statement[]): void {
    const recorded = this.pending;
    this.pending = [];
    const events = this.transaction(() => {
      for (const statement of statements) statement.run();
      return this.host.appendEvents(recorded);
    });
    this.host.broadcast(events);
  }
}

function chunk(content: string): string[] {
  if (content.length <= STEP_CHUNK_CHARS) return [content];
  const parts: string[] = [];
  for (let i = 0; i < content.length; i += STEP_CHUNK_CHARS) parts.push(content.slice(i, i + STEP_CHUNK_CHARS));
  return parts;
}

function filterTools(tools: ToolSet, allowed: string[]): ToolSet {
  // finish_task is always available: a run must be able to end.
  return Object.fromEntries(Object.entries(tools).filter(([name]) => name === 'finish_task' || allowed.includes(name)));
}
