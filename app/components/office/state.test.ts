import { describe, expect, it } from 'vitest';
import { layoutOffice } from './geometry';
import { createOfficeState, describeOffice } from './state';
import type { OfficeAgent, OfficeEvent } from './types';

function team(): OfficeAgent[] {
  return [
    {
      id: 'agt_marcus',
      slug: 'marcus',
      name: 'Marcus',
      role: 'CEO',
      status: 'idle',
      avatar_color: '#6366f1',
      desk: { x: 2, y: 0 },
    },
    {
      id: 'agt_sable',
      slug: 'sable',
      name: 'Sable',
      role: 'Principal Engineer',
      status: 'idle',
      avatar_color: '#0ea5e9',
      desk: { x: 0, y: 2 },
    },
    {
      id: 'agt_yuki',
      slug: 'yuki',
      name: 'Yuki',
      role: 'SRE',
      status: 'idle',
      avatar_color: '#10b981',
      desk: { x: 3, y: 2 },
    },
  ];
}

function clock(start = 1000) {
  const state = { t: start };
  return {
    now: () => state.t,
    advance: (ms: number) => (state.t += ms),
    get t() {
      return state.t;
    },
  };
}

function task(id: string, agent: string, over: Record<string, unknown> = {}) {
  return {
    id,
    title: `Task ${id}`,
    status: 'running',
    progress: 0,
    agent: { id: `agt_${agent}`, slug: agent, name: agent },
    ...over,
  };
}

let seq = 0;
function event(type: string, data: unknown, at?: number): OfficeEvent {
  return { seq: at ?? ++seq, type, at: '2026-01-01T00:00:00.000Z', data };
}

