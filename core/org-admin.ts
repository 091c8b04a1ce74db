/**
 * Org administration steps that pair a write with its permission check and audit entry:
 * create an org, issue and revoke API keys, page through the audit log, sign out other
 * sessions. The dashboard's Remix actions call these in-process; the JSON routes in
 * worker/routes/orgs.ts and worker/routes/auth.ts run the same steps and can call them too,
 * so both faces refuse and record the same things. Input schemas match those routes'.
 */
import { z } from 'zod';
import { API_KEY_SCOPES, type ApiKey, createApiKey, DEFAULT_SCOPES, listApiKeys, revokeApiKey } from './auth/api-keys';
import { deleteOtherSessions, listSessions } from './auth/sessions';
import { listAudit, recordAudit } from './audit';
import type { AppConfig } from './config';
import type { Db } from './db/client';
import { assertNotGuest, assertOrgNotDemo } from './demo-guard';
import { ApiError } from './errors';
import { and, count, eq, isNull } from 'drizzle-orm';
import { memberships, organizations } from './db/schema';
import { closeKeyConnections, closeSessionConnections } from './live-connections';
import { createOrganization, type Organization } from './orgs';
import { hitNow, ORG_CREATION_LIMITS } from './rate-limit';
import { requirePermission } from './permissions';
import type { OrgContext } from './tenant';
import { emailField, nameField, roleField, slugField } from './validation';

export const CreateOrgInput = z.strictObject({ name: nameField('an organization name'), slug: slugField.optional() });
export type CreateOrgInput = z.infer<typeof CreateOrgInput>;

export const UpdateOrgInput = z
  .strictObject({ name: nameField('an organization name').optional(), slug: slugField.optional() })
  .refine((input) => input.name !== undefined || input.slug !== undefined, {
    message: 'Send a name or a slug to change.',
  });

export const InviteInput = z.strictObject({ email: emailField, role: roleField.default('member') });

export const CreateKeyInput = z.strictObject({
  name: nameField('a key name', 80),
  scopes: z
    .array(z.enum(API_KEY_SCOPES, { error: `Scopes are: ${API_KEY_SCOPES.join(', ')}.` }))
    .min(1, 'Choose at least one scope.')
    .max(API_KEY_SCOPES.length)
    .optional(),
  expires_at: z.iso
    .datetime({ offset: true, error: 'Use an ISO 8601 date-time, e.g. 2027-01-31T00:00:00Z.' })
    .refine((value) => Date.parse(value) > Date.now(), 'The expiry must be in the future.')
    .optional()
    .nullable(),
});
export type CreateKeyInput = z.infer<typeof CreateKeyInput>;

function actingUserId(ctx: OrgContext): string | null {
  return ctx.actor.type === 'user' ? ctx.actor.id : null;
}

/**
 * Creates an org owned by `userId` (with its default team) and records `org.created`. Each org
 * can spend on the platform's model key, so a user owns at most ORG_CREATION_LIMITS.maxOwnedPerUser
 * (403) and creates at most perUserPerDay a day (429).
 */
export async function createOrganizationAs(
  db: Db,
  kv: KVNamespace,
  config: Pick<AppConfig, 'billingEnabled'>,
  userId: string,
  input: CreateOrgInput,
  ip: string | null,
): Promise<Organization> {
  await assertNotGuest(db, userId, 'Creating an organization');
  const [owned] = await db
    .select({ n: count() })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(and(eq(memberships.userId, userId), eq(memberships.role, 'owner'), isNull(organizations.deletedAt)));
  const max = ORG_CREATION_LIMITS.maxOwnedPerUser;
  if ((owned?.n ?? 0) >= max)
    throw new ApiError(
      'forbidden',
      `You already own ${max} organizations, the most one person can own. Delete one you no longer need, or ask an owner of an existing one to invite you.`,
      { limit: max },
    );
  const rule = ORG_CREATION_LIMITS.perUserPerDay;
  const decision = await hitNow(kv, `org-create:user:${userId}`, rule);
  if (!decision.allowed)
    throw new ApiError(
      'rate_limited',
      `You can create at most ${rule.limit} organizations a day. Try again tomorrow.`,
      { limit: rule.limit },
      {
        'Retry-After': String(decision.retryAfterSeconds),
        'X-RateLimit-Limit': String(rule.limit),
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': String(decision.resetAt),
      },
    );
  const org = await createOrganization(db, config, { name: input.name, slug: input.slug, ownerUserId: userId });
  await recordAudit(db, {
    organizationId: org.id,
    actor: { type: 'user', id: userId },
    action: 'org.created',
    target: { type: 'organization', id: org.id },
    ip,
  });
  return org;
}

