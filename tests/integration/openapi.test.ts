/**
 * The two OpenAPI documents describe what the Worker serves: every /v1 route in
 * /v1/openapi.json, every /api route in /api/openapi.json, and neither in the other.
 */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { app } from '../../worker/app';

interface Doc {
  openapi: string;
  info: { title: string };
  tags?: Array<{ name: string }>;
  paths: Record<string, Record<string, { tags?: string[]; security?: unknown[]; responses?: object }>>;
  components?: { securitySchemes?: Record<string, unknown> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

async function document(path: string): Promise<Doc> {
  const res = await SELF.fetch(`https://app.test${path}`);
  expect(res.status).toBe(200);
  return res.json<Doc>();
}

/** `GET /api/orgs/:slug` for each operation of a document. */
function operations(doc: Doc): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((method) => METHODS.includes(method))
        .map((method) => `${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`),
    )
    .sort();
}

function registered(prefix: string, undocumented: string[]): string[] {
  const seen = new Set<string>();
  for (const route of app.routes) {
    if (route.method === 'ALL' || !route.path.startsWith(prefix)) continue;
    const key = `${route.method} ${route.path}`;
    if (!undocumented.includes(key)) seen.add(key);
  }
  return [...seen].sort();
}

describe('GET /api/openapi.json', () => {
  it('describes every /api route under the dashboard tag, with the session credential', async () => {
    const doc = await document('/api/openapi.json');
    expect(doc.openapi).toBe('3.1.0');
    expect(operations(doc)).toEqual(registered('/api/', ['GET /api/openapi.json']));
    expect(doc.tags?.map((tag) => tag.name)).toEqual(['Dashboard API (session)']);
    expect(Object.keys(doc.components?.securitySchemes ?? {}).sort()).toEqual(['clerk', 'session']);
    for (const item of Object.values(doc.paths)) {
      for (const op of Object.values(item)) {
        expect(op.tags).toEqual(['Dashboard API (session)']);
        expect(op.security).toBeDefined();
        expect(Object.keys(op.responses ?? {}).length).toBeGreaterThan(0);
      }
    }
  });

  it('needs no credential', async () => {
    const res = await SELF.fetch('https://app.test/api/openapi.json');
    expect(res.status).toBe(200);
  });
});

describe('GET /v1/openapi.json', () => {
  it('stays the public API only', async () => {
    const ops = operations(await document('/v1/openapi.json'));
    expect(ops).toContain('POST /v1/tasks');
    expect(ops.filter((op) => !op.split(' ')[1]!.startsWith('/v1/'))).toEqual([]);
  });

  it('documents the answers every route can give: 400 for a bad path, query or body, 413/415 for a body, 429 and the rate-limit headers', async () => {
    type Op = {
      parameters?: unknown[];
      requestBody?: unknown;
      security?: unknown[];
      responses: Record<string, { headers?: Record<string, unknown> }>;
    };
    const doc = (await document('/v1/openapi.json')) as unknown as { paths: Record<string, Record<string, Op>> };
    for (const [path, item] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(item)) {
        if (!METHODS.includes(method)) continue;
        const name = `${method.toUpperCase()} ${path}`;
        if (op.parameters?.length || op.requestBody) expect(op.responses, name).toHaveProperty('400');
        if (op.requestBody) expect(Object.keys(op.responses), name).toEqual(expect.arrayContaining(['413', '415']));
        if (op.security?.length) {
          expect(op.responses['429']?.headers, name).toHaveProperty('Retry-After');
          const ok = Object.entries(op.responses).find(([status]) => status.startsWith('2'))!;
          expect(ok[1].headers, name).toHaveProperty('X-RateLimit-Remaining');
        }
      }
    expect(doc.paths['/v1/tasks']!.post!.responses['201']!.headers).toHaveProperty('Location');
  });
});
