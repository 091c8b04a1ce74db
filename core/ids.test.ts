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
});
