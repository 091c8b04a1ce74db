/**
 * The D1 schema: the platform's records (users, sessions, organizations, memberships,
 * invitations, API keys, Stripe state, audit) and the per-org tables that stay in D1
 * (credentials, the usage ledger). Every table with `organization_id` is reached only through
 * the org-scoped data layer. An org's own work lives in its OrgHub (core/db/org-schema.ts).
 * Times are integer milliseconds since the epoch; money is integer micro-dollars.
 * `drizzle-kit generate` turns changes here into migrations/NNNN_*.sql.
 */
import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { PLAN_IDS, type PlanLimitOverrides } from '../plans';
import { ROLES, SUBSCRIPTION_STATUSES } from '../vocabulary';

const createdAt = () => integer('created_at', { mode: 'number' }).notNull().default(sql`(unixepoch() * 1000)`);
const updatedAt = () => integer('updated_at', { mode: 'number' }).notNull().default(sql`(unixepoch() * 1000)`);
const orgRef = () =>
  text('organization_id')
    .notNull()
    .references(() => organizations.id, { onDelete: 'cascade' });

export type { AgentStatus, Role, SubscriptionStatus, TaskPriority, TaskStatus } from '../vocabulary';

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
    /**
     * A demo sandbox's anonymous visitor (core/demo.ts): no password, a placeholder email no one
     * can sign in with; it becomes a normal user when the visitor signs up to keep the team.
     */
    isGuest: integer('is_guest', { mode: 'boolean' }).notNull().default(false),
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
    plan: text('plan', { enum: PLAN_IDS }).notNull().default('free'),
    subscriptionStatus: text('subscription_status', { enum: SUBSCRIPTION_STATUSES }).notNull().default('none'),
    currentPeriodEnd: integer('current_period_end'),
    trialEndsAt: integer('trial_ends_at'),
    stripeCustomerId: text('stripe_customer_id'),
    stripeSubscriptionId: text('stripe_subscription_id'),
    /** Per-org limits over the plan's (Enterprise contracts; `npm run ops -- set-plan`). */
    planLimits: text('plan_limits', { mode: 'json' }).$type<PlanLimitOverrides>(),
    /** When the subscription went past_due; after the grace period the org drops to Free. */
    pastDueSince: integer('past_due_since'),
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

/**
 * Single-use tokens mailed to a person: a password reset (30 minutes) or an email verification.
 * Only the SHA-256 of the token is stored; `usedAt` makes it single-use.
 */
export const authTokens = sqliteTable(
  'auth_tokens',
  {
    /** SHA-256 of the token in the emailed link. */
    id: text('id').primaryKey(),
    purpose: text('purpose', { enum: ['password_reset', 'email_verification'] }).notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The address the link was sent to: a verification only counts for that address. */
    email: text('email').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('auth_tokens_user_idx').on(t.userId, t.purpose)],
);

/**
 * Every email the platform sends (core/email/): queued by a request, sent by the email Queue's
 * consumer, retried with backoff; failures and bounces are recorded here. The local outbox
 * transport keeps the rendered message (`html`, `text`) so development and tests can read it;
 * the provider transport keeps only the metadata.
 */
export const emailDeliveries = sqliteTable(
  'email_deliveries',
  {
    id: text('id').primaryKey(),
    template: text('template').notNull(),
    toAddress: text('to_address').notNull(),
    fromAddress: text('from_address'),
    subject: text('subject'),
    /** What the email is about, e.g. `message:msg_…` or `invitation:inv_…`. */
    ref: text('ref'),
    transport: text('transport', { enum: ['resend', 'outbox'] }),
    status: text('status', { enum: ['queued', 'sent', 'failed', 'bounced'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    providerId: text('provider_id'),
    html: text('html'),
    text: text('text'),
    sentAt: integer('sent_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('email_deliveries_to_idx').on(t.toAddress, t.createdAt),
    index('email_deliveries_provider_idx').on(t.providerId),
  ],
);

/**
 * Product analytics outside production (core/analytics.ts): the same data points written to
 * Workers Analytics Engine, kept here so the log, `npm run ops -- funnel` and tests can read
 * them locally. Production never writes it.
 */
export const devAnalyticsEvents = sqliteTable(
  'dev_analytics_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    event: text('event').notNull(),
    /** The org the event is about (Analytics Engine index), or empty. */
    org: text('org').notNull().default(''),
    /** The person, or empty (page views never carry one). */
    actor: text('actor').notNull().default(''),
    /** One free-form detail: a path, a plan, an outcome. */
    detail: text('detail').notNull().default(''),
    value: integer('value').notNull().default(1),
    createdAt: createdAt(),
  },
  (t) => [index('dev_analytics_events_created_idx').on(t.createdAt, t.event)],
);

// ─── Per-org tables kept in D1 ──────────────────────────────────────────────────────────

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

/**
 * The usage ledger: per org and billing period, a copy of the OrgHub's exact counters that the
 * hub upserts (absolute values, so a repeat is harmless) for billing and cross-org questions.
 */
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
    /** The part of costMicroUsd spent on the platform's model key (the platform's spend ceilings). */
    platformCostMicroUsd: integer('platform_cost_micro_usd').notNull().default(0),
    /** Agent-ms already sent to Stripe as meter events. */
    reportedAgentMs: integer('reported_agent_ms').notNull().default(0),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('usage_periods_org_period_unique').on(t.organizationId, t.periodStart)],
);

/** Tables that belong to one org; the scoped data layer is the only door to them. */
export const TENANT_TABLES = {
  credentials,
  usagePeriods,
} as const;
