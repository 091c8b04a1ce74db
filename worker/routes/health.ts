/**
 * `GET /v1/health`: checks each dependency for real (core/health.ts: D1 query, KV read, Queue
 * binding, a round trip to an OrgHub) and reports each with its latency. 503 when any fails.
 * `GET /v1/ping`: only that the Worker answers. It touches no binding, so it needs no limit; the
 * dashboard asks it before each live refresh, which /v1/health's per-IP limit could not serve.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { runHealthChecks } from '../../core/health';
import { AUTH_RATE_LIMITS } from '../../core/rate-limit';
import { clientIp, enforceRateLimit } from '../middleware/rate-limit';
import { createApiApp } from '../openapi';
import { errorResponses } from '../schemas/common';

const CheckSchema = z.object({
  ok: z.boolean(),
  latency_ms: z.number(),
  error: z.string().optional(),
});

const HealthSchema = z
  .object({
    status: z.enum(['ok', 'degraded']),
    edition: z.enum(['hosted', 'self-hosted']),
    time: z.string(),
    checks: z.object({ d1: CheckSchema, kv: CheckSchema, queue: CheckSchema, durable_object: CheckSchema }),
  })
  .openapi('Health');

const route = createRoute({
  method: 'get',
  path: '/health',
  tags: ['platform'],
  summary: 'Service health',
  description: 'Unauthenticated; limited per client IP (each call queries every dependency).',
  middleware: async (c, next) => {
    await enforceRateLimit(c, `health:ip:${clientIp(c)}`, AUTH_RATE_LIMITS.healthPerIp);
    await next();
  },
  responses: {
    200: { description: 'All dependencies answer', content: { 'application/json': { schema: HealthSchema } } },
    503: { description: 'A dependency failed', content: { 'application/json': { schema: HealthSchema } } },
    ...errorResponses(429),
  },
});

const pingRoute = createRoute({
  method: 'get',
  path: '/ping',
  tags: ['platform'],
  summary: 'Liveness',
  description:
    'Unauthenticated and not rate limited: answers 204 when the Worker is reachable, without checking any dependency (see `/v1/health` for that).',
  responses: { 204: { description: 'The Worker answers' } },
});

export const health = createApiApp()
  .openapi(pingRoute, (c) => {
    c.header('Cache-Control', 'no-store');
    return c.body(null, 204);
  })
  .openapi(route, async (c) => {
    const checks = await runHealthChecks(c.env);
    const healthy = Object.values(checks).every((check) => check.ok);
    c.header('Cache-Control', 'no-store');
    const body = {
      status: healthy ? ('ok' as const) : ('degraded' as const),
      edition: c.get('config').EDITION,
      time: new Date().toISOString(),
      checks,
    };
    return healthy ? c.json(body, 200) : c.json(body, 503);
  });
