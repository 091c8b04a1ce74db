/** `GET /v1/activity` (every state change, newest first) and `GET /v1/usage` (this period against the plan). */
import { createRoute, z } from '@hono/zod-openapi';
import { cursorField } from '../../core/validation';
import { requireScope } from '../middleware/auth';
import { createApiApp } from '../openapi';
import { errorResponses, jsonResponse } from '../schemas/common';
import { ActivitySchema, list, UsageSchema } from '../schemas/resources';
import { tenant } from '../tenant';

export const activityRoutes = createApiApp()
  .openapi(
    createRoute({
      method: 'get',
      path: '/activity',
      tags: ['activity'],
      summary: 'The activity feed, newest first',
      security: [{ bearer: [] }],
      middleware: requireScope('activity:read'),
      request: {
        query: z.strictObject({
          limit: z.coerce.number().int().min(1).max(100).default(50),
          cursor: cursorField('act').optional(),
        }),
      },
      responses: { 200: jsonResponse(list(ActivitySchema), 'Activity'), ...errorResponses(400, 401, 403, 429) },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('tasks:read');
      return c.json(await t.hub.read.apiActivity(c.req.valid('query')), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/usage',
      tags: ['usage'],
      summary: 'Usage this billing period against the plan, per agent and per day',
      security: [{ bearer: [] }],
      middleware: requireScope('usage:read'),
      responses: {
        200: jsonResponse(UsageSchema, 'Usage'),
        ...errorResponses(401, 403, 429),
      },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('tasks:read');
      return c.json(await t.hub.read.apiUsage(), 200);
    },
  );
