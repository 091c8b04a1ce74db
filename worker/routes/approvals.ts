/** Approvals: what agents drafted for the outside world waits here for a human's decision. */
import { createRoute, z } from '@hono/zod-openapi';
import { requireScope } from '../middleware/auth';
import { createApiApp } from '../openapi';
import { errorResponses, jsonResponse } from '../schemas/common';
import { tenant } from '../tenant';

const ApprovalSchema = z
  .object({
    id: z.string(),
    status: z.enum(['pending', 'approved', 'rejected']),
    kind: z
      .enum(['external_draft', 'tool_call'])
      .openapi({ description: 'external_draft: a message for the outside; tool_call: a tool call set to ask.' }),
    draft: z.string().openapi({ description: 'The draft, or the exact tool call (tool and arguments).' }),
    task: z.object({ id: z.string(), title: z.string(), status: z.string() }).nullable(),
    agent: z.object({ id: z.string(), slug: z.string(), name: z.string() }).nullable(),
    created_at: z.string(),
    decided_at: z.string().nullable(),
  })
  .openapi('Approval');
const DecisionResult = z.object({
  id: z.string(),
  status: z.string(),
  task_id: z.string().nullable(),
  decided_at: z.string(),
});
const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const DecisionBody = z.strictObject({ note: z.string().trim().max(1_000).optional() });

function decideRoute(decision: 'approve' | 'reject') {
  return createRoute({
    method: 'post',
    path: `/approvals/{id}/${decision}`,
    tags: ['approvals'],
    summary:
      decision === 'approve'
        ? 'Approve a draft: the task continues'
        : 'Reject a draft (the task ends as failed with your note) or a tool call (the agent is told and continues)',
    security: [{ bearer: [] }],
    middleware: requireScope('approvals:write'),
    request: { params: IdParam, body: { required: false, content: { 'application/json': { schema: DecisionBody } } } },
    responses: { 200: jsonResponse(DecisionResult, 'Decided'), ...errorResponses(400, 401, 403, 404, 409, 429) },
  });
}

export const approvalRoutes = createApiApp()
  .openapi(
    createRoute({
      method: 'get',
      path: '/approvals',
      tags: ['approvals'],
      summary: 'Drafts waiting for approval (or decided, with ?status=)',
      security: [{ bearer: [] }],
      middleware: requireScope('tasks:read'),
      request: { query: z.strictObject({ status: z.enum(['pending', 'approved', 'rejected']).default('pending') }) },
      responses: {
        200: jsonResponse(z.object({ data: z.array(ApprovalSchema), next_cursor: z.string().nullable() }), 'Approvals'),
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('tasks:read');
      return c.json(await t.hub.read.apiApprovals(c.req.valid('query').status), 200);
    },
  )
  .openapi(decideRoute('approve'), async (c) => {
    const t = tenant(c);
    t.require('approvals:decide');
    const note = (await c.req.json().catch(() => ({}))) as { note?: string };
    return c.json(
      await t.hub.decideApproval(c.req.valid('param').id, 'approved', DecisionBody.parse(note ?? {}).note ?? null),
      200,
    );
  })
  .openapi(decideRoute('reject'), async (c) => {
    const t = tenant(c);
    t.require('approvals:decide');
    const note = (await c.req.json().catch(() => ({}))) as { note?: string };
    return c.json(
      await t.hub.decideApproval(c.req.valid('param').id, 'rejected', DecisionBody.parse(note ?? {}).note ?? null),
      200,
    );
  });
