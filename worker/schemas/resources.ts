/** OpenAPI response schemas of the public API's resources (snake_case; docs/architecture.md). */
import { z } from '@hono/zod-openapi';

const usage = z.object({
  agent_ms: z.number(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  cost_usd: z.number(),
});
const agentRef = z.object({ id: z.string(), slug: z.string(), name: z.string() });

export const TaskSchema = z
  .object({
    id: z.string().openapi({ example: 'tsk_01jd9k3m4n5p6q7r8s9t0v1w2x' }),
    agent: agentRef,
    title: z.string(),
    description: z.string(),
    status: z.enum([
      'pending',
      'queued',
      'running',
      'awaiting_approval',
      'blocked',
      'completed',
      'failed',
      'cancelled',
    ]),
    waiting_reason: z.enum(['quota']).nullable().openapi({
      description:
        'Why a pending task is held back for the org: `quota` when the month’s agent-minutes are used up (it starts when the period rolls over or the plan grows); null otherwise.',
    }),
    priority: z.enum(['low', 'normal', 'high', 'urgent']),
    progress: z.number(),
    depends_on: z.array(z.string()),
    parent_id: z.string().nullable(),
    result: z.string().nullable(),
    error: z.string().nullable(),
    attempts: z.number(),
    max_attempts: z.number(),
    creator: z.object({ type: z.string(), id: z.string().nullable() }),
    metadata: z.record(z.string(), z.unknown()),
    scheduled_for: z.string().nullable(),
    created_at: z.string().nullable(),
    updated_at: z.string().nullable(),
    queued_at: z.string().nullable(),
    started_at: z.string().nullable(),
    completed_at: z.string().nullable(),
    usage,
  })
  .openapi('Task');

const taskSummary = z.object({
  id: z.string(),
  title: z.string(),
  status: z.string(),
  agent: agentRef,
  result: z.string().nullable(),
});

export const RunSchema = z
  .object({
    id: z.string(),
    task_id: z.string(),
    agent_id: z.string(),
    attempt: z.number(),
    provider: z.enum(['simulated', 'anthropic']),
    simulated: z.boolean(),
    model: z.string(),
    outcome: z.string(),
    turns: z.number(),
    error: z.string().nullable(),
    started_at: z.string().nullable(),
    ended_at: z.string().nullable(),
    usage: usage.extend({
      web_search_requests: z.number().openapi({ description: 'Anthropic web searches (charged per search).' }),
      web_fetch_requests: z.number(),
    }),
  })
  .openapi('Run');

export const TaskDetailSchema = TaskSchema.extend({
  dependencies: z.array(taskSummary),
  dependents: z.array(z.string()).openapi({ description: 'Ids of the tasks that wait for this one.' }),
  dependent_tasks: z
    .array(taskSummary)
    .openapi({ description: 'The same tasks as `dependents`, summarized as `dependencies` are.' }),
  children: z.array(taskSummary),
  runs: z.array(RunSchema),
}).openapi('TaskDetail');

export const RunStepSchema = z
  .object({
    seq: z.number(),
    chunk: z.number(),
    type: z.enum(['thinking', 'text', 'tool_use', 'tool_result']),
    tool_name: z.string().nullable(),
    content: z.string(),
    created_at: z.string(),
  })
  .openapi('RunStep');

export const AgentSchema = z
  .object({
    id: z.string().openapi({ example: 'agt_01jd9k3m4n5p6q7r8s9t0v1w2x' }),
    slug: z.string().openapi({ example: 'sable' }),
    name: z.string().openapi({ example: 'Sable' }),
    role: z.string(),
    department: z.string(),
    level: z.string(),
    personality: z.string(),
    model: z.string().nullable(),
    status: z.enum(['idle', 'working', 'blocked', 'offline', 'paused']),
    manager_id: z.string().nullable(),
    tool_permissions: z.array(z.string()),
    tool_policies: z
      .record(z.string(), z.enum(['auto', 'ask', 'never']))
      .openapi({ description: 'Policies set for this agent by tool name; tools not named use their default.' }),
    server_tools: z.array(z.enum(['web_search', 'web_fetch'])),
    avatar_color: z.string(),
    desk: z.object({ x: z.number(), y: z.number() }),
    archived: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Agent');

export const ScheduleSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    cron: z.string().openapi({ example: '0 9 * * 1-5' }),
    timezone: z.string().openapi({ example: 'Europe/Paris' }),
    enabled: z.boolean(),
    task: z.object({
      agent_id: z.string(),
      agent: agentRef,
      title: z.string(),
      description: z.string(),
      priority: z.string(),
    }),
    next_run_at: z.string().nullable(),
    last_run_at: z.string().nullable(),
    failure_count: z.number(),
    last_error: z.string().nullable(),
    created_at: z.string().nullable(),
  })
  .openapi('Schedule');

export const MessageSchema = z
  .object({
    id: z.string(),
    thread_id: z.string(),
    sender: z.object({ type: z.string(), id: z.string().nullable() }),
    recipient: z.object({ type: z.string(), id: z.string().nullable() }),
    type: z.string(),
    body: z.string(),
    task_id: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('Message');

export const ActivitySchema = z
  .object({
    id: z.string(),
    seq: z.number().nullable(),
    type: z.string(),
    actor: z.object({ type: z.string(), id: z.string().nullable() }),
    subject: z.object({ type: z.string().nullable(), id: z.string().nullable() }),
    data: z.record(z.string(), z.unknown()),
    created_at: z.string(),
  })
  .openapi('Activity');

export const list = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), next_cursor: z.string().nullable() });

