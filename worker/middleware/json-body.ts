import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../../core/errors';
import type { AppEnv } from '../types';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Refuses a request body that is not JSON with 415, before any handler reads it. A mutation
 * with no body at all (e.g. `POST /v1/tasks/:id/cancel`) passes.
 *
 * @example v1.use('*', requireJsonBody())
 */
export function requireJsonBody(): MiddlewareHandler<AppEnv> {
  return async function requireJsonBody(c, next) {
    if (METHODS_WITH_BODY.has(c.req.method)) {
      const type = c.req.header('content-type');
      const length = c.req.header('content-length');
      const hasBody = (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
      if (hasBody && !/^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type ?? '')) {
        throw new ApiError(
          'unsupported_media_type',
          'Send the request body as JSON with "Content-Type: application/json".',
          {
            received: type ?? null,
          },
        );
      }
    }
    await next();
  };
}
