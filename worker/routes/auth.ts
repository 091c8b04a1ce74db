/**
 * Built-in auth, part of the dashboard API (JSON, `/api`): /api/auth/signup, /login, /logout;
 * /api/me and its sessions. Described in the dashboard API's OpenAPI document
 * (`/api/openapi.json`, worker/routes/dashboard-api.ts).
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import {
  isEmailVerified,
  requestPasswordReset,
  resetPassword,
  sendVerificationEmail,
  verifyEmail,
} from '../../core/account-email';
import { logIn, logOut, type RequestMeta, signUp } from '../../core/accounts';
import { deleteSessionById, listSessions, SESSION_COOKIE, sessionCookieOptions } from '../../core/auth/sessions';
import { getDb } from '../../core/db/client';
import { ApiError } from '../../core/errors';
import { closeSessionConnections } from '../../core/live-connections';
import { signOutOtherSessions } from '../../core/org-admin';
import { listMemberships } from '../../core/orgs';
import { AUTH_RATE_LIMITS, loginAttemptLimits, type RateLimitRule } from '../../core/rate-limit';
import { normalizeEmail } from '../../core/users';
import {
  EmailTokenInput,
  LoginInput,
  PasswordResetInput,
  PasswordResetRequestInput,
  SignupInput,
} from '../../core/validation';
import { requireUser } from '../middleware/auth';
import { clientIp, enforceRateLimit, rateLimiterFor } from '../middleware/rate-limit';
import { createApiApp } from '../openapi';
import { errorResponses, jsonBody, jsonResponse } from '../schemas/common';
import {
  DASHBOARD_TAG,
  EndedSessionsSchema,
  LoggedInSchema,
  MeSchema,
  SessionListSchema,
  SignedUpSchema,
  sessionSecurity,
} from '../schemas/dashboard';
import type { AppEnv } from '../types';
import { organizationView, sessionView } from '../views';

export function requestMeta(c: Context<AppEnv>): RequestMeta {
  return { ip: clientIp(c), userAgent: c.req.header('user-agent') ?? null };
}

/** Per-IP limit on a public auth endpoint, before its body is read. */
function limitPerIp(bucket: string, rule: RateLimitRule) {
  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    await enforceRateLimit(c, `${bucket}:ip:${clientIp(c)}`, rule);
    await next();
  };
  return middleware;
}

const SessionIdParam = z.object({
  id: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .openapi({ param: { name: 'id', in: 'path' }, description: 'A session id from `GET /api/me/sessions`.' }),
});

const signupRoute = createRoute({
  method: 'post',
  path: '/auth/signup',
  tags: [DASHBOARD_TAG],
  summary: 'Create an account (and its organization, or join one with an invitation token)',
  description:
    'Sets the session cookie. Without `invitation_token`, `organization_name` names the new organization the user owns; with it, the user joins the inviting organization.',
  security: [],
  middleware: [limitPerIp('signup', AUTH_RATE_LIMITS.signupPerIp)] as const,
  request: { body: jsonBody(SignupInput) },
  responses: {
    201: jsonResponse(SignedUpSchema, 'Signed up and signed in (Set-Cookie)'),
    ...errorResponses(400, 403, 404, 409, 413, 415, 429),
  },
});

const loginRoute = createRoute({
  method: 'post',
  path: '/auth/login',
  tags: [DASHBOARD_TAG],
  summary: 'Sign in with email and password',
  description: 'Sets the session cookie. Limited per IP and per email address.',
  security: [],
  middleware: [limitPerIp('login', AUTH_RATE_LIMITS.loginPerIp)] as const,
  request: { body: jsonBody(LoginInput) },
  responses: {
    200: jsonResponse(LoggedInSchema, 'Signed in (Set-Cookie)'),
    ...errorResponses(400, 401, 413, 415, 429),
  },
});

const logoutRoute = createRoute({
  method: 'post',
  path: '/auth/logout',
  tags: [DASHBOARD_TAG],
  summary: 'Sign out: end this session and clear the cookie',
  description: 'Answers 204 with or without a session, so it is always safe to call.',
  security: [],
  responses: { 204: { description: 'Signed out' }, ...errorResponses(401, 403) },
});

const meRoute = createRoute({
  method: 'get',
  path: '/me',
  tags: [DASHBOARD_TAG],
  summary: 'The signed-in user and their organizations',
  security: sessionSecurity,
  middleware: [requireUser()] as const,
  responses: { 200: jsonResponse(MeSchema, 'The user and their memberships'), ...errorResponses(401) },
});

