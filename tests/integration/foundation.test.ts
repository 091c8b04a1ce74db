import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';

describe('GET /v1/health', () => {
  it('checks D1, KV, the queue binding and an OrgHub round trip', async () => {
    const res = await SELF.fetch('https://app.test/v1/health');
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json<{ status: string; checks: Record<string, { ok: boolean }> }>();
    expect(body.status).toBe('ok');
    expect(Object.keys(body.checks).sort()).toEqual(['d1', 'durable_object', 'kv', 'queue']);
    for (const check of Object.values(body.checks)) expect(check.ok).toBe(true);
  });

  it('keeps a caller-supplied request id', async () => {
    const res = await SELF.fetch('https://app.test/v1/health', { headers: { 'X-Request-Id': 'trace-abc-123' } });
    expect(res.headers.get('x-request-id')).toBe('trace-abc-123');
  });

  it('sends security headers', async () => {
    const res = await SELF.fetch('https://app.test/v1/health');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
  });

  it("lets forms send the browser here and to Stripe's hosted pages, nowhere else", async () => {
    const res = await SELF.fetch('https://app.test/login');
    const formAction = /form-action ([^;]*)/.exec(res.headers.get('content-security-policy') ?? '')?.[1];
    expect(formAction?.trim().split(/\s+/)).toEqual([
      "'self'",
      'https://checkout.stripe.com',
      'https://billing.stripe.com',
    ]);
  });
});

describe('error envelope', () => {
  it('404s an unknown API route as JSON with the request id', async () => {
    const res = await SELF.fetch('https://app.test/v1/no-such-thing');
    expect(res.status).toBe(404);
    const body = await res.json<{ error: { code: string; message: string; request_id: string } }>();
    expect(body.error.code).toBe('not_found');
    expect(body.error.request_id).toBe(res.headers.get('x-request-id'));
  });

  it('405s a wrong method with an Allow header', async () => {
    const res = await SELF.fetch('https://app.test/v1/health', { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toContain('GET');
    const body = await res.json<{ error: { code: string } }>();
    expect(body.error.code).toBe('method_not_allowed');
  });

  it('415s a non-JSON body', async () => {
    const res = await SELF.fetch('https://app.test/v1/health', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'hello',
    });
    expect(res.status).toBe(415);
    const body = await res.json<{ error: { code: string; request_id: string } }>();
    expect(body.error.code).toBe('unsupported_media_type');
    expect(body.error.request_id).toBeTruthy();
  });

  it('413s an oversized body before any handler reads it', async () => {
    const res = await SELF.fetch('https://app.test/v1/health', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ blob: 'x'.repeat(300 * 1024) }),
    });
    expect(res.status).toBe(413);
    const body = await res.json<{ error: { code: string } }>();
    expect(body.error.code).toBe('payload_too_large');
  });
});

describe('OpenAPI', () => {
  it('serves a 3.1 document generated from the zod schemas', async () => {
    const res = await SELF.fetch('https://app.test/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = await res.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/v1/health']).toBeDefined();
  });
});

describe('Remix front end', () => {
  it('serves the landing page through the Worker', async () => {
    const res = await SELF.fetch('https://app.test/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const html = await res.text();
    expect(html).toContain('Generic Corp');
  });

  it('renders a 404 page for an unknown page', async () => {
    const res = await SELF.fetch('https://app.test/this/page/does-not-exist');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('text/html');
  });
});

describe('bindings', () => {
  it('has the D1 schema applied', async () => {
    const { results } = await env.DB.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all<{
      name: string;
    }>();
    const names = results.map((row) => row.name);
    for (const table of [
      'users',
      'organizations',
      'memberships',
      'api_keys',
      'agents',
      'tasks',
      'task_dependencies',
      'agent_runs',
      'run_steps',
      'schedules',
      'credentials',
      'usage_periods',
    ]) {
      expect(names).toContain(table);
    }
  });
});
