import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { SESSION_COOKIE } from '../../core/auth/sessions';
import { ApiError } from '../../core/errors';
import type { AppEnv } from '../types';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF protection for cookie-authenticated mutations (JSON API and Remix form posts alike):
 * a browser always sends `Origin` on a cross-site POST, so one that is present must be ours
 * (the request's own origin or APP_URL). Requests without a session cookie are not at risk
 * (API keys are not sent by browsers on their own) and pass.
 *
 * @example app.use(sameOriginMutations())
 */
export function sameOriginMutations(): MiddlewareHandler<AppEnv> {
  return async function sameOriginMutations(c, next) {
    if (!SAFE_METHODS.has(c.req.method) && getCookie(c, SESSION_COOKIE)) {
      const allowed = new Set([new URL(c.req.url).origin, new URL(c.get('config').APP_URL).origin]);
      const origin = c.req.header('origin');
      const fetchSite = c.req.header('sec-fetch-site');
      const crossSite = origin ? !allowed.has(origin) : fetchSite === 'cross-site' || fetchSite === 'same-site';
      if (crossSite) throw new ApiError('forbidden', 'Cross-origin requests cannot use your session.');
    }
    await next();
  };
}
