import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
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

describe('the lazily loaded modules', () => {
  // One value import anywhere in the Worker's graph would initialize a module at start-up again.
  const LAZY = ['@anthropic-ai/sdk', 'stripe', '@modelcontextprotocol/sdk', 'html-to-text', '../build/server'];
  const root = path.resolve(import.meta.dirname, '..');
  const sources = ['core', 'worker', 'durable-objects'].flatMap((dir) =>
    readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file))
      .map((file) => path.join(dir, file)),
  );

  it('are imported for their types only, outside core/lazy-modules.ts and worker/remix.ts', () => {
    expect(sources).toContain(path.join('core', 'billing', 'stripe.ts'));
    const valueImports = sources.flatMap((file) =>
      [...readFileSync(path.join(root, file), 'utf8').matchAll(/^import (?!type )[^;]*? from '([^']+)';$/gms)]
        .filter(([, from]) => LAZY.some((name) => from!.startsWith(name)))
        .map(([, from]) => `${file}: ${from}`),
    );
    expect(valueImports).toEqual([]);
  });
});
