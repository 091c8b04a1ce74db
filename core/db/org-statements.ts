/**
 * The statements an OrgHub runs on every request, transition and run, prepared once per object.
 * drizzle builds a query's SQL each time it runs; on the hot path that building was about a
 * fifth of the hub's CPU (bench/README.md, "profile"). A prepared statement builds it once and
 * then only binds values. Each is built on first use, so a waking object pays only for what it
 * runs. Everything else goes through OrgStore's builders.
 */
import { and, asc, desc, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import { PRIORITY_RANK } from '../vocabulary';
import {
  activeRuns,
  activityLog,
  agentNotes,
  agentRuns,
  agents,
  mcpConnections,
  messages,
  meta,
  runDeliveries,
  taskDependencies,
  taskStatusCounts,
  tasks,
  toolCalls,
  usagePeriods,
} from './org-schema';
import { unionAll } from 'drizzle-orm/sqlite-core';
import type { OrgDb } from './org-store';

const p = sql.placeholder;

/** PRIORITY_RANK in SQL (core/vocabulary.ts): admission order, ascending, then age by id. */
const priorityRank = sql.raw(
  `CASE priority ${Object.entries(PRIORITY_RANK)
    .map(([name, rank]) => `WHEN '${name}' THEN ${rank}`)
    .join(' ')} END`,
);

/** The ids of a task's dependencies, as a JSON array (unordered: the view sorts them). */
const dependsOnJson = sql<string>`(SELECT json_group_array(${taskDependencies.dependsOnId}) FROM ${taskDependencies} WHERE ${taskDependencies.taskId} = ${tasks.id})`;

const agentRef = { id: agents.id, slug: agents.slug, name: agents.name };
const relatedTask = {
  id: tasks.id,
  agentId: tasks.agentId,
  title: tasks.title,
  status: tasks.status,
  result: tasks.result,
};

/** Lazily built, memoized properties: `build()` runs on first access only. */
function lazily<T extends Record<string, () => unknown>>(builders: T): { readonly [K in keyof T]: ReturnType<T[K]> } {
  const out = {} as { [K in keyof T]: ReturnType<T[K]> };
  for (const [name, build] of Object.entries(builders)) {
    Object.defineProperty(out, name, {
      configurable: true,
      enumerable: true,
      get() {
        const value = build();
        Object.defineProperty(out, name, { value, enumerable: true });
        return value;
      },
    });
  }
  return out;
}

export type OrgStatements = ReturnType<typeof prepareOrgStatements>;

export function prepareOrgStatements(db: OrgDb) {
  return lazily({
    // ─── Tasks ───────────────────────────────────────────────────────────────────────────
    taskById: () =>
      db
        .select()
        .from(tasks)
        .where(eq(tasks.id, p('id')))
        .prepare(),
    /** A task with its agent and dependency ids: everything the API's task shape needs. */
    taskView: () =>
      db
        .select({ task: tasks, agentSlug: agents.slug, agentName: agents.name, dependsOn: dependsOnJson })
        .from(tasks)
        .leftJoin(agents, eq(agents.id, tasks.agentId))
        .where(eq(tasks.id, p('id')))
        .prepare(),
    taskByIdempotencyKey: () =>
      db
        .select()
        .from(tasks)
        .where(eq(tasks.idempotencyKey, p('key')))
        .prepare(),
    insertTask: () =>
      db
        .insert(tasks)
        .values({
          id: p('id'),
          agentId: p('agentId'),
          creatorType: p('creatorType'),
          creatorId: p('creatorId'),
          parentId: p('parentId'),
          title: p('title'),
          description: p('description'),
          priority: p('priority'),
          status: p('status'),
          error: p('error'),
          maxAttempts: p('maxAttempts'),
          attemptBudget: p('maxAttempts'),
          idempotencyKey: p('idempotencyKey'),
          requestHash: p('requestHash'),
          metadata: p('metadata'),
          scheduledFor: p('scheduledFor'),
          createdAt: p('now'),
          updatedAt: p('now'),
        })
        .prepare(),
    /** A run's successful end: the task is completed with its result. */
    completeTask: () =>
      db
        .update(tasks)
        .set({
          status: 'completed',
          result: sql`${p('result')}`,
          error: null,
          progress: 100,
          completedAt: sql`${p('now')}`,
          updatedAt: sql`${p('now')}`,
        })
        .where(eq(tasks.id, p('id')))
        .prepare(),
    /** Pending and queued tasks (the plan's queue depth), from the trigger-kept counts. */
    countWaiting: () =>
      db
        .select({ n: sql<number>`coalesce(sum(${taskStatusCounts.n}), 0)` })
        .from(taskStatusCounts)
        .where(inArray(taskStatusCounts.status, ['pending', 'queued']))
        .prepare(),
    /**
     * The tasks related to task `id`, each with its agent and how it is related: a dependency,
     * a dependent or a child (the detail's summaries, in one statement).
     */
    relationsOf: () => {
      const related = (relation: 'dependency' | 'dependent' | 'child') =>
        db
          .select({ relation: sql<typeof relation>`${relation}`.as('relation'), task: relatedTask, agent: agentRef })
          .from(tasks)
          .leftJoin(agents, eq(agents.id, tasks.agentId));
      return unionAll(
        related('dependency').where(
          inArray(
            tasks.id,
            db
              .select({ id: taskDependencies.dependsOnId })
              .from(taskDependencies)
              .where(eq(taskDependencies.taskId, p('id'))),
          ),
        ),
        related('dependent').where(
          inArray(
            tasks.id,
            db
              .select({ id: taskDependencies.taskId })
              .from(taskDependencies)
              .where(eq(taskDependencies.dependsOnId, p('id'))),
          ),
        ),
        related('child').where(eq(tasks.parentId, p('id'))),
      ).prepare();
    },
    /** Id and status of each task `id` depends on. */
    dependencyStatuses: () =>
      db
        .select({ id: tasks.id, status: tasks.status })
        .from(taskDependencies)
        .innerJoin(tasks, eq(tasks.id, taskDependencies.dependsOnId))
        .where(eq(taskDependencies.taskId, p('id')))
        .prepare(),
    /** Ids of the tasks that depend on `id`. */
    dependentsOf: () =>
      db
        .select({ taskId: taskDependencies.taskId })
        .from(taskDependencies)
        .where(eq(taskDependencies.dependsOnId, p('id')))
        .orderBy(asc(taskDependencies.taskId))
        .prepare(),
    runsOfTask: () =>
      db
        .select()
        .from(agentRuns)
        .where(eq(agentRuns.taskId, p('id')))
        .orderBy(asc(agentRuns.attempt))
        .prepare(),

    // ─── Admission ───────────────────────────────────────────────────────────────────────
    /** Tasks holding a run slot. */
    occupying: () =>
      db
        .select({ id: tasks.id, agentId: tasks.agentId })
        .from(tasks)
        .where(inArray(tasks.status, ['queued', 'running']))
        .prepare(),
    usageOfPeriod: () =>
      db
        .select()
        .from(usagePeriods)
        .where(eq(usagePeriods.periodStart, p('periodStart')))
        .prepare(),
    /**
     * For each agent that could start a task now (not paused or archived, nothing queued or
     * running), its first pending task in admission order whose dependencies are all final.
     * One agent's backlog is read through its own index range, so admission after a run
     * costs that agent's backlog, not the org's. (Outer columns are written out as
     * `agents.id` / `tasks.id`: drizzle leaves a one-table select's columns unqualified, which
     * inside the subquery would name the subquery's own table.)
     */
    nextTaskPerIdleAgent: () =>
      db
        .select({
          agentId: agents.id,
          taskId: sql<string | null>`(
            SELECT t.id FROM ${tasks} t
            WHERE t.agent_id = agents.id AND t.status = 'pending'
              AND coalesce(t.scheduled_for, 0) <= ${p('now')}
              AND NOT EXISTS (
                SELECT 1 FROM ${taskDependencies} d JOIN ${tasks} dep ON dep.id = d.depends_on_id
                WHERE d.task_id = t.id AND dep.status NOT IN ('completed', 'failed', 'cancelled'))
            ORDER BY ${priorityRank}, t.id LIMIT 1)`,
        })
        .from(agents)
        .where(
          and(
            ne(agents.status, 'paused'),
            isNull(agents.archivedAt),
            sql`NOT EXISTS (SELECT 1 FROM ${tasks} b WHERE b.agent_id = ${agents.id} AND b.status IN ('queued', 'running'))`,
          ),
        )
        .prepare(),
    /** What admission needs of its candidates (ids as a JSON array), with a failed dependency if any. */
    admissionCandidates: () =>
      db
        .select({
          id: tasks.id,
          agentId: tasks.agentId,
          attempts: tasks.attempts,
          rank: sql<number>`${priorityRank}`,
          failedDependency: sql<string | null>`(
            SELECT dep.id || ' ' || dep.status FROM ${taskDependencies} d JOIN ${tasks} dep ON dep.id = d.depends_on_id
            WHERE d.task_id = tasks.id AND dep.status IN ('failed', 'cancelled') LIMIT 1)`,
        })
        .from(tasks)
        .where(sql`${tasks.id} IN (SELECT value FROM json_each(${p('ids')}))`)
        .prepare(),
    claimTask: () =>
      db
        .update(tasks)
        .set({
          status: 'queued',
          attempts: sql`${p('attempt')}`,
          queuedAt: sql`${p('now')}`,
          updatedAt: sql`${p('now')}`,
        })
        .where(and(eq(tasks.id, p('id')), eq(tasks.status, 'pending')))
        .returning({ id: tasks.id })
        .prepare(),
    /** The next moments the engine must wake for: a scheduled task, a schedule, runs in flight. */
    nextWake: () =>
      db
        .select({
          nextTask: sql<
            number | null
          >`(SELECT MIN(scheduled_for) FROM ${tasks} WHERE status = 'pending' AND scheduled_for > ${p('now')})`,
          nextSchedule: sql<number | null>`(SELECT MIN(next_run_at) FROM schedules WHERE enabled = 1)`,
          inFlight: sql<number>`EXISTS (SELECT 1 FROM ${tasks} WHERE status IN ('queued', 'running'))`,
        })
        .from(sql`(SELECT 1)`)
        .prepare(),

    // ─── Runs ────────────────────────────────────────────────────────────────────────────
    agentById: () =>
      db
        .select()
        .from(agents)
        .where(eq(agents.id, p('id')))
        .prepare(),
    /** An unarchived agent by slug (lowercase) or id. */
    agentByRef: () =>
      db
        .select()
        .from(agents)
        .where(and(or(eq(agents.slug, p('slug')), eq(agents.id, p('id'))), isNull(agents.archivedAt)))
        .prepare(),
    roster: () => db.select().from(agents).where(isNull(agents.archivedAt)).prepare(),
    unreadFor: () =>
      db
        .select()
        .from(messages)
        .where(
          and(eq(messages.recipientType, 'agent'), eq(messages.recipientId, p('agentId')), isNull(messages.readAt)),
        )
        .orderBy(asc(messages.id))
        .limit(10)
        .prepare(),
    notesOf: () =>
      db
        .select()
        .from(agentNotes)
        .where(eq(agentNotes.agentId, p('agentId')))
        .orderBy(asc(agentNotes.key))
        .limit(50)
        .prepare(),
    /** The org's latest activity, as a run's prompt sums it up (not the rows' whole data). */
    recentActivity: () =>
      db
        .select({
          type: activityLog.type,
          subjectType: activityLog.subjectType,
          taskTitle: sql<string | null>`json_extract(${activityLog.data}, '$.task.title')`,
        })
        .from(activityLog)
        .orderBy(desc(activityLog.id))
        .limit(15)
        .prepare(),
    /** Tool calls of a task that a person decided (or that ran), oldest first. */
    decidedToolCallsOf: () =>
      db
        .select()
        .from(toolCalls)
        .where(and(eq(toolCalls.taskId, p('taskId')), inArray(toolCalls.status, ['approved', 'rejected', 'done'])))
        .orderBy(asc(toolCalls.id))
        .prepare(),
    /** The org's MCP connections, oldest first (every run lists their tools). */
    mcpConnectionsInOrder: () => db.select().from(mcpConnections).orderBy(asc(mcpConnections.createdAt)).prepare(),
    /** One value of the hub's key-value `meta` table. */
    metaValue: () =>
      db
        .select({ value: meta.value })
        .from(meta)
        .where(eq(meta.key, p('key')))
        .prepare(),
    /** External drafts of a task that a person approved or rejected. */
    decidedApprovalsOf: () =>
      db
        .select()
        .from(messages)
        .where(
          and(
            eq(messages.taskId, p('taskId')),
            eq(messages.type, 'external_draft'),
            inArray(messages.approvalStatus, ['approved', 'rejected']),
          ),
        )
        .prepare(),
    setTaskProgress: () =>
      db
        .update(tasks)
        .set({ progress: sql`${p('progress')}`, updatedAt: sql`${p('now')}` })
        .where(eq(tasks.id, p('id')))
        .prepare(),
    deliveryOf: () =>
      db
        .select()
        .from(runDeliveries)
        .where(and(eq(runDeliveries.taskId, p('taskId')), eq(runDeliveries.attempt, p('attempt'))))
        .prepare(),
    /** A delivery that started its run (a repeat of it is a duplicate). */
    recordDelivery: () =>
      db
        .insert(runDeliveries)
        .values({ taskId: p('taskId'), attempt: p('attempt'), status: 'started', receivedAt: p('now') })
        .onConflictDoNothing()
        .prepare(),
    startTask: () =>
      db
        .update(tasks)
        .set({
          status: 'running',
          startedAt: sql`coalesce(${tasks.startedAt}, ${p('now')})`,
          updatedAt: sql`${p('now')}`,
        })
        .where(eq(tasks.id, p('id')))
        .prepare(),
    insertRun: () =>
      db
        .insert(agentRuns)
        .values({
          id: p('id'),
          taskId: p('taskId'),
          agentId: p('agentId'),
          attempt: p('attempt'),
          provider: p('provider'),
          model: p('model'),
          outcome: 'running',
          startedAt: p('now'),
        })
        .prepare(),
    endRun: () =>
      db
        .update(agentRuns)
        .set({
          outcome: sql`${p('outcome')}`,
          turns: sql`${p('turns')}`,
          inputTokens: sql`${p('inputTokens')}`,
          outputTokens: sql`${p('outputTokens')}`,
          costMicroUsd: sql`${p('costMicroUsd')}`,
          agentMs: sql`${p('agentMs')}`,
          webSearchRequests: sql`${p('webSearchRequests')}`,
          webFetchRequests: sql`${p('webFetchRequests')}`,
          error: sql`${p('error')}`,
          endedAt: sql`${p('now')}`,
        })
        .where(eq(agentRuns.id, p('id')))
        .prepare(),
    /** A run's usage added to its task's totals. */
    addTaskUsage: () =>
      db
        .update(tasks)
        .set({
          inputTokens: sql`${tasks.inputTokens} + ${p('inputTokens')}`,
          outputTokens: sql`${tasks.outputTokens} + ${p('outputTokens')}`,
          agentMs: sql`${tasks.agentMs} + ${p('agentMs')}`,
          costMicroUsd: sql`${tasks.costMicroUsd} + ${p('costMicroUsd')}`,
          updatedAt: sql`${p('now')}`,
        })
        .where(eq(tasks.id, p('id')))
        .prepare(),
    /** A run's usage added to the period's counters. */
    addPeriodUsage: () =>
      db
        .insert(usagePeriods)
        .values({
          periodStart: p('periodStart'),
          periodEnd: p('periodEnd'),
          agentMs: p('agentMs'),
          runs: 1,
          inputTokens: p('inputTokens'),
          outputTokens: p('outputTokens'),
          costMicroUsd: p('costMicroUsd'),
        })
        .onConflictDoUpdate({
          target: usagePeriods.periodStart,
          set: {
            agentMs: sql`${usagePeriods.agentMs} + excluded.agent_ms`,
            runs: sql`${usagePeriods.runs} + 1`,
            inputTokens: sql`${usagePeriods.inputTokens} + excluded.input_tokens`,
            outputTokens: sql`${usagePeriods.outputTokens} + excluded.output_tokens`,
            costMicroUsd: sql`${usagePeriods.costMicroUsd} + excluded.cost_micro_usd`,
            updatedAt: sql`${p('now')}`,
          },
        })
        .prepare(),
    setAgentStatus: () =>
      db
        .update(agents)
        .set({ status: sql`${p('status')}`, updatedAt: sql`${p('now')}` })
        .where(eq(agents.id, p('id')))
        .prepare(),
    markRunActive: () =>
      db
        .insert(activeRuns)
        .values({ taskId: p('taskId'), attempt: p('attempt'), startedAt: p('now') })
        .onConflictDoUpdate({
          target: activeRuns.taskId,
          set: { attempt: sql`excluded.attempt`, startedAt: sql`excluded.started_at` },
        })
        .prepare(),
    markRunEnded: () =>
      db
        .delete(activeRuns)
        .where(eq(activeRuns.taskId, p('taskId')))
        .prepare(),

    // ─── Activity ────────────────────────────────────────────────────────────────────────
    insertActivity: () =>
      db
        .insert(activityLog)
        .values({
          id: p('id'),
          seq: p('seq'),
          type: p('type'),
          actorType: p('actorType'),
          actorId: p('actorId'),
          subjectType: p('subjectType'),
          subjectId: p('subjectId'),
          data: p('data'),
          createdAt: p('now'),
        })
        .prepare(),
  });
}