const listSessionsRoute = createRoute({
  method: 'get',
  path: '/me/sessions',
  tags: [DASHBOARD_TAG],
  summary: 'The signed-in user’s sessions',
  security: sessionSecurity,
  middleware: [requireUser()] as const,
  responses: { 200: jsonResponse(SessionListSchema, 'Every session of the user'), ...errorResponses(401) },
});

const endOtherSessionsRoute = createRoute({
  method: 'delete',
  path: '/me/sessions',
  tags: [DASHBOARD_TAG],
  summary: 'Sign out every other session of the user',
  description: 'Their live connections close too. Needs a session cookie (not a Clerk token).',
  security: [{ session: [] }],
  middleware: [requireUser()] as const,
  responses: {
    200: jsonResponse(EndedSessionsSchema, 'How many sessions ended'),
    ...errorResponses(401, 403),
  },
});

const endSessionRoute = createRoute({
  method: 'delete',
  path: '/me/sessions/{id}',
  tags: [DASHBOARD_TAG],
  summary: 'Sign out one session of the user',
  description: 'Its live connections close too.',
  security: sessionSecurity,
  middleware: [requireUser()] as const,
  request: { params: SessionIdParam },
  responses: { 204: { description: 'Signed out' }, ...errorResponses(400, 401, 403, 404) },
});

const AcceptedSchema = z.object({ accepted: z.literal(true) }).openapi('Accepted');
const VerifiedSchema = z.object({ verified: z.literal(true) }).openapi('EmailVerified');

const passwordResetRequestRoute = createRoute({
  method: 'post',
  path: '/auth/password-reset',
  tags: [DASHBOARD_TAG],
  summary: 'Email a password reset link',
  description:
    'Always answers 202, whether or not the address has an account. The link works once, for 30 minutes. Limited per IP and per address.',
  security: [],
  middleware: [limitPerIp('account-email', AUTH_RATE_LIMITS.accountEmailPerIp)] as const,
  request: { body: jsonBody(PasswordResetRequestInput) },
  responses: {
    202: jsonResponse(AcceptedSchema, 'Mailed if the account exists'),
    ...errorResponses(400, 413, 415, 429),
  },
});

const passwordResetRoute = createRoute({
  method: 'post',
  path: '/auth/password-reset/confirm',
  tags: [DASHBOARD_TAG],
  summary: 'Set a new password with a reset link’s token',
  description:
    'Ends every session of the account and signs in with a new one (Set-Cookie). An unknown, used or expired token answers 410 and changes nothing.',
  security: [],
  middleware: [limitPerIp('login', AUTH_RATE_LIMITS.loginPerIp)] as const,
  request: { body: jsonBody(PasswordResetInput) },
  responses: {
    200: jsonResponse(LoggedInSchema, 'Password set, signed in'),
    ...errorResponses(400, 410, 413, 415, 429),
  },
});

const verifyEmailRoute = createRoute({
  method: 'post',
  path: '/auth/verify-email',
  tags: [DASHBOARD_TAG],
  summary: 'Confirm an email address with the emailed token',
  description: 'An unknown, used or expired token answers 410 and changes nothing.',
  security: [],
  middleware: [limitPerIp('login', AUTH_RATE_LIMITS.loginPerIp)] as const,
  request: { body: jsonBody(EmailTokenInput) },
  responses: { 200: jsonResponse(VerifiedSchema, 'Confirmed'), ...errorResponses(400, 410, 413, 415, 429) },
});

const resendVerificationRoute = createRoute({
  method: 'post',
  path: '/me/verification-email',
  tags: [DASHBOARD_TAG],
  summary: 'Email a new confirmation link to the signed-in user',
  security: sessionSecurity,
  middleware: [requireUser(), limitPerIp('account-email', AUTH_RATE_LIMITS.accountEmailPerIp)] as const,
  responses: { 202: jsonResponse(AcceptedSchema, 'Mailed'), ...errorResponses(401, 409, 429) },
});

