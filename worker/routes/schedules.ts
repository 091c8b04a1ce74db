/** Schedules: `/v1/schedules` (cron + time zone + task template); the OrgHub's alarm runs them. */
import { createRoute, z } from '@hono/zod-openapi';
import { ScheduleInput, SchedulePatch } from '../../core/schedules';
import { requireScope } from '../middleware/auth';
import { createApiApp } from '../openapi';
import { errorResponses, jsonBody, jsonResponse } from '../schemas/common';
import { list, ScheduleSchema } from '../schemas/resources';
import { tenant } from '../tenant';

const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
});

export const scheduleRoutes = createApiApp()
  .openapi(
    createRoute({
      method: 'get',
      path: '/schedules',
      tags: ['schedules'],
      summary: 'List schedules',
      security: [{ bearer: [] }],
      middleware: requireScope('schedules:read'),
      responses: { 200: jsonResponse(list(ScheduleSchema), 'Schedules'), ...errorResponses(401, 403, 429) },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('tasks:read');
      return c.json(await t.hub.read.apiListSchedules(), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/schedules',
      tags: ['schedules'],
      summary: 'Create a schedule',
      security: [{ bearer: [] }],
      middleware: requireScope('schedules:write'),
      request: { body: jsonBody(ScheduleInput) },
      responses: { 201: jsonResponse(ScheduleSchema, 'Created'), ...errorResponses(400, 401, 403, 404, 429) },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('tasks:write');
      return c.json(await t.hub.createSchedule(c.req.valid('json')), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/schedules/{id}',
      tags: ['schedules'],
      summary: 'Get a schedule',
      security: [{ bearer: [] }],
      middleware: requireScope('schedules:read'),
      request: { params: IdParam },
      responses: { 200: jsonResponse(ScheduleSchema, 'The schedule'), ...errorResponses(401, 403, 404, 429) },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('tasks:read');
      return c.json(await t.hub.read.apiGetSchedule(c.req.valid('param').id), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/schedules/{id}',
      tags: ['schedules'],
      summary: 'Change a schedule',
      security: [{ bearer: [] }],
      middleware: requireScope('schedules:write'),
      request: { params: IdParam, body: jsonBody(SchedulePatch) },
      responses: { 200: jsonResponse(ScheduleSchema, 'Updated'), ...errorResponses(400, 401, 403, 404, 429) },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('tasks:write');
      return c.json(await t.hub.updateSchedule(c.req.valid('param').id, c.req.valid('json')), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/schedules/{id}',
      tags: ['schedules'],
      summary: 'Delete a schedule',
      security: [{ bearer: [] }],
      middleware: requireScope('schedules:write'),
      request: { params: IdParam },
      responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 403, 404, 429) },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('tasks:write');
      await t.hub.deleteSchedule(c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
