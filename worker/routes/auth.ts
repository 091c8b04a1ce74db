/** Built-in auth (JSON): /api/auth/signup, /login, /logout; /api/me and its sessions. */
import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { logIn, logOut, type RequestMeta, signUp } from '../../core/auth/service';
import { deleteSessionById, listSessions, SESSION_COOKIE, sessionCookieOptions } from '../../core/auth/sessions';
import { closeSessionConnections } from '../../core/live-connections';
import { signOutOtherSessions } from '../../core/org-admin';
import { getDb } from '../../core/db/client';
import { ApiError } from '../../core/errors';
import { listMemberships } from '../../core/orgs';
import { AUTH_RATE_LIMITS, loginAttemptLimits } from '../../core/rate-limit';
import { normalizeEmail } from '../../core/users';
import { LoginInput, SignupInput } from '../../core/validation';
import { requireUser } from '../middleware/auth';
import { clientIp, enforceRateLimit } from '../middleware/rate-limit';
import type { AppEnv } from '../types';
import { validate } from '../validate';
import { organizationView, sessionView } from '../views';
import type { Context } from 'hono';

export function requestMeta(c: Context<AppEnv>): RequestMeta {
  return { ip: clientIp(c), userAgent: c.req.header('user-agent') ?? null };
}

export const authRoutes = new Hono<AppEnv>()
  .post(
    '/auth/signup',
    async (c, next) => {
      await enforceRateLimit(c, `signup:ip:${clientIp(c)}`, AUTH_RATE_LIMITS.signupPerIp);
      await next();
    },
    validate('json', SignupInput),
    async (c) => {
      const result = await signUp(getDb(c.env), c.get('config'), c.req.valid('json'), requestMeta(c));
      setCookie(c, SESSION_COOKIE, result.token, sessionCookieOptions());
      return c.json({ user: result.user, organization: organizationView(result.organization, 'owner') }, 201);
    },
  )
  .post(
    '/auth/login',
    async (c, next) => {
      await enforceRateLimit(c, `login:ip:${clientIp(c)}`, AUTH_RATE_LIMITS.loginPerIp);
      await next();
    },
    validate('json', LoginInput),
    async (c) => {
      const input = c.req.valid('json');
      for (const { bucket, rule } of loginAttemptLimits(clientIp(c), normalizeEmail(input.email)))
        await enforceRateLimit(c, bucket, rule);
      const { user, token } = await logIn(getDb(c.env), input, requestMeta(c));
      setCookie(c, SESSION_COOKIE, token, sessionCookieOptions());
      return c.json({ user });
    },
  )
  .post('/auth/logout', async (c) => {
    const auth = c.get('auth');
    const session = auth?.kind === 'session' ? auth : null;
    await logOut(getDb(c.env), c.env, session?.token ?? null, session?.user.id ?? null, requestMeta(c));
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true });
    return c.body(null, 204);
  })
  .get('/me', requireUser(), async (c) => {
    const auth = c.get('auth');
    if (auth?.kind !== 'session') throw new ApiError('unauthorized', 'Sign in first.');
    const memberships = await listMemberships(getDb(c.env), auth.user.id);
    return c.json({
      user: auth.user,
      memberships: memberships.map((m) => ({ organization: organizationView(m.organization), role: m.role })),
    });
  })
  .get('/me/sessions', requireUser(), async (c) => {
    const auth = c.get('auth');
    if (auth?.kind !== 'session') throw new ApiError('unauthorized', 'Sign in first.');
    const sessions = await listSessions(getDb(c.env), auth.user.id);
    return c.json({ data: sessions.map((s) => sessionView(s, auth.session?.id ?? null)), next_cursor: null });
  })
  .delete('/me/sessions', requireUser(), async (c) => {
    const auth = c.get('auth');
    if (auth?.kind !== 'session' || !auth.session) throw new ApiError('unauthorized', 'Sign in with a session first.');
    const ended = await signOutOtherSessions(getDb(c.env), c.env, auth.user.id, auth.session.id, clientIp(c));
    return c.json({ ended });
  })
  .delete(
    '/me/sessions/:id',
    requireUser(),
    validate('param', z.object({ id: z.string().regex(/^[0-9a-f]{64}$/) })),
    async (c) => {
      const auth = c.get('auth');
      if (auth?.kind !== 'session') throw new ApiError('unauthorized', 'Sign in first.');
      const db = getDb(c.env);
      const deleted = await deleteSessionById(db, auth.user.id, c.req.valid('param').id);
      if (!deleted) throw new ApiError('not_found', 'No such session.');
      await closeSessionConnections(db, c.env, auth.user.id, [{ id: c.req.valid('param').id }]);
      return c.body(null, 204);
    },
  );
