/**
 * Org management for signed-in users (dashboard API): orgs, members, invitations, API keys,
 * audit, the model key (bring your own Anthropic key). The org comes from the slug *and* the caller's membership: not a member → 404.
 */
import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import {
  allowedAgentsField,
  anthropicKeyField,
  deleteAnthropicKey,
  getCredentialStatus,
  KEY_TEST_RATE_LIMIT,
  keyTestBucket,
  platformFallback,
  setAnthropicKey,
  testOrgAnthropicKey,
} from '../../core/credentials';
import { getDb } from '../../core/db/client';
import { orgHub } from '../../core/org-hub-client';
import { ApiError } from '../../core/errors';
import {
  acceptInvitation,
  changeMemberRole,
  createInvitation,
  listInvitations,
  listMembers,
  removeMember,
  revokeInvitation,
} from '../../core/members';
import {
  CreateKeyInput,
  CreateOrgInput,
  createOrganizationAs,
  InviteInput,
  issueApiKey,
  listAuditPage,
  listOrgApiKeys,
  revokeOrgApiKey,
  UpdateOrgInput,
} from '../../core/org-admin';
import { deleteOrganization, findMembershipBySlug, listMemberships, updateOrganization } from '../../core/orgs';
import { requirePermission } from '../../core/permissions';
import { AUTH_RATE_LIMITS } from '../../core/rate-limit';
import { roleField } from '../../core/validation';
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

const MemberParam = SlugParam.extend({ userId: z.string().min(1).max(64) });
const ChangeRoleInput = z.strictObject({ role: roleField });
const PutCredentialsInput = z.strictObject({
  anthropic_api_key: anthropicKeyField,
  allowed_agents: allowedAgentsField,
});
const TestCredentialsInput = z.strictObject({ anthropic_api_key: anthropicKeyField.optional() });
const AuditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(64).optional(),
});

