/**
 * An org's own data, in its OrgHub's SQLite storage (one database per org, so no table has an
 * organization_id: the object is the tenant boundary). drizzle's durable-sqlite driver reads
 * and writes it; `npm run db:generate` writes the migrations the object applies on start
 * (durable-objects/migrations/). Times are integer milliseconds since the epoch; money is
 * integer micro-dollars.
 */
import { sql } from 'drizzle-orm';
import {
  type AnySQLiteColumn,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';
import {
  AGENT_STATUSES,
  type ServerToolName,
  TASK_PRIORITIES,
  TASK_STATUSES,
  TASK_WAITING_REASONS,
  type TaskPriority,
  type ToolPolicy,
} from '../vocabulary';

const createdAt = () => integer('created_at', { mode: 'number' }).notNull().default(sql`(unixepoch() * 1000)`);
const updatedAt = () => integer('updated_at', { mode: 'number' }).notNull().default(sql`(unixepoch() * 1000)`);

export const agents = sqliteTable(
  'agents',
  {
    id: text('id').primaryKey(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    role: text('role').notNull(),
    department: text('department').notNull(),
    level: text('level').notNull(),
    personality: text('personality').notNull(),
    /** Null: the org's default model. */
    model: text('model'),
    status: text('status', { enum: AGENT_STATUSES }).notNull().default('idle'),
    managerId: text('manager_id').references((): AnySQLiteColumn => agents.id, { onDelete: 'set null' }),
    toolPermissions: text('tool_permissions', { mode: 'json' }).$type<string[]>().notNull(),
    /** Per tool name (built-in, `connection__tool` or server tool): auto, ask or never; absent: the default. */
    toolPolicies: text('tool_policies', { mode: 'json' }).$type<Record<string, ToolPolicy>>().notNull().default({}),
    /** Anthropic's server tools this agent may use (web search, web fetch). */
    serverTools: text('server_tools', { mode: 'json' }).$type<ServerToolName[]>().notNull().default([]),
    avatarColor: text('avatar_color').notNull(),
    deskX: integer('desk_x').notNull().default(0),
    deskY: integer('desk_y').notNull().default(0),
    archivedAt: integer('archived_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // Among agents in service: a deleted (archived) agent's slug is free for a new one.
    uniqueIndex('agents_slug_unique').on(t.slug).where(sql`${t.archivedAt} IS NULL`),
    index('agents_status_idx').on(t.status),
  ],
);

export const tasks = sqliteTable(
  'tasks',
  {
    id: text('id').primaryKey(),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    creatorType: text('creator_type', { enum: ['user', 'api_key', 'agent', 'schedule'] }).notNull(),
    creatorId: text('creator_id'),
    parentId: text('parent_id').references((): AnySQLiteColumn => tasks.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    description: text('description').notNull(),
    priority: text('priority', { enum: TASK_PRIORITIES }).notNull().default('normal'),
    status: text('status', { enum: TASK_STATUSES }).notNull().default('pending'),
    /** Set while a pending task is held back for the org (`quota`: the month's agent-minutes are used up). */
    waitingReason: text('waiting_reason', { enum: TASK_WAITING_REASONS }),
    /** 0–100. */
    progress: integer('progress').notNull().default(0),
    result: text('result'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(3),
    /** The attempts one go may take (`max_attempts` as created): a retry allows this many more. Null on older rows. */
    attemptBudget: integer('attempt_budget'),
    idempotencyKey: text('idempotency_key'),
    /** SHA-256 of the creating request body: same key with another body is a conflict. */
    requestHash: text('request_hash'),
    metadata: text('metadata', { mode: 'json' }).$type<Record<string, unknown>>(),
    scheduledFor: integer('scheduled_for'),
    queuedAt: integer('queued_at'),
    startedAt: integer('started_at'),
    completedAt: integer('completed_at'),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    costMicroUsd: integer('cost_micro_usd').notNull().default(0),
    agentMs: integer('agent_ms').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('tasks_idempotency_unique').on(t.idempotencyKey),
    // Admission's per-agent lookup: the agent's pending tasks that are ready now, as a range (a
    // backlog of tasks scheduled for later is not scanned). The expression matches the query's.
    index('tasks_agent_idx').on(t.agentId, t.status, sql`coalesce(${t.scheduledFor}, 0)`),
    index('tasks_parent_idx').on(t.parentId),
    // The engine's next wake-up: the earliest scheduled pending task, found without a scan.
    index('tasks_scheduled_idx').on(t.status, t.scheduledFor),
  ],
);

export const taskDependencies = sqliteTable(
  'task_dependencies',
  {
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    dependsOnId: text('depends_on_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.dependsOnId] }), index('task_dependencies_depends_idx').on(t.dependsOnId)],
);

export const threads = sqliteTable(
  'threads',
  {
    id: text('id').primaryKey(),
    subject: text('subject').notNull(),
    kind: text('kind', { enum: ['human_agent', 'agent_agent', 'broadcast'] }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('threads_updated_idx').on(t.updatedAt)],
);

export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    threadId: text('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    senderType: text('sender_type', { enum: ['user', 'api_key', 'agent', 'system'] }).notNull(),
    senderId: text('sender_id'),
    recipientType: text('recipient_type', { enum: ['user', 'agent', 'humans', 'all', 'external'] }).notNull(),
    recipientId: text('recipient_id'),
    /** `external_draft` and `tool_call` wait for a human's approval (`approval_status`). */
    type: text('type', { enum: ['direct', 'broadcast', 'system', 'external_draft', 'tool_call'] }).notNull(),
    body: text('body').notNull(),
    taskId: text('task_id').references(() => tasks.id, { onDelete: 'set null' }),
    /** External drafts only: pending until a human approves or rejects. */
    approvalStatus: text('approval_status', { enum: ['pending', 'approved', 'rejected'] }),
    decidedBy: text('decided_by'),
    decidedAt: integer('decided_at'),
    /** An approved email draft: the platform email delivery (D1 email_deliveries) that sends it. */
    emailDeliveryId: text('email_delivery_id'),
    readAt: integer('read_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('messages_thread_idx').on(t.threadId, t.createdAt),
    index('messages_recipient_idx').on(t.recipientType, t.recipientId, t.readAt),
    index('messages_approval_idx').on(t.approvalStatus),
  ],
);

export const activityLog = sqliteTable(
  'activity_log',
  {
    id: text('id').primaryKey(),
    /** The org's event sequence number, assigned by its OrgHub. */
    seq: integer('seq'),
    type: text('type').notNull(),
    actorType: text('actor_type', { enum: ['user', 'api_key', 'agent', 'schedule', 'system'] }).notNull(),
    actorId: text('actor_id'),
    subjectType: text('subject_type'),
    subjectId: text('subject_id'),
    data: text('data', { mode: 'json' }).$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [
    index('activity_log_created_idx').on(t.createdAt),
    index('activity_log_subject_idx').on(t.subjectType, t.subjectId),
  ],
);

export const agentRuns = sqliteTable(
  'agent_runs',
  {
    id: text('id').primaryKey(),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    attempt: integer('attempt').notNull(),
    provider: text('provider', { enum: ['simulated', 'anthropic'] }).notNull(),
    model: text('model').notNull(),
    outcome: text('outcome', {
      enum: ['running', 'completed', 'failed', 'blocked', 'awaiting_approval', 'cancelled', 'timed_out'],
    })
      .notNull()
      .default('running'),
    turns: integer('turns').notNull().default(0),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    costMicroUsd: integer('cost_micro_usd').notNull().default(0),
    agentMs: integer('agent_ms').notNull().default(0),
    /** Uses of Anthropic's server tools (web search is charged per request, in the cost). */
    webSearchRequests: integer('web_search_requests').notNull().default(0),
    webFetchRequests: integer('web_fetch_requests').notNull().default(0),
    error: text('error'),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at'),
  },
  (t) => [
    uniqueIndex('agent_runs_task_attempt_unique').on(t.taskId, t.attempt),
    index('agent_runs_agent_idx').on(t.agentId, t.startedAt),
  ],
);

export const runSteps = sqliteTable(
  'run_steps',
  {
    id: text('id').primaryKey(),
    runId: text('run_id')
      .notNull()
      .references(() => agentRuns.id, { onDelete: 'cascade' }),
    /** Order of the step within its run. */
    seq: integer('seq').notNull(),
    /** Large steps are split; chunks share `seq` and are ordered by `chunk`. */
    chunk: integer('chunk').notNull().default(0),
    type: text('type', { enum: ['thinking', 'text', 'tool_use', 'tool_result'] }).notNull(),
    toolName: text('tool_name'),
    content: text('content').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('run_steps_run_seq_chunk_unique').on(t.runId, t.seq, t.chunk)],
);

/** `remember` / `recall`: an agent's own notes. */
export const agentNotes = sqliteTable(
  'agent_notes',
  {
    id: text('id').primaryKey(),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    content: text('content').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('agent_notes_agent_key_unique').on(t.agentId, t.key)],
);

export interface TaskTemplate {
  agentId: string;
  title: string;
  description: string;
  priority: TaskPriority;
}

export const schedules = sqliteTable(
  'schedules',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    cron: text('cron').notNull(),
    timezone: text('timezone').notNull().default('UTC'),
    taskTemplate: text('task_template', { mode: 'json' }).$type<TaskTemplate>().notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    nextRunAt: integer('next_run_at'),
    lastRunAt: integer('last_run_at'),
    failureCount: integer('failure_count').notNull().default(0),
    lastError: text('last_error'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('schedules_next_idx').on(t.enabled, t.nextRunAt)],
);

/**
 * How many tasks are in each status, kept exact by triggers on `tasks` (org migration 0007), so
 * the queue-depth check is one row read however long the backlog.
 */
export const taskStatusCounts = sqliteTable('task_status_counts', {
  status: text('status').primaryKey(),
  n: integer('n').notNull(),
});

/** Usage counters per calendar-month period, exact; copied to the D1 ledger by the hub. */
export const usagePeriods = sqliteTable('usage_periods', {
  periodStart: integer('period_start').primaryKey(),
  periodEnd: integer('period_end').notNull(),
  agentMs: integer('agent_ms').notNull().default(0),
  runs: integer('runs').notNull().default(0),
  inputTokens: integer('input_tokens').notNull().default(0),
  outputTokens: integer('output_tokens').notNull().default(0),
  costMicroUsd: integer('cost_micro_usd').notNull().default(0),
  updatedAt: updatedAt(),
});

/**
 * Pro overage owed to Stripe, one row per run that went past the plan's agent-minutes (its
 * id is the meter event's idempotent identifier). A row is written before it is sent and
 * marked when Stripe accepts it, so a retry resends the same identifier and nothing counts twice.
 */
export const meterReports = sqliteTable(
  'meter_reports',
  {
    identifier: text('identifier').primaryKey(),
    runId: text('run_id').notNull(),
    periodStart: integer('period_start').notNull(),
    agentMs: integer('agent_ms').notNull(),
    /** When the run ended: the meter event's timestamp. */
    at: integer('at').notNull(),
    sentAt: integer('sent_at'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [index('meter_reports_period_idx').on(t.periodStart), index('meter_reports_unsent_idx').on(t.sentAt)],
);

/**
 * MCP connections (decision 015): remote MCP servers this org's agents may use. The secrets
 * (bearer token, OAuth client secret, extra headers) are one JSON object sealed with AES-GCM
 * under ENCRYPTION_KEY, bound to the org and the connection (core/mcp/connections.ts).
 */
export const mcpConnections = sqliteTable(
  'mcp_connections',
  {
    id: text('id').primaryKey(),
    /** Prefix of its tools' names (`github__create_issue`): lowercase, unique in the org. */
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    url: text('url').notNull(),
    authType: text('auth_type', { enum: ['none', 'bearer', 'oauth_client_credentials'] }).notNull(),
    oauthClientId: text('oauth_client_id'),
    /** The authorization server the client credentials belong to (they are sent nowhere else). */
    oauthIssuer: text('oauth_issuer'),
    oauthScope: text('oauth_scope'),
    /** Names of the extra headers (their values are sealed). */
    headerNames: text('header_names', { mode: 'json' }).$type<string[]>().notNull().default([]),
    secretCiphertext: text('secret_ciphertext'),
    secretIv: text('secret_iv'),
    secretKeyVersion: integer('secret_key_version'),
    /** Last four characters of the token or client secret, for people to recognise it. */
    secretLast4: text('secret_last4'),
    timeoutMs: integer('timeout_ms').notNull().default(20_000),
    /** The server's tools as last listed (name, description, schema, annotations), and when. */
    toolsCache: text('tools_cache', { mode: 'json' }).$type<McpToolInfo[]>(),
    toolsCachedAt: integer('tools_cached_at'),
    lastError: text('last_error'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('mcp_connections_slug_unique').on(t.slug)],
);

export interface McpToolInfo {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  readOnly: boolean;
  destructive: boolean;
}

/**
 * Tool calls that wait for a human (policy `ask`): the exact call, tied to its approval (a
 * `tool_call` message, shown with the external drafts) and, once decided, what came of it.
 */
export const toolCalls = sqliteTable(
  'tool_calls',
  {
    /** The id of its approval message. */
    id: text('id').primaryKey(),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    agentId: text('agent_id').notNull(),
    toolName: text('tool_name').notNull(),
    input: text('input', { mode: 'json' }).$type<unknown>().notNull(),
    status: text('status', { enum: ['pending', 'approved', 'rejected', 'done'] })
      .notNull()
      .default('pending'),
    note: text('note'),
    result: text('result'),
    isError: integer('is_error', { mode: 'boolean' }).notNull().default(false),
    createdAt: createdAt(),
    /** When the next run told the agent the outcome. */
    reportedAt: integer('reported_at'),
  },
  (t) => [index('tool_calls_task_idx').on(t.taskId, t.status)],
);

// ─── The hub's own bookkeeping ──────────────────────────────────────────────────────────

/** Small facts about the object: the org it serves and what it knows of that org. */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** The org's event log: one sequence for every client; replayed to reconnecting sockets. */
export const events = sqliteTable('events', {
  seq: integer('seq').primaryKey(),
  type: text('type').notNull(),
  data: text('data').notNull(),
  createdAt: integer('created_at').notNull(),
});

/** Deliveries from the agent-runs queue already handled: makes redelivery a no-op. */
export const runDeliveries = sqliteTable(
  'run_deliveries',
  {
    taskId: text('task_id').notNull(),
    attempt: integer('attempt').notNull(),
    status: text('status').notNull(),
    receivedAt: integer('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.taskId, t.attempt] })],
);

export const deadLetters = sqliteTable('dead_letters', {
  id: integer('id').primaryKey(),
  body: text('body').notNull(),
  reason: text('reason').notNull(),
  receivedAt: integer('received_at').notNull(),
});

/** Runs in progress in this instance; rows left after a restart are orphans for the watchdog. */
export const activeRuns = sqliteTable('active_runs', {
  taskId: text('task_id').primaryKey(),
  attempt: integer('attempt').notNull(),
  startedAt: integer('started_at').notNull(),
});

/** API keys revoked while this org had them: their work is refused at once, whatever a cache says. */
export const revokedKeys = sqliteTable('revoked_keys', {
  keyId: text('key_id').primaryKey(),
  revokedAt: integer('revoked_at').notNull(),
});
