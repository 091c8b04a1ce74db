/**
 * Tasks: input rules, the API shape, and the reads the OrgHub serves (durable-objects/org-reads.ts).
 * Every write goes through the org's OrgHub (durable-objects/task-engine.ts).
 */
import { desc, eq, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { findAgent } from './agents';
import type { OrgStore } from './db/org-store';
import { type agentRuns, agents, taskDependencies, tasks } from './db/org-schema';
import { TASK_PRIORITIES, TASK_STATUSES } from './vocabulary';
import { ApiError, whenFieldsValid } from './errors';
import { FIELD_LIMITS } from './field-limits';
import { cursorField } from './validation';

export type Task = typeof tasks.$inferSelect;
export type AgentRun = typeof agentRuns.$inferSelect;

export const MAX_DESCRIPTION = 16_000;
export const MAX_DEPENDENCIES = 50;
export const FINAL_STATUSES = ['completed', 'failed', 'cancelled'] as const;

/** Metadata keys only the engine sets (a reply's thread, its message, the schedule that made a task). */
export const RESERVED_METADATA_KEYS = ['thread_id', 'message_id', 'schedule_id'] as const;

const MAX_TITLE = FIELD_LIMITS.task.title;
const titleField = z
  .string({ error: 'Give the task a title, or leave it out.' })
  .trim()
  .min(1, 'Give the task a title, or leave it out.')
  .max(MAX_TITLE, `Titles are at most ${MAX_TITLE} characters.`);
const descriptionField = z
  .string({ error: 'Describe the task.' })
  .trim()
  .min(1, 'Describe the task.')
  .max(MAX_DESCRIPTION, `Descriptions are at most ${MAX_DESCRIPTION.toLocaleString('en-US')} characters.`);
const priorityField = z.enum(TASK_PRIORITIES, { error: `Priority is one of: ${TASK_PRIORITIES.join(', ')}.` });

const metadataField = z
  .record(z.string().max(64), z.union([z.string().max(1_000), z.number(), z.boolean(), z.null()]))
  .refine((value) => Object.keys(value).length <= 20, 'At most 20 metadata keys.')
  .superRefine((value, ctx) => {
    for (const key of RESERVED_METADATA_KEYS)
      if (key in value)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `"${key}" is reserved: only the platform sets it (send a message to reply in a thread).`,
        });
  })
  .optional();

export const TaskInput = z.strictObject({
  agent: z.string({ error: 'Name the agent (slug or id), e.g. "sable".' }).trim().min(1).max(64),
  description: descriptionField,
  title: titleField.optional(),
  priority: priorityField.default('normal'),
  depends_on: z.array(z.string().min(1).max(64)).max(MAX_DEPENDENCIES).default([]),
  parent_id: z.string().min(1).max(64).nullable().optional(),
  scheduled_for: z.iso.datetime({ offset: true, error: 'Use an ISO 8601 date-time.' }).nullable().optional(),
  max_attempts: z.number().int().min(1).max(10).default(3),
  metadata: metadataField,
});
export type TaskInput = z.infer<typeof TaskInput>;

export const TaskPatch = z
  .strictObject({
    title: titleField.optional(),
    description: descriptionField.optional(),
    priority: priorityField.optional(),
    depends_on: z.array(z.string().min(1).max(64)).max(MAX_DEPENDENCIES).optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, {
    message: 'Send at least one field to change.',
    when: whenFieldsValid,
  });
export type TaskPatch = z.infer<typeof TaskPatch>;

export const TaskListQuery = z.strictObject({
  status: z.enum(TASK_STATUSES).optional(),
  agent: z.string().max(64).optional(),
  priority: z.enum(TASK_PRIORITIES).optional(),
  q: z.string().trim().max(200).optional(),
  parent_id: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: cursorField('tsk').optional(),
});
export type TaskListQuery = z.infer<typeof TaskListQuery>;

/** A title from the description when none is given: its first line, shortened. */
export function titleFrom(description: string): string {
  const line = description.split('\n')[0]!.trim();
  return line.length <= 80 ? line : `${line.slice(0, 77).trimEnd()}…`;
}

export async function requestHash(input: unknown): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(input)));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export type AgentRef = { id: string; slug: string; name: string };

