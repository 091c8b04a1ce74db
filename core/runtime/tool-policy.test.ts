import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import type { ToolSet } from './run-loop';
import { applyToolPolicies, policyFor } from './tool-policy';

const tool = (name: string) => ({
  definition: { name, description: name, input_schema: {} },
  schema: z.object({}),
  run: async () => ({ content: `${name} ran` }),
});

describe('tool policies', () => {
  it('stored policy wins over the default; finish_task is always auto', () => {
    expect(policyFor({ gh__create_issue: 'auto' }, 'gh__create_issue', 'ask')).toBe('auto');
    expect(policyFor({}, 'gh__create_issue', 'ask')).toBe('ask');
    expect(policyFor({}, 'list_tasks')).toBe('auto');
    expect(policyFor({ finish_task: 'never' }, 'finish_task')).toBe('auto');
  });

  it('removes never tools and turns ask tools into approval requests', async () => {
    const tools: ToolSet = { a: tool('a'), b: tool('b'), c: tool('c') };
    const policies = { a: 'auto', b: 'ask', c: 'never' } as const;
    const asked: Array<[string, unknown]> = [];
    const out = applyToolPolicies(
      tools,
      (name) => policies[name as keyof typeof policies],
      async (name, input) => {
        asked.push([name, input]);
        return { content: 'waiting', awaitApproval: true };
      },
    );
    expect(Object.keys(out)).toEqual(['a', 'b']);
    expect(await out.a!.run({})).toEqual({ content: 'a ran' });
    expect(await out.b!.run({ x: 1 })).toEqual({ content: 'waiting', awaitApproval: true });
    expect(asked).toEqual([['b', { x: 1 }]]);
    expect(out.b!.definition.description).toContain('A human approves each call');
  });
});