export const authRoutes = createApiApp()
  .openapi(signupRoute, async (c) => {
    const result = await signUp(getDb(c.env), c.get('config'), c.req.valid('json'), requestMeta(c), c.env);
    setCookie(c, SESSION_COOKIE, result.token, sessionCookieOptions());
    return c.json({ user: result.user, organization: organizationView(result.organization, result.role) }, 201);
  })
  .openapi(loginRoute, async (c) => {
    const input = c.req.valid('json');
    const attemptLimits = loginAttemptLimits(clientIp(c), normalizeEmail(input.email));
    for (const limit of attemptLimits) await enforceRateLimit(c, limit.bucket, limit.rule);
    const { user, token } = await logIn(getDb(c.env), input, requestMeta(c));
    // The backoff counts failed guesses: a successful sign-in takes its attempt back.
    for (const limit of attemptLimits) rateLimiterFor(c.env.KV).refund(limit.bucket, limit.rule);
    setCookie(c, SESSION_COOKIE, token, sessionCookieOptions());
    return c.json({ user }, 200);
  })
  .openapi(passwordResetRequestRoute, async (c) => {
    const { email } = c.req.valid('json');
    await enforceRateLimit(c, `account-email:email:${normalizeEmail(email)}`, AUTH_RATE_LIMITS.accountEmailPerEmail);
    await requestPasswordReset(getDb(c.env), c.env, c.get('config'), email, requestMeta(c));
    return c.json({ accepted: true as const }, 202);
  })
  .openapi(passwordResetRoute, async (c) => {
    const input = c.req.valid('json');
    const { user, token } = await resetPassword(getDb(c.env), c.env, input.token, input.password, requestMeta(c));
    setCookie(c, SESSION_COOKIE, token, sessionCookieOptions());
    return c.json({ user }, 200);
  })
  .openapi(verifyEmailRoute, async (c) => {
    await verifyEmail(getDb(c.env), c.req.valid('json').token);
    return c.json({ verified: true as const }, 200);
  })
  .openapi(resendVerificationRoute, async (c) => {
    const auth = c.get('auth');
    if (auth?.kind !== 'session') throw new ApiError('unauthorized', 'Sign in first.');
    const db = getDb(c.env);
    if (await isEmailVerified(db, auth.user.id))
      throw new ApiError('conflict', 'Your email address is already confirmed.');
    await enforceRateLimit(c, `account-email:email:${auth.user.email}`, AUTH_RATE_LIMITS.accountEmailPerEmail);
    await sendVerificationEmail(db, c.env, c.get('config'), auth.user);
    return c.json({ accepted: true as const }, 202);
  })
  .openapi(logoutRoute, async (c) => {
    const auth = c.get('auth');
    const session = auth?.kind === 'session' ? auth : null;
    await logOut(getDb(c.env), c.env, session?.token ?? null, session?.user.id ?? null, requestMeta(c));
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: true });
    return c.body(null, 204);
  })
  .openapi(meRoute, async (c) => {
    const auth = c.get('auth');
    if (auth?.kind !== 'session') throw new ApiError('unauthorized', 'Sign in first.');
    const memberships = await listMemberships(getDb(c.env), auth.user.id);
    return c.json(
      {
        user: auth.user,
        memberships: memberships.map((m) => ({ organization: organizationView(m.organization), role: m.role })),
      },
      200,
    );
  })
  .openapi(listSessionsRoute, async (c) => {
    const auth = c.get('auth');
    if (auth?.kind !== 'session') throw new ApiError('unauthorized', 'Sign in first.');
    const sessions = await listSessions(getDb(c.env), auth.user.id);
    return c.json({ data: sessions.map((s) => sessionView(s, auth.session?.id ?? null)), next_cursor: null }, 200);
  })
  .openapi(endOtherSessionsRoute, async (c) => {
    const auth = c.get('auth');
    if (auth?.kind !== 'session' || !auth.session) throw new ApiError('unauthorized', 'Sign in with a session first.');
    const ended = await signOutOtherSessions(getDb(c.env), c.env, auth.user.id, auth.session.id, clientIp(c));
    return c.json({ ended }, 200);
  })
  .openapi(endSessionRoute, async (c) => {
    const auth = c.get('auth');
    if (auth?.kind !== 'session') throw new ApiError('unauthorized', 'Sign in first.');
    const db = getDb(c.env);
    const deleted = await deleteSessionById(db, auth.user.id, c.req.valid('param').id);
    if (!deleted) throw new ApiError('not_found', 'No such session.');
    await closeSessionConnections(db, c.env, auth.user.id, [{ id: c.req.valid('param').id }]);
    return c.body(null, 204);
  });
