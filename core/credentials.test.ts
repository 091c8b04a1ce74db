import { describe, expect, it } from 'vitest';
import { AnthropicKeyInput, platformFallback, testAnthropicKey } from './credentials';

// Built at run time so no key-shaped literal sits in git.
const KEY = ['sk-ant', 'api03', 'test-key', crypto.randomUUID()].join('-');

interface Seen {
  url: string;
  headers: Headers;
  method: string;
}

/** A fake fetch that answers like the Anthropic API would, recording each request. */
function fakeAnthropic(status: number, body: unknown = {}) {
  const seen: Seen[] = [];
  const impl = (async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    seen.push({ url: request.url, headers: request.headers, method: request.method });
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', 'request-id': 'req_test' },
    });
  }) as typeof fetch;
  return { impl, seen };
}

const errorBody = (type: string) => ({ type: 'error', error: { type, message: `upstream says ${type}` } });

describe('testAnthropicKey', () => {
  it('calls GET {base}/v1/models with the key and API version, once, and reports success', async () => {
    const fake = fakeAnthropic(200, {
      data: [{ id: 'claude-test', type: 'model', display_name: 'Claude', created_at: '2025-01-01T00:00:00Z' }],
      has_more: false,
      first_id: 'claude-test',
      last_id: 'claude-test',
    });
    const result = await testAnthropicKey({ ANTHROPIC_BASE_URL: 'http://fake-anthropic.test' }, KEY, fake.impl);
    expect(result).toEqual({ ok: true, status: 200, message: expect.stringContaining('works') });
    expect(fake.seen).toHaveLength(1);
    const [request] = fake.seen;
    expect(request!.method).toBe('GET');
    expect(new URL(request!.url).origin + new URL(request!.url).pathname).toBe('http://fake-anthropic.test/v1/models');
    expect(new URL(request!.url).searchParams.get('limit')).toBe('1');
    // The SDK's own authentication, the same as the agent runtime uses.
    expect(request!.headers.get('authorization')).toBe(`Bearer ${KEY}`);
    expect(request!.headers.get('anthropic-version')).toBeTruthy();
  });

  it('defaults to api.anthropic.com', async () => {
    const fake = fakeAnthropic(200, { data: [], has_more: false, first_id: null, last_id: null });
    await testAnthropicKey({ ANTHROPIC_BASE_URL: undefined }, KEY, fake.impl);
    expect(new URL(fake.seen[0]!.url).origin).toBe('https://api.anthropic.com');
  });

  it.each([
    [401, 'authentication_error', /rejected this key \(401\)/],
    [403, 'permission_error', /refused access \(403\)/],
    [429, 'rate_limit_error', /rate limiting this key \(429\)/],
    [529, 'overloaded_error', /having trouble \(529\)/],
    [500, 'api_error', /having trouble \(500\)/],
    [404, 'not_found_error', /answered 404/],
  ])('maps %i to a friendly message, without retrying or echoing the upstream text', async (status, type, message) => {
    const fake = fakeAnthropic(status, errorBody(type));
    const result = await testAnthropicKey({ ANTHROPIC_BASE_URL: 'http://fake-anthropic.test' }, KEY, fake.impl);
    expect(result.ok).toBe(false);
    expect(result.status).toBe(status);
    expect(result.message).toMatch(message);
    expect(result.message).not.toContain('upstream says');
    expect(fake.seen).toHaveLength(1);
  });

  it('reports a network failure with the base URL, never the key', async () => {
    const failing = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof fetch;
    const result = await testAnthropicKey({ ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' }, KEY, failing);
    expect(result).toEqual({
      ok: false,
      status: null,
      message: expect.stringContaining('Could not reach Anthropic at http://127.0.0.1:9'),
    });
    expect(JSON.stringify(result)).not.toContain(KEY.slice(8));
  });

  it('refuses something that is not an Anthropic key without calling out', async () => {
    const fake = fakeAnthropic(200);
    const result = await testAnthropicKey({ ANTHROPIC_BASE_URL: undefined }, 'not-a-key', fake.impl);
    expect(result.ok).toBe(false);
    expect(result.status).toBeNull();
    expect(fake.seen).toHaveLength(0);
  });
});

describe('AnthropicKeyInput', () => {
  it('accepts sk-ant- keys (trimmed) and optional agent refs', () => {
    expect(AnthropicKeyInput.parse({ api_key: `  ${KEY}\n` })).toEqual({ api_key: KEY });
    expect(AnthropicKeyInput.parse({ api_key: KEY, allowed_agents: ['sable', 'agt_123'] }).allowed_agents).toEqual([
      'sable',
      'agt_123',
    ]);
  });

  it('refuses other shapes with a message that does not repeat the value', () => {
    for (const bad of ['sk-live-1234567890abcdefghij', 'sk-ant-short', 'sk-ant-with spaces in the middle of it', '']) {
      const result = AnthropicKeyInput.safeParse({ api_key: bad });
      expect(result.success).toBe(false);
      if (bad) expect(JSON.stringify(result.error!.issues)).not.toContain(bad);
    }
    expect(AnthropicKeyInput.safeParse({ api_key: KEY, extra: 1 }).success).toBe(false);
  });
});

describe('platformFallback', () => {
  it('is the platform key when configured, else the simulated model', () => {
    expect(platformFallback({ ANTHROPIC_API_KEY: 'sk-ant-platform' })).toBe('platform');
    expect(platformFallback({ ANTHROPIC_API_KEY: undefined })).toBe('simulated');
  });
});
