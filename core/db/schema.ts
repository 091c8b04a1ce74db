/**
 * The D1 schema (DESIGN §3). Platform tables first, then tenant tables; every tenant table
 * has `organization_id` and is reached only through the org-scoped data layer.
 * Times are integer milliseconds since the epoch; money is integer micro-dollars.
 * `drizzle-kit generate` turns changes here into migrations/NNNN_*.sql.
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

const createdAt = () => integer('created_at', { mode: 'number' }).notNull().default(sql`(unixepoch() * 1000)`);
const updatedAt = () => integer('updated_at', { mode: 'number' }).notNull().default(sql`(unixepoch() * 1000)`);
const orgRef = () =>
  text('organization_id')
    .notNull()
    .references(() => organizations.id, { onDelete: 'cascade' });

export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const AGENT_STATUSES = ['idle', 'working', 'blocked', 'offline', 'paused'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export const TASK_STATUSES = [
  'pending',
  'queued',
  'running',
  'awaiting_approval',
  'blocked',
  'completed',
  'failed',
  'cancelled',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

export const SUBSCRIPTION_STATUSES = ['none', 'trialing', 'active', 'past_due', 'canceled'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

// ─── Platform tables ────────────────────────────────────────────────────────────────────

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    /** `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`; null for Clerk-only users. */
    passwordHash: text('password_hash'),
    clerkUserId: text('clerk_user_id'),
    /**
     * When the user proved they own the email (epoch ms): a Clerk sign-in, or signing up through
     * an invitation sent to it. Null until then; a Clerk identity never links to an account with
     * a password unless this is set.
     */
    emailVerifiedAt: integer('email_verified_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_email_unique').on(t.email), uniqueIndex('users_clerk_unique').on(t.clerkUserId)],
);

export const organizations = sqliteTable(
  'organizations',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    plan: text('plan', { enum: ['free', 'starter', 'pro', 'enterprise', 'self_hosted'] })
      .notNull()
      .default('free'),
    subscriptionStatus: text('subscription_status', { enum: SUBSCRIPTION_STATUSES }).notNull().default('none'),
    currentPeriodEnd: integer('current_period_end'),
    trialEndsAt: integer('trial_ends_at'),
    stripeCustomerId: text('stripe_customer_id'),
    stripeSubscriptionId: text('stripe_subscription_id'),
    /** Model used by agents that do not set their own. */
    defaultModel: text('default_model'),
    isDemo: integer('is_demo', { mode: 'boolean' }).notNull().default(false),
    expiresAt: integer('expires_at'),
    /** Set when the org is deleted; a sweep purges it. */
    deletedAt: integer('deleted_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('organizations_slug_unique').on(t.slug),
    uniqueIndex('organizations_stripe_customer_unique').on(t.stripeCustomerId),
    index('organizations_expires_idx').on(t.expiresAt),
  ],
);

export const memberships = sqliteTable(
  'memberships',
  {
    id: text('id').primaryKey(),
    organizationId: orgRef(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ROLES }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('memberships_org_user_unique').on(t.organizationId, t.userId),
    index('memberships_user_idx').on(t.userId),
  ],
);

export const invitations = sqliteTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    organizationId: orgRef(),
    email: text('email').notNull(),
    role: text('role', { enum: ROLES }).notNull(),
    /** SHA-256 of the single-use token in the link; the token itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    invitedBy: text('invited_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: integer('expires_at').notNull(),
    acceptedAt: integer('accepted_at'),
    acceptedBy: text('accepted_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('invitations_token_unique').on(t.tokenHash), index('invitations_org_idx').on(t.organizationId)],
);

export const sessions = sqliteTable(
  'sessions',
  {
    /** SHA-256 of the cookie's session token. */
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: integer('expires_at').notNull(),
    userAgent: text('user_agent'),
    ip: text('ip'),
    lastSeenAt: integer('last_seen_at'),
    createdAt: createdAt(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    organizationId: orgRef(),
    name: text('name').notNull(),
    /** Public part shown in lists and used for lookup (`gc_sk_ab12cd34`). */
    prefix: text('prefix').notNull(),
    /** SHA-256 of the whole secret key. */
    secretHash: text('secret_hash').notNull(),
    scopes: text('scopes', { mode: 'json' }).$type<string[]>().notNull(),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    lastUsedAt: integer('last_used_at'),
    expiresAt: integer('expires_at'),
    revokedAt: integer('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('api_keys_prefix_unique').on(t.prefix), index('api_keys_org_idx').on(t.organizationId)],
);

/** Stripe webhook idempotency: an event id is processed once. */
export const stripeEvents = sqliteTable('stripe_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  createdAt: createdAt(),
});

