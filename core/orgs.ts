/**
 * Organizations: creation (with the owner membership and the default team), lookup by slug
 * for a member, and the plan a new org starts on.
 */
import { and, eq, isNull, like } from 'drizzle-orm';
import type { AppConfig } from './config';
import type { Db } from './db/client';
import { orgScope } from './db/scoped';
import { agents, memberships, organizations, type Role } from './db/schema';
import { DEFAULT_TEAM } from './default-team';
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
async function freeSlug(db: Db, base: string): Promise<string> {
  const candidate = RESERVED_SLUGS.has(base) ? `${base}-team` : base;
  const taken = new Set(
    (await db.select({ slug: organizations.slug }).from(organizations).where(like(organizations.slug, `${candidate}%`))).map((row) => row.slug),
  );
  if (!taken.has(candidate)) return candidate;
  for (let n = 2; n < 10_000; n++) if (!taken.has(`${candidate}-${n}`)) return `${candidate}-${n}`;
  return `${candidate}-${crypto.randomUUID().slice(0, 8)}`;
}

/** The plan and subscription state a new org starts with (DESIGN §7). */
export function initialPlan(config: Pick<AppConfig, 'billingEnabled'>, now = Date.now()) {
  if (!config.billingEnabled) return { plan: 'self_hosted' as const, subscriptionStatus: 'none' as const, trialEndsAt: null };
  return { plan: TRIAL_PLAN, subscriptionStatus: 'trialing' as const, trialEndsAt: now + TRIAL_DAYS * 24 * 3600 * 1000 };
}

/** Creates the org, the owner's membership and the default team of five in one batch. */
export async function createOrganization(
  db: Db,
  config: Pick<AppConfig, 'billingEnabled'>,
  input: CreateOrganizationInput,
): Promise<Organization> {
  const now = Date.now();
  const orgId = newId('org', now);
  const slug = await freeSlug(db, slugify(input.slug ?? input.name));
  const org: Organization = {
    id: orgId,
    name: input.name,
    slug,
    ...initialPlan(config, now),
    currentPeriodEnd: null,
    stripeCustomerId: null,
    stripeSubscriptionId: null,
    defaultModel: null,
    isDemo: input.isDemo ?? false,
    expiresAt: input.expiresAt ?? null,
    deletedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const agentIds = new Map(DEFAULT_TEAM.map((agent) => [agent.slug, newId('agt', now)]));
  const scope = orgScope(db, { orgId });
  await db.batch([
    db.insert(organizations).values(org),
    db.insert(memberships).values({ id: newId('mem', now), organizationId: orgId, userId: input.ownerUserId, role: 'owner' }),
    scope.insert(
      agents,
      DEFAULT_TEAM.map((template) => ({
        id: agentIds.get(template.slug)!,
        slug: template.slug,
        name: template.name,
        role: template.role,
        department: template.department,
        level: template.level,
        personality: template.personality,
        model: null,
        status: 'idle' as const,
        managerId: template.manager ? agentIds.get(template.manager)! : null,
        toolPermissions: template.toolPermissions,
        avatarColor: template.avatarColor,
        deskX: template.desk.x,
        deskY: template.desk.y,
      })),
    ),
  ]);
  return org;
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
