/**
 * Every read of an org's data, run inside its OrgHub against its own SQLite. Each entry names
 * its arguments with zod (checked at the RPC boundary) and returns plain data; the Worker and
 * the Remix loaders call them through `orgHub(env, ctx)` (core/org-hub-client.ts), so lists,
 * filters and cursors run in the object's SQL and nothing reads org data from anywhere else.
 * The `api*` reads return the public API's shapes; the others serve the dashboard.
 */
import { and, asc, desc, eq, gt, inArray, lt } from 'drizzle-orm';
import { z } from 'zod';
import { activityData, listRecentActivity, listTaskActivity } from '../core/activity-feed';
import { AgentStatusFilter, agentView, listAgents, requireAgent } from '../core/agents';
import {
  activityLog,
  agentRuns,
  agents,
  messages,
  runSteps,
  tasks,
  threads,
  usagePeriods,
} from '../core/db/org-schema';
import type { OrgStore } from '../core/db/org-store';
import { ApiError } from '../core/errors';
import { billsOverage, effectivePlan, type PlanId, type PlanLimitOverrides } from '../core/plans';
import { getSchedule, listSchedules, scheduleViews } from '../core/schedules';
import {
  agentUsage,
  currentTaskOf,
  listOpenTasks,
  listRunTraces,
  simulatedTaskIds,
  taskSummaries,
} from '../core/task-reads';
import { getTask, getTaskDetail, listTasks, runView, TaskListQuery, viewTasks } from '../core/tasks';
import { listTeam } from '../core/team';
import { getThread, listThreads } from '../core/threads';
import { overageReported, usageBreakdown } from '../core/usage-reads';
import { parseDraft } from './external-email';

const Id = z.string().min(1).max(64);
const Ids = z.array(Id).max(500);
const Page = z.object({ limit: z.number().int().min(1).max(200).default(50), cursor: Id.optional() });
/** A thread's messages, oldest first, after `cursor`. */
const ThreadPage = z.object({ limit: z.number().int().min(1).max(500).default(500), cursor: Id.optional() });

interface ReadContext {
  store: OrgStore;
  plan: PlanId;
  /** Per-org limits over the plan's (Enterprise). */
  limits?: PlanLimitOverrides | null;
}

/** One read: its argument schema (a tuple) and what it does with the org's store. */
function read<A extends z.ZodTuple, R>(args: A, run: (ctx: ReadContext, ...input: z.output<A>) => Promise<R> | R) {
  return { args, run };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const limitOrNull = (value: number) => (Number.isFinite(value) ? value : null);

function messageView(row: typeof messages.$inferSelect) {
  return {
    id: row.id,
    thread_id: row.threadId,
    sender: { type: row.senderType, id: row.senderId },
    recipient: { type: row.recipientType, id: row.recipientId },
    type: row.type,
    body: row.body,
    task_id: row.taskId,
    created_at: new Date(row.createdAt).toISOString(),
  };
}

function monthOf(now: number) {
  const d = new Date(now);
  return {
    start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1),
    end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
  };
}

async function approvals(store: OrgStore, status: 'pending' | 'approved' | 'rejected' | null, limit: number) {
  const rows = await store
    .select(
      messages,
      inArray(messages.type, ['external_draft', 'tool_call']),
      status ? eq(messages.approvalStatus, status) : undefined,
    )
    .orderBy(desc(messages.id))
    .limit(limit);
  const taskIds = [...new Set(rows.map((r) => r.taskId).filter((id): id is string => !!id))];
  const agentIds = [...new Set(rows.map((r) => r.senderId).filter((id): id is string => !!id))];
  const taskRows = taskIds.length
    ? await store.selectFields(
        { id: tasks.id, title: tasks.title, status: tasks.status },
        tasks,
        inArray(tasks.id, taskIds),
      )
    : [];
  const agentRows = agentIds.length
    ? await store.selectFields(
        { id: agents.id, slug: agents.slug, name: agents.name, color: agents.avatarColor },
        agents,
        inArray(agents.id, agentIds),
      )
    : [];
  return rows.map((row) => ({
    id: row.id,
    status: row.approvalStatus ?? 'pending',
    /** `external_draft`: a message for the outside; `tool_call`: the exact call of a tool set to ask. */
    kind: row.type === 'tool_call' ? ('tool_call' as const) : ('external_draft' as const),
    draft: row.body,
    /** An external draft's channel (`email`, `post`…), from its `Channel:` line. */
    channel: row.type === 'external_draft' ? (parseDraft(row.body)?.channel ?? null) : null,
    /** The approved email's delivery, once it was queued. */
    emailDeliveryId: row.emailDeliveryId,
    task: taskRows.find((task) => task.id === row.taskId) ?? null,
    agent: agentRows.find((agent) => agent.id === row.senderId) ?? null,
    createdAt: row.createdAt,
    decidedAt: row.decidedAt,
  }));
}

