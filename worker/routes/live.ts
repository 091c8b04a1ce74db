/**
 * Live updates. `GET /v1/live` upgrades to a WebSocket held by the org's OrgHub (dashboard:
 * session cookie with the Origin checked, org by `?org=<slug>`; API clients: a Bearer key with
 * `live:read`). `?since=SEQ` resumes without gaps. `GET /v1/tasks/:id/stream` is the
 * Server-Sent Events alternative for one task.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { getDb } from '../../core/db/client';
import { ApiError } from '../../core/errors';
import { liveCredential } from '../../core/live-connections';
import { getOrgHub } from '../../core/org-hub-client';
import { findMembershipBySlug } from '../../core/orgs';
import { getPlan, type PlanId } from '../../core/plans';
import { AUTH_RATE_LIMITS } from '../../core/rate-limit';
import { authenticate, type OrgAccess, requireScope } from '../middleware/auth';
import { clientIp, enforceRateLimit } from '../middleware/rate-limit';
import { createApiApp } from '../openapi';
import { errorResponses } from '../schemas/common';
import { tenant } from '../tenant';
import type { AppEnv } from '../types';

const SinceQuery = z.coerce.number().int().min(0).optional();

/** The request the OrgHub receives: identity in x-gc-* headers that only the Worker sets. */
function hubRequest(
  path: string,
  access: OrgAccess,
  credential: string,
  name: string,
  since: number | undefined,
  upgrade: boolean,
): Request {
  const url = new URL(`https://org-hub${path}`);
  if (since !== undefined) url.searchParams.set('since', String(since));
  const headers = new Headers({
    'x-gc-org': access.ctx.orgId,
    'x-gc-principal-type': access.ctx.actor.type === 'api_key' ? 'api_key' : 'user',
    'x-gc-principal-id': access.ctx.actor.id ?? 'system',
    // Header values are bytes (Latin-1 at most): names like "Zoë 🚀" or "李雷" travel encoded.
    'x-gc-principal-name': encodeURIComponent(name),
    'x-gc-credential': credential,
    // What the socket may receive: the hub filters every event by these (core/live-access.ts).
    'x-gc-role': access.ctx.role,
    'x-gc-scopes': access.scopes?.join(',') ?? '',
    'x-gc-max-sockets': String(getPlan(access.organization.plan as PlanId).limits.liveConnections),
  });
  if (upgrade) headers.set('Upgrade', 'websocket');
  return new Request(url, { headers });
}

function credentialOf(c: Context<AppEnv>): { credential: string; name: string } {
  const auth = c.get('auth');
  if (auth?.kind === 'api_key') return { credential: liveCredential.apiKey(auth.key.id), name: 'API key' };
  if (auth?.kind === 'session') {
    return {
      credential: auth.session ? liveCredential.session(auth.session.id) : liveCredential.clerk(auth.user.id),
      name: auth.user.name,
    };
  }
  throw new ApiError('unauthorized', 'Sign in or send an API key.');
}

