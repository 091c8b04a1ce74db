import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from './errors';
import { capture, unwrap } from './rpc-result';

describe('capture', () => {
  it('returns an ApiError as data, and unwrap throws the same error back', async () => {
    const result = await capture(async () => {
      throw new ApiError('conflict', 'Taken.', [{ field: 'slug', message: 'In use.' }]);
    });
    expect(result).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'Taken.', details: [{ field: 'slug', message: 'In use.' }] },
    });
    expect(() => unwrap(result)).toThrow(expect.objectContaining({ code: 'conflict', status: 409 }));
  });

  it("turns an argument the object's schema refused into validation_failed, field by field", async () => {
    const result = await capture(async () => z.object({ agent: z.string().min(1) }).parse({ agent: '' }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('validation_failed');
    expect(!result.ok && result.error.details).toEqual([{ field: 'agent', message: expect.any(String) }]);
  });

  it('lets any other error through (a bug, not bad input)', async () => {
    await expect(capture(async () => Promise.reject(new TypeError('boom')))).rejects.toThrow('boom');
  });
});
