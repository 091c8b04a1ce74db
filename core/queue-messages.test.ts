import { describe, expect, it } from 'vitest';
import { AgentRunMessage, retryDelaySeconds } from './queue-messages';

describe('queue messages', () => {
  it('backs off exponentially, capped at five minutes', () => {
    expect([1, 2, 3, 4, 8, 9, 20].map(retryDelaySeconds)).toEqual([2, 4, 8, 16, 256, 300, 300]);
  });

  it('refuses malformed bodies', () => {
    expect(
      AgentRunMessage.safeParse({ kind: 'run_task', orgId: 'org_1', taskId: 't', attempt: 0, enqueuedAt: 1 }).success,
    ).toBe(false);
    expect(AgentRunMessage.safeParse({ kind: 'other' }).success).toBe(false);
    expect(
      AgentRunMessage.safeParse({ kind: 'run_task', orgId: 'org_1', taskId: 't', attempt: 1, enqueuedAt: 1 }).success,
    ).toBe(true);
  });
});
