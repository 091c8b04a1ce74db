import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { describe, expect, it } from 'vitest';
import { reasonOf } from './client';

describe('reasonOf (why an MCP request failed)', () => {
  it('names a host that cannot be reached instead of workerd’s internal reference', () => {
    const error = new Error('internal error; reference = esvbqqe9abc');
    expect(reasonOf(error, new URL('https://nonexistent.invalid/mcp'))).toBe(
      'could not reach nonexistent.invalid: the name does not resolve, or nothing answers there.',
    );
  });

  it('gives the HTTP status and a short body, with a hint when the URL is likely not the MCP endpoint', () => {
    const body = JSON.stringify({ error: 'not found', detail: 'x'.repeat(500) });
    const reason = reasonOf(new StreamableHTTPError(404, `Error POSTing to endpoint: ${body}`));
    expect(reason).toMatch(/^the server answered HTTP 404 \(\{"error":"not found"/);
    expect(reason).toContain('Is this the server’s MCP endpoint (often ending in /mcp)?');
    expect(reason.length).toBeLessThan(250);
    expect(reasonOf(new StreamableHTTPError(503, 'Error POSTing to endpoint: down for maintenance'))).toBe(
      'the server answered HTTP 503 (down for maintenance).',
    );
  });

  it('never repeats a bearer token', () => {
    expect(reasonOf(new Error('rejected Bearer sk_live_secret_value'))).toBe('rejected Bearer …');
  });
});
