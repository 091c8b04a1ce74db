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

  it('no key receives membership events or unknown types; members and up receive every event', () => {
    const all = { kind: 'api_key' as const, scopes: ['org:read', 'tasks:read', 'messages:read', 'agents:read'] };
    expect(mayReceive(all, 'member.removed')).toBe(false);
    expect(mayReceive(all, 'test.custom')).toBe(false);
    for (const role of ['member', 'admin', 'owner'] as const)
      for (const type of ORG_EVENT_TYPES) expect(mayReceive({ kind: 'user', role }, type)).toBe(true);
  });

  it('connections are for those who may list them: not viewers, and keys only with connections:read', () => {
    const viewer = { kind: 'user' as const, role: 'viewer' as const };
    expect(mayReceive(viewer, 'connection.created')).toBe(false);
    expect(mayReceive(viewer, 'tool.called')).toBe(true);
    for (const type of ORG_EVENT_TYPES)
      if (!type.startsWith('connection.')) expect(mayReceive(viewer, type)).toBe(true);
    expect(mayReceive({ kind: 'api_key', scopes: ['tasks:read'] }, 'connection.created')).toBe(false);
    expect(mayReceive({ kind: 'api_key', scopes: ['connections:read'] }, 'connection.created')).toBe(true);
  });

  it('every org event type has a rule', () => {
    for (const type of ORG_EVENT_TYPES) expect(liveReadRule(type).permission).toBeTruthy();
  });
});
