/**
 * Organizations: creation (with the owner membership; the org's OrgHub gives it the default
 * team on its first call), lookup by slug for a member, and the plan a new org starts on. Every change the
 * OrgHub depends on (plan, name, slug, default model) is pushed to it (`syncOrgHub`).
 */
import { and, eq, isNotNull, isNull, like, lt } from 'drizzle-orm';
import { auditInsert } from './audit';
import { evictOrgKeysFromCache } from './auth/api-keys';
import type { AppConfig } from './config';
import type { Db } from './db/client';
import { apiKeys, memberships, organizations, type Role } from './db/schema';
import { ApiError } from './errors';
import { orgInfoOf } from './org-info';
import { getOrgHub, orgHub } from './org-hub-client';
import { requirePermission } from './permissions';
import type { OrgContext } from './tenant';
import { newId } from './ids';
import { TRIAL_DAYS, TRIAL_PLAN } from './plans';
import { RESERVED_SLUGS, slugify } from './slug';

export type Organization = typeof organizations.$inferSelect;

export interface CreateOrganizationInput {
  name: string;
  ownerUserId: string;
  /** Preferred slug; a free variant is chosen when taken. */
  slug?: string;
  isDemo?: boolean;
  expiresAt?: number | null;
}

/** Picks `base`, or `base-2`, `base-3`… — the first slug no org has. */
export async function freeSlug(db: Db, base: string): Promise<string> {
  const candidate = RESERVED_SLUGS.has(base) ? `${base}-team` : base;
  const taken = new Set(
    (
      await db
        .select({ slug: organizations.slug })
        .from(organizations)
        .where(like(organizations.slug, `${candidate}%`))
    ).map((row) => row.slug),
  );
  if (!taken.has(candidate)) return candidate;
  for (let n = 2; n < 10_000; n++) if (!taken.has(`${candidate}-${n}`)) return `${candidate}-${n}`;
  return `${candidate}-${crypto.randomUUID().slice(0, 8)}`;
}

/** The plan and subscription state a new org starts with (docs/architecture.md, editions). */
export function initialPlan(config: Pick<AppConfig, 'billingEnabled'>, now = Date.now()) {
  if (!config.billingEnabled)
    return { plan: 'self_hosted' as const, subscriptionStatus: 'none' as const, trialEndsAt: null };
  return {
    plan: TRIAL_PLAN,
    subscriptionStatus: 'trialing' as const,
    trialEndsAt: now + TRIAL_DAYS * 24 * 3600 * 1000,
  };
}

/**
 * The writes that create an org, the owner's membership and the default team of five, for the
 * caller to run in one batch (with the user row at signup), so no half-made org can exist.
 */
