import { describe, expect, it } from 'vitest';
import { RESERVED_METADATA_KEYS, TaskInput } from './tasks';

describe('TaskInput metadata', () => {
  it('refuses the keys only the engine sets, naming the field', () => {
    for (const key of RESERVED_METADATA_KEYS) {
      const parsed = TaskInput.safeParse({ agent: 'sable', description: 'x', metadata: { [key]: 'thr_1' } });
      expect(parsed.success).toBe(false);
      expect(parsed.error!.issues[0]!.path).toEqual(['metadata', key]);
    }
    expect(TaskInput.safeParse({ agent: 'sable', description: 'x', metadata: { ticket: 'A-1' } }).success).toBe(true);
  });
});
