/**
 * `POST /client-errors`: the browser's uncaught errors (app/lib/error-reporter.ts), forwarded to
 * error monitoring with the same scrubbing (docs/decisions/017). Always 204: a report is never
 * worth an error of its own. Limited per IP; the body is small and checked.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { captureBrowserError } from '../../core/monitoring';
import { AUTH_RATE_LIMITS } from '../../core/rate-limit';
import { clientIp, enforceRateLimit } from '../middleware/rate-limit';
import type { AppEnv } from '../types';

const Report = z.strictObject({
  message: z.string().min(1).max(1_000),
  name: z.string().max(100).optional(),
  stack: z.string().max(8_000).optional(),
  url: z.string().max(2_000),
});

export const clientErrors = new Hono<AppEnv>();

clientErrors.post('/', async (c) => {
  await enforceRateLimit(c, `client-errors:ip:${clientIp(c)}`, AUTH_RATE_LIMITS.clientErrorsPerIp);
  const parsed = Report.safeParse(await c.req.json().catch(() => null));
  if (parsed.success) captureBrowserError(parsed.data, c.get('requestId'));
  return c.body(null, 204);
});
