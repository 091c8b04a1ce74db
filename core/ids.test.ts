import { describe, expect, it } from 'vitest';
import { hasPrefix, newId } from './ids';

describe('newId', () => {
  it('is prefixed and unique', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newId('tsk')));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(hasPrefix(id, 'tsk')).toBe(true);
  });

  it('sorts by creation time', () => {
    const earlier = newId('tsk', 1_700_000_000_000);
    const later = newId('tsk', 1_700_000_000_001);
    expect(earlier < later).toBe(true);
  });

  it('sorts in creation order within one millisecond (a Worker’s clock stands still between I/O)', () => {
    const now = Date.now() + 60_000;
    const ids = Array.from({ length: 2_000 }, () => newId('act', now).slice(4));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // And after the clock moves on, still after every earlier one.
    expect(newId('act', now + 1).slice(4) > ids.at(-1)!).toBe(true);
  });
});