export const ORG_READS = {
  // ─── Public API shapes ─────────────────────────────────────────────────────────────────
  apiListTasks: read(z.tuple([TaskListQuery]), ({ store }, query) => listTasks(store, query)),
  apiGetTask: read(z.tuple([Id]), ({ store }, id) => getTaskDetail(store, id)),
  apiTaskRuns: read(z.tuple([Id]), async ({ store }, id) => {
    const task = await getTask(store, id);
    const runs = await store.select(agentRuns, eq(agentRuns.taskId, task.id)).orderBy(asc(agentRuns.attempt));
    return { data: runs.map(runView), next_cursor: null };
  }),
  apiRunSteps: read(z.tuple([Id]), async ({ store }, runId) => {
    const run = await store.first(agentRuns, eq(agentRuns.id, runId));
    if (!run) throw new ApiError('not_found', 'No such run.');
    const steps = await store
      .select(runSteps, eq(runSteps.runId, run.id))
      .orderBy(asc(runSteps.seq), asc(runSteps.chunk));
    return {
      data: steps.map((s) => ({
        seq: s.seq,
        chunk: s.chunk,
        type: s.type,
        tool_name: s.toolName,
        content: s.content,
        created_at: iso(s.createdAt)!,
      })),
      next_cursor: null,
    };
  }),
  apiListAgents: read(
    z.tuple([z.object({ status: AgentStatusFilter.optional(), includeArchived: z.boolean().optional() })]),
    async ({ store }, filter) => (await listAgents(store, filter)).map(agentView),
  ),
  apiGetAgent: read(z.tuple([Id]), async ({ store }, ref) => agentView(await requireAgent(store, ref))),
  apiActivity: read(z.tuple([Page]), async ({ store }, { limit, cursor }) => {
    const rows = await store
      .select(activityLog, cursor ? lt(activityLog.id, cursor) : undefined)
      .orderBy(desc(activityLog.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    return {
      data: page.map((row) => ({
        id: row.id,
        seq: row.seq,
        type: row.type,
        actor: { type: row.actorType, id: row.actorId },
        subject: { type: row.subjectType, id: row.subjectId },
        data: activityData(row),
        created_at: iso(row.createdAt)!,
      })),
      next_cursor: rows.length > limit ? page[page.length - 1]!.id : null,
    };
  }),
  apiUsage: read(z.tuple([]), async ({ store, plan: planId, limits: overrides }) => {
    const period = monthOf(Date.now());
    const row = await store.first(usagePeriods, eq(usagePeriods.periodStart, period.start));
    const plan = effectivePlan({ plan: planId, limits: overrides });
    const agentMs = row?.agentMs ?? 0;
    const limitMs = Number.isFinite(plan.limits.agentMinutesPerMonth)
      ? plan.limits.agentMinutesPerMonth * 60_000
      : null;
    const overage = await overageReported(store, period.start);
    return {
      plan: { id: plan.id, name: plan.name },
      quota: {
        limit_agent_ms: limitMs,
        used_percent: limitMs === null ? null : limitMs === 0 ? 100 : Math.round((agentMs / limitMs) * 1000) / 10,
        reached: limitMs !== null && agentMs >= limitMs && !billsOverage(plan.id),
        overage_billed: billsOverage(plan.id),
        overage_agent_ms: limitMs === null ? 0 : Math.max(0, agentMs - limitMs),
        overage_reported_agent_ms: overage.sent,
      },
      ...(await usageBreakdown(store, period)),
      period_start: iso(period.start)!,
      period_end: iso(period.end)!,
      agent_ms: agentMs,
      agent_minutes: Math.round((agentMs / 60_000) * 100) / 100,
      runs: row?.runs ?? 0,
      input_tokens: row?.inputTokens ?? 0,
      output_tokens: row?.outputTokens ?? 0,
      cost_usd: (row?.costMicroUsd ?? 0) / 1_000_000,
      limits: {
        agent_minutes_per_month: limitOrNull(plan.limits.agentMinutesPerMonth),
        concurrent_runs: limitOrNull(plan.limits.concurrentRuns),
        agents: limitOrNull(plan.limits.agents),
      },
    };
  }),
  apiApprovals: read(z.tuple([z.enum(['pending', 'approved', 'rejected'])]), async ({ store }, status) => ({
    data: (await approvals(store, status, 100)).map(
      ({ createdAt, decidedAt, agent, channel: _channel, emailDeliveryId: _delivery, ...approval }) => ({
        ...approval,
        agent: agent ? { id: agent.id, slug: agent.slug, name: agent.name } : null,
        created_at: iso(createdAt)!,
        decided_at: iso(decidedAt),
      }),
    ),
    next_cursor: null,
  })),
  apiMessages: read(z.tuple([Page]), async ({ store }, { limit, cursor }) => {
    const rows = await store
      .select(messages, cursor ? lt(messages.id, cursor) : undefined)
      .orderBy(desc(messages.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    return { data: page.map(messageView), next_cursor: rows.length > limit ? page[page.length - 1]!.id : null };
  }),
  apiThread: read(z.tuple([Id, ThreadPage]), async ({ store }, id, { limit, cursor }) => {
    const thread = await store.first(threads, eq(threads.id, id));
    if (!thread) throw new ApiError('not_found', 'No such thread.');
    const rows = await store
      .select(messages, and(eq(messages.threadId, thread.id), cursor ? gt(messages.id, cursor) : undefined))
      .orderBy(asc(messages.id))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    return {
      id: thread.id,
      subject: thread.subject,
      kind: thread.kind,
      created_at: iso(thread.createdAt)!,
      messages: page.map(messageView),
      next_cursor: rows.length > limit ? page[page.length - 1]!.id : null,
    };
  }),
  apiListSchedules: read(z.tuple([]), async ({ store }) => ({
    data: await scheduleViews(store, await listSchedules(store)),
    next_cursor: null,
  })),
  apiGetSchedule: read(
    z.tuple([Id]),
    async ({ store }, id) => (await scheduleViews(store, [await getSchedule(store, id)]))[0]!,
  ),

  // ─── Dashboard ─────────────────────────────────────────────────────────────────────────
  team: read(z.tuple([]), ({ store }) => listTeam(store)),
  agents: read(z.tuple([z.object({ includeArchived: z.boolean().optional() })]), ({ store }, filter) =>
    listAgents(store, filter),
  ),
  agent: read(z.tuple([Id]), ({ store }, ref) => requireAgent(store, ref)),
  agentUsage: read(z.tuple([Id]), ({ store }, agentId) => agentUsage(store, agentId)),
  currentTasks: read(z.tuple([Ids]), async ({ store }, agentIds) =>
    Object.fromEntries(await currentTaskOf(store, agentIds)),
  ),
  tasks: read(z.tuple([TaskListQuery.partial()]), ({ store }, query) => listTasks(store, TaskListQuery.parse(query))),
  taskDetail: read(z.tuple([Id]), ({ store }, id) => getTaskDetail(store, id)),
  taskViews: read(z.tuple([Ids]), async ({ store }, ids) =>
    viewTasks(store, ids.length ? await store.select(tasks, inArray(tasks.id, ids)) : []),
  ),
  openTasks: read(z.tuple([z.number().int().min(1).max(500).optional()]), ({ store }, limit) =>
    listOpenTasks(store, limit),
  ),
  taskSummaries: read(z.tuple([Ids]), ({ store }, ids) => taskSummaries(store, ids)),
  simulatedTaskIds: read(z.tuple([Ids]), async ({ store }, ids) => [...(await simulatedTaskIds(store, ids))]),
  runTraces: read(z.tuple([Ids]), ({ store }, runIds) => listRunTraces(store, runIds)),
  taskActivity: read(z.tuple([Id]), ({ store }, taskId) => listTaskActivity(store, taskId)),
  recentActivity: read(
    z.tuple([
      z.object({
        limit: z.number().int().min(1).max(200).optional(),
        cursor: Id.optional(),
        excludeTypes: z.array(z.string().max(64)).max(50).optional(),
      }),
    ]),
    ({ store }, options) => listRecentActivity(store, options),
  ),
  threads: read(z.tuple([z.object({ limit: z.number().int().min(1).max(100).optional() })]), ({ store }, options) =>
    listThreads(store, options),
  ),
  thread: read(z.tuple([Id]), ({ store }, id) => getThread(store, id)),
  schedules: read(z.tuple([]), ({ store }) => listSchedules(store)),
  approvals: read(z.tuple([z.number().int().min(1).max(200)]), ({ store }, limit) => approvals(store, null, limit)),
  /** Whether the task exists here (SSE checks before opening a stream). */
  taskExists: read(z.tuple([Id]), async ({ store }, id) => {
    await getTask(store, id);
    return true;
  }),
} as const;

export type OrgReads = typeof ORG_READS;
export type OrgReadName = keyof OrgReads;
export const ORG_READ_NAMES = Object.keys(ORG_READS) as OrgReadName[];
