/**
 * Org management for signed-in users (dashboard API): orgs, members, invitations, API keys,
 * audit. The org comes from the slug *and* the caller's membership: not a member → 404.
 */
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { API_KEY_SCOPES, createApiKey, DEFAULT_SCOPES, listApiKeys, revokeApiKey } from '../../core/auth/api-keys';
import { auditInsert, listAudit, recordAudit } from '../../core/audit';
import { getDb } from '../../core/db/client';
import { ApiError } from '../../core/errors';
import { acceptInvitation, changeMemberRole, createInvitation, listInvitations, listMembers, removeMember, revokeInvitation } from '../../core/members';
import { createOrganization, deleteOrganization, findMembershipBySlug, listMemberships, updateOrganization } from '../../core/orgs';
import { requirePermission } from '../../core/permissions';
import { AUTH_RATE_LIMITS } from '../../core/rate-limit';
import { emailField, nameField, roleField, slugField } from '../../core/validation';
import { requireUser } from '../middleware/auth';
import { clientIp, enforceRateLimit } from '../middleware/rate-limit';
import type { AppEnv } from '../types';
import { validate } from '../validate';
import { apiKeyView, isoTime, organizationView } from '../views';

const SlugParam = z.object({ slug: z.string().min(1).max(64) });

/** Loads the org named by `:slug` for the signed-in user and sets `c.get('org')`. */
function orgFromSlug(): MiddlewareHandler<AppEnv> {
  return async function orgFromSlug(c, next) {
    const auth = c.get('auth');
    if (auth?.kind !== 'session') throw new ApiError('unauthorized', 'Sign in first.');
    const slug = c.req.param('slug') ?? '';
    const membership = await findMembershipBySlug(getDb(c.env), auth.user.id, slug.toLowerCase());
    if (!membership) throw new ApiError('not_found', 'No such organization.');
    c.set('org', {
      ctx: { orgId: membership.organization.id, actor: { type: 'user', id: auth.user.id }, role: membership.role },
      organization: membership.organization,
      scopes: null,
    });
    await next();
  };
}

function userId(c: Context<AppEnv>): string {
  const auth = c.get('auth');
  if (auth?.kind !== 'session') throw new ApiError('unauthorized', 'Sign in first.');
  return auth.user.id;
}

const CreateOrgInput = z.strictObject({ name: nameField('an organization name'), slug: slugField.optional() });
const UpdateOrgInput = z
  .strictObject({ name: nameField('an organization name').optional(), slug: slugField.optional() })
  .refine((input) => input.name !== undefined || input.slug !== undefined, { message: 'Send a name or a slug to change.' });
const MemberParam = SlugParam.extend({ userId: z.string().min(1).max(64) });
const ChangeRoleInput = z.strictObject({ role: roleField });
const InviteInput = z.strictObject({ email: emailField, role: roleField.default('member') });
const CreateKeyInput = z.strictObject({
  name: nameField('a key name', 80),
  scopes: z.array(z.enum(API_KEY_SCOPES, { error: `Scopes are: ${API_KEY_SCOPES.join(', ')}.` })).min(1).max(API_KEY_SCOPES.length).optional(),
  expires_at: z.iso
    .datetime({ offset: true, error: 'Use an ISO 8601 date-time, e.g. 2027-01-31T00:00:00Z.' })
    .refine((value) => Date.parse(value) > Date.now(), 'The expiry must be in the future.')
    .optional()
    .nullable(),
});
const AuditQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(64).optional() });