describe('createOfficeState', () => {
  it('starts from the agents it is given', () => {
    const state = createOfficeState(team());
    expect(state.agents.map((a) => a.slug)).toEqual(['marcus', 'sable', 'yuki']);
    expect(state.get('agt_sable')).toMatchObject({ status: 'idle', ring: 'idle', task: null, bubble: null });
  });

  it('applies agent.status, by id or slug, and tracks the task the agent started', () => {
    const state = createOfficeState(team());
    state.apply(event('task.created', { task: task('tsk_1', 'sable', { status: 'queued', title: 'Review PR #42' }) }));
    expect(
      state.apply(event('agent.status', { agent_id: 'agt_sable', slug: 'sable', status: 'working', task_id: 'tsk_1' })),
    ).toBe(true);
    const sable = state.get('agt_sable')!;
    expect(sable.status).toBe('working');
    expect(sable.ring).toBe('working');
    expect(sable.task).toEqual({ id: 'tsk_1', title: 'Review PR #42', progress: 0 });
    state.apply(event('agent.status', { agent_id: 'nope', slug: 'yuki', status: 'blocked' }));
    expect(state.get('agt_yuki')!.ring).toBe('blocked');
    state.apply(event('agent.status', { agent_id: 'agt_sable', status: 'idle' }));
    expect(state.get('agt_sable')).toMatchObject({ status: 'idle', task: null });
  });

  it('ignores events at or below the last seq, and duplicates', () => {
    const state = createOfficeState(team());
    expect(state.apply({ seq: 10, type: 'agent.status', data: { agent_id: 'agt_marcus', status: 'working' } })).toBe(
      true,
    );
    expect(state.apply({ seq: 10, type: 'agent.status', data: { agent_id: 'agt_marcus', status: 'paused' } })).toBe(
      false,
    );
    expect(state.apply({ seq: 7, type: 'agent.status', data: { agent_id: 'agt_marcus', status: 'offline' } })).toBe(
      false,
    );
    expect(state.get('agt_marcus')!.status).toBe('working');
    expect(state.lastSeq).toBe(10);
    expect(
      state.apply({ seq: Number.NaN, type: 'agent.status', data: { agent_id: 'agt_marcus', status: 'offline' } }),
    ).toBe(false);
  });

  it('ingests only the new tail of a growing array', () => {
    const state = createOfficeState(team());
    const events: OfficeEvent[] = [
      { seq: 1, type: 'agent.status', data: { agent_id: 'agt_marcus', status: 'working' } },
      { seq: 2, type: 'agent.status', data: { agent_id: 'agt_sable', status: 'working' } },
    ];
    expect(state.ingest(events)).toBe(2);
    events.push({ seq: 2, type: 'agent.status', data: { agent_id: 'agt_sable', status: 'offline' } });
    events.push({ seq: 3, type: 'agent.status', data: { agent_id: 'agt_yuki', status: 'paused' } });
    expect(state.ingest(events)).toBe(1);
    expect(state.ingest(events)).toBe(0);
    expect(state.agents.map((a) => a.status)).toEqual(['working', 'working', 'paused']);
  });

  it('ignores events about agents it does not show, and junk', () => {
    const state = createOfficeState(team());
    const before = state.version;
    expect(state.apply(event('agent.status', { agent_id: 'agt_ghost', slug: 'ghost', status: 'working' }))).toBe(false);
    expect(state.apply(event('task.updated', { task: task('tsk_x', 'ghost'), change: 'progress', note: 'Boo' }))).toBe(
      false,
    );
    expect(
      state.apply(
        event('run.step', {
          task_id: 'tsk_unknown',
          run_id: 'run_1',
          steps: [{ seq: 1, type: 'text', content: 'hi' }],
        }),
      ),
    ).toBe(false);
    expect(
      state.apply(event('message.created', { sender_type: 'agent', sender_id: 'agt_ghost', thread_id: 'thr_1' })),
    ).toBe(false);
    expect(state.apply(event('agent.status', null))).toBe(false);
    expect(state.apply(event('presence', { members: 2 }))).toBe(false);
    expect(state.apply(event('agent.status', { agent_id: 'agt_sable', status: 'dancing' }))).toBe(false);
    expect(state.agents.some((a) => a.slug === 'ghost')).toBe(false);
    expect(state.version).toBe(before);
  });

  it('shows a progress note as a bubble that fades in, holds, fades out and expires', () => {
    const time = clock();
    const state = createOfficeState(team(), { now: time.now, fadeInMs: 200, fadeOutMs: 500 });
    state.apply(
      event('task.updated', {
        task: task('tsk_1', 'sable', { progress: 40 }),
        change: 'progress',
        note: 'Reading the diff',
      }),
    );
    const sable = state.get('agt_sable')!;
    expect(sable.task).toEqual({ id: 'tsk_1', title: 'Task tsk_1', progress: 40 });
    expect(sable.bubble).toMatchObject({ kind: 'progress', text: 'Reading the diff' });
    const { bornAt, expiresAt } = sable.bubble!;
    expect(expiresAt - bornAt).toBeGreaterThanOrEqual(4000);

    expect(state.frame(bornAt + 100)).toBe(true);
    expect(sable.bubbleAlpha).toBeCloseTo(0.5);
    expect(state.frame(bornAt + 1000)).toBe(false);
    expect(sable.bubbleAlpha).toBe(1);
    expect(state.nextChangeAt(bornAt + 1000)).toBe(expiresAt - 500);
    state.frame(expiresAt - 250);
    expect(sable.bubbleAlpha).toBeCloseTo(0.5);
    state.frame(expiresAt);
    expect(sable.bubble).toBeNull();
    expect(sable.bubbleAlpha).toBe(0);
    // The list keeps the last words after the bubble is gone.
    expect(state.snapshot().agents[1]!.latest).toEqual({ kind: 'progress', text: 'Reading the diff', toName: null });
    expect(state.nextChangeAt(expiresAt)).toBe(Infinity);
  });

  it('with reduced motion, bubbles show at full opacity until they expire', () => {
    const time = clock();
    const state = createOfficeState(team(), { now: time.now });
    state.apply(event('task.updated', { task: task('tsk_1', 'yuki'), change: 'progress', note: 'Checking alerts' }));
    const yuki = state.get('agt_yuki')!;
    expect(state.frame(time.t, true)).toBe(false);
    expect(yuki.bubbleAlpha).toBe(1);
    expect(state.nextChangeAt(time.t, true)).toBe(yuki.bubble!.expiresAt);
  });

  it('builds a thought trail from streamed text: the last ~60 characters, expiring after the stream stops', () => {
    const time = clock();
    const state = createOfficeState(team(), { now: time.now, thoughtMs: 3000 });
    state.apply(event('task.updated', { task: task('tsk_1', 'sable'), change: 'started' }));
    const words =
      'Let me read the whole diff first. The auth middleware changed, and the session cookie is now set without SameSite.';
    for (const chunk of words.match(/\s?\S+/g)!) {
      time.advance(50);
      state.apply(
        event('run.step', {
          task_id: 'tsk_1',
          run_id: 'run_1',
          steps: [{ seq: 1, type: 'text', tool_name: null, content: chunk }],
        }),
      );
    }
    const sable = state.get('agt_sable')!;
    expect(sable.thought!.text.length).toBeLessThanOrEqual(60);
    expect(sable.thought!.text.startsWith('…')).toBe(true);
    expect(sable.thought!.text.endsWith('now set without SameSite.')).toBe(true);
    expect(sable.thought!.kind).toBe('text');
    time.advance(3000);
    state.frame(time.t);
    expect(sable.thought).toBeNull();

    // A new run starts a new trail instead of continuing the old words.
    state.apply(
      event('run.step', {
        task_id: 'tsk_1',
        run_id: 'run_2',
        steps: [{ seq: 1, type: 'thinking', tool_name: null, content: 'Hmm.' }],
      }),
    );
    expect(sable.thought).toMatchObject({ text: 'Hmm.', kind: 'thinking' });
  });

  it('turns delegate_task and send_message tool calls into bubbles addressed to the teammate', () => {
    const state = createOfficeState(team());
    state.apply(event('task.updated', { task: task('tsk_1', 'marcus'), change: 'started' }));
    state.apply(
      event('run.step', {
        task_id: 'tsk_1',
        run_id: 'run_1',
        steps: [
          { seq: 3, type: 'tool_use', tool_name: 'list_agents', content: '{}' },
          {
            seq: 4,
            type: 'tool_use',
            tool_name: 'delegate_task',
            content: JSON.stringify({ agent: 'yuki', title: 'Check the error rate', description: 'Since the deploy' }),
          },
        ],
      }),
    );
    const marcus = state.get('agt_marcus')!;
    expect(marcus.bubble).toMatchObject({
      kind: 'delegate',
      text: 'Check the error rate',
      toAgentId: 'agt_yuki',
      toName: 'Yuki',
    });

    // Cut-off JSON (steps are truncated at 4,000 characters) still yields the fields.
    state.apply(event('task.updated', { task: task('tsk_2', 'sable'), change: 'started' }));
    state.apply(
      event('run.step', {
        task_id: 'tsk_2',
        run_id: 'run_2',
        steps: [
          {
            seq: 1,
            type: 'tool_use',
            tool_name: 'send_message',
            content: '{"to":"marcus","body":"Found the bug in the session cook',
          },
        ],
      }),
    );
    expect(state.get('agt_sable')!.bubble).toMatchObject({
      kind: 'message',
      text: 'Found the bug in the session cook',
      toName: 'Marcus',
    });

    // The message.created that follows does not repeat it.
    const bubble = state.get('agt_sable')!.bubble;
    state.apply(event('message.created', { sender_type: 'agent', sender_id: 'agt_sable', thread_id: 'thr_1' }));
    expect(state.get('agt_sable')!.bubble).toBe(bubble);
  });

  it('message.created gives the sender and the receiving agent a bubble', () => {
    const state = createOfficeState(team());
    state.apply(
      event('message.created', {
        sender_type: 'user',
        sender_id: 'usr_1',
        thread_id: 'thr_1',
        recipient_id: 'agt_yuki',
      }),
    );
    expect(state.get('agt_yuki')!.bubble).toMatchObject({ kind: 'message', text: 'New message from you' });
    state.apply(event('message.created', { sender_type: 'agent', sender_id: 'agt_marcus', thread_id: 'thr_2' }));
    expect(state.get('agt_marcus')!.bubble).toMatchObject({ kind: 'message', text: 'Sent a message' });
  });

  it('tracks awaiting approval from the task status and clears it when the task moves on', () => {
    const state = createOfficeState(team());
    state.apply(event('task.updated', { task: task('tsk_1', 'marcus'), change: 'started' }));
    state.apply(event('task.updated', { task: task('tsk_1', 'marcus', { status: 'awaiting_approval' }) }));
    const marcus = state.get('agt_marcus')!;
    expect(marcus).toMatchObject({ awaitingApproval: true, ring: 'approval' });
    expect(marcus.bubble!.kind).toBe('alert');
    state.apply(event('task.updated', { task: task('tsk_1', 'marcus', { status: 'completed', progress: 100 }) }));
    expect(marcus).toMatchObject({ awaitingApproval: false, task: null });
    expect(marcus.bubble!.text).toBe('Done: Task tsk_1');
  });

  it('does not replay speech for history, but still moves statuses along', () => {
    const state = createOfficeState(team());
    state.ingest(
      [
        event('task.updated', { task: task('tsk_1', 'sable', { progress: 30 }), change: 'progress', note: 'Old news' }),
        event('agent.status', { agent_id: 'agt_sable', status: 'working', task_id: 'tsk_1' }),
        event('run.step', { task_id: 'tsk_1', run_id: 'run_1', steps: [{ seq: 1, type: 'text', content: 'old' }] }),
      ],
      { history: true },
    );
    const sable = state.get('agt_sable')!;
    expect(sable).toMatchObject({ status: 'working', bubble: null, thought: null });
    expect(sable.task!.progress).toBe(30);
    expect(sable.latest!.text).toBe('Old news');
  });

  it('does not let a chatty event replace a more important bubble straight away', () => {
    const time = clock();
    const state = createOfficeState(team(), { now: time.now });
    state.apply(event('task.updated', { task: task('tsk_1', 'yuki', { status: 'awaiting_approval' }) }));
    state.apply(
      event('message.created', {
        sender_type: 'user',
        sender_id: 'usr_1',
        thread_id: 'thr_1',
        recipient_id: 'agt_yuki',
      }),
    );
    expect(state.get('agt_yuki')!.bubble!.kind).toBe('alert');
    time.advance(2000);
    state.apply(
      event('message.created', {
        sender_type: 'user',
        sender_id: 'usr_1',
        thread_id: 'thr_1',
        recipient_id: 'agt_yuki',
      }),
    );
    expect(state.get('agt_yuki')!.bubble!.kind).toBe('message');
  });

  it('merges new page data: props win only where they changed since the last props', () => {
    const state = createOfficeState(team());
    state.apply(event('agent.status', { agent_id: 'agt_sable', status: 'working' }));
    // A revalidation with the same (stale) props does not undo the live status…
    state.setAgents(team());
    expect(state.get('agt_sable')!.status).toBe('working');
    // …but a real change in the props applies.
    const next = team();
    next[1] = { ...next[1]!, status: 'paused', current_task: { id: 'tsk_9', title: 'Later', progress: 10 } };
    state.setAgents(next);
    expect(state.get('agt_sable')).toMatchObject({
      status: 'paused',
      ring: 'paused',
      task: { id: 'tsk_9', title: 'Later', progress: 10 },
    });
  });

  it('adds and removes agents and bumps the roster version so the layout is redone', () => {
    const state = createOfficeState(team());
    const roster = state.rosterVersion;
    state.setAgents([
      ...team(),
      {
        id: 'agt_graham',
        slug: 'graham',
        name: 'Graham',
        role: 'Data',
        status: 'offline',
        avatar_color: '#ec4899',
        desk: { x: 4, y: 0 },
      },
    ]);
    expect(state.rosterVersion).toBe(roster + 1);
    expect(state.get('agt_graham')!.ring).toBe('offline');
    state.setAgents(team().slice(1));
    expect(state.get('agt_marcus')).toBeUndefined();
    expect(state.agents.map((a) => a.id)).toEqual(['agt_sable', 'agt_yuki']);
    expect(state.rosterVersion).toBe(roster + 2);
    const same = state.rosterVersion;
    state.setAgents(team().slice(1));
    expect(state.rosterVersion).toBe(same);
  });

  it('notifies subscribers and caches the snapshot per version', () => {
    const state = createOfficeState(team());
    let calls = 0;
    const unsubscribe = state.subscribe(() => calls++);
    const first = state.snapshot();
    expect(state.snapshot()).toBe(first);
    state.apply(event('agent.status', { agent_id: 'agt_yuki', status: 'working' }));
    expect(calls).toBe(1);
    expect(state.snapshot()).not.toBe(first);
    expect(state.snapshot().agents[2]!.status).toBe('working');
    unsubscribe();
    state.apply(event('agent.status', { agent_id: 'agt_yuki', status: 'idle' }));
    expect(calls).toBe(1);
  });

  it('applies 1,000 events for 20 agents correctly, allocating no new records', () => {
    const agents: OfficeAgent[] = Array.from({ length: 20 }, (_, i) => ({
      id: `agt_${i}`,
      slug: `agent-${i}`,
      name: `Agent ${i}`,
      role: 'Engineer',
      status: 'idle',
      avatar_color: '#0ea5e9',
      desk: { x: i % 5, y: i < 5 ? 0 : 4 + Math.floor(i / 5) },
    }));
    const time = clock();
    const layout = layoutOffice(agents);
    const state = createOfficeState(agents, { now: time.now });
    const records = [...state.agents];
    const events: OfficeEvent[] = [];
    let n = 0;
    for (let i = 0; i < 20; i++) {
      events.push({
        seq: ++n,
        type: 'task.created',
        data: { task: task(`tsk_${i}`, `${i}`, { status: 'queued', title: `Job ${i}` }) },
      });
      events.push({
        seq: ++n,
        type: 'agent.status',
        data: { agent_id: `agt_${i}`, status: 'working', task_id: `tsk_${i}` },
      });
    }
    for (let k = events.length; events.length < 1000; k++) {
      const i = k % 20;
      const kind = Math.floor(k / 20) % 4;
      if (kind === 0)
        events.push({
          seq: ++n,
          type: 'run.step',
          data: { task_id: `tsk_${i}`, run_id: 'r', steps: [{ seq: n, type: 'text', content: `step ${n} ` }] },
        });
      else if (kind === 1)
        events.push({
          seq: ++n,
          type: 'task.updated',
          data: {
            task: task(`tsk_${i}`, `${i}`, { title: `Job ${i}`, progress: Math.min(100, n / 10) }),
            change: 'progress',
            note: `Note ${n}`,
          },
        });
      else if (kind === 2)
        events.push({ seq: n, type: 'agent.status', data: { agent_id: `agt_${i}`, status: 'offline' } }); // a duplicate seq: ignored
      else
        events.push({
          seq: ++n,
          type: 'message.created',
          data: { sender_type: 'agent', sender_id: `agt_${i}`, thread_id: 't' },
        });
    }
    // Delivered one at a time, as the live socket does.
    const growing: OfficeEvent[] = [];
    for (const e of events) {
      growing.push(e);
      state.ingest(growing);
      time.advance(16);
      state.frame(time.t);
    }
    expect(layout.seats).toHaveLength(20);
    expect(state.lastSeq).toBe(n);
    expect(state.agents.every((a, i) => a === records[i])).toBe(true);
    expect(state.agents.every((a) => a.status === 'working' && a.task !== null)).toBe(true);
    const last = state.get('agt_19')!;
    expect(last.task!.title).toBe('Job 19');
    expect(last.thought!.text).toMatch(/step \d+$/);
    expect(describeOffice(state.snapshot().agents)).toMatch(/^20 agents: 20 working \(Agent 0 on “Job 0”/);
  });
});

describe('describeOffice', () => {
  it('names each agent with what they are doing', () => {
    const state = createOfficeState(team());
    state.apply(
      event('task.updated', {
        task: task('tsk_1', 'sable', { title: 'Review PR #42', progress: 40 }),
        change: 'started',
      }),
    );
    state.apply(event('agent.status', { agent_id: 'agt_sable', status: 'working', task_id: 'tsk_1' }));
    state.apply(event('agent.status', { agent_id: 'agt_yuki', status: 'blocked' }));
    expect(state.snapshot().summary).toBe(
      '3 agents: Marcus idle, Sable working on “Review PR #42” (40%), Yuki blocked.',
    );
  });

  it('groups a large team', () => {
    const agents = Array.from({ length: 12 }, (_, i) => ({
      id: `a${i}`,
      slug: `a${i}`,
      name: `A${i}`,
      role: 'r',
      color: '#000',
      status: (i < 2 ? 'working' : i < 3 ? 'blocked' : i < 10 ? 'idle' : 'offline') as
        | 'working'
        | 'blocked'
        | 'idle'
        | 'offline',
      awaitingApproval: i === 9,
      task: i < 2 ? { id: `t${i}`, title: `T${i}`, progress: 50 } : null,
      latest: null,
    }));
    expect(describeOffice(agents)).toBe(
      '12 agents: 2 working (A0 on “T0” (50%), A1 on “T1” (50%)); 1 awaiting approval (A9); 1 blocked (A2); 6 idle; 2 offline.',
    );
    expect(describeOffice([])).toBe('The office is empty: no agents yet.');
  });
});
