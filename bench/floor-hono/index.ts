// The floor of an org read with the app's framework: bench/floor's Durable Object, reached from
// one @hono/zod-openapi route with a validated path parameter and a bearer check. What Hono and
// zod-openapi cost for the shape of `GET /v1/tasks/:id` before any middleware of the app's.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { FloorHub } from '../floor/index';

export { FloorHub };

interface Env {
  FLOOR: DurableObjectNamespace<FloorHub>;
}

const app = new OpenAPIHono<{ Bindings: Env }>();

app.get('/', (c) => c.text('ok')); // readiness

app.openapi(
  createRoute({
    method: 'get',
    path: '/v1/tasks/{id}',
    request: { params: z.object({ id: z.string().min(1).max(64) }) },
    responses: { 200: { description: 'The task' } },
  }),
  async (c) => {
    if (c.req.header('authorization') !== 'Bearer floor') return c.json({}, 401);
    const hub = c.env.FLOOR.get(c.env.FLOOR.idFromName('org'));
    const body = await hub.readTask(c.req.valid('param').id);
    return c.body(body, 200, { 'content-type': 'application/json' });
  },
);

export default app;
