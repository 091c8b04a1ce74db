/**
 * MCP connections: `/v1/connections` (decision 015). Admins add a remote MCP server, test it,
 * list its tools and remove it; secrets go in and never come out (only their last four).
 * Everything is held by the org's OrgHub.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { ConnectionInput, mcpConnectLimit } from '../../core/mcp/connections';
import { requireScope } from '../middleware/auth';
import { enforceRateLimit } from '../middleware/rate-limit';
import { createApiApp } from '../openapi';
import { errorResponses, jsonBody, jsonResponse } from '../schemas/common';
import { tenant } from '../tenant';
import type { AppEnv } from '../types';
import type { Context } from 'hono';

/**
 * A test or a refresh connects to the org's server (mcpConnectLimit, shared with the
 * dashboard); counted after the role check, so a caller who may not connect cannot use it up.
 */
const limitOutbound = (c: Context<AppEnv>, orgId: string) => {
  const { bucket, rule } = mcpConnectLimit(orgId);
  return enforceRateLimit(c, bucket, rule);
};

const ConnectionSchema = z
  .object({
    id: z.string().openapi({ example: 'mcp_01jd9k3m4n5p6q7r8s9t0v1w2x' }),
    slug: z.string().openapi({ example: 'github', description: 'Prefix of its tools’ names: github__search_issues.' }),
    name: z.string(),
    url: z.string(),
    auth_type: z.enum(['none', 'bearer', 'oauth_client_credentials']),
    oauth_client_id: z.string().nullable(),
    oauth_issuer: z.string().nullable(),
    secret_last4: z.string().nullable(),
    header_names: z.array(z.string()),
    timeout_ms: z.number(),
    tool_count: z.number().nullable(),
    tools_listed_at: z.string().nullable(),
    last_error: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Connection');

const ToolSchema = z
  .object({
    name: z
      .string()
      .openapi({ description: 'The name agents and tool policies use.', example: 'github__search_issues' }),
    tool: z.string().openapi({ description: 'The name on the MCP server.' }),
    description: z.string(),
    read_only: z.boolean(),
    destructive: z.boolean(),
    default_policy: z.enum(['auto', 'ask']),
    input_schema: z.record(z.string(), z.unknown()),
  })
  .openapi('ConnectionTool');

const TestResult = z.object({ ok: z.boolean(), message: z.string(), tools: z.array(ToolSchema) });

const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'github' }),
});

export const connectionRoutes = createApiApp()
  .openapi(
    createRoute({
      method: 'get',
      path: '/connections',
      tags: ['connections'],
      summary: 'MCP connections of the organization',
      security: [{ bearer: [] }],
      middleware: requireScope('connections:read'),
      responses: {
        200: jsonResponse(
          z.object({ data: z.array(ConnectionSchema), next_cursor: z.string().nullable() }),
          'Connections',
        ),
        ...errorResponses(401, 403, 429),
      },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('connections:read');
      return c.json(await t.hub.listConnections(), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/connections',
      tags: ['connections'],
      summary: 'Add a remote MCP server (streamable HTTP); secrets are sealed and never shown again',
      security: [{ bearer: [] }],
      // Keys act as members (decision 004): they pass the scope and are refused by the admin role check.
      middleware: requireScope('connections:read'),
      request: { body: jsonBody(ConnectionInput) },
      responses: { 201: jsonResponse(ConnectionSchema, 'Created'), ...errorResponses(400, 401, 403, 409, 429) },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('connections:manage');
      return c.json(await t.hub.createConnection(c.req.valid('json')), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/connections/{id}/test',
      tags: ['connections'],
      summary: 'Connect now and list the server’s tools (ok: false with the reason when it fails)',
      security: [{ bearer: [] }],
      // Keys act as members (decision 004): they pass the scope and are refused by the admin role check.
      middleware: requireScope('connections:read'),
      request: { params: IdParam },
      responses: { 200: jsonResponse(TestResult, 'Result of the test'), ...errorResponses(401, 403, 404, 429) },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('connections:manage');
      await limitOutbound(c, t.ctx.orgId);
      return c.json(await t.hub.testConnection(c.req.valid('param').id), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/connections/{id}/tools',
      tags: ['connections'],
      summary: 'The server’s tools (cached for a few minutes; ?refresh=true lists them now)',
      security: [{ bearer: [] }],
      middleware: requireScope('connections:read'),
      request: { params: IdParam, query: z.strictObject({ refresh: z.enum(['true', 'false']).optional() }) },
      responses: {
        200: jsonResponse(z.object({ data: z.array(ToolSchema), next_cursor: z.string().nullable() }), 'Tools'),
        ...errorResponses(400, 401, 403, 404, 429, 503),
      },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('connections:read');
      const refresh = c.req.valid('query').refresh === 'true';
      if (refresh) await limitOutbound(c, t.ctx.orgId);
      return c.json(await t.hub.connectionTools(c.req.valid('param').id, refresh), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/connections/{id}',
      tags: ['connections'],
      summary: 'Remove a connection; its tools stop being offered at once',
      security: [{ bearer: [] }],
      // Keys act as members (decision 004): they pass the scope and are refused by the admin role check.
      middleware: requireScope('connections:read'),
      request: { params: IdParam },
      responses: {
        200: jsonResponse(z.object({ deleted: z.boolean() }), 'Deleted'),
        ...errorResponses(401, 403, 404, 429),
      },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('connections:manage');
      return c.json(await t.hub.deleteConnection(c.req.valid('param').id), 200);
    },
  );
