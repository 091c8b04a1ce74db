/** Messages and threads: a human's message to an agent becomes a task; the reply lands in the thread. */
import { createRoute, z } from '@hono/zod-openapi';
import { cursorField } from '../../core/validation';
import { requireScope } from '../middleware/auth';
import { createApiApp } from '../openapi';
import { errorResponses, jsonResponse } from '../schemas/common';
import { list, MessageSchema, TaskSchema } from '../schemas/resources';
import { tenant } from '../tenant';

const MessageInput = z.strictObject({
  agent: z.string().trim().min(1).max(64).openapi({ example: 'sable' }),
  body: z.string().trim().min(1, 'Write a message.').max(16_000),
  thread_id: z.string().max(64).nullable().optional(),
});

export const messageRoutes = createApiApp()
  .openapi(
    createRoute({
      method: 'get',
      path: '/messages',
      tags: ['messages'],
      summary: 'Recent messages across threads, newest first',
      security: [{ bearer: [] }],
      middleware: requireScope('messages:read'),
      request: {
        query: z.strictObject({
          limit: z.coerce.number().int().min(1).max(100).default(25),
          cursor: cursorField('msg').optional(),
        }),
      },
      responses: { 200: jsonResponse(list(MessageSchema), 'Messages'), ...errorResponses(400, 401, 403, 429) },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('tasks:read');
      return c.json(await t.hub.read.apiMessages(c.req.valid('query')), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/messages',
      tags: ['messages'],
      summary: 'Message an agent: stored in a thread and given to the agent as a task',
      security: [{ bearer: [] }],
      middleware: requireScope('messages:write'),
      request: { body: { required: true, content: { 'application/json': { schema: MessageInput } } } },
      responses: {
        201: jsonResponse(z.object({ thread_id: z.string(), message_id: z.string(), task: TaskSchema }), 'Sent'),
        ...errorResponses(400, 401, 403, 404, 429),
      },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('tasks:write');
      const sent = await t.hub.postMessage(c.req.valid('json'));
      return c.json(sent, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/threads/{id}',
      tags: ['messages'],
      summary: 'A thread and its messages, oldest first',
      description:
        'Up to `limit` messages (500 unless asked); when more follow, `next_cursor` is set: send it as `cursor` for the next page.',
      security: [{ bearer: [] }],
      middleware: requireScope('messages:read'),
      request: {
        params: z.object({
          id: z
            .string()
            .min(1)
            .max(64)
            .openapi({ param: { name: 'id', in: 'path' } }),
        }),
        query: z.strictObject({
          limit: z.coerce.number().int().min(1).max(500).default(500),
          cursor: cursorField('msg').optional(),
        }),
      },
      responses: {
        200: jsonResponse(
          z.object({
            id: z.string(),
            subject: z.string(),
            kind: z.string(),
            created_at: z.string(),
            messages: z.array(MessageSchema),
            next_cursor: z.string().nullable(),
          }),
          'The thread',
        ),
        ...errorResponses(401, 403, 404, 429),
      },
    }),
    async (c) => {
      const t = tenant(c);
      t.require('tasks:read');
      return c.json(await t.hub.read.apiThread(c.req.valid('param').id, c.req.valid('query')), 200);
    },
  );
