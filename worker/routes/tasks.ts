/** Tasks: `/v1/tasks` and its actions. Reads and writes both go through the org's OrgHub. */
import { createRoute, z } from '@hono/zod-openapi';
import { requestHash, TaskInput, TaskListQuery, TaskPatch } from '../../core/tasks';
import { requireScope } from '../middleware/auth';
import { createApiApp } from '../openapi';
import { errorResponses, jsonBody, jsonResponse } from '../schemas/common';
import { list, RunSchema, RunStepSchema, TaskDetailSchema, TaskSchema } from '../schemas/resources';
import { sendJsonText } from '../json-text';
import { tenant } from '../tenant';

const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'tsk_01jd9k3m4n5p6q7r8s9t0v1w2x' }),
});
const read = requireScope('tasks:read');
const write = requireScope('tasks:write');

export const taskRoutes = createApiApp()
  .openapi(
    createRoute({
      method: 'get',
      path: '/tasks',
      tags: ['tasks'],
      summary: 'List tasks',
      security: [{ bearer: [] }],
      middleware: read,
      request: { query: TaskListQuery },
      responses: {
        200: jsonResponse(list(TaskSchema), 'A page of tasks, newest first'),
        ...errorResponses(400, 401, 403, 429),
      },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('tasks:read');
      return sendJsonText(c, await t.hub.readJson.apiListTasks(c.req.valid('query')), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/tasks',
      tags: ['tasks'],
      summary: 'Give an agent a task',
      description:
        'Send `Idempotency-Key` to retry safely: the same key and body return the same task; another body with the same key is a 409.',
      security: [{ bearer: [] }],
      middleware: write,
      request: {
        body: jsonBody(TaskInput),
        headers: z.object({ 'idempotency-key': z.string().min(1).max(255).optional() }),
      },
      responses: {
        201: {
          ...jsonResponse(TaskSchema, 'Created'),
          headers: { Location: { description: 'The new task: `/v1/tasks/{id}`.', schema: { type: 'string' } } },
        },
        200: {
          ...jsonResponse(TaskSchema, 'Replayed: this Idempotency-Key already created this task'),
          headers: {
            'Idempotent-Replayed': { description: 'Always `true` on a replay.', schema: { type: 'string' } },
            Location: { description: 'The task: `/v1/tasks/{id}`.', schema: { type: 'string' } },
          },
        },
        ...errorResponses(400, 401, 402, 403, 404, 409, 413, 415, 429),
      },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('tasks:write');
      const input = c.req.valid('json');
      const key = c.req.valid('header')['idempotency-key'];
      const idempotency = key ? { key, hash: await requestHash(input) } : null;
      // The stub's inferred type loses this shape through RPC serialization typing.
      const { task, replayed } = await t.hub.createTask(input, idempotency);
      if (replayed) c.header('Idempotent-Replayed', 'true');
      c.header('Location', `/v1/tasks/${task.id}`);
      return c.json(task, replayed ? 200 : 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/tasks/{id}',
      tags: ['tasks'],
      summary: 'A task with its dependencies, children and runs',
      security: [{ bearer: [] }],
      middleware: read,
      request: { params: IdParam },
      responses: { 200: jsonResponse(TaskDetailSchema, 'The task'), ...errorResponses(401, 403, 404, 429) },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('tasks:read');
      // The hottest read: the hub's JSON text is the body (serialized once, one copy over RPC).
      return sendJsonText(c, await t.hub.readJson.apiGetTask(c.req.valid('param').id), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/tasks/{id}',
      tags: ['tasks'],
      summary: 'Change priority (any time before it ends) or title, description and dependencies (before it starts)',
      security: [{ bearer: [] }],
      middleware: write,
      request: { params: IdParam, body: jsonBody(TaskPatch) },
      responses: { 200: jsonResponse(TaskSchema, 'Updated'), ...errorResponses(400, 401, 403, 404, 409, 429) },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('tasks:write');
      return c.json(await t.hub.updateTask(c.req.valid('param').id, c.req.valid('json')), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/tasks/{id}/cancel',
      tags: ['tasks'],
      summary: 'Cancel a task that has not ended (a running run is stopped)',
      security: [{ bearer: [] }],
      middleware: write,
      request: { params: IdParam },
      responses: { 200: jsonResponse(TaskSchema, 'Cancelled'), ...errorResponses(401, 403, 404, 409, 429) },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('tasks:write');
      return c.json(await t.hub.cancelTask(c.req.valid('param').id), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/tasks/{id}/retry',
      tags: ['tasks'],
      summary: 'Queue a failed or cancelled task again',
      description:
        'The task becomes `pending` with its result and error cleared. It may take as many more attempts as it was created with (`max_attempts` grows by that many; `attempts` keeps counting). A `scheduled_for` still in the future is kept; otherwise it runs when its agent is free. 409 if the task is not failed or cancelled, or its agent was deleted.',
      security: [{ bearer: [] }],
      middleware: write,
      request: { params: IdParam },
      responses: { 200: jsonResponse(TaskSchema, 'Pending again'), ...errorResponses(401, 403, 404, 409, 429) },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('tasks:write');
      return c.json(await t.hub.retryTask(c.req.valid('param').id), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/tasks/{id}/runs',
      tags: ['tasks'],
      summary: 'The runs (attempts) of a task',
      security: [{ bearer: [] }],
      middleware: read,
      request: { params: IdParam },
      responses: { 200: jsonResponse(list(RunSchema), 'Runs, oldest first'), ...errorResponses(401, 403, 404, 429) },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('tasks:read');
      return c.json(await t.hub.read.apiTaskRuns(c.req.valid('param').id), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/runs/{id}/steps',
      tags: ['tasks'],
      summary: 'The trace of a run: thinking, text, tool use and tool results, in order',
      description:
        'While the run goes on, its steps are written about once a second, so this trails the live `run.step` events by about a second.',
      security: [{ bearer: [] }],
      middleware: read,
      request: {
        params: z.object({
          id: z
            .string()
            .min(1)
            .max(64)
            .openapi({ param: { name: 'id', in: 'path' } }),
        }),
      },
      responses: { 200: jsonResponse(list(RunStepSchema), 'Steps, in order'), ...errorResponses(401, 403, 404, 429) },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('tasks:read');
      return c.json(await t.hub.read.apiRunSteps(c.req.valid('param').id), 200);
    },
  );
