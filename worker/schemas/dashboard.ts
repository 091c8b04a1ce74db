/**
 * OpenAPI schemas of the dashboard API (`/api/*`): the JSON shapes its routes have always
 * answered with (worker/views.ts and the core services), written down. Request bodies are the
 * core's own input schemas, so the API and the dashboard's forms refuse the same input.
 */
import { z } from '@hono/zod-openapi';
import { API_KEY_SCOPES } from '../../core/auth/api-keys';
import { ROLES } from '../../core/vocabulary';
import { list, OrganizationSchema } from './resources';

/** The tag every dashboard API operation is listed under. */
export const DASHBOARD_TAG = 'Dashboard API (session)';

/** The session cookie the dashboard API authenticates with (a Clerk session token works too). */
export const sessionSecurity: Array<Record<string, string[]>> = [{ session: [] }, { clerk: [] }];

const time = z.string().nullable().openapi({ example: '2026-11-20T09:30:00.000Z' });
const role = z.enum(ROLES).openapi({ example: 'member' });

export const UserSchema = z
  .object({
    id: z.string().openapi({ example: 'usr_01jd9k3m4n5p6q7r8s9t0v1w2x' }),
    email: z.string().openapi({ example: 'ada@example.com' }),
    name: z.string().openapi({ example: 'Ada Founder' }),
  })
  .openapi('User');

export const SignedUpSchema = z.object({ user: UserSchema, organization: OrganizationSchema });
export const LoggedInSchema = z.object({ user: UserSchema });

export const MeSchema = z.object({
  user: UserSchema,
  memberships: z.array(z.object({ organization: OrganizationSchema, role })),
});

export const SessionSchema = z
  .object({
    id: z.string().openapi({ description: 'The session’s id (a hash of its token, never the token).' }),
    current: z.boolean().openapi({ description: 'Whether this is the session making the request.' }),
    user_agent: z.string().nullable(),
    ip: z.string().nullable(),
    created_at: time,
    last_seen_at: time,
    expires_at: time,
  })
  .openapi('Session');

export const SessionListSchema = list(SessionSchema);
export const EndedSessionsSchema = z.object({
  ended: z.number().int().openapi({ description: 'How many other sessions were signed out.' }),
});

export const OrganizationListSchema = list(OrganizationSchema);

export const MemberSchema = z
  .object({
    user_id: z.string(),
    email: z.string(),
    name: z.string(),
    role,
    joined_at: time,
  })
  .openapi('Member');
export const MemberListSchema = list(MemberSchema);

export const InvitationSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role,
    expires_at: time,
    created_at: time,
  })
  .openapi('Invitation');
export const InvitationListSchema = list(InvitationSchema);

export const CreatedInvitationSchema = InvitationSchema.extend({
  token: z.string().openapi({ description: 'The invitation’s secret; shown in this response only.' }),
  url: z
    .string()
    .openapi({ description: 'The invitation link (also emailed to the invitee when `email_delivery` is `sent`).' }),
  email_delivery: z.enum(['sent', 'inviter_unverified', 'not_a_person']).openapi({
    description:
      '`sent`: the link was emailed to the invitee; `inviter_unverified`: not emailed, confirm your own email address first (share the link yourself).',
  }),
}).openapi('CreatedInvitation');

export const AcceptedInvitationSchema = z.object({ organization: OrganizationSchema, role });

export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: 'The start of the key, to recognise it.' }),
    scopes: z.array(z.string()).openapi({
      description: `What the key may do: ${API_KEY_SCOPES.join(', ')}.`,
      example: ['org:read', 'tasks:write'],
    }),
    created_by: z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable() }).nullable(),
    created_at: time,
    last_used_at: time,
    expires_at: time,
  })
  .openapi('ApiKey');
export const ApiKeyListSchema = list(ApiKeySchema);

export const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({ description: 'The secret (`gc_sk_…`); shown in this response only.' }),
}).openapi('CreatedApiKey');

export const CredentialStatusSchema = z
  .object({
    provider: z.literal('anthropic'),
    configured: z.boolean(),
    last4: z.string().nullable().openapi({ description: 'The last four characters: all that is ever shown.' }),
    key_version: z.number().int().nullable(),
    allowed_agent_ids: z
      .array(z.string())
      .nullable()
      .openapi({ description: 'Agents that may use the key; null means every agent.' }),
    updated_at: time,
    updated_by: z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable(),
    fallback: z
      .enum(['platform', 'simulated'])
      .openapi({ description: 'What runs use without the org’s key: the platform key or the simulated model.' }),
  })
  .openapi('CredentialStatus');

export const KeyTestResultSchema = z
  .object({
    ok: z.boolean(),
    status: z.number().int().nullable().openapi({ description: 'Anthropic’s HTTP status, when it answered.' }),
    message: z.string(),
  })
  .openapi('KeyTestResult');

export const AuditEntrySchema = z
  .object({
    id: z.string(),
    action: z.string().openapi({ example: 'api_key.created' }),
    actor: z.object({ type: z.enum(['user', 'api_key', 'system']), id: z.string().nullable() }),
    target: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
    ip: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    created_at: time,
  })
  .openapi('AuditEntry');
export const AuditPageSchema = list(AuditEntrySchema);
