import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../../core/errors';
import type { AppEnv } from '../types';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** Strict: the platform's decoder would replace bad bytes with U+FFFD and store the damage. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Refuses a request body that is not JSON with 415, and JSON that is not valid UTF-8 with 400,
 * before any handler reads it. A mutation with no body at all (e.g. `POST /v1/tasks/:id/cancel`)
 * passes. The bytes read here are cached by Hono for the handler's own `json()`.
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
      if (hasBody) {
        try {
          utf8.decode(await c.req.arrayBuffer());
        } catch {
          throw new ApiError('invalid_json', 'The request body is not valid UTF-8 (send JSON text encoded as UTF-8).');
        }
      }
    }
    await next();
  };
}
