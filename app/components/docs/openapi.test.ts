import { describe, expect, it } from 'vitest';
import { curlExample, groupOperations, groupResponses, matchesQuery, type OpenApiDocument, typeLabel } from './openapi';

const error = {
  description: 'Error',
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

const doc: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'Test', version: '1' },
  paths: {
    '/v1/tasks': {
      post: {
        tags: ['tasks'],
        summary: 'Give an agent a task',
        security: [{ bearer: [] }],
        parameters: [{ name: 'idempotency-key', in: 'header', schema: { type: 'string' } }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  agent: { type: 'string' },
                  description: { type: 'string' },
                  priority: { type: 'string', enum: ['low', 'high'], default: 'low' },
                },
                required: ['agent', 'description'],
              },
            },
          },
        },
        responses: {
          201: {
            description: 'Created',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Task' } } },
          },
          400: error,
          401: error,
        },
      },
    },
    '/v1/tasks/{id}/stream': {
      get: {
        tags: ['tasks'],
        summary: 'Stream',
        security: [{ bearer: [] }],
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 200: { description: 'Events', content: { 'text/event-stream': { schema: { type: 'string' } } } } },
      },
    },
    '/v1/health': { get: { tags: ['platform'], summary: 'Service health', responses: { 200: { description: 'OK' } } } },
    '/v1/approvals': {
      get: {
        tags: ['approvals'],
        summary: 'Drafts waiting',
        security: [{ bearer: [] }],
        responses: { 200: { description: 'OK' } },
      },
    },
  },
  components: {
    schemas: {
      Error: { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' } } } } },
      Task: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          parent_id: { type: ['string', 'null'] },
          depends_on: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
};

describe('groupOperations', () => {
  it('groups by tag in the product’s order, with method-path anchors', () => {
    const groups = groupOperations(doc);
    expect(groups.map((g) => g.name)).toEqual(['platform', 'tasks', 'approvals']);
    expect(groups[1]?.operations.map((op) => op.anchor)).toEqual(['post-v1-tasks', 'get-v1-tasks-id-stream']);
    expect(groups[0]?.operations[0]?.authenticated).toBe(false);
    expect(groups[1]?.operations[0]?.authenticated).toBe(true);
  });

  it('filters on every word of the query', () => {
    const all = groupOperations(doc).flatMap((g) => g.operations);
    expect(all.filter((op) => matchesQuery(op, 'approvals')).map((op) => op.path)).toEqual(['/v1/approvals']);
    expect(all.filter((op) => matchesQuery(op, 'post tasks')).map((op) => op.path)).toEqual(['/v1/tasks']);
    expect(all.filter((op) => matchesQuery(op, '  ')).length).toBe(all.length);
  });
});

describe('schemas and examples', () => {
  it('labels types readably', () => {
    const task = doc.components?.schemas?.Task;
    expect(typeLabel(doc, { $ref: '#/components/schemas/Task' })).toBe('Task');
    expect(typeLabel(doc, task?.properties?.parent_id)).toBe('string | null');
    expect(typeLabel(doc, task?.properties?.depends_on)).toBe('string[]');
    expect(typeLabel(doc, { type: 'object', additionalProperties: { type: 'number' } })).toBe('map of number');
  });

  it('writes a curl command with auth, the JSON body of required fields and declared headers', () => {
    const [create, stream] = groupOperations(doc)[1]?.operations ?? [];
    const curl = curlExample(doc, create!, 'https://api.test/');
    expect(curl).toContain('curl -X POST "https://api.test/v1/tasks"');
    expect(curl).toContain('-H "Authorization: Bearer $GC_API_KEY"');
    expect(curl).toContain("-H 'Idempotency-Key: review-pr-42'");
    expect(curl).toContain(`-d '{"agent":"sable","description":"Review PR #42"}'`);
    expect(curlExample(doc, stream!, 'https://api.test')).toMatch(
      /^curl -N "https:\/\/api\.test\/v1\/tasks\/\{id\}\/stream"/,
    );
    const health = groupOperations(doc)[0]?.operations[0];
    expect(curlExample(doc, health!, 'https://api.test')).toBe('curl "https://api.test/v1/health"');
  });

  it('groups error responses that share a schema', () => {
    const create = groupOperations(doc)[1]?.operations[0];
    expect(groupResponses(create!).map((g) => g.statuses)).toEqual([['201'], ['400', '401']]);
  });
});
