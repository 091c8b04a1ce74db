/**
 * Org management for signed-in users, part of the dashboard API (JSON, `/api`): orgs, members,
 * invitations, API keys, audit, the model key (bring your own Anthropic key). The org comes
 * from the slug *and* the caller's membership: not a member → 404. Described in the dashboard
 * API's OpenAPI document (`/api/openapi.json`, worker/routes/dashboard-api.ts).
 */
import { track } from '../../core/analytics';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
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
import { ApiError } from '../../core/errors';
import { orgHub } from '../../core/org-hub-client';
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
import { cursorField, roleField } from '../../core/validation';
import { requireUser } from '../middleware/auth';
import { mailInvitation } from '../../core/invitation-email';
import { clientIp, enforceRateLimit } from '../middleware/rate-limit';
import { createApiApp } from '../openapi';
import { errorResponses, jsonBody, jsonResponse } from '../schemas/common';
import {
  AcceptedInvitationSchema,
  ApiKeyListSchema,
  AuditPageSchema,
  CreatedApiKeySchema,
  CreatedInvitationSchema,
  CredentialStatusSchema,
  DASHBOARD_TAG,
  InvitationListSchema,
  KeyTestResultSchema,
  MemberListSchema,
  MemberSchema,
  OrganizationListSchema,
  sessionSecurity,
} from '../schemas/dashboard';
import { OrganizationSchema } from '../schemas/resources';
import type { AppEnv } from '../types';
import { apiKeyView, isoTime, organizationView } from '../views';
import { authRoutes } from './auth';
import { billingRoutes } from './billing';
import { dashboardApiDocument } from './dashboard-api';

const pathParam = <T extends z.ZodString>(schema: T, name: string, description: string) =>
  schema.openapi({ param: { name, in: 'path' }, description });

const slug = z.string().min(1).max(64);
const SlugParam = z.object({ slug: pathParam(slug, 'slug', 'The organization’s slug.') });
/** Declares `{slug}` for the document; the membership check (404) runs before it. */
const AnySlugParam = z.object({ slug: pathParam(z.string(), 'slug', 'The organization’s slug.') });
const MemberParam = SlugParam.extend({
  userId: pathParam(z.string().min(1).max(64), 'userId', 'The member’s user id.'),
});
const IdParam = (description: string) =>
  SlugParam.extend({ id: pathParam(z.string().min(1).max(64), 'id', description) });
const TokenParam = z.object({
  token: pathParam(z.string(), 'token', 'The token from the invitation link.'),
});

const ChangeRoleInput = z.strictObject({ role: roleField });
const PutCredentialsInput = z.strictObject({
  anthropic_api_key: anthropicKeyField,
  allowed_agents: allowedAgentsField,
});
const TestCredentialsInput = z.strictObject({ anthropic_api_key: anthropicKeyField.optional() });
const AuditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: cursorField('aud').optional(),
});

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

/** A dashboard API operation: its tag, the session credential, and the errors every one can answer. */
function operation<const R extends Parameters<typeof createRoute>[0]>(route: R) {
  return createRoute({ tags: [DASHBOARD_TAG], security: sessionSecurity, ...route });
}

const deleted = { 204: { description: 'Done' } };

export const orgRoutes = createApiApp();

orgRoutes.use('/orgs', requireUser());
orgRoutes.use('/orgs/*', requireUser());
orgRoutes.use('/invitations/*', requireUser());

orgRoutes
  .openapi(
    operation({
      method: 'get',
      path: '/orgs',
      summary: 'The organizations the user belongs to, with their role',
      responses: { 200: jsonResponse(OrganizationListSchema, 'Organizations'), ...errorResponses(401) },
    }),
    async (c) => {
      const memberships = await listMemberships(getDb(c.env), userId(c));
      return c.json({ data: memberships.map((m) => organizationView(m.organization, m.role)), next_cursor: null }, 200);
    },
  )
  .openapi(
    operation({
      method: 'post',
      path: '/orgs',
      summary: 'Create an organization the user owns (with the default team)',
      request: { body: jsonBody(CreateOrgInput) },
      responses: {
        201: jsonResponse(OrganizationSchema, 'Created'),
        ...errorResponses(400, 401, 403, 409, 413, 415, 429),
      },
    }),
    async (c) => {
      const org = await createOrganizationAs(
        getDb(c.env),
        c.env.KV,
        c.get('config'),
        userId(c),
        c.req.valid('json'),
        clientIp(c),
      );
      await track(c.env, 'org_created', { org: org.id, actor: userId(c) });
      return c.json(organizationView(org, 'owner'), 201);
    },
  );

