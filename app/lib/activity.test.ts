import { describe, expect, it } from 'vitest';
import type { ActivityEntry } from '../../core/activity-feed';
import { STARTER_TASK_METADATA } from '../../core/starter-tasks';
import { describeActivity, type Names } from './activity';

const names: Names = {
  agents: new Map([['agt_marcus', { name: 'Marcus', slug: 'marcus', color: '#6366f1' }]]),
  users: new Map([['usr_guest', 'Guest']]),
  selfId: 'usr_guest',
};

const created = (metadata: Record<string, unknown>): ActivityEntry => ({
  id: 'act_1',
  seq: 1,
  type: 'task.created',
  actor: { type: 'user', id: 'usr_guest' },
  subject: { type: 'task', id: 'tsk_1' },
  data: {
    task: {
      id: 'tsk_1',
      title: 'Plan the launch',
      parent_id: null,
      agent: { id: 'agt_marcus', slug: 'marcus', name: 'Marcus' },
      metadata,
    },
  },
  createdAt: 0,
});

const sentence = (entry: ActivityEntry) =>
  describeActivity(entry, names)
    ?.parts.map((part) => ('text' in part ? part.text : 'title' in part ? part.title : part.name))
    .join('');

describe('describeActivity', () => {
  it('credits a task to the person who gave it', () => {
    expect(sentence(created({}))).toMatch(/^You gave/);
  });

  it('credits the demo’s starter tasks to Generic Corp, not the visitor in whose name they were made', () => {
    expect(sentence(created({ ...STARTER_TASK_METADATA }))).toMatch(/^Generic Corp gave/);
  });
});