export const orgRoutes = new Hono<AppEnv>()
  .use('/orgs', requireUser())
  .use('/orgs/*', requireUser())
  .use('/invitations/*', requireUser())
  .get('/orgs', async (c) => {
    const memberships = await listMemberships(getDb(c.env), userId(c));
    return c.json({ data: memberships.map((m) => organizationView(m.organization, m.role)), next_cursor: null });
  })
  .post('/orgs', validate('json', CreateOrgInput), async (c) => {
    const db = getDb(c.env);
    const input = c.req.valid('json');
    const owner = userId(c);
    const org = await createOrganization(db, c.get('config'), { name: input.name, slug: input.slug, ownerUserId: owner });
    await recordAudit(db, { organizationId: org.id, actor: { type: 'user', id: owner }, action: 'org.created', target: { type: 'organization', id: org.id }, ip: clientIp(c) });
    return c.json(organizationView(org, 'owner'), 201);
  })
  .use('/orgs/:slug/*', orgFromSlug())
  .use('/orgs/:slug', orgFromSlug())
  .get('/orgs/:slug', async (c) => {
    const { ctx } = c.get('org');
    const org = await getDb(c.env).query.organizations.findFirst({ where: (o, { eq }) => eq(o.id, ctx.orgId) });
    return c.json(organizationView(org!, ctx.role));
  })
  .patch('/orgs/:slug', validate('json', UpdateOrgInput), async (c) => {
    const { ctx } = c.get('org');
    const org = await updateOrganization(getDb(c.env), ctx, c.req.valid('json'), clientIp(c));
    return c.json(organizationView(org, ctx.role));
  })
  .delete('/orgs/:slug', async (c) => {
    await deleteOrganization(getDb(c.env), c.env, c.get('org').ctx, clientIp(c));
    return c.body(null, 204);
  })
  .get('/orgs/:slug/members', async (c) => {
    const members = await listMembers(getDb(c.env), c.get('org').ctx);
    return c.json({ data: members.map((m) => ({ ...m, joined_at: isoTime(m.joined_at) })), next_cursor: null });
  })
  .patch('/orgs/:slug/members/:userId', validate('param', MemberParam), validate('json', ChangeRoleInput), async (c) => {
    const member = await changeMemberRole(getDb(c.env), c.get('org').ctx, c.req.valid('param').userId, c.req.valid('json').role, clientIp(c));
    return c.json({ ...member, joined_at: isoTime(member.joined_at) });
  })
  .delete('/orgs/:slug/members/:userId', validate('param', MemberParam), async (c) => {
    await removeMember(getDb(c.env), c.get('org').ctx, c.req.valid('param').userId, clientIp(c));
    return c.body(null, 204);
  })
  .get('/orgs/:slug/invitations', async (c) => {
    const invitations = await listInvitations(getDb(c.env), c.get('org').ctx);
    return c.json({ data: invitations.map((i) => ({ ...i, expires_at: isoTime(i.expires_at), created_at: isoTime(i.created_at) })), next_cursor: null });
  })
  .post('/orgs/:slug/invitations', validate('json', InviteInput), async (c) => {
    const { invitation, token } = await createInvitation(getDb(c.env), c.get('org').ctx, c.req.valid('json'), clientIp(c));
    const url = new URL(`/invitations/${token}`, c.get('config').APP_URL).toString();
    // The link is shown once to the inviter (no email service is required to self-host).
    return c.json({ ...invitation, expires_at: isoTime(invitation.expires_at), created_at: isoTime(invitation.created_at), token, url }, 201);
  })
  .delete('/orgs/:slug/invitations/:id', validate('param', SlugParam.extend({ id: z.string().min(1).max(64) })), async (c) => {
    await revokeInvitation(getDb(c.env), c.get('org').ctx, c.req.valid('param').id, clientIp(c));
    return c.body(null, 204);
  })
  .post('/invitations/:token/accept', async (c) => {
    await enforceRateLimit(c, `invitation:ip:${clientIp(c)}`, AUTH_RATE_LIMITS.invitationPerIp);
    const auth = c.get('auth');
    if (auth?.kind !== 'session') throw new ApiError('unauthorized', 'Sign in first.');
    const invitation = await acceptInvitation(getDb(c.env), c.req.param('token'), auth.user, clientIp(c));
    return c.json({ organization: organizationView(invitation.organization, invitation.role), role: invitation.role });
  })
  .get('/orgs/:slug/keys', async (c) => {
    const { ctx } = c.get('org');
    requirePermission(ctx.role, 'keys:manage');
    const rows = await listApiKeys(getDb(c.env), ctx.orgId);
    return c.json({ data: rows.map((row) => apiKeyView(row.key, { name: row.createdByName, email: row.createdByEmail })), next_cursor: null });
  })
  .post('/orgs/:slug/keys', validate('json', CreateKeyInput), async (c) => {
    const { ctx } = c.get('org');
    requirePermission(ctx.role, 'keys:manage');
    const input = c.req.valid('json');
    const db = getDb(c.env);
    const { key, record } = await createApiKey(db, {
      organizationId: ctx.orgId,
      name: input.name,
      scopes: input.scopes ?? DEFAULT_SCOPES,
      createdBy: userId(c),
      expiresAt: input.expires_at ? Date.parse(input.expires_at) : null,
    });
    await db.batch([auditInsert(db, { organizationId: ctx.orgId, actor: ctx.actor, action: 'api_key.created', target: { type: 'api_key', id: record.id }, ip: clientIp(c), metadata: { name: record.name, scopes: record.scopes } })]);
    // The secret is in this response only; we keep its hash.
    return c.json({ ...apiKeyView(record), key }, 201);
  })
  .delete('/orgs/:slug/keys/:id', validate('param', SlugParam.extend({ id: z.string().min(1).max(64) })), async (c) => {
    const { ctx } = c.get('org');
    const db = getDb(c.env);
    const keys = await listApiKeys(db, ctx.orgId);
    const target = keys.find((row) => row.key.id === c.req.valid('param').id);
    if (!target) throw new ApiError('not_found', 'No such API key.');
    requirePermission(ctx.role, 'keys:manage');
    await revokeApiKey(db, c.env.KV, ctx.orgId, target.key.id);
    await recordAudit(db, { organizationId: ctx.orgId, actor: ctx.actor, action: 'api_key.revoked', target: { type: 'api_key', id: target.key.id }, ip: clientIp(c) });
    return c.body(null, 204);
  })
  .get('/orgs/:slug/audit', validate('query', AuditQuery), async (c) => {
    const { ctx } = c.get('org');
    requirePermission(ctx.role, 'audit:read');
    const { limit, cursor } = c.req.valid('query');
    const rows = await listAudit(getDb(c.env), ctx.orgId, { limit: limit + 1, before: cursor });
    const page = rows.slice(0, limit);
    return c.json({
      data: page.map((row) => ({
        id: row.id,
        action: row.action,
        actor: { type: row.actorType, id: row.actorId },
        target: row.targetType ? { type: row.targetType, id: row.targetId } : null,
        ip: row.ip,
        metadata: row.metadata,
        created_at: isoTime(row.createdAt),
      })),
      next_cursor: rows.length > limit ? page[page.length - 1]!.id : null,
    });
  });
