import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppEnv } from '../types';
import { requestLog } from './request-log';

afterEach(() => vi.restoreAllMocks());

describe('requestLog', () => {
  it('logs a failed request by its path with single-use tokens redacted', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => void lines.push(line));
    const app = new Hono<AppEnv>();
    app.use(requestLog());
    app.post('/api/invitations/:token/accept', (c) => c.text('boom', 500));
    app.post('/reset-password/:token', (c) => c.text('boom', 500));

    await app.request('/api/invitations/SECRET-INVITE-TOKEN/accept', { method: 'POST' });
    await app.request('/reset-password/SECRET-RESET-TOKEN', { method: 'POST' });

    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).not.toContain('SECRET-');
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'request', path: '/api/invitations/[redacted]/accept' });
    expect(JSON.parse(lines[1]!)).toMatchObject({ path: '/reset-password/[redacted]' });
  });

  it('logs nothing for a fast, successful request', async () => {
    const spies = [vi.spyOn(console, 'error'), vi.spyOn(console, 'warn'), vi.spyOn(console, 'log')];
    const app = new Hono<AppEnv>();
    app.use(requestLog());
    app.get('/v1/tasks/:id', (c) => c.json({ ok: true }));
    expect((await app.request('/v1/tasks/tsk_1')).status).toBe(200);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});
