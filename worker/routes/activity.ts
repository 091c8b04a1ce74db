/** `GET /v1/activity` (every state change, newest first) and `GET /v1/usage` (this period against the plan). */
import { createRoute, z } from '@hono/zod-openapi';
import { desc, eq, lt } from 'drizzle-orm';
import { activityLog, usagePeriods } from '../../core/db/schema';
import { getPlan, type PlanId } from '../../core/plans';
import { requireScope } from '../middleware/auth';
import { createApiApp } from '../openapi';
import { errorResponses, jsonResponse } from '../schemas/common';
import { ActivitySchema, list } from '../schemas/resources';
import { tenant } from '../tenant';

const limitOrNull = (value: number) => (Number.isFinite(value) ? value : null);

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
          cursor: z.string().max(64).optional(),
        }),
      },
      responses: { 200: jsonResponse(list(ActivitySchema), 'Activity'), ...errorResponses(400, 401, 403, 429) },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('tasks:read');
      const { limit, cursor } = c.req.valid('query');
      const rows = await t.scope
        .select(activityLog, cursor ? lt(activityLog.id, cursor) : undefined)
        .orderBy(desc(activityLog.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      return c.json(
        {
          data: page.map((row) => ({
            id: row.id,
            seq: row.seq,
            type: row.type,
            actor: { type: row.actorType, id: row.actorId },
            subject: { type: row.subjectType, id: row.subjectId },
            data: row.data ?? {},
            created_at: new Date(row.createdAt).toISOString(),
          })),
          next_cursor: rows.length > limit ? page[page.length - 1]!.id : null,
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/usage',
      tags: ['usage'],
      summary: 'Usage this billing period against the plan',
      security: [{ bearer: [] }],
      middleware: requireScope('usage:read'),
      responses: {
        200: jsonResponse(
          z.object({
            period_start: z.string(),
            period_end: z.string(),
            agent_ms: z.number(),
            agent_minutes: z.number(),
            runs: z.number(),
            input_tokens: z.number(),
            output_tokens: z.number(),
            cost_usd: z.number(),
            limits: z.object({
              agent_minutes_per_month: z.number().nullable(),
              concurrent_runs: z.number().nullable(),
              agents: z.number().nullable(),
            }),
          }),
          'Usage',
        ),
        ...errorResponses(401, 403, 429),
      },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('tasks:read');
      const now = new Date();
      const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
      const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
      const row = await t.scope.first(usagePeriods, eq(usagePeriods.periodStart, start));
      const plan = getPlan(c.get('org').organization.plan as PlanId);
      const agentMs = row?.agentMs ?? 0;
      return c.json(
        {
          period_start: new Date(start).toISOString(),
          period_end: new Date(end).toISOString(),
          agent_ms: agentMs,
          agent_minutes: Math.round((agentMs / 60_000) * 100) / 100,
          runs: row?.runs ?? 0,
          input_tokens: row?.inputTokens ?? 0,
          output_tokens: row?.outputTokens ?? 0,
          cost_usd: (row?.costMicroUsd ?? 0) / 1_000_000,
          limits: {
            agent_minutes_per_month: limitOrNull(plan.limits.agentMinutesPerMonth),
            concurrent_runs: limitOrNull(plan.limits.concurrentRuns),
            agents: limitOrNull(plan.limits.agents),
          },
        },
        200,
      );
    },
  );
