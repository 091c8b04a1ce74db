import type { MiddlewareHandler } from 'hono';
import { track } from '../../core/analytics';
import { log, redactUrl } from '../../core/log';
import { tagEvents } from '../../core/monitoring';
import type { AppEnv } from '../types';

/** A request slower than this is logged even when it succeeded. */
const SLOW_MS = 1_000;

/**
 * Tags the request's error events with its id, and writes a structured JSON line for each
 * request that failed on our side (5xx) or took a second or more: method, path, status,
 * duration and request id. Workers Logs already records every invocation, so a line per
 * ordinary request would only cost CPU on the hot path.
 * Never logs headers, query strings or bodies (they may carry secrets).
 *
 * @example app.use(requestLog())
 */
export function requestLog(): MiddlewareHandler<AppEnv> {
  return async function requestLog(c, next) {
    const started = Date.now();
    // Every error event of this request carries its id (the one in the response and the logs).
    tagEvents({ request_id: c.get('requestId') });
    await next();
    const status = c.res.status;
    const durationMs = Date.now() - started;
    // The error rate on /status: one Analytics Engine data point per request, by status class.
    try {
      c.executionCtx.waitUntil(track(c.env, 'request', { detail: `${Math.floor(status / 100)}xx` }));
    } catch {
      // No execution context (a direct app.fetch in a unit test): nothing to count.
    }
    if (status < 500 && durationMs < SLOW_MS) return;
    // Paths can carry single-use tokens (reset, invitation, verification links): redacted.
    const fields = {
      request_id: c.get('requestId'),
      method: c.req.method,
      path: redactUrl(c.req.path),
      status,
      duration_ms: durationMs,
    };
    if (status >= 500) log.error('request', fields);
    else log.warn('slow_request', fields);
  };
}
