/** The public API under /v1 (docs/architecture.md, JSON faces). Each resource is a sub-app mounted here. */
import { every } from 'hono/combine';
import { matchedRoutes } from 'hono/route';
import { authenticate, requireOrg } from '../middleware/auth';
import { apiRateLimit } from '../middleware/rate-limit';
import { createApiApp } from '../openapi';
import { withCommonResponses } from '../openapi-common';
import { health } from './health';
import { liveSocketRoute, taskStreamRoute } from './live';
import { activityRoutes } from './activity';
import { approvalRoutes } from './approvals';
import { connectionRoutes } from './connections';
import { agentRoutes } from './agents';
import { messageRoutes } from './messages';
import { orgApi } from './org';
import { scheduleRoutes } from './schedules';
import { taskRoutes } from './tasks';

// basePath (not a mount prefix) so the generated document lists full paths (/v1/health).
export const v1 = createApiApp().basePath('/v1');

v1.route('/', health);
v1.route('/', liveSocketRoute);

v1.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
  type: 'http',
  scheme: 'bearer',
  description:
    'An API key: `Authorization: Bearer gc_sk_…`. A signed-in dashboard session may call with `X-Organization: <slug>` instead.',
});
// Generated once per isolate (the routes do not change), then given this deployment's origin.
let openApiDocument: ReturnType<typeof v1.getOpenAPI31Document> | null = null;
v1.get('/openapi.json', (c) => {
  openApiDocument ??= withCommonResponses(
    v1.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'Generic Corp API',
        version: '1.0.0',
        description:
          'Give tasks to your AI agents and watch them work. Authenticate with `Authorization: Bearer gc_sk_…`.',
      },
    }),
  );
  return c.json({ ...openApiDocument, servers: [{ url: new URL(c.req.url).origin, description: 'This deployment' }] });
});

// Everything registered below is tenant API: identify, resolve the org, then rate-limit per key.
// An unknown path or method skips this, so it gets its 404/405 rather than a 401.
const tenantGate = every(authenticate(), requireOrg(), apiRateLimit());
v1.use('*', async (c, next) => {
  if (!matchedRoutes(c).some((route) => route.method !== 'ALL')) return next();
  return tenantGate(c, next);
});
v1.route('/', orgApi);
v1.route('/', agentRoutes);
v1.route('/', taskRoutes);
v1.route('/', scheduleRoutes);
v1.route('/', messageRoutes);
v1.route('/', activityRoutes);
v1.route('/', approvalRoutes);
v1.route('/', connectionRoutes);
v1.route('/', taskStreamRoute);
