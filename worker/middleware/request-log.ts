import type { MiddlewareHandler } from 'hono';
import { log } from '../../core/log';
import type { AppEnv } from '../types';

/**
 * One structured JSON line per request: method, path, status, duration and request id.
 * Never logs headers, query strings or bodies (they may carry secrets).
 *
 * @example app.use(requestLog())
 */
export function requestLog(): MiddlewareHandler<AppEnv> {
  return async function requestLog(c, next) {
    const started = Date.now();
    await next();
    const status = c.res.status;
    const fields = {
      request_id: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status,
      duration_ms: Date.now() - started,
    };
    if (status >= 500) log.error('request', fields);
    else log.info('request', fields);
  };
}
