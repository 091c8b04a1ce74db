import { describe, expect, it } from 'vitest';
import { ORG_EVENT_TYPES } from './events';
import { liveReadRule, mayReceive } from './live-access';

describe('mayReceive', () => {
  it('a key needs the scope of the HTTP read for each event type', () => {
    const liveOnly = { kind: 'api_key' as const, scopes: ['live:read'] };
    for (const type of ORG_EVENT_TYPES) expect(mayReceive(liveOnly, type)).toBe(false);
    const tasks = { kind: 'api_key' as const, scopes: ['live:read', 'tasks:read'] };
    expect(mayReceive(tasks, 'task.updated')).toBe(true);
    expect(mayReceive(tasks, 'run.step')).toBe(true);
    expect(mayReceive(tasks, 'approval.requested')).toBe(true);
    expect(mayReceive(tasks, 'message.created')).toBe(false);
    expect(mayReceive(tasks, 'agent.status')).toBe(false);
    expect(mayReceive(tasks, 'usage.updated')).toBe(false);
    expect(mayReceive({ kind: 'api_key', scopes: ['usage:read'] }, 'usage.updated')).toBe(true);
  });

  it('no key receives membership events or unknown types; every role receives what a viewer reads', () => {
    const all = { kind: 'api_key' as const, scopes: ['org:read', 'tasks:read', 'messages:read', 'agents:read'] };
    expect(mayReceive(all, 'member.removed')).toBe(false);
    expect(mayReceive(all, 'test.custom')).toBe(false);
    for (const role of ['viewer', 'member', 'admin', 'owner'] as const)
      for (const type of ORG_EVENT_TYPES) expect(mayReceive({ kind: 'user', role }, type)).toBe(true);
  });

  it('every org event type has a rule', () => {
    for (const type of ORG_EVENT_TYPES) expect(liveReadRule(type).permission).toBeTruthy();
  });
});