export async function organizationInserts(
  db: Db,
  config: Pick<AppConfig, 'billingEnabled'>,
  input: CreateOrganizationInput,
) {
  const now = Date.now();
  const orgId = newId('org', now);
  const slug = await freeSlug(db, slugify(input.slug ?? input.name));
  const org: Organization = {
    id: orgId,
    name: input.name,
    slug,
    // A demo sandbox (core/demo.ts) is always on the demo plan, whatever the edition.
    ...(input.isDemo
      ? { plan: 'demo' as const, subscriptionStatus: 'none' as const, trialEndsAt: null }
      : initialPlan(config, now)),
    currentPeriodEnd: null,
    stripeCustomerId: null,
    stripeSubscriptionId: null,
    planLimits: null,
    pastDueSince: null,
    defaultModel: null,
    isDemo: input.isDemo ?? false,
    expiresAt: input.expiresAt ?? null,
    deletedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const statements = [
    db.insert(organizations).values(org),
    db
      .insert(memberships)
      .values({ id: newId('mem', now), organizationId: orgId, userId: input.ownerUserId, role: 'owner' }),
  ] as const;
  return { org, statements };
}

export async function createOrganization(
  db: Db,
  config: Pick<AppConfig, 'billingEnabled'>,
  input: CreateOrganizationInput,
): Promise<Organization> {
  const { org, statements } = await organizationInserts(db, config, input);
  await db.batch(statements);
  return org;
}

/** Pushes an org's current plan, names and default model to its OrgHub (limits apply at once). */
export async function syncOrgHub(env: Pick<Env, 'ORG_HUB'>, org: Organization) {
  await orgHub(env, { orgId: org.id, actor: { type: 'system', id: null } }).syncOrg(orgInfoOf(org));
}

export interface OrgMembership {
  organization: Organization;
  role: Role;
}

/** The org with this slug, if the user is a member of it; otherwise undefined (a 404). */
export async function findMembershipBySlug(db: Db, userId: string, slug: string): Promise<OrgMembership | undefined> {
  const rows = await db
    .select({ organization: organizations, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(and(eq(memberships.userId, userId), eq(organizations.slug, slug), isNull(organizations.deletedAt)))
    .limit(1);
  return rows[0];
}

/** Every org the user belongs to, oldest first. */
export async function listMemberships(db: Db, userId: string): Promise<OrgMembership[]> {
  return db
    .select({ organization: organizations, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(and(eq(memberships.userId, userId), isNull(organizations.deletedAt)))
    .orderBy(memberships.createdAt);
}

/** Renames an org or changes its slug (admin). */
export async function updateOrganization(
  db: Db,
  env: Pick<Env, 'ORG_HUB' | 'KV'>,
  ctx: OrgContext,
  input: { name?: string; slug?: string },
  ip: string | null,
): Promise<Organization> {
  requirePermission(ctx.role, 'org:update');
  if (input.slug) {
    if (RESERVED_SLUGS.has(input.slug))
      throw new ApiError('conflict', 'That slug is reserved.', [{ field: 'slug', message: 'Reserved.' }]);
    const [taken] = await db
      .select({ id: organizations.id })
      .from(organizations)
      .where(eq(organizations.slug, input.slug))
      .limit(1);
    if (taken && taken.id !== ctx.orgId)
      throw new ApiError('conflict', 'That slug is taken.', [{ field: 'slug', message: 'Taken.' }]);
  }
  const [updated] = await db.batch([
    db
      .update(organizations)
      .set({
        ...(input.name ? { name: input.name } : {}),
        ...(input.slug ? { slug: input.slug } : {}),
        updatedAt: Date.now(),
      })
      .where(eq(organizations.id, ctx.orgId))
      .returning(),
    auditInsert(db, {
      organizationId: ctx.orgId,
      actor: ctx.actor,
      action: 'org.updated',
      target: { type: 'organization', id: ctx.orgId },
      ip,
      metadata: input,
    }),
  ]);
  await syncOrgHub(env, updated[0]!);
  // Cached keys carry the org's slug and name.
  await evictOrgKeysFromCache(db, env.KV, ctx.orgId);
  return updated[0]!;
}

/**
 * Deletes an org (owner only; refused while runs are active). The org is marked deleted at
 * once (it disappears everywhere), its keys stop working, its OrgHub storage is cleared,
 * and the cron sweep purges its rows.
 */
export async function deleteOrganization(
  db: Db,
  env: Pick<Env, 'ORG_HUB' | 'KV'>,
  ctx: OrgContext,
  ip: string | null,
): Promise<void> {
  requirePermission(ctx.role, 'org:delete');
  const hub = getOrgHub(env, ctx);
  const active = await hub.activeRunCount();
  if (active > 0)
    throw new ApiError(
      'conflict',
      `${active} agent run(s) are still active. Cancel them or wait for them to finish, then delete.`,
    );
  const now = Date.now();
  await db.batch([
    db.update(organizations).set({ deletedAt: now, updatedAt: now }).where(eq(organizations.id, ctx.orgId)),
    db
      .update(apiKeys)
      .set({ revokedAt: now })
      .where(and(eq(apiKeys.organizationId, ctx.orgId), isNull(apiKeys.revokedAt))),
    auditInsert(db, {
      organizationId: ctx.orgId,
      actor: ctx.actor,
      action: 'org.deleted',
      target: { type: 'organization', id: ctx.orgId },
      ip,
    }),
  ]);
  await evictOrgKeysFromCache(db, env.KV, ctx.orgId);
  await hub.purge(ctx.orgId);
}

/** Orgs marked deleted more than `graceMs` ago: removed for good (rows cascade). */
export async function purgeDeletedOrganizations(db: Db, graceMs: number): Promise<number> {
  const result = await db
    .delete(organizations)
    .where(and(isNotNull(organizations.deletedAt), lt(organizations.deletedAt, Date.now() - graceMs)));
  return result.meta.changes;
}