/** `GET /v1/live`: registered before the generic /v1 auth chain (browsers cannot set headers on a WebSocket). */
export const liveSocketRoute = new Hono<AppEnv>().get(
  '/live',
  async (c, next) => {
    // Per IP, before authenticating: each upgrade looks up a credential and wakes an OrgHub.
    await enforceRateLimit(c, `live:ip:${clientIp(c)}`, AUTH_RATE_LIMITS.livePerIp);
    await next();
  },
  authenticate(),
  async (c) => {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      throw new ApiError('bad_request', 'Connect with a WebSocket client (Upgrade: websocket).', undefined, {
        Upgrade: 'websocket',
      });
    }
    const auth = c.get('auth');
    if (!auth) throw new ApiError('unauthorized', 'Sign in, or send an API key with the live:read scope.');
    const since = SinceQuery.safeParse(c.req.query('since') || undefined);
    if (!since.success)
      throw new ApiError('validation_failed', 'The request is not valid.', [
        { field: 'since', message: 'A non-negative sequence number.' },
      ]);

    let access: OrgAccess;
    if (auth.kind === 'api_key') {
      if (!auth.key.scopes.includes('live:read'))
        throw new ApiError('forbidden', 'This API key lacks the "live:read" scope.', { required_scope: 'live:read' });
      const org = await getDb(c.env).query.organizations.findFirst({
        where: (o, { eq }) => eq(o.id, auth.key.organizationId),
      });
      if (!org || org.deletedAt) throw new ApiError('unauthorized', 'The API key is not valid.');
      access = {
        ctx: { orgId: org.id, actor: { type: 'api_key', id: auth.key.id }, role: 'member' },
        organization: org,
        scopes: auth.key.scopes,
      };
    } else {
      // Cross-site WebSocket hijacking: a cookie-authenticated socket must come from our own pages.
      if (auth.session) {
        const origin = c.req.header('origin');
        const allowed = new Set([new URL(c.req.url).origin, new URL(c.get('config').APP_URL).origin]);
        if (!origin || !allowed.has(origin))
          throw new ApiError('forbidden', 'Live connections with a session must come from this site.');
      }
      const slug = c.req.query('org');
      if (!slug) throw new ApiError('bad_request', 'Name the organization: /v1/live?org=<slug>.');
      const membership = await findMembershipBySlug(getDb(c.env), auth.user.id, slug.toLowerCase());
      if (!membership) throw new ApiError('not_found', 'No such organization.');
      access = {
        ctx: { orgId: membership.organization.id, actor: { type: 'user', id: auth.user.id }, role: membership.role },
        organization: membership.organization,
        scopes: null,
      };
    }
    const { credential, name } = credentialOf(c);
    const upgraded = await getOrgHub(c.env, access.ctx).fetch(
      hubRequest('/live', access, credential, name, since.data, true),
    );
    // Responses from a Durable Object have immutable headers; middleware adds its own after this.
    return new Response(upgraded.body, {
      status: upgraded.status,
      headers: new Headers(upgraded.headers),
      webSocket: upgraded.webSocket,
    });
  },
);

const streamRoute = createRoute({
  method: 'get',
  path: '/tasks/{id}/stream',
  tags: ['tasks'],
  summary: 'Server-Sent Events for one task: task.updated and run.step until it ends',
  description:
    'Each event has `id` (the org sequence number), `event` (the type) and `data` (JSON). Reconnect with `Last-Event-ID` or `?since=` to resume. When the task ends (completed, failed or cancelled) the last frame is `event: end` and the stream closes; a task that has already ended gets its replay, if one was asked for, then `end` at once.',
  security: [{ bearer: [] }],
  middleware: requireScope('tasks:read'),
  request: {
    params: z.object({
      id: z
        .string()
        .min(1)
        .max(64)
        .openapi({ param: { name: 'id', in: 'path' } }),
    }),
    query: z.object({ since: z.coerce.number().int().min(0).optional() }),
  },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    ...errorResponses(401, 403, 404, 429),
  },
});

/** `GET /v1/tasks/:id/stream`: behind the normal /v1 auth chain. */
export const taskStreamRoute = createApiApp().openapi(streamRoute, async (c) => {
  const t = tenant(c);
  t.require('tasks:read');
  const taskId = c.req.valid('param').id;
  await t.hub.read.taskExists(taskId);
  const lastEventId = Number(c.req.header('last-event-id'));
  const since =
    c.req.valid('query').since ?? (Number.isInteger(lastEventId) && lastEventId >= 0 ? lastEventId : undefined);
  const { credential, name } = credentialOf(c);
  const response = await getOrgHub(c.env, t.ctx).fetch(
    hubRequest(`/sse?task=${encodeURIComponent(taskId)}`, c.get('org'), credential, name, since, false),
  );
  if (response.status === 429) throw new ApiError('rate_limited', 'Too many live connections for this plan.');
  return new Response(response.body, {
    status: response.status,
    headers: new Headers(response.headers),
  }) as unknown as Response & { _data: never };
});
