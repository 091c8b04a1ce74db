/** Approvals: what agents drafted for the outside world waits here for a human's decision. */
import { createRoute, z } from '@hono/zod-openapi';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { agents, messages, tasks } from '../../core/db/schema';
import { unwrap } from '../../core/rpc-result';
import { requireScope } from '../middleware/auth';
import { createApiApp } from '../openapi';
import { errorResponses, jsonResponse } from '../schemas/common';
import { tenant } from '../tenant';

const ApprovalSchema = z
  .object({
    id: z.string(),
    status: z.enum(['pending', 'approved', 'rejected']),
    draft: z.string(),
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
        : 'Reject a draft: the task ends as failed with your note',
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
      const rows = await t.scope
        .select(
          messages,
          and(eq(messages.type, 'external_draft'), eq(messages.approvalStatus, c.req.valid('query').status)),
        )
        .orderBy(desc(messages.id))
        .limit(100);
      const taskIds = [...new Set(rows.map((r) => r.taskId).filter((id): id is string => !!id))];
      const agentIds = [...new Set(rows.map((r) => r.senderId).filter((id): id is string => !!id))];
      const [taskRows, agentRows] = await Promise.all([
        taskIds.length
          ? t.scope.selectFields(
              { id: tasks.id, title: tasks.title, status: tasks.status },
              tasks,
              inArray(tasks.id, taskIds),
            )
          : [],
        agentIds.length
          ? t.scope.selectFields(
              { id: agents.id, slug: agents.slug, name: agents.name },
              agents,
              inArray(agents.id, agentIds),
            )
          : [],
      ]);
      return c.json(
        {
          data: rows.map((row) => ({
            id: row.id,
            status: row.approvalStatus ?? 'pending',
            draft: row.body,
            task: taskRows.find((task) => task.id === row.taskId) ?? null,
            agent: agentRows.find((agent) => agent.id === row.senderId) ?? null,
            created_at: new Date(row.createdAt).toISOString(),
            decided_at: row.decidedAt ? new Date(row.decidedAt).toISOString() : null,
          })),
          next_cursor: null,
        },
        200,
      );
    },
  )
  .openapi(decideRoute('approve'), async (c) => {
    const t = tenant(c);
    t.require('approvals:decide');
    const note = (await c.req.json().catch(() => ({}))) as { note?: string };
    return c.json(
      unwrap(
        await t.hub.decideApproval(
          t.ctx.orgId,
          t.actor,
          c.req.valid('param').id,
          'approved',
          DecisionBody.parse(note ?? {}).note ?? null,
        ),
      ),
      200,
    );
  })
  .openapi(decideRoute('reject'), async (c) => {
    const t = tenant(c);
    t.require('approvals:decide');
    const note = (await c.req.json().catch(() => ({}))) as { note?: string };
    return c.json(
      unwrap(
        await t.hub.decideApproval(
          t.ctx.orgId,
          t.actor,
          c.req.valid('param').id,
          'rejected',
          DecisionBody.parse(note ?? {}).note ?? null,
        ),
      ),
      200,
    );
  });
