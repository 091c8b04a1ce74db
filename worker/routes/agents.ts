/** Agents: `/v1/agents`, addressed by slug or id. Writes go through the OrgHub (plan limits are exact there). */
import { createRoute, z } from '@hono/zod-openapi';
import { AgentInput, AgentPatch, AgentStatusFilter } from '../../core/agents';
import { requireScope } from '../middleware/auth';
import { createApiApp } from '../openapi';
import { errorResponses, jsonBody, jsonResponse } from '../schemas/common';
import { AgentSchema, list } from '../schemas/resources';
import { tenant } from '../tenant';

const AgentParam = z.object({
  agent: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'agent', in: 'path' }, example: 'sable' }),
});

export const agentRoutes = createApiApp()
  .openapi(
    createRoute({
      method: 'get',
      path: '/agents',
      tags: ['agents'],
      summary: 'List agents',
      security: [{ bearer: [] }],
      middleware: requireScope('agents:read'),
      request: {
        query: z.strictObject({
          status: AgentStatusFilter.optional(),
          include_archived: z.enum(['true', 'false']).optional(),
        }),
      },
      responses: { 200: jsonResponse(list(AgentSchema), 'The team'), ...errorResponses(400, 401, 403, 429) },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('agents:read');
      const query = c.req.valid('query');
      const data = await t.hub.read.apiListAgents({
        status: query.status,
        includeArchived: query.include_archived === 'true',
      });
      return c.json({ data, next_cursor: null }, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/agents',
      tags: ['agents'],
      summary: 'Create an agent (within the plan’s agent count)',
      security: [{ bearer: [] }],
      middleware: requireScope('agents:write'),
      request: { body: jsonBody(AgentInput) },
      responses: { 201: jsonResponse(AgentSchema, 'Created'), ...errorResponses(400, 401, 402, 403, 404, 409, 429) },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('agents:write');
      return c.json(await t.hub.createAgent(c.req.valid('json')), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/agents/{agent}',
      tags: ['agents'],
      summary: 'One agent',
      security: [{ bearer: [] }],
      middleware: requireScope('agents:read'),
      request: { params: AgentParam },
      responses: { 200: jsonResponse(AgentSchema, 'The agent'), ...errorResponses(401, 403, 404, 429) },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('agents:read');
      return c.json(await t.hub.read.apiGetAgent(c.req.valid('param').agent), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/agents/{agent}',
      tags: ['agents'],
      summary: 'Change an agent (config, manager, pause/resume)',
      security: [{ bearer: [] }],
      middleware: requireScope('agents:write'),
      request: { params: AgentParam, body: jsonBody(AgentPatch) },
      responses: { 200: jsonResponse(AgentSchema, 'Updated'), ...errorResponses(400, 401, 402, 403, 404, 409, 429) },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('agents:write');
      const patch = c.req.valid('json');
      // What an agent may do outside the org (tool policies, server tools) is an admin's call.
      if (patch.tool_policies !== undefined || patch.server_tools !== undefined) t.require('connections:manage');
      return c.json(await t.hub.updateAgent(c.req.valid('param').agent, patch), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/agents/{agent}',
      tags: ['agents'],
      summary: 'Delete an agent; one with history is archived instead',
      security: [{ bearer: [] }],
      middleware: requireScope('agents:write'),
      request: { params: AgentParam },
      responses: {
        200: jsonResponse(z.object({ archived: z.boolean() }), 'Deleted or archived'),
        ...errorResponses(401, 403, 404, 409, 429),
      },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('agents:write');
      return c.json(await t.hub.deleteAgent(c.req.valid('param').agent), 200);
    },
  );
