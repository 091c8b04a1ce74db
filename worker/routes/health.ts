/**
 * `GET /v1/health`: checks each dependency for real (D1 query, KV read, Queue binding, a
 * round trip to an OrgHub) and reports each with its latency. 503 when any fails.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { getHealthProbeHub } from '../../core/org-hub-client';
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

async function timed(check: () => Promise<unknown>): Promise<z.infer<typeof CheckSchema>> {
  const started = Date.now();
  try {
    await check();
    return { ok: true, latency_ms: Date.now() - started };
  } catch (error) {
    // The name is enough to act on; the message may carry internals.
    return { ok: false, latency_ms: Date.now() - started, error: error instanceof Error ? error.name : 'Error' };
  }
}

export const health = createApiApp().openapi(route, async (c) => {
  const env = c.env;
  const [d1, kv, queue, durableObject] = await Promise.all([
    timed(() => env.DB.prepare('SELECT 1').first()),
    timed(() => env.KV.get('health:probe')),
    timed(async () => {
      if (typeof env.AGENT_RUNS?.send !== 'function') throw new TypeError('AGENT_RUNS binding missing');
    }),
    timed(async () => {
      const pong = await getHealthProbeHub(env).ping();
      if (!pong.ok) throw new Error('OrgHub did not answer');
    }),
  ]);
  const checks = { d1, kv, queue, durable_object: durableObject };
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
