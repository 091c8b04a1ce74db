/**
 * Who is calling: a session cookie (built-in auth), a Clerk session token (when configured)
 * or an API key (`Authorization: Bearer gc_sk_…`). `authenticate()` only identifies;
 * `requireUser()` and `requireOrg()` decide.
 */
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { type CachedKey, verifyApiKey } from '../../core/auth/api-keys';
import { verifyClerkSession } from '../../core/auth/clerk';
import {
  SESSION_COOKIE,
  type Session,
  type SessionUser,
  sessionCookieOptions,
  validateSession,
} from '../../core/auth/sessions';
import { getDb } from '../../core/db/client';
import { touchSandbox } from '../../core/demo';
import type { Role } from '../../core/db/schema';
import { ApiError } from '../../core/errors';
import { findMembershipBySlug, type Organization } from '../../core/orgs';
import type { PlanId } from '../../core/plans';
import type { OrgContext } from '../../core/tenant';
import type { AppEnv } from '../types';

export type Auth =
  | { kind: 'session'; user: SessionUser; session: Session | null; token: string | null }
  | { kind: 'api_key'; key: CachedKey }
  | null;

export interface OrgAccess {
  ctx: OrgContext;
  organization: Pick<Organization, 'id' | 'slug' | 'name' | 'plan'>;
  /** Scopes of the API key; null for a user (roles decide). */
  scopes: readonly string[] | null;
}

declare module 'hono' {
  interface ContextVariableMap {
    auth: Auth;
    org: OrgAccess;
  }
}

/** The role an API key acts with: it can work (tasks, agents) but not administer. */
const API_KEY_ROLE: Role = 'member';

/**
 * Identifies the caller and sets `c.get('auth')` (null for anonymous). A presented but
 * invalid credential is a 401 at once: a client that sent a key expects it to be used.
 *
 * @example app.use('/api/*', authenticate())
 */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return async function authenticate(c, next) {
    const db = getDb(c.env);
    const authorization = c.req.header('authorization');
    c.set('auth', null);
    if (authorization) {
      const [scheme, credential] = authorization.split(/\s+/, 2);
      if (scheme?.toLowerCase() !== 'bearer' || !credential)
        throw new ApiError('unauthorized', 'Use "Authorization: Bearer <key>".');
      if (credential.startsWith('gc_sk_')) {
        const check = await verifyApiKey(db, c.env.KV, credential);
        if (!check.ok) {
          throw new ApiError(
            'unauthorized',
            check.reason === 'malformed'
              ? 'That is not a valid API key.'
              : `The API key is ${check.reason === 'unknown' ? 'not valid' : check.reason}.`,
          );
        }
        c.executionCtx.waitUntil(check.touch());
        c.set('auth', { kind: 'api_key', key: check.key });
      } else {
        const user = await verifyClerkSession(db, c.get('config'), credential);
        if (!user) throw new ApiError('unauthorized', 'The bearer token is not valid.');
        c.set('auth', { kind: 'session', user, session: null, token: null });
      }
      return next();
    }
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const validated = await validateSession(db, token);
      if (validated) {
        c.set('auth', { kind: 'session', user: validated.user, session: validated.session, token });
        if (validated.extended)
          setCookie(c, SESSION_COOKIE, token, sessionCookieOptions(validated.session.expiresAt - Date.now()));
      }
    }
    await next();
  };
}

/** 401 unless a signed-in user (not an API key) is calling. */
export function requireUser(): MiddlewareHandler<AppEnv> {
  return async function requireUser(c, next) {
    const auth = c.get('auth');
    if (auth?.kind !== 'session') throw new ApiError('unauthorized', 'Sign in first.');
    await next();
  };
}

/**
 * Resolves the org of a /v1 call: the API key's own org, or for a signed-in user the org named
 * by `X-Organization: <slug>` that they belong to. Not a member is a 404, never a 403.
 */
export function requireOrg(): MiddlewareHandler<AppEnv> {
  return async function requireOrg(c, next) {
    const auth = c.get('auth');
    if (!auth) throw new ApiError('unauthorized', 'Send an API key: "Authorization: Bearer gc_sk_…".');
    if (auth.kind === 'api_key') {
      // The org travels with the cached key (deleting an org revokes its keys): no D1 read here.
      const { key } = auth;
      const org = { id: key.organizationId, slug: key.orgSlug, name: key.orgName, plan: key.plan as PlanId };
      c.set('org', {
        ctx: {
          orgId: org.id,
          actor: { type: 'api_key', id: auth.key.id },
          role: API_KEY_ROLE,
        },
        organization: org,
        scopes: auth.key.scopes,
      });
      return next();
    }
    const slug = c.req.header('x-organization');
    if (!slug) throw new ApiError('bad_request', 'Name the organization with the "X-Organization: <slug>" header.');
    const membership = await findMembershipBySlug(getDb(c.env), auth.user.id, slug);
    if (!membership) throw new ApiError('not_found', 'No such organization.');
    if (membership.organization.isDemo) await touchSandbox(getDb(c.env), membership.organization);
    c.set('org', {
      ctx: { orgId: membership.organization.id, actor: { type: 'user', id: auth.user.id }, role: membership.role },
      organization: membership.organization,
      scopes: null,
    });
    await next();
  };
}

/** 403 unless the API key carries `scope` (users are governed by their role instead). */
export function requireScope(scope: string): MiddlewareHandler<AppEnv> {
  return async function requireScope(c, next) {
    const { scopes } = c.get('org');
    if (scopes !== null && !scopes.includes(scope)) {
      throw new ApiError('forbidden', `This API key lacks the "${scope}" scope.`, { required_scope: scope });
    }
    await next();
  };
}