export function taskView(task: Task, agent: AgentRef, dependsOn: string[]) {
  return {
    id: task.id,
    agent,
    title: task.title,
    description: task.description,
    status: task.status,
    waiting_reason: task.waitingReason ?? null,
    priority: task.priority,
    progress: task.progress,
    depends_on: dependsOn,
    parent_id: task.parentId,
    result: task.result,
    error: task.error,
    attempts: task.attempts,
    max_attempts: task.maxAttempts,
    creator: { type: task.creatorType, id: task.creatorId },
    metadata: task.metadata ?? {},
    scheduled_for: iso(task.scheduledFor),
    created_at: iso(task.createdAt),
    updated_at: iso(task.updatedAt),
    queued_at: iso(task.queuedAt),
    started_at: iso(task.startedAt),
    completed_at: iso(task.completedAt),
    usage: {
      agent_ms: task.agentMs,
      input_tokens: task.inputTokens,
      output_tokens: task.outputTokens,
      cost_usd: task.costMicroUsd / 1_000_000,
    },
  };
}
export type TaskView = ReturnType<typeof taskView>;

export function runView(run: AgentRun) {
  return {
    id: run.id,
    task_id: run.taskId,
    agent_id: run.agentId,
    attempt: run.attempt,
    provider: run.provider,
    simulated: run.provider === 'simulated',
    model: run.model,
    outcome: run.outcome,
    turns: run.turns,
    error: run.error,
    started_at: iso(run.startedAt),
    ended_at: iso(run.endedAt),
    usage: {
      agent_ms: run.agentMs,
      input_tokens: run.inputTokens,
      output_tokens: run.outputTokens,
      cost_usd: run.costMicroUsd / 1_000_000,
      web_search_requests: run.webSearchRequests,
      web_fetch_requests: run.webFetchRequests,
    },
  };
}

/** D1 binds at most 100 parameters per statement: `IN (…)` lists go in chunks below that. */
const MAX_IN_LIST = 90;
export async function inChunks<T>(ids: string[], query: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += MAX_IN_LIST) out.push(...(await query(ids.slice(i, i + MAX_IN_LIST))));
  return out;
}

/** An agent that no longer exists, as a task shows it. */
export const unknownAgent = (id: string): AgentRef => ({ id, slug: 'unknown', name: 'Unknown' });

/** One task in API shape (its agent and dependency ids included), in one prepared statement. */
export function viewTask(scope: OrgStore, id: string): TaskView | undefined {
  const row = scope.statements.taskView.get({ id });
  if (!row) return undefined;
  const agent =
    row.agentSlug === null
      ? unknownAgent(row.task.agentId)
      : { id: row.task.agentId, slug: row.agentSlug, name: row.agentName ?? '' };
  return taskView(row.task, agent, (JSON.parse(row.dependsOn) as string[]).sort());
}

/** Tasks with their agent and dependency ids, in API shape. */
export async function viewTasks(scope: OrgStore, rows: Task[]): Promise<TaskView[]> {
  if (rows.length === 0) return [];
  const agentIds = [...new Set(rows.map((t) => t.agentId))];
  const taskIds = rows.map((t) => t.id);
  const [agentRows, deps] = await Promise.all([
    inChunks(agentIds, (ids) =>
      scope.selectFields({ id: agents.id, slug: agents.slug, name: agents.name }, agents, inArray(agents.id, ids)),
    ),
    inChunks(taskIds, (ids) =>
      scope.selectFields(
        { taskId: taskDependencies.taskId, dependsOnId: taskDependencies.dependsOnId },
        taskDependencies,
        inArray(taskDependencies.taskId, ids),
      ),
    ),
  ]);
  const agentById = new Map(agentRows.map((a) => [a.id, a]));
  const depsByTask = new Map<string, string[]>();
  for (const dep of deps) depsByTask.set(dep.taskId, [...(depsByTask.get(dep.taskId) ?? []), dep.dependsOnId]);
  return rows.map((task) =>
    taskView(task, agentById.get(task.agentId) ?? unknownAgent(task.agentId), depsByTask.get(task.id)?.sort() ?? []),
  );
}

