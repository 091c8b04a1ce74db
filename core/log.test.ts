import { afterEach, describe, expect, it, vi } from 'vitest';
import { log } from './log';

describe('log', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes one JSON object per line and redacts secret-looking fields', () => {
    const spy = vi.spyOn(console, 'log').mockImplementation(() => {});
    log.info('signed_in', { user_id: 'usr_1', password: 'hunter2', nested: { apiKey: 'gc_sk_x', ok: 1 } });
    const line = JSON.parse(String(spy.mock.calls[0]![0]));
    expect(line).toMatchObject({
      level: 'info',
      msg: 'signed_in',
      user_id: 'usr_1',
      password: '[redacted]',
      nested: { apiKey: '[redacted]', ok: 1 },
    });
    expect(String(spy.mock.calls[0]![0])).not.toContain('hunter2');
  });
});