/** The org's live keys with who created them (admin). */
export async function listOrgApiKeys(db: Db, ctx: OrgContext) {
  requirePermission(ctx.role, 'keys:manage');
  return listApiKeys(db, ctx.orgId);
}

/** Issues a key (admin); the secret `key` is returned here once and never stored. */
export async function issueApiKey(
  db: Db,
  ctx: OrgContext,
  input: CreateKeyInput,
  ip: string | null,
): Promise<{ key: string; record: ApiKey }> {
  requirePermission(ctx.role, 'keys:manage');
  await assertOrgNotDemo(db, ctx.orgId, 'Creating API keys');
  const issued = await createApiKey(db, {
    organizationId: ctx.orgId,
    name: input.name,
    scopes: input.scopes ?? DEFAULT_SCOPES,
    createdBy: actingUserId(ctx),
    expiresAt: input.expires_at ? Date.parse(input.expires_at) : null,
  });
  await recordAudit(db, {
    organizationId: ctx.orgId,
    actor: ctx.actor,
    action: 'api_key.created',
    target: { type: 'api_key', id: issued.record.id },
    ip,
    metadata: { name: issued.record.name, scopes: issued.record.scopes },
  });
  return issued;
}

/** Revokes a live key of this org (admin): not found first, then the role check. */
export async function revokeOrgApiKey(
  db: Db,
  env: Pick<Env, 'KV' | 'ORG_HUB'>,
  ctx: OrgContext,
  keyId: string,
  ip: string | null,
): Promise<ApiKey> {
  const live = await listApiKeys(db, ctx.orgId);
  if (!live.some((row) => row.key.id === keyId)) throw new ApiError('not_found', 'No such API key.');
  requirePermission(ctx.role, 'keys:manage');
  const revoked = await revokeApiKey(db, env.KV, ctx.orgId, keyId);
  if (!revoked) throw new ApiError('not_found', 'No such API key.');
  await closeKeyConnections(env, ctx.orgId, keyId);
  await recordAudit(db, {
    organizationId: ctx.orgId,
    actor: ctx.actor,
    action: 'api_key.revoked',
    target: { type: 'api_key', id: keyId },
    ip,
  });
  return revoked;
}

/** One page of the org's audit log, newest first (admin); `nextCursor` is null on the last page. */
export async function listAuditPage(db: Db, ctx: OrgContext, opts: { limit: number; cursor?: string }) {
  requirePermission(ctx.role, 'audit:read');
  const rows = await listAudit(db, ctx.orgId, { limit: opts.limit + 1, before: opts.cursor });
  const page = rows.slice(0, opts.limit);
  return { entries: page, nextCursor: rows.length > opts.limit ? page[page.length - 1]!.id : null };
}

/** Ends every session of the user but the current one and records it; returns how many ended. */
export async function signOutOtherSessions(
  db: Db,
  env: Pick<Env, 'ORG_HUB'>,
  userId: string,
  currentSessionId: string,
  ip: string | null,
): Promise<number> {
  const others = (await listSessions(db, userId)).filter((s) => s.id !== currentSessionId);
  const ended = await deleteOtherSessions(db, userId, currentSessionId);
  await closeSessionConnections(db, env, userId, others);
  await recordAudit(db, {
    organizationId: null,
    actor: { type: 'user', id: userId },
    action: 'auth.other_sessions_revoked',
    ip,
    metadata: { ended },
  });
  return ended;
}