export const auditLog = sqliteTable(
  'audit_log',
  {
    id: text('id').primaryKey(),
    /** Null for events without an org (a failed sign-in). */
    organizationId: text('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    actorType: text('actor_type', { enum: ['user', 'api_key', 'system'] }).notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    ip: text('ip'),
    metadata: text('metadata', { mode: 'json' }).$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [index('audit_log_org_created_idx').on(t.organizationId, t.createdAt)],
);

// ─── Tenant tables ──────────────────────────────────────────────────────────────────────

export const agents = sqliteTable(
  'agents',
  {
    id: text('id').primaryKey(),
    organizationId: orgRef(),
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
    avatarColor: text('avatar_color').notNull(),
    deskX: integer('desk_x').notNull().default(0),
    deskY: integer('desk_y').notNull().default(0),
    archivedAt: integer('archived_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('agents_org_slug_unique').on(t.organizationId, t.slug),
    index('agents_org_status_idx').on(t.organizationId, t.status),
  ],
);

export const tasks = sqliteTable(
  'tasks',
  {
    id: text('id').primaryKey(),
    organizationId: orgRef(),
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
    /** 0–100. */
    progress: integer('progress').notNull().default(0),
    result: text('result'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull().default(3),
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
    uniqueIndex('tasks_org_idempotency_unique').on(t.organizationId, t.idempotencyKey),
    index('tasks_org_status_idx').on(t.organizationId, t.status, t.priority, t.createdAt),
    index('tasks_org_agent_idx').on(t.organizationId, t.agentId, t.status),
    index('tasks_org_parent_idx').on(t.organizationId, t.parentId),
    index('tasks_org_created_idx').on(t.organizationId, t.id),
  ],
);

export const taskDependencies = sqliteTable(
  'task_dependencies',
  {
    organizationId: orgRef(),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
    dependsOnId: text('depends_on_id')
      .notNull()
      .references(() => tasks.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.taskId, t.dependsOnId] }),
    index('task_dependencies_org_depends_idx').on(t.organizationId, t.dependsOnId),
  ],
);

export const threads = sqliteTable(
  'threads',
  {
    id: text('id').primaryKey(),
    organizationId: orgRef(),
    subject: text('subject').notNull(),
    kind: text('kind', { enum: ['human_agent', 'agent_agent', 'broadcast'] }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('threads_org_updated_idx').on(t.organizationId, t.updatedAt)],
);

export const messages = sqliteTable(
  'messages',
  {
    id: text('id').primaryKey(),
    organizationId: orgRef(),
    threadId: text('thread_id')
      .notNull()
      .references(() => threads.id, { onDelete: 'cascade' }),
    senderType: text('sender_type', { enum: ['user', 'api_key', 'agent', 'system'] }).notNull(),
    senderId: text('sender_id'),
    recipientType: text('recipient_type', { enum: ['user', 'agent', 'humans', 'all', 'external'] }).notNull(),
    recipientId: text('recipient_id'),
    type: text('type', { enum: ['direct', 'broadcast', 'system', 'external_draft'] }).notNull(),
    body: text('body').notNull(),
    taskId: text('task_id').references(() => tasks.id, { onDelete: 'set null' }),
    /** External drafts only: pending until a human approves or rejects. */
    approvalStatus: text('approval_status', { enum: ['pending', 'approved', 'rejected'] }),
    decidedBy: text('decided_by'),
    decidedAt: integer('decided_at'),
    readAt: integer('read_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('messages_org_thread_idx').on(t.organizationId, t.threadId, t.createdAt),
    index('messages_org_recipient_idx').on(t.organizationId, t.recipientType, t.recipientId, t.readAt),
    index('messages_org_approval_idx').on(t.organizationId, t.approvalStatus),
  ],
);

export const activityLog = sqliteTable(
  'activity_log',
  {
    id: text('id').primaryKey(),
    organizationId: orgRef(),
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
    index('activity_log_org_created_idx').on(t.organizationId, t.createdAt),
    index('activity_log_org_subject_idx').on(t.organizationId, t.subjectType, t.subjectId),
  ],
);

export const agentRuns = sqliteTable(
  'agent_runs',
  {
    id: text('id').primaryKey(),
    organizationId: orgRef(),
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
    error: text('error'),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at'),
  },
  (t) => [
    uniqueIndex('agent_runs_task_attempt_unique').on(t.taskId, t.attempt),
    index('agent_runs_org_task_idx').on(t.organizationId, t.taskId),
    index('agent_runs_org_agent_idx').on(t.organizationId, t.agentId, t.startedAt),
  ],
);

export const runSteps = sqliteTable(
  'run_steps',
  {
    id: text('id').primaryKey(),
    organizationId: orgRef(),
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
  (t) => [
    uniqueIndex('run_steps_run_seq_chunk_unique').on(t.runId, t.seq, t.chunk),
    index('run_steps_org_run_idx').on(t.organizationId, t.runId),
  ],
);

/** `remember` / `recall`: an agent's own notes. */
export const agentNotes = sqliteTable(
  'agent_notes',
  {
    id: text('id').primaryKey(),
    organizationId: orgRef(),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    content: text('content').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('agent_notes_org_agent_key_unique').on(t.organizationId, t.agentId, t.key)],
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
    organizationId: orgRef(),
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
  (t) => [index('schedules_org_next_idx').on(t.organizationId, t.enabled, t.nextRunAt)],
);

/** Per-org secrets (bring-your-own Anthropic key), AES-GCM encrypted; only last4 leaves. */
export const credentials = sqliteTable(
  'credentials',
  {
    id: text('id').primaryKey(),
    organizationId: orgRef(),
    provider: text('provider', { enum: ['anthropic'] }).notNull(),
    ciphertext: text('ciphertext').notNull(),
    iv: text('iv').notNull(),
    /** Which ENCRYPTION_KEY version sealed it, so the secret can be rotated. */
    keyVersion: integer('key_version').notNull(),
    last4: text('last4').notNull(),
    /** Null: every agent of the org may use it. */
    allowedAgentIds: text('allowed_agent_ids', { mode: 'json' }).$type<string[]>(),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('credentials_org_provider_unique').on(t.organizationId, t.provider)],
);

export const usagePeriods = sqliteTable(
  'usage_periods',
  {
    id: text('id').primaryKey(),
    organizationId: orgRef(),
    periodStart: integer('period_start').notNull(),
    periodEnd: integer('period_end').notNull(),
    agentMs: integer('agent_ms').notNull().default(0),
    runs: integer('runs').notNull().default(0),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    costMicroUsd: integer('cost_micro_usd').notNull().default(0),
    /** Agent-ms already sent to Stripe as meter events. */
    reportedAgentMs: integer('reported_agent_ms').notNull().default(0),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('usage_periods_org_period_unique').on(t.organizationId, t.periodStart)],
);

/** Replays of POST responses for `Idempotency-Key` on routes other than task creation. */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    id: text('id').primaryKey(),
    organizationId: orgRef(),
    key: text('key').notNull(),
    route: text('route').notNull(),
    requestHash: text('request_hash').notNull(),
    responseStatus: integer('response_status').notNull(),
    responseBody: text('response_body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('idempotency_keys_org_key_unique').on(t.organizationId, t.route, t.key)],
);

/** Tables that belong to one org; the scoped data layer is the only door to them. */
export const TENANT_TABLES = {
  agents,
  tasks,
  taskDependencies,
  threads,
  messages,
  activityLog,
  agentRuns,
  runSteps,
  agentNotes,
  schedules,
  credentials,
  usagePeriods,
  idempotencyKeys,
} as const;