export async function getTask(scope: OrgStore, id: string): Promise<Task> {
  const task = scope.statements.taskById.get({ id });
  if (!task) throw new ApiError('not_found', 'No such task.');
  return task;
}

/** `column` contains `text` as typed: a % or _ in it matches itself, which LIKE does only with an ESCAPE clause. */
function contains(column: SQLiteColumn, text: string): SQL {
  const pattern = `%${text.replace(/[%_\\]/g, (ch) => `\\${ch}`)}%`;
  return sql`${column} LIKE ${pattern} ESCAPE '\\'`;
}

export async function listTasks(scope: OrgStore, query: TaskListQuery) {
  let agentId: string | undefined;
  if (query.agent) {
    // The agent in service by that slug, else a deleted one (its slug may since be someone else's).
    const agent =
      (await findAgent(scope, query.agent)) ??
      (await scope.first(agents, or(eq(agents.slug, query.agent.toLowerCase()), eq(agents.id, query.agent))));
    if (!agent) return { data: [], next_cursor: null };
    agentId = agent.id;
  }
  const rows = await scope
    .select(
      tasks,
      query.status ? eq(tasks.status, query.status) : undefined,
      agentId ? eq(tasks.agentId, agentId) : undefined,
      query.priority ? eq(tasks.priority, query.priority) : undefined,
      query.parent_id ? eq(tasks.parentId, query.parent_id) : undefined,
      query.q ? or(contains(tasks.title, query.q), contains(tasks.description, query.q)) : undefined,
      query.cursor ? lt(tasks.id, query.cursor) : undefined,
    )
    .orderBy(desc(tasks.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  return {
    data: await viewTasks(scope, page),
    next_cursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
  };
}

/** A task with what the detail page needs: dependencies, children and runs. */
export async function getTaskDetail(scope: OrgStore, id: string) {
  const view = viewTask(scope, id);
  if (!view) throw new ApiError('not_found', 'No such task.');
  const related = scope.statements.relationsOf.all({ id }).sort((a, b) => (a.task.id < b.task.id ? -1 : 1));
  const summaries = (relation: (typeof related)[number]['relation']) =>
    related.filter((r) => r.relation === relation).map(summary);
  return {
    ...view,
    dependencies: summaries('dependency'),
    dependents: related.filter((r) => r.relation === 'dependent').map((r) => r.task.id),
    dependent_tasks: summaries('dependent'),
    children: summaries('child'),
    runs: scope.statements.runsOfTask.all({ id }).map(runView),
  };
}

function summary({
  task,
  agent,
}: {
  task: Pick<Task, 'id' | 'agentId' | 'title' | 'status' | 'result'>;
  agent: AgentRef | null;
}) {
  return {
    id: task.id,
    title: task.title,
    status: task.status,
    agent: agent ?? unknownAgent(task.agentId),
    result: task.result,
  };
}

/** All ancestors in the dependency graph of `taskIds` reach `target`? Used to refuse cycles. */
export async function dependsTransitively(scope: OrgStore, from: string[], target: string): Promise<boolean> {
  const seen = new Set<string>();
  let frontier = from;
  while (frontier.length > 0) {
    if (frontier.includes(target)) return true;
    for (const id of frontier) seen.add(id);
    const next = await scope.selectFields(
      { id: taskDependencies.dependsOnId },
      taskDependencies,
      inArray(taskDependencies.taskId, frontier),
    );
    frontier = [...new Set(next.map((row) => row.id))].filter((id) => !seen.has(id));
  }
  return false;
}

export function isFinal(status: string): boolean {
  return (FINAL_STATUSES as readonly string[]).includes(status);
}
