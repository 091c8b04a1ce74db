import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { SESSION_COOKIE } from '../../core/auth/sessions';
import { ApiError } from '../../core/errors';
import type { AppEnv } from '../types';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Machine-to-machine surfaces: API keys (no ambient credentials) and signed webhooks. */
const NO_BROWSER_PREFIXES = ['/v1/', '/webhooks/'];

/**
 * CSRF protection for mutations (JSON API and Remix form posts alike): a browser always sends
 * `Origin` (or at least `Sec-Fetch-Site`) on a cross-site POST, so one that is present must be
 * ours (the request's own origin or APP_URL). With a session cookie this guards the session;
 * without one it still guards the pages and the dashboard API (login CSRF: a foreign page must
 * not sign a visitor in to the attacker's account). /v1 and /webhooks pass without a cookie:
 * API keys and webhook signatures are not sent by browsers on their own.
 *
 * @example app.use(sameOriginMutations())
 */
export function sameOriginMutations(): MiddlewareHandler<AppEnv> {
  return async function sameOriginMutations(c, next) {
    if (!SAFE_METHODS.has(c.req.method)) {
      const guarded = getCookie(c, SESSION_COOKIE) || !NO_BROWSER_PREFIXES.some((p) => c.req.path.startsWith(p));
      if (guarded) {
        const allowed = new Set([new URL(c.req.url).origin, new URL(c.get('config').APP_URL).origin]);
        const origin = c.req.header('origin');
        const fetchSite = c.req.header('sec-fetch-site');
        const crossSite = origin ? !allowed.has(origin) : fetchSite === 'cross-site' || fetchSite === 'same-site';
        if (crossSite) throw new ApiError('forbidden', 'Cross-origin requests cannot use this form or your session.');
      }
    }
    await next();
  };
}