// Everything under /orgs/:slug acts in that org, for a member of it only.
orgRoutes.use('/orgs/:slug/*', orgFromSlug());
orgRoutes.use('/orgs/:slug', orgFromSlug());

orgRoutes
  .openapi(
    operation({
      method: 'get',
      path: '/orgs/{slug}',
      summary: 'An organization, its plan and limits, and the user’s role',
      request: { params: AnySlugParam },
      responses: { 200: jsonResponse(OrganizationSchema, 'The organization'), ...errorResponses(401, 404) },
    }),
    async (c) => {
      const { ctx } = c.get('org');
      const org = await getDb(c.env).query.organizations.findFirst({ where: (o, { eq }) => eq(o.id, ctx.orgId) });
      return c.json(organizationView(org!, ctx.role), 200);
    },
  )
  .openapi(
    operation({
      method: 'patch',
      path: '/orgs/{slug}',
      summary: 'Rename an organization or change its slug (admins)',
      request: { params: AnySlugParam, body: jsonBody(UpdateOrgInput) },
      responses: {
        200: jsonResponse(OrganizationSchema, 'Updated'),
        ...errorResponses(400, 401, 403, 404, 409, 413, 415),
      },
    }),
    async (c) => {
      const { ctx } = c.get('org');
      const org = await updateOrganization(getDb(c.env), c.env, ctx, c.req.valid('json'), clientIp(c));
      return c.json(organizationView(org, ctx.role), 200);
    },
  )
  .openapi(
    operation({
      method: 'delete',
      path: '/orgs/{slug}',
      summary: 'Delete an organization (owner)',
      description: 'Its live connections close and its data is purged after a grace period.',
      request: { params: AnySlugParam },
      responses: { ...deleted, ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      await deleteOrganization(getDb(c.env), c.env, c.get('org').ctx, clientIp(c));
      return c.body(null, 204);
    },
  )
  .openapi(
    operation({
      method: 'get',
      path: '/orgs/{slug}/members',
      summary: 'The members of an organization',
      request: { params: AnySlugParam },
      responses: { 200: jsonResponse(MemberListSchema, 'Members'), ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      const members = await listMembers(getDb(c.env), c.get('org').ctx);
      return c.json({ data: members.map((m) => ({ ...m, joined_at: isoTime(m.joined_at) })), next_cursor: null }, 200);
    },
  )
  .openapi(
    operation({
      method: 'patch',
      path: '/orgs/{slug}/members/{userId}',
      summary: 'Change a member’s role (admins; only an owner makes or unmakes owners)',
      request: { params: MemberParam, body: jsonBody(ChangeRoleInput) },
      responses: {
        200: jsonResponse(MemberSchema, 'The member'),
        ...errorResponses(400, 401, 403, 404, 409, 413, 415),
      },
    }),
    async (c) => {
      const member = await changeMemberRole(
        getDb(c.env),
        c.env,
        c.get('org').ctx,
        c.req.valid('param').userId,
        c.req.valid('json').role,
        clientIp(c),
      );
      return c.json({ ...member, joined_at: isoTime(member.joined_at) }, 200);
    },
  )
  .openapi(
    operation({
      method: 'delete',
      path: '/orgs/{slug}/members/{userId}',
      summary: 'Remove a member (admins), or leave the organization (your own user id)',
      request: { params: MemberParam },
      responses: { ...deleted, ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      await removeMember(getDb(c.env), c.env, c.get('org').ctx, c.req.valid('param').userId, clientIp(c));
      return c.body(null, 204);
    },
  )
  .openapi(
    operation({
      method: 'get',
      path: '/orgs/{slug}/invitations',
      summary: 'Pending invitations (admins)',
      request: { params: AnySlugParam },
      responses: { 200: jsonResponse(InvitationListSchema, 'Invitations'), ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      const invitations = await listInvitations(getDb(c.env), c.get('org').ctx);
      return c.json(
        {
          data: invitations.map((i) => ({
            ...i,
            expires_at: isoTime(i.expires_at),
            created_at: isoTime(i.created_at),
          })),
          next_cursor: null,
        },
        200,
      );
    },
  )
  .openapi(
    operation({
      method: 'post',
      path: '/orgs/{slug}/invitations',
      summary: 'Invite someone by email (admins)',
      description:
        'The invitation link is emailed to the invitee when the inviter’s own email is verified, and returned in the response either way (shown once).',
      request: { params: AnySlugParam, body: jsonBody(InviteInput) },
      responses: {
        201: jsonResponse(CreatedInvitationSchema, 'Created'),
        ...errorResponses(400, 401, 403, 404, 409, 413, 415),
      },
    }),
    async (c) => {
      const db = getDb(c.env);
      const { invitation, token } = await createInvitation(db, c.get('org').ctx, c.req.valid('json'), clientIp(c));
      const url = new URL(`/invitations/${token}`, c.get('config').APP_URL).toString();
      // Mailed when the inviter is verified; the link is also shown once to the inviter.
      const emailDelivery = await mailInvitation(db, c.env, c.get('org').ctx, invitation, url);
      return c.json(
        {
          ...invitation,
          email_delivery: emailDelivery,
          expires_at: isoTime(invitation.expires_at),
          created_at: isoTime(invitation.created_at),
          token,
          url,
        },
        201,
      );
    },
  )
  .openapi(
    operation({
      method: 'delete',
      path: '/orgs/{slug}/invitations/{id}',
      summary: 'Revoke a pending invitation (admins)',
      request: { params: IdParam('The invitation’s id.') },
      responses: { ...deleted, ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      await revokeInvitation(getDb(c.env), c.get('org').ctx, c.req.valid('param').id, clientIp(c));
      return c.body(null, 204);
    },
  )
  .openapi(
    operation({
      method: 'post',
      path: '/invitations/{token}/accept',
      summary: 'Accept an invitation as the signed-in user (the invited email only)',
      request: { params: TokenParam },
      responses: {
        200: jsonResponse(AcceptedInvitationSchema, 'Joined'),
        ...errorResponses(401, 403, 404, 409, 429),
      },
    }),
    async (c) => {
      await enforceRateLimit(c, `invitation:ip:${clientIp(c)}`, AUTH_RATE_LIMITS.invitationPerIp);
      const auth = c.get('auth');
      if (auth?.kind !== 'session') throw new ApiError('unauthorized', 'Sign in first.');
      const invitation = await acceptInvitation(getDb(c.env), c.req.valid('param').token, auth.user, clientIp(c));
      await track(c.env, 'invitation_accepted', { org: invitation.organization.id, actor: auth.user.id });
      return c.json(
        { organization: organizationView(invitation.organization, invitation.role), role: invitation.role },
        200,
      );
    },
  )
  .openapi(
    operation({
      method: 'get',
      path: '/orgs/{slug}/keys',
      summary: 'The organization’s API keys (admins)',
      request: { params: AnySlugParam },
      responses: { 200: jsonResponse(ApiKeyListSchema, 'API keys'), ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      const rows = await listOrgApiKeys(getDb(c.env), c.get('org').ctx);
      return c.json(
        {
          data: rows.map((row) => apiKeyView(row.key, { name: row.createdByName, email: row.createdByEmail })),
          next_cursor: null,
        },
        200,
      );
    },
  )
  .openapi(
    operation({
      method: 'post',
      path: '/orgs/{slug}/keys',
      summary: 'Create an API key for the public API (admins)',
      description: 'The secret is in this response only; the server keeps its hash.',
      request: { params: AnySlugParam, body: jsonBody(CreateKeyInput) },
      responses: {
        201: jsonResponse(CreatedApiKeySchema, 'Created'),
        ...errorResponses(400, 401, 403, 404, 413, 415),
      },
    }),
    async (c) => {
      const { key, record } = await issueApiKey(getDb(c.env), c.get('org').ctx, c.req.valid('json'), clientIp(c));
      await track(c.env, 'key_created', { org: c.get('org').ctx.orgId, actor: c.get('org').ctx.actor.id });
      // The secret is in this response only; we keep its hash.
      const auth = c.get('auth');
      const creator = auth?.kind === 'session' ? { name: auth.user.name, email: auth.user.email } : undefined;
      return c.json({ ...apiKeyView(record, creator), key }, 201);
    },
  )
  .openapi(
    operation({
      method: 'delete',
      path: '/orgs/{slug}/keys/{id}',
      summary: 'Revoke an API key (admins); its live connections close at once',
      request: { params: IdParam('The key’s id.') },
      responses: { ...deleted, ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      await revokeOrgApiKey(getDb(c.env), c.env, c.get('org').ctx, c.req.valid('param').id, clientIp(c));
      return c.body(null, 204);
    },
  )
  .openapi(
    operation({
      method: 'get',
      path: '/orgs/{slug}/credentials',
      summary: 'The organization’s model key: whether one is set, its last four characters (admins)',
      request: { params: AnySlugParam },
      responses: {
        200: jsonResponse(CredentialStatusSchema, 'The model key’s status'),
        ...errorResponses(401, 403, 404),
      },
    }),
    async (c) => {
      const status = await getCredentialStatus(getDb(c.env), c.get('org').ctx);
      return c.json({ ...status, fallback: platformFallback(c.get('config')) }, 200);
    },
  )
  .openapi(
    operation({
      method: 'put',
      path: '/orgs/{slug}/credentials',
      summary: 'Set the organization’s own Anthropic key, optionally for some agents only (admins)',
      description: 'The key is sealed with AES-GCM; only its last four characters come back, here and anywhere else.',
      request: { params: AnySlugParam, body: jsonBody(PutCredentialsInput) },
      responses: {
        200: jsonResponse(CredentialStatusSchema, 'The model key’s status'),
        ...errorResponses(400, 401, 403, 404, 413, 415),
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const input = { api_key: body.anthropic_api_key, allowed_agents: body.allowed_agents };
      const { ctx } = c.get('org');
      const hub = orgHub(c.env, ctx);
      const team = await hub.read.agents({});
      const status = await setAnthropicKey(getDb(c.env), c.get('config'), ctx, input, clientIp(c), team);
      await hub.credentialsChanged();
      // Only the last four characters come back; the key itself is sealed in D1.
      return c.json({ ...status, fallback: platformFallback(c.get('config')) }, 200);
    },
  )
  .openapi(
    operation({
      method: 'delete',
      path: '/orgs/{slug}/credentials',
      summary: 'Remove the organization’s model key (admins)',
      request: { params: AnySlugParam },
      responses: { ...deleted, ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      await deleteAnthropicKey(getDb(c.env), c.get('org').ctx, clientIp(c));
      await orgHub(c.env, c.get('org').ctx).credentialsChanged();
      return c.body(null, 204);
    },
  )
  .openapi(
    operation({
      method: 'post',
      path: '/orgs/{slug}/credentials/test',
      summary: 'Test a key (or the saved one) against Anthropic’s Models API (admins)',
      description: 'Send `anthropic_api_key` to test a key before saving it; an empty body tests the saved key.',
      request: {
        params: AnySlugParam,
        body: { required: false, content: { 'application/json': { schema: TestCredentialsInput } } },
      },
      responses: {
        200: jsonResponse(KeyTestResultSchema, 'The result (ok or not, with Anthropic’s answer)'),
        ...errorResponses(400, 401, 403, 404, 413, 415, 429),
      },
    }),
    async (c) => {
      const { ctx } = c.get('org');
      requirePermission(ctx.role, 'credentials:manage');
      await enforceRateLimit(c, keyTestBucket(ctx.orgId), KEY_TEST_RATE_LIMIT);
      const result = await testOrgAnthropicKey(
        getDb(c.env),
        c.get('config'),
        ctx,
        c.req.valid('json').anthropic_api_key,
      );
      return c.json(result, 200);
    },
  )
  .openapi(
    operation({
      method: 'get',
      path: '/orgs/{slug}/audit',
      summary: 'The organization’s audit log, newest first (admins)',
      request: { params: AnySlugParam, query: AuditQuery },
      responses: { 200: jsonResponse(AuditPageSchema, 'A page of entries'), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { entries, nextCursor } = await listAuditPage(getDb(c.env), c.get('org').ctx, c.req.valid('query'));
      return c.json(
        {
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
        },
        200,
      );
    },
  );

// Billing (hosted edition), behind the same membership check.
orgRoutes.route('/', billingRoutes);

// The dashboard API's own OpenAPI document: these routes and the auth routes, under /api.
orgRoutes.get('/openapi.json', (c) => c.json(dashboardApiDocument([authRoutes, orgRoutes], new URL(c.req.url).origin)));
