/** `GET /v1/org`: the caller's organization, its plan and limits. */
import { createRoute } from '@hono/zod-openapi';
import { getDb } from '../../core/db/client';
import { requireScope } from '../middleware/auth';
import { createApiApp } from '../openapi';
import { errorResponses } from '../schemas/common';
import { OrganizationSchema } from '../schemas/resources';
import { organizationView } from '../views';

const route = createRoute({
  method: 'get',
  path: '/org',
  tags: ['organization'],
  summary: 'The organization of the API key',
  security: [{ bearer: [] }],
  middleware: [requireScope('org:read')] as const,
  responses: {
    200: { description: 'The organization', content: { 'application/json': { schema: OrganizationSchema } } },
    ...errorResponses(401, 403, 404, 429),
  },
});

export const orgApi = createApiApp().openapi(route, async (c) => {
  const { ctx } = c.get('org');
  const org = await getDb(c.env).query.organizations.findFirst({ where: (o, { eq }) => eq(o.id, ctx.orgId) });
  return c.json(organizationView(org!, ctx.actor.type === 'user' ? ctx.role : undefined), 200);
});