/** An organization as the caller sees it: plan limits (null = unlimited) and, for a user, their role. */
export const OrganizationSchema = z
  .object({
    id: z.string().openapi({ example: 'org_01jd9k3m4n5p6q7r8s9t0v1w2x' }),
    slug: z.string().openapi({ example: 'acme' }),
    name: z.string().openapi({ example: 'Acme Robotics' }),
    plan: z.string().openapi({ example: 'starter' }),
    subscription_status: z.string().optional(),
    trial_ends_at: z.string().nullable().optional(),
    created_at: z.string().nullable().optional(),
    limits: z.object({
      agents: z.number().nullable(),
      agent_minutes_per_month: z.number().nullable(),
      concurrent_runs: z.number().nullable(),
      api_requests_per_minute: z.number().nullable(),
    }),
    role: z
      .string()
      .optional()
      .openapi({ description: 'Your role in it, when called with a signed-in session; absent for an API key.' }),
  })
  .openapi('Organization');

const usageFigures = {
  agent_ms: z.number().openapi({ description: 'Agent-milliseconds: the wall time agents spent on runs.' }),
  agent_minutes: z.number(),
  runs: z.number(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  cost_usd: z.number(),
};

export const UsageSchema = z
  .object({
    period_start: z.string(),
    period_end: z.string(),
    ...usageFigures,
    limits: z.object({
      agent_minutes_per_month: z.number().nullable(),
      concurrent_runs: z.number().nullable(),
      agents: z.number().nullable(),
    }),
    plan: z.object({ id: z.string(), name: z.string() }),
    quota: z.object({
      limit_agent_ms: z
        .number()
        .nullable()
        .openapi({ description: 'The plan’s agent-minutes in ms; null: unlimited.' }),
      used_percent: z.number().nullable(),
      reached: z.boolean().openapi({ description: 'True when new work waits (`waiting_reason: quota`).' }),
      overage_billed: z
        .boolean()
        .openapi({ description: 'True on plans that keep running past the limit and bill the rest (Pro).' }),
      overage_agent_ms: z.number().openapi({ description: 'Agent-ms beyond the limit (billed as overage on Pro).' }),
      overage_reported_agent_ms: z.number().openapi({ description: 'The part of the overage Stripe has accepted.' }),
    }),
    by_agent: z.array(
      z.object({
        agent: z.object({ id: z.string(), slug: z.string().nullable(), name: z.string() }),
        ...usageFigures,
      }),
    ),
    by_day: z.array(z.object({ date: z.string().openapi({ example: '2026-11-29' }), ...usageFigures })),
  })
  .openapi('Usage');
