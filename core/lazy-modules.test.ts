import { describe, expect, it, vi } from 'vitest';
import { loadOnce } from './lazy-modules';

describe('loadOnce', () => {
  it('loads on the first call only and gives every caller the same result', async () => {
    const load = vi.fn(async () => ({ loaded: true }));
    const get = loadOnce(load);
    expect(load).not.toHaveBeenCalled();
    const [first, second] = await Promise.all([get(), get()]);
    expect(first).toBe(second);
    expect(await get()).toBe(first);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('tries a failed load again on the next call', async () => {
    const load = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(new Error('offline'))
      .mockResolvedValueOnce('sdk');
    const get = loadOnce(load);
    await expect(get()).rejects.toThrow('offline');
    await expect(get()).resolves.toBe('sdk');
    await expect(get()).resolves.toBe('sdk');
    expect(load).toHaveBeenCalledTimes(2);
  });
});
