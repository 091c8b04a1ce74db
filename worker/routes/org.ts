/** `GET /v1/org`: the caller's organization, its plan and limits. */
import { createRoute, z } from '@hono/zod-openapi';
import { getDb } from '../../core/db/client';
import { requireScope } from '../middleware/auth';
import { createApiApp } from '../openapi';
import { errorResponses } from '../schemas/common';
import { organizationView } from '../views';

const OrganizationSchema = z
  .object({
    id: z.string().openapi({ example: 'org_01jd9k3m4n5p6q7r8s9t0v1w2x' }),
    slug: z.string().openapi({ example: 'acme' }),
    name: z.string().openapi({ example: 'Acme Robotics' }),
    plan: z.string().openapi({ example: 'starter' }),
    subscription_status: z.string().optional(),
    trial_ends_at: z.string().nullable().optional(),
    created_at: z.string().nullable().optional(),
    limits: z.object({
      agents: z.number().nullable(),
      agent_minutes_per_month: z.number().nullable(),
      concurrent_runs: z.number().nullable(),
      api_requests_per_minute: z.number().nullable(),
    }),
    role: z.string().optional(),
  })
  .openapi('Organization');

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
