/**
 * One error envelope for every failure (docs/architecture.md, "Errors"). Known errors keep their status and code;
 * anything else is a 500 whose message never carries a stack or internal detail.
 */
import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import { ConfigError } from '../../core/config';
import { ApiError, errorEnvelope, fieldIssues } from '../../core/errors';
import { log, redactUrl } from '../../core/log';
import { captureError } from '../../core/monitoring';
import type { AppEnv } from '../types';

export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  details?: unknown,
  headers?: Record<string, string>,
): Response {
  const requestId = (c.get('requestId') as string | undefined) ?? 'unknown';
  return c.json(errorEnvelope(code, message, requestId, details), status, headers);
}

export const handleError: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof ApiError) {
    return errorResponse(c, err.status, err.code, err.message, err.details, err.headers);
  }
  if (err instanceof ZodError) {
    return errorResponse(c, 400, 'validation_failed', 'The request is not valid.', fieldIssues(err.issues));
  }
  if (err instanceof ConfigError) {
    log.error('config_invalid', { request_id: c.get('requestId'), setting: err.setting, problem: err.problem });
    return errorResponse(c, 500, 'config_invalid', err.message);
  }
  if (err instanceof HTTPException) {
    // Hono's own: the JSON validator's parse failure, for one.
    const status = err.status as ContentfulStatusCode;
    const code =
      status === 400 && /json/i.test(err.message) ? 'invalid_json' : status === 400 ? 'bad_request' : 'http_error';
    const message = code === 'invalid_json' ? 'The request body is not valid JSON.' : err.message || 'Request failed.';
    return errorResponse(c, status, code, message);
  }
  captureError(err, { request_id: c.get('requestId') });
  log.error('unhandled_error', {
    request_id: c.get('requestId'),
    method: c.req.method,
    path: redactUrl(c.req.path),
    error: err instanceof Error ? { name: err.name, message: err.message } : String(err),
  });
  return errorResponse(
    c,
    500,
    'internal_error',
    'Something went wrong on our side. Quote the request id if you contact support.',
  );
};

export function notFoundEnvelope(c: Context<AppEnv>): Response {
  return errorResponse(c, 404, 'not_found', `No route for ${c.req.method} ${c.req.path}.`);
}

export function methodNotAllowedEnvelope(c: Context<AppEnv>, allowed: string[]): Response {
  return errorResponse(
    c,
    405,
    'method_not_allowed',
    `${c.req.method} is not allowed here. Allowed: ${allowed.join(', ')}.`,
    undefined,
    {
      Allow: allowed.join(', '),
    },
  );
}
