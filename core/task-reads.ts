/**
 * Task reads the dashboard needs beyond core/tasks.ts, through the org-scoped layer: open
 * tasks to depend on, short summaries by id, which tasks ran on the simulated model, a run's
 * trace (run_steps, chunks joined back together) and an agent's usage.
 */
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { OrgStore } from './db/org-store';
import { agentRuns, agents, runSteps, tasks } from './db/org-schema';
import type { TaskStatus } from './vocabulary';

export const OPEN_STATUSES = [
  'pending',
  'queued',
  'running',
  'awaiting_approval',
  'blocked',
] as const satisfies readonly TaskStatus[];

export interface TaskSummary {
  id: string;
  title: string;
  status: TaskStatus;
  agent: { id: string; slug: string; name: string; avatarColor: string };
}

async function summarize(
  scope: OrgStore,
  rows: Array<{ id: string; title: string; status: TaskStatus; agentId: string }>,
): Promise<TaskSummary[]> {
  if (rows.length === 0) return [];
  const agentRows = await scope.selectFields(
    { id: agents.id, slug: agents.slug, name: agents.name, avatarColor: agents.avatarColor },
    agents,
    inArray(agents.id, [...new Set(rows.map((row) => row.agentId))]),
  );
  const byId = new Map(agentRows.map((agent) => [agent.id, agent]));
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    status: row.status,
    agent: byId.get(row.agentId) ?? { id: row.agentId, slug: 'unknown', name: 'Unknown', avatarColor: '#64748b' },
  }));
}

const summaryFields = { id: tasks.id, title: tasks.title, status: tasks.status, agentId: tasks.agentId };

/** Tasks that have not ended, newest first: what a new task can depend on. */
export async function listOpenTasks(scope: OrgStore, limit = 100): Promise<TaskSummary[]> {
  const rows = await scope
    .selectFields(summaryFields, tasks, inArray(tasks.status, [...OPEN_STATUSES]))
    .orderBy(desc(tasks.id))
    .limit(limit);
  return summarize(scope, rows);
}

/** Summaries of the given tasks (unknown ids are left out), in the order asked. */
export async function taskSummaries(scope: OrgStore, ids: string[]): Promise<TaskSummary[]> {
  if (ids.length === 0) return [];
  const rows = await scope.selectFields(summaryFields, tasks, inArray(tasks.id, ids));
  const summaries = await summarize(scope, rows);
  const order = new Map(ids.map((id, index) => [id, index]));
  return summaries.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}

/** The ids among `taskIds` that have at least one run on the simulated model. */
export async function simulatedTaskIds(scope: OrgStore, taskIds: string[]): Promise<Set<string>> {
  if (taskIds.length === 0) return new Set();
  const rows = await scope
    .selectFields(
      { taskId: agentRuns.taskId },
      agentRuns,
      inArray(agentRuns.taskId, taskIds),
      eq(agentRuns.provider, 'simulated'),
    )
    .groupBy(agentRuns.taskId);
  return new Set(rows.map((row) => row.taskId));
}

export interface TraceStep {
  seq: number;
  type: (typeof runSteps.$inferSelect)['type'];
  toolName: string | null;
  content: string;
  createdAt: number;
}

/** The traces of the given runs, each in order, with a step's chunks joined back into one. */
export async function listRunTraces(scope: OrgStore, runIds: string[]): Promise<Record<string, TraceStep[]>> {
  const out: Record<string, TraceStep[]> = Object.fromEntries(runIds.map((id) => [id, []]));
  if (runIds.length === 0) return out;
  const rows = await scope
    .select(runSteps, inArray(runSteps.runId, runIds))
    .orderBy(asc(runSteps.runId), asc(runSteps.seq), asc(runSteps.chunk))
    .limit(5_000);
  for (const row of rows) {
    const steps = (out[row.runId] ??= []);
    const last = steps[steps.length - 1];
    if (last && last.seq === row.seq) last.content += row.content;
    else
      steps.push({
        seq: row.seq,
        type: row.type,
        toolName: row.toolName,
        content: row.content,
        createdAt: row.createdAt,
      });
  }
  return out;
}

export interface AgentUsage {
  tasks: number;
  completed: number;
  agentMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** Totals over every task the agent was given. */
export async function agentUsage(scope: OrgStore, agentId: string): Promise<AgentUsage> {
  const [row] = await scope.selectFields(
    {
      tasks: sql<number>`count(*)`,
      completed: sql<number>`coalesce(sum(case when ${tasks.status} = 'completed' then 1 else 0 end), 0)`,
      agentMs: sql<number>`coalesce(sum(${tasks.agentMs}), 0)`,
      inputTokens: sql<number>`coalesce(sum(${tasks.inputTokens}), 0)`,
      outputTokens: sql<number>`coalesce(sum(${tasks.outputTokens}), 0)`,
      costMicroUsd: sql<number>`coalesce(sum(${tasks.costMicroUsd}), 0)`,
    },
    tasks,
    and(eq(tasks.agentId, agentId)),
  );
  return {
    tasks: Number(row?.tasks ?? 0),
    completed: Number(row?.completed ?? 0),
    agentMs: Number(row?.agentMs ?? 0),
    inputTokens: Number(row?.inputTokens ?? 0),
    outputTokens: Number(row?.outputTokens ?? 0),
    costUsd: Number(row?.costMicroUsd ?? 0) / 1_000_000,
  };
}

export type CurrentTask = { id: string; title: string; progress: number };

/** The task an agent is running now, if any. */
export async function currentTaskOf(scope: OrgStore, agentIds: string[]): Promise<Map<string, CurrentTask>> {
  if (agentIds.length === 0) return new Map();
  const rows = await scope
    .selectFields(
      { id: tasks.id, title: tasks.title, progress: tasks.progress, agentId: tasks.agentId },
      tasks,
      eq(tasks.status, 'running'),
      inArray(tasks.agentId, agentIds),
    )
    .orderBy(desc(tasks.startedAt));
  const out = new Map<string, CurrentTask>();
  for (const row of rows)
    if (!out.has(row.agentId)) out.set(row.agentId, { id: row.id, title: row.title, progress: row.progress });
  return out;
}