export const orgRoutes = new Hono<AppEnv>()
  .use('/orgs', requireUser())
  .use('/orgs/*', requireUser())
  .use('/invitations/*', requireUser())
  .get('/orgs', async (c) => {
    const memberships = await listMemberships(getDb(c.env), userId(c));
    return c.json({ data: memberships.map((m) => organizationView(m.organization, m.role)), next_cursor: null });
  })
  .post('/orgs', validate('json', CreateOrgInput), async (c) => {
    const org = await createOrganizationAs(getDb(c.env), c.get('config'), userId(c), c.req.valid('json'), clientIp(c));
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
    const org = await updateOrganization(getDb(c.env), c.env, ctx, c.req.valid('json'), clientIp(c));
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
  .patch(
    '/orgs/:slug/members/:userId',
    validate('param', MemberParam),
    validate('json', ChangeRoleInput),
    async (c) => {
      const member = await changeMemberRole(
        getDb(c.env),
        c.get('org').ctx,
        c.req.valid('param').userId,
        c.req.valid('json').role,
        clientIp(c),
      );
      return c.json({ ...member, joined_at: isoTime(member.joined_at) });
    },
  )
  .delete('/orgs/:slug/members/:userId', validate('param', MemberParam), async (c) => {
    await removeMember(getDb(c.env), c.get('org').ctx, c.req.valid('param').userId, clientIp(c));
    return c.body(null, 204);
  })
  .get('/orgs/:slug/invitations', async (c) => {
    const invitations = await listInvitations(getDb(c.env), c.get('org').ctx);
    return c.json({
      data: invitations.map((i) => ({ ...i, expires_at: isoTime(i.expires_at), created_at: isoTime(i.created_at) })),
      next_cursor: null,
    });
  })
  .post('/orgs/:slug/invitations', validate('json', InviteInput), async (c) => {
    const { invitation, token } = await createInvitation(
      getDb(c.env),
      c.get('org').ctx,
      c.req.valid('json'),
      clientIp(c),
    );
    const url = new URL(`/invitations/${token}`, c.get('config').APP_URL).toString();
    // The link is shown once to the inviter (no email service is required to self-host).
    return c.json(
      {
        ...invitation,
        expires_at: isoTime(invitation.expires_at),
        created_at: isoTime(invitation.created_at),
        token,
        url,
      },
      201,
    );
  })
  .delete(
    '/orgs/:slug/invitations/:id',
    validate('param', SlugParam.extend({ id: z.string().min(1).max(64) })),
    async (c) => {
      await revokeInvitation(getDb(c.env), c.get('org').ctx, c.req.valid('param').id, clientIp(c));
      return c.body(null, 204);
    },
  )
  .post('/invitations/:token/accept', async (c) => {
    await enforceRateLimit(c, `invitation:ip:${clientIp(c)}`, AUTH_RATE_LIMITS.invitationPerIp);
    const auth = c.get('auth');
    if (auth?.kind !== 'session') throw new ApiError('unauthorized', 'Sign in first.');
    const invitation = await acceptInvitation(getDb(c.env), c.req.param('token'), auth.user, clientIp(c));
    return c.json({ organization: organizationView(invitation.organization, invitation.role), role: invitation.role });
  })
  .get('/orgs/:slug/keys', async (c) => {
    const rows = await listOrgApiKeys(getDb(c.env), c.get('org').ctx);
    return c.json({
      data: rows.map((row) => apiKeyView(row.key, { name: row.createdByName, email: row.createdByEmail })),
      next_cursor: null,
    });
  })
  .post('/orgs/:slug/keys', validate('json', CreateKeyInput), async (c) => {
    const { key, record } = await issueApiKey(getDb(c.env), c.get('org').ctx, c.req.valid('json'), clientIp(c));
    // The secret is in this response only; we keep its hash.
    return c.json({ ...apiKeyView(record), key }, 201);
  })
  .delete('/orgs/:slug/keys/:id', validate('param', SlugParam.extend({ id: z.string().min(1).max(64) })), async (c) => {
    await revokeOrgApiKey(getDb(c.env), c.env, c.get('org').ctx, c.req.valid('param').id, clientIp(c));
    return c.body(null, 204);
  })
  .get('/orgs/:slug/credentials', async (c) => {
    const status = await getCredentialStatus(getDb(c.env), c.get('org').ctx);
    return c.json({ ...status, fallback: platformFallback(c.get('config')) });
  })
  .put('/orgs/:slug/credentials', validate('json', PutCredentialsInput), async (c) => {
    const body = c.req.valid('json');
    const input = { api_key: body.anthropic_api_key, allowed_agents: body.allowed_agents };
    const { ctx } = c.get('org');
    const hub = orgHub(c.env, ctx);
    const team = await hub.read.agents({});
    const status = await setAnthropicKey(getDb(c.env), c.get('config'), ctx, input, clientIp(c), team);
    await hub.credentialsChanged();
    // Only the last four characters come back; the key itself is sealed in D1.
    return c.json({ ...status, fallback: platformFallback(c.get('config')) });
  })
  .delete('/orgs/:slug/credentials', async (c) => {
    await deleteAnthropicKey(getDb(c.env), c.get('org').ctx, clientIp(c));
    await orgHub(c.env, c.get('org').ctx).credentialsChanged();
    return c.body(null, 204);
  })
  .post('/orgs/:slug/credentials/test', validate('json', TestCredentialsInput), async (c) => {
    const { ctx } = c.get('org');
    requirePermission(ctx.role, 'credentials:manage');
    await enforceRateLimit(c, keyTestBucket(ctx.orgId), KEY_TEST_RATE_LIMIT);
    const result = await testOrgAnthropicKey(getDb(c.env), c.get('config'), ctx, c.req.valid('json').anthropic_api_key);
    return c.json(result);
  })
  .get('/orgs/:slug/audit', validate('query', AuditQuery), async (c) => {
    const { entries, nextCursor } = await listAuditPage(getDb(c.env), c.get('org').ctx, c.req.valid('query'));
    return c.json({
      data: entries.map((row) => ({
        id: row.id,
        action: row.action,
        actor: { type: row.actorType, id: row.actorId },
        target: row.targetType ? { type: row.targetType, id: row.targetId } : null,
        ip: row.ip,
        metadata: row.metadata,
        created_at: isoTime(row.createdAt),
      })),
      next_cursor: nextCursor,
    });
  });
