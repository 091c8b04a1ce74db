import { abortAllDurableObjects, env, runDurableObjectAlarm, SELF } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import { newId } from '../../core/ids';
import { getOrgHub } from '../../core/org-hub-client';
import { call, createKey, setPlan, signUp, hubSql, waitForStatus } from './helpers';

/** The per-status counts the queue-depth check reads (kept by triggers) match the tasks table. */
async function expectStatusCountsExact(orgId: string) {
  const counted = await hubSql(orgId, `SELECT status, n FROM task_status_counts WHERE n > 0 ORDER BY status`);
  const actual = await hubSql(orgId, `SELECT status, count(*) AS n FROM tasks GROUP BY status ORDER BY status`);
  expect(counted.length).toBeGreaterThan(0);
  expect(counted).toEqual(actual);
}

async function setup(
  scopes = [
    'org:read',
    'agents:read',
    'agents:write',
    'tasks:read',
    'tasks:write',
    'schedules:read',
    'schedules:write',
    'messages:read',
    'messages:write',
    'activity:read',
    'usage:read',
  ],
) {
  const owner = await signUp();
  const { key } = await createKey(owner.cookie, owner.org.slug, { name: 'engine', scopes });
  return { ...owner, key };
}

describe('tasks through the real queue and OrgHub', () => {
  it('a task to Sable goes queued → running → completed with a trace, usage and activity', async () => {
    const { key } = await setup();
    const created = await call('/v1/tasks', { key, body: { agent: 'sable', description: 'Review PR #42' } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      agent: { slug: 'sable', name: 'Sable' },
      title: 'Review PR #42',
      status: expect.stringMatching(/pending|queued/),
      priority: 'normal',
      depends_on: [],
      parent_id: null,
    });
    const done = await waitForStatus(key, created.json.id, 'completed');
    expect(done.result).toContain('Sable completed');
    expect(done.progress).toBe(100);
    expect(done.attempts).toBe(1);
    expect(done.started_at).not.toBeNull();
    expect(done.completed_at).not.toBeNull();
    expect(done.usage.agent_ms).toBeGreaterThanOrEqual(0);
    expect(done.usage.input_tokens).toBeGreaterThan(0);
    expect(done.runs).toHaveLength(1);
    expect(done.runs[0]).toMatchObject({ attempt: 1, provider: 'simulated', simulated: true, outcome: 'completed' });

    const steps = await call(`/v1/runs/${done.runs[0].id}/steps`, { key });
    const kinds = steps.json.data.map(
      (s: { type: string; tool_name: string | null }) => `${s.type}${s.tool_name ? `:${s.tool_name}` : ''}`,
    );
    expect(kinds).toContain('tool_use:update_progress');
    expect(kinds).toContain('tool_use:finish_task');

    const activity = await call('/v1/activity?limit=100', { key });
    const types = activity.json.data.map((a: { type: string }) => a.type);
    expect(types).toEqual(expect.arrayContaining(['task.created', 'task.updated', 'agent.status']));
    // Each entry carries its live event's seq, newest first, and the feed's order is that order
    // (a run's entries share one millisecond).
    const seqs = activity.json.data.map((a: { seq: number | null }) => a.seq);
    for (const seq of seqs) expect(Number.isInteger(seq)).toBe(true);
    expect(seqs).toEqual([...seqs].sort((x: number, y: number) => y - x));
    const progress = activity.json.data
      .filter((a: { data: { change?: string } }) => a.data.change === 'progress')
      .map((a: { data: { task: { progress: number } } }) => a.data.task.progress)
      .reverse();
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress).toEqual([...progress].sort((x: number, y: number) => x - y));
    const sable = await call('/v1/agents/sable', { key });
    expect(sable.json.status).toBe('idle');
    const usage = await call('/v1/usage', { key });
    expect(usage.json.runs).toBeGreaterThanOrEqual(1);
  });

  it('a running task’s steps are readable before the run ends', async () => {
    const { key } = await setup();
    const created = await call('/v1/tasks', {
      key,
      body: { agent: 'sable', description: 'Audit the logs [simulate:think=1500]' },
    });
    // The first turn's steps are written about a second after they happen, not at the run's end.
    const steps = await vi.waitFor(
      async () => {
        const task = (await call(`/v1/tasks/${created.json.id}`, { key })).json;
        if (task.status !== 'running' || !task.runs[0]) throw new Error(`still ${task.status}`);
        const read = await call(`/v1/runs/${task.runs[0].id}/steps`, { key });
        if (!read.json.data.length) throw new Error('no steps yet');
        return { data: read.json.data, status: (await call(`/v1/tasks/${created.json.id}`, { key })).json.status };
      },
      { timeout: 10_000, interval: 200 },
    );
    expect(steps.status).toBe('running');
    expect(steps.data[0]).toMatchObject({ seq: 1, type: 'thinking' });
    await waitForStatus(key, created.json.id, 'completed', 20_000);
  });

  it('delegation: Marcus hands part to Yuki; the child runs first, then the parent completes with its result', async () => {
    const { key } = await setup();
    const created = await call('/v1/tasks', {
      key,
      body: { agent: 'marcus', description: 'Plan the launch; ask Yuki for the capacity review' },
    });
    const parent = await waitForStatus(key, created.json.id, 'completed', 20_000);
    expect(parent.children).toHaveLength(1);
    const child = parent.children[0];
    expect(child.agent.slug).toBe('yuki');
    expect(child.status).toBe('completed');
    expect(parent.depends_on).toEqual([child.id]);
    expect(parent.result).toContain("Built on Yuki's result");
    const childTask = (await call(`/v1/tasks/${child.id}`, { key })).json;
    expect(childTask.parent_id).toBe(parent.id);
    expect(Date.parse(childTask.completed_at)).toBeLessThanOrEqual(Date.parse(parent.completed_at));
    expect(parent.runs.map((r: { outcome: string }) => r.outcome)).toEqual(['blocked', 'completed']);
  });

  it('dependencies: a task waits for its dependency, and is blocked when it fails, then unblocks on retry', async () => {
    const { key } = await setup();
    const first = await call('/v1/tasks', {
      key,
      body: { agent: 'graham', description: 'Pull the numbers [simulate:fail]', max_attempts: 1 },
    });
    const second = await call('/v1/tasks', {
      key,
      body: { agent: 'devonte', description: 'Build the chart', depends_on: [first.json.id] },
    });
    expect(second.status).toBe(201);
    const failed = await waitForStatus(key, first.json.id, 'failed');
    expect(failed.error).toMatch(/Simulated model failure/);
    const blocked = await waitForStatus(key, second.json.id, 'blocked');
    expect(blocked.error).toBe(`Waiting on “Pull the numbers [simulate:fail]” (${first.json.id}), which failed.`);
    // The detail names both sides of the edge, with their agents.
    expect(blocked.depends_on).toEqual([first.json.id]);
    expect(blocked.dependencies).toEqual([
      expect.objectContaining({
        id: first.json.id,
        status: 'failed',
        agent: expect.objectContaining({ slug: 'graham' }),
      }),
    ]);
    expect(failed.dependents).toEqual([second.json.id]);
    expect(failed.dependent_tasks).toEqual([
      expect.objectContaining({ id: second.json.id, agent: expect.objectContaining({ id: second.json.agent.id }) }),
    ]);
    expect(failed.children).toEqual([]);

    // Retrying the dependency: it fails again (the directive is still there) — change it first.
    const retried = await call(`/v1/tasks/${first.json.id}/retry`, { key, method: 'POST' });
    expect(retried.status).toBe(200);
    expect(['pending', 'queued', 'running', 'failed']).toContain(retried.json.status);
  });

  it('retries a failed first attempt with backoff and completes on the second', async () => {
    const { key, org } = await setup();
    const created = await call('/v1/tasks', {
      key,
      body: { agent: 'yuki', description: 'Flaky check [simulate:fail-once]' },
    });
    await vi.waitFor(
      async () => {
        const task = (await call(`/v1/tasks/${created.json.id}`, { key })).json;
        expect(task.runs.length).toBe(1);
        expect(task.runs[0].outcome).toBe('failed');
        expect(task.status).toBe('pending');
        expect(task.scheduled_for).not.toBeNull();
      },
      { timeout: 10_000, interval: 100 },
    );
    // The backoff is seconds long: run the hub's alarm as if the time had come.
    await hubSql(org.id, `UPDATE tasks SET scheduled_for = ? WHERE id = ?`, Date.now() - 1, created.json.id);
    await runDurableObjectAlarm(getOrgHub(env, { orgId: org.id }));
    const done = await waitForStatus(key, created.json.id, 'completed');
    expect(done.attempts).toBe(2);
    expect(done.runs.map((r: { outcome: string }) => r.outcome)).toEqual(['failed', 'completed']);
  });

  it('cancel stops a running task; a completed task cannot be cancelled; retry queues it again', async () => {
    const { key } = await setup();
    const slow = await call('/v1/tasks', {
      key,
      body: { agent: 'sable', description: 'Slow review [simulate:think=400]' },
    });
    await waitForStatus(key, slow.json.id, 'running');
    const cancelled = await call(`/v1/tasks/${slow.json.id}/cancel`, { key, method: 'POST' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.status).toBe('cancelled');
    expect(cancelled.json.error).toBe('Cancelled through the API.');
    await vi.waitFor(
      async () => {
        const task = (await call(`/v1/tasks/${slow.json.id}`, { key })).json;
        expect(task.status).toBe('cancelled');
        expect(task.runs[0]?.outcome).toBe('cancelled');
      },
      { timeout: 10_000, interval: 100 },
    );
    const again = await call(`/v1/tasks/${slow.json.id}/cancel`, { key, method: 'POST' });
    expect(again.status).toBe(409);
    // One cancellation, by whoever cancelled; the agent's run then just ended.
    const activity = (await call('/v1/activity?limit=100', { key })).json.data.filter(
      (a: { subject: { id: string } }) => a.subject.id === slow.json.id,
    );
    const changes = activity.map((a: { actor: { type: string }; data: { change?: string } }) => [
      a.data.change,
      a.actor.type,
    ]);
    expect(changes.filter(([change]: [string]) => change === 'cancelled')).toEqual([['cancelled', 'api_key']]);
    expect(changes).toContainEqual(['finished', 'agent']);

    const quick = await call('/v1/tasks', { key, body: { agent: 'devonte', description: 'Quick fix' } });
    await waitForStatus(key, quick.json.id, 'completed');
    expect((await call(`/v1/tasks/${quick.json.id}/cancel`, { key, method: 'POST' })).status).toBe(409);
    const retry = await call(`/v1/tasks/${slow.json.id}/retry`, { key, method: 'POST' });
    expect(retry.status).toBe(200);
    await waitForStatus(key, slow.json.id, 'completed');
  });

  it('retry allows the attempts the task was created with, keeps a future time, and refuses a deleted agent’s task', async () => {
    const { key } = await setup();
    // Created with one attempt: it fails once, and a retry allows exactly one more.
    const once = await call('/v1/tasks', {
      key,
      body: { agent: 'graham', description: 'Send the invoice run [simulate:fail]', max_attempts: 1 },
    });
    expect((await waitForStatus(key, once.json.id, 'failed')).attempts).toBe(1);
    const retried = await call(`/v1/tasks/${once.json.id}/retry`, { key, method: 'POST' });
    expect(retried.json.max_attempts).toBe(2);
    expect((await waitForStatus(key, once.json.id, 'failed')).attempts).toBe(2);

    // Cancelled before its time: a retry keeps the time.
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const scheduled = await call('/v1/tasks', {
      key,
      body: { agent: 'yuki', description: 'Rotate the certificates', scheduled_for: later },
    });
    await call(`/v1/tasks/${scheduled.json.id}/cancel`, { key, method: 'POST' });
    const back = await call(`/v1/tasks/${scheduled.json.id}/retry`, { key, method: 'POST' });
    expect(back.json).toMatchObject({ status: 'pending', scheduled_for: later });

    // Its agent deleted (archived): a retry would wait forever, so it is refused.
    await call('/v1/agents', { key, body: { name: 'Temp', role: 'Contractor', personality: 'Brief.' } });
    const orphan = await call('/v1/tasks', {
      key,
      body: { agent: 'temp', description: 'Tidy the wiki', scheduled_for: later },
    });
    await call(`/v1/tasks/${orphan.json.id}/cancel`, { key, method: 'POST' });
    expect((await call('/v1/agents/temp', { key, method: 'DELETE' })).status).toBe(200);
    const refused = await call(`/v1/tasks/${orphan.json.id}/retry`, { key, method: 'POST' });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toMatch(/agent was deleted/);
    expect((await call(`/v1/tasks/${orphan.json.id}`, { key })).json.status).toBe('cancelled');
  });

  it('with no model key, a task that asks to email someone drafts it for approval, and finishes once approved', async () => {
    const { key } = await setup(['tasks:read', 'tasks:write', 'approvals:write', 'agents:read', 'messages:read']);
    const created = await call('/v1/tasks', {
      key,
      body: { agent: 'marcus', description: 'Email jane@customer.example that the release ships Friday.' },
    });
    await waitForStatus(key, created.json.id, 'awaiting_approval');
    const pending = (await call('/v1/approvals', { key })).json.data;
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ status: 'pending', task: { id: created.json.id } });
    expect(pending[0].draft).toContain('To: jane@customer.example');
    expect((await call(`/v1/approvals/${pending[0].id}/approve`, { key, method: 'POST' })).status).toBe(200);
    const done = await waitForStatus(key, created.json.id, 'completed');
    expect(done.result).toContain('draft_external: decided by a human');
    // Drafted once: the run after the approval did not draft again.
    expect(
      (await call('/v1/approvals', { key })).json.data.filter((a: { status: string }) => a.status === 'pending'),
    ).toEqual([]);
  });

  it('one running task per agent: a second task for the same agent waits its turn', async () => {
    const { key } = await setup();
    const a = await call('/v1/tasks', { key, body: { agent: 'sable', description: 'First [simulate:think=150]' } });
    const b = await call('/v1/tasks', { key, body: { agent: 'sable', description: 'Second' } });
    await waitForStatus(key, a.json.id, 'running');
    expect((await call(`/v1/tasks/${b.json.id}`, { key })).json.status).toBe('pending');
    const doneB = await waitForStatus(key, b.json.id, 'completed');
    const doneA = (await call(`/v1/tasks/${a.json.id}`, { key })).json;
    expect(Date.parse(doneB.started_at)).toBeGreaterThanOrEqual(Date.parse(doneA.completed_at));
  });

  it("the plan's queue depth is exact: the 21st waiting task on Free is refused, and a cancelled one frees its place", async () => {
    const { key, org } = await setup();
    await setPlan(org.id, 'free'); // 20 waiting tasks
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const post = (i: number) =>
      call('/v1/tasks', { key, body: { agent: 'sable', description: `Later ${i}`, scheduled_for: later } });
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const res = await post(i);
      expect(res.status, res.text).toBe(201);
      ids.push(res.json.id);
    }
    const refused = await post(20);
    expect(refused.status, refused.text).toBe(402);
    expect(refused.json.error).toMatchObject({ code: 'quota_exceeded', details: { limit: 20 } });
    expect((await call(`/v1/tasks/${ids[0]}/cancel`, { key, method: 'POST' })).status).toBe(200);
    expect((await post(21)).status).toBe(201);
    await expectStatusCountsExact(org.id);
  });

  it('admission: the free run slot goes by priority, then age, across agents; a dependency holds a task back', async () => {
    const { key, org } = await setup();
    await setPlan(org.id, 'free'); // one run at a time
    const blocker = await call('/v1/tasks', {
      key,
      body: { agent: 'sable', description: 'Hold [simulate:think=300]' },
    });
    await waitForStatus(key, blocker.json.id, 'running');
    const post = (agent: string, description: string, extra: Record<string, unknown> = {}) =>
      call('/v1/tasks', { key, body: { agent, description, ...extra } }).then((r) => r.json.id as string);
    const oldNormal = await post('yuki', 'Old normal');
    const lowFirst = await post('graham', 'Low');
    const waitsOnLow = await post('devonte', 'Urgent, after Low', { priority: 'urgent', depends_on: [lowFirst] });
    const urgent = await post('graham', 'Urgent', { priority: 'urgent' });
    const high = await post('sable', 'High', { priority: 'high' });
    // Urgent, high, the old normal; then Low (graham's, after his urgent one); then the task waiting on it.
    const expected = [urgent, high, oldNormal, lowFirst, waitsOnLow];
    const done = await Promise.all(expected.map((id) => waitForStatus(key, id, 'completed', 30_000)));
    for (let i = 1; i < done.length; i++)
      expect(Date.parse(done[i].started_at), done[i].title).toBeGreaterThanOrEqual(
        Date.parse(done[i - 1].completed_at),
      );
    await expectStatusCountsExact(org.id);
  });

  it('Idempotency-Key: same key and body → the same task; another body → 409', async () => {
    const { key } = await setup();
    const headers = { 'Idempotency-Key': `idem-${crypto.randomUUID()}` };
    const first = await call('/v1/tasks', { key, body: { agent: 'sable', description: 'Once only' }, headers });
    const second = await call('/v1/tasks', { key, body: { agent: 'sable', description: 'Once only' }, headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.res.headers.get('idempotent-replayed')).toBe('true');
    expect(second.json.id).toBe(first.json.id);
    const conflict = await call('/v1/tasks', { key, body: { agent: 'sable', description: 'Something else' }, headers });
    expect(conflict.status).toBe(409);
    const list = await call('/v1/tasks?q=Once%20only', { key });
    expect(list.json.data).toHaveLength(1);
  });

  it('lists with filters and cursor pagination', async () => {
    const { key } = await setup();
    for (let i = 0; i < 5; i++)
      await call('/v1/tasks', {
        key,
        body: {
          agent: i % 2 ? 'yuki' : 'graham',
          description: `Report ${i}`,
          priority: i === 0 ? 'urgent' : 'low',
          scheduled_for: new Date(Date.now() + 3600_000).toISOString(),
        },
      });
    const page1 = await call('/v1/tasks?limit=2', { key });
    expect(page1.json.data).toHaveLength(2);
    expect(page1.json.next_cursor).toBeTruthy();
    const page2 = await call(`/v1/tasks?limit=2&cursor=${page1.json.next_cursor}`, { key });
    const page3 = await call(`/v1/tasks?limit=2&cursor=${page2.json.next_cursor}`, { key });
    const ids = [...page1.json.data, ...page2.json.data, ...page3.json.data].map((t: { id: string }) => t.id);
    expect(new Set(ids).size).toBe(5);
    expect(page3.json.next_cursor).toBeNull();
    // A cursor that no page gave is refused, not read as "from the top".
    const madeUp = await call('/v1/tasks?cursor=zzzz', { key });
    expect(madeUp.status).toBe(400);
    expect(madeUp.json.error.details[0].field).toBe('cursor');
    expect((await call('/v1/activity?cursor=tsk_01m8jamdmdbarzfvzj636k', { key })).status).toBe(400);
    expect((await call('/v1/tasks?agent=yuki', { key })).json.data).toHaveLength(2);
    expect((await call('/v1/tasks?priority=urgent', { key })).json.data).toHaveLength(1);
    expect((await call('/v1/tasks?status=pending', { key })).json.data).toHaveLength(5);
    expect((await call('/v1/tasks?q=Report%203', { key })).json.data).toHaveLength(1);

    // Search is literal: % and _ match themselves, not any text.
    const later = new Date(Date.now() + 3600_000).toISOString();
    for (const description of ['Discount 100% off banner', 'Rename snake_case columns', 'Rename snakeXcase columns'])
      await call('/v1/tasks', { key, body: { agent: 'yuki', description, scheduled_for: later } });
    const search = async (q: string) =>
      (await call(`/v1/tasks?q=${encodeURIComponent(q)}`, { key })).json.data.map((t: { title: string }) => t.title);
    expect(await search('100%')).toEqual(['Discount 100% off banner']);
    expect(await search('snake_case')).toEqual(['Rename snake_case columns']);
    expect(await search('0% o')).toEqual(['Discount 100% off banner']);
  });
});

describe('large pages', () => {
  it('lists a full page of 100 tasks (D1 binds at most 100 parameters per statement)', async () => {
    const { key } = await setup();
    const later = new Date(Date.now() + 3600_000).toISOString();
    for (let i = 0; i < 101; i++)
      await call('/v1/tasks', {
        key,
        body: { agent: ['sable', 'yuki', 'graham'][i % 3], description: `Bulk ${i}`, scheduled_for: later },
      });
    const page = await call('/v1/tasks?limit=100', { key });
    expect(page.status).toBe(200);
    expect(page.json.data).toHaveLength(100);
    expect(page.json.next_cursor).toBeTruthy();
  });
});

describe('bad input on tasks (nothing half-written)', () => {
  async function taskCount(orgId: string) {
    return (await hubSql<{ n: number }>(orgId, `SELECT COUNT(*) AS n FROM tasks`))[0]!.n;
  }

  it('unknown agent, paused agent, foreign ids, oversize, invalid priority, past scheduled_for', async () => {
    const { key, org, cookie } = await setup();
    const other = await setup();
    const foreign = await call('/v1/tasks', {
      key: other.key,
      body: { agent: 'sable', description: 'Theirs', scheduled_for: new Date(Date.now() + 3600_000).toISOString() },
    });

    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ agent: 'nobody', description: 'x' }, 404, 'agent'],
      [{ agent: 'sable', description: 'x', depends_on: [foreign.json.id] }, 404, 'depends_on'],
      [{ agent: 'sable', description: 'x', parent_id: foreign.json.id }, 404, 'parent_id'],
      [{ agent: 'sable', description: 'x'.repeat(16_001) }, 400, 'description'],
      [{ agent: 'sable', description: 'x', priority: 'asap' }, 400, 'priority'],
      [{ agent: 'sable', description: 'x', scheduled_for: '2020-01-01T00:00:00Z' }, 400, 'scheduled_for'],
      [{ agent: 'sable' }, 400, 'description'],
      [{ agent: 'sable', description: 'x', owner: 'me' }, 400, '"field":"owner"'],
    ];
    for (const [body, status, field] of cases) {
      const before = await taskCount(org.id);
      const res = await call('/v1/tasks', { key, body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(res.json.error.request_id).toBeTruthy();
      expect(JSON.stringify(res.json.error.details ?? [])).toContain(field);
      expect(res.text).not.toContain(other.org.id);
      expect(await taskCount(org.id)).toBe(before);
    }

    // An unknown field is named, in the body or the query, and is the only problem reported.
    const unknownQuery = await call('/v1/tasks?foo=1', { key });
    expect(unknownQuery.json.error.details).toEqual([{ field: 'foo', message: 'Not a known field.' }]);
    const someTask = (
      await call('/v1/tasks', {
        key,
        body: { agent: 'sable', description: 'Later', scheduled_for: new Date(Date.now() + 3_600_000).toISOString() },
      })
    ).json;
    const unknownPatch = await call(`/v1/tasks/${someTask.id}`, {
      key,
      method: 'PATCH',
      body: { scheduled_for: '2030-01-01T00:00:00Z' },
    });
    expect(unknownPatch.json.error.details).toEqual([{ field: 'scheduled_for', message: 'Not a known field.' }]);
    const emptyPatch = await call(`/v1/tasks/${someTask.id}`, { key, method: 'PATCH', body: {} });
    expect(emptyPatch.json.error.details).toEqual([{ field: '(body)', message: 'Send at least one field to change.' }]);

    await call('/v1/agents/graham', { key, method: 'PATCH', body: { status: 'paused' } });
    const paused = await call('/v1/tasks', { key, body: { agent: 'graham', description: 'x' } });
    expect(paused.status).toBe(409);
    expect(paused.json.error.message).toMatch(/paused/);
    expect(cookie).toBeTruthy();
  });

  it('a body that is not valid UTF-8 is refused with 400, not stored with U+FFFD in place of its bytes', async () => {
    const { key, org } = await setup();
    const before = await taskCount(org.id);
    const json = new TextEncoder().encode('{"agent":"sable","description":"Caf\u00e9 X"}');
    const bytes = new Uint8Array(json.length);
    bytes.set(json);
    bytes[bytes.indexOf(0x58)] = 0xff; // the X: a byte that no UTF-8 text contains
    const res = await SELF.fetch('https://app.test/v1/tasks', {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json', 'CF-Connecting-IP': '10.9.9.9' },
      body: bytes,
    });
    expect(res.status).toBe(400);
    const body = await res.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe('invalid_json');
    expect(body.error.message).toMatch(/UTF-8/);
    expect(await taskCount(org.id)).toBe(before);

    // The same text, valid, is taken as sent.
    const ok = await call('/v1/tasks', { key, body: { agent: 'sable', description: 'Café ☕ 李雷' } });
    expect(ok.status).toBe(201);
    expect(ok.json.description).toBe('Café ☕ 李雷');
  });

  it('refuses dependency cycles', async () => {
    const { key } = await setup();
    const later = new Date(Date.now() + 3600_000).toISOString();
    const a = await call('/v1/tasks', { key, body: { agent: 'sable', description: 'A', scheduled_for: later } });
    const b = await call('/v1/tasks', { key, body: { agent: 'yuki', description: 'B', depends_on: [a.json.id] } });
    const cycle = await call(`/v1/tasks/${a.json.id}`, { key, method: 'PATCH', body: { depends_on: [b.json.id] } });
    expect(cycle.status).toBe(409);
    expect(cycle.json.error.message).toMatch(/cycle/i);
    const self = await call(`/v1/tasks/${a.json.id}`, { key, method: 'PATCH', body: { depends_on: [a.json.id] } });
    expect(self.status).toBe(409);
  });
});

describe('agents', () => {
  it('an agent page offers a policy only for built-in tools the agent has (one switch per tool)', async () => {
    const { org, cookie } = await setup();
    const policyRow = (html: string) => html.slice(html.indexOf('data-testid="policy-draft_external"')).slice(0, 1500);
    const sable = await call(`/orgs/${org.slug}/agents/sable`, { cookie });
    expect(sable.status).toBe(200);
    expect(policyRow(sable.text)).toContain('Off: not among its');
    expect(policyRow(sable.text)).not.toContain('name="policy:draft_external"');
    const marcus = await call(`/orgs/${org.slug}/agents/marcus`, { cookie });
    expect(policyRow(marcus.text)).toContain('name="policy:draft_external"');
  });

  it('agents, threads, messages and schedules carry their creation time to the millisecond', async () => {
    const { key } = await setup();
    const times: string[] = [];
    for (let i = 0; i < 3; i++) {
      const agent = await call('/v1/agents', {
        key,
        body: { name: `Clock ${i}`, role: 'Timekeeper', personality: 'Punctual.' },
      });
      times.push(agent.json.created_at);
      const schedule = await call('/v1/schedules', {
        key,
        body: { name: `Tick ${i}`, cron: '0 9 * * 1', task: { agent: agent.json.slug, description: 'Tick' } },
      });
      times.push(schedule.json.created_at);
      const sent = await call('/v1/messages', {
        key,
        body: { agent: agent.json.slug, body: 'What time is it?' },
      });
      const thread = (await call(`/v1/threads/${sent.json.thread_id}`, { key })).json;
      times.push(thread.created_at, thread.messages[0].created_at);
    }
    expect(times.every((time) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(time))).toBe(true);
    // Whole seconds (the column default's precision) would end every one of them in .000Z.
    expect(times.filter((time) => !time.endsWith('.000Z')).length).toBeGreaterThan(0);
  });

  it('creates, updates, refuses manager cycles, archives an agent with history, and enforces the plan count', async () => {
    const { key, org } = await setup();
    // Starter trial in the hosted edition is 5; this edition is self-hosted (unlimited), so set Free (3).
    const created = await call('/v1/agents', {
      key,
      body: { name: 'Nova', role: 'Designer', personality: 'Thoughtful and visual.', manager: 'devonte' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ slug: 'nova', name: 'Nova', status: 'idle' });
    const cycle = await call('/v1/agents/devonte', { key, method: 'PATCH', body: { manager: 'nova' } });
    expect(cycle.status).toBe(409);
    expect((await call('/v1/agents/nova', { key, method: 'PATCH', body: { role: 'Lead Designer' } })).json.role).toBe(
      'Lead Designer',
    );
    const dup = await call('/v1/agents', { key, body: { name: 'Nova', role: 'x', personality: 'y' } });
    expect(dup.status).toBe(409);

    const task = await call('/v1/tasks', { key, body: { agent: 'nova', description: 'Sketch the logo' } });
    await waitForStatus(key, task.json.id, 'completed');
    const removed = await call('/v1/agents/nova', { key, method: 'DELETE' });
    expect(removed.json).toEqual({ archived: true });
    expect((await call('/v1/agents/nova', { key })).status).toBe(404);
    expect((await call(`/v1/tasks/${task.json.id}`, { key })).json.agent.slug).toBe('nova');
    // A deleted agent's slug is free again; the old task stays with the old agent.
    const again = await call('/v1/agents', { key, body: { name: 'Nova', role: 'Illustrator', personality: 'Bold.' } });
    expect(again.status).toBe(201);
    expect(again.json.id).not.toBe(created.json.id);
    expect((await call('/v1/agents/nova', { key })).json.role).toBe('Illustrator');
    expect((await call(`/v1/tasks/${task.json.id}`, { key })).json.agent.id).toBe(created.json.id);
    expect((await call('/v1/tasks?agent=nova', { key })).json.data).toHaveLength(0);

    // An agent a schedule gives work to is not deleted from under it.
    const schedule = await call('/v1/schedules', {
      key,
      body: { name: 'Weekly sketch', cron: '0 9 * * 1', task: { agent: 'nova', description: 'Sketch something' } },
    });
    const refused = await call('/v1/agents/nova', { key, method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toContain('"Weekly sketch"');
    await call(`/v1/schedules/${schedule.json.id}`, { key, method: 'DELETE' });
    expect(await call('/v1/agents/nova', { key, method: 'DELETE' })).toMatchObject({ status: 200 });

    await setPlan(org.id, 'free');
    const list = await call('/v1/agents', { key });
    const paused = list.json.data.filter((a: { status: string }) => a.status === 'paused');
    expect(paused).toHaveLength(2);
    const over = await call('/v1/agents', { key, body: { name: 'Extra', role: 'x', personality: 'y' } });
    expect(over.status).toBe(402);
    expect(over.json.error.details).toMatchObject({ limit: 3, upgrade_url: '/pricing' });
    expect((await call('/v1/agents?include_archived=true', { key })).json.data.length).toBe(6);
  });

  it('agent and schedule changes are in the org’s audit log, with who made them', async () => {
    const { key, cookie, org } = await setup();
    await call('/v1/agents', { key, body: { name: 'Quill', role: 'Writer', personality: 'Terse.' } });
    // Policies need an admin: the owner, signed in.
    const patched = await call('/v1/agents/quill', {
      cookie,
      org: org.slug,
      method: 'PATCH',
      body: { tool_policies: { web_search: 'auto' } },
    });
    expect(patched.status, patched.text).toBe(200);
    const schedule = await call('/v1/schedules', {
      key,
      body: { name: 'Weekly digest', cron: '0 9 * * 1', task: { agent: 'quill', description: 'Write the digest' } },
    });
    await call(`/v1/schedules/${schedule.json.id}`, { key, method: 'DELETE' });
    await call('/v1/agents/quill', { key, method: 'DELETE' });
    // Written after each change commits, without holding up the request.
    await vi.waitFor(
      async () => {
        const audit = (await call(`/api/orgs/${org.slug}/audit`, { cookie })).json.data as Array<{
          action: string;
          actor: { type: string };
          metadata: Record<string, unknown>;
        }>;
        const byAction = Object.fromEntries(audit.map((entry) => [entry.action, entry]));
        expect(byAction['agent.created']).toMatchObject({ actor: { type: 'api_key' }, metadata: { slug: 'quill' } });
        expect(byAction['agent.updated']).toMatchObject({
          actor: { type: 'user' },
          metadata: { fields: ['tool_policies'], tool_policies: { web_search: 'auto' } },
        });
        expect(byAction['schedule.created']).toMatchObject({ metadata: { name: 'Weekly digest', agent: 'quill' } });
        expect(byAction['schedule.deleted']).toMatchObject({ metadata: { name: 'Weekly digest' } });
        expect(byAction['agent.deleted']).toMatchObject({ metadata: { slug: 'quill', archived: false } });
      },
      { timeout: 5_000, interval: 100 },
    );
  });

  it('viewer sessions read but cannot write; keys need the scope', async () => {
    const { key } = await setup(['agents:read', 'tasks:read']);
    expect((await call('/v1/agents', { key })).status).toBe(200);
    expect((await call('/v1/tasks', { key, body: { agent: 'sable', description: 'x' } })).status).toBe(403);
  });
});

describe('reliability', () => {
  it('a duplicate delivery never runs a task twice', async () => {
    const { key, org } = await setup();
    const created = await call('/v1/tasks', { key, body: { agent: 'sable', description: 'Only once' } });
    const done = await waitForStatus(key, created.json.id, 'completed');
    const hub = getOrgHub(env, { orgId: org.id });
    const again = await hub.deliverRun({
      kind: 'run_task',
      orgId: org.id,
      taskId: done.id,
      attempt: 1,
      enqueuedAt: Date.now(),
    });
    expect(again.outcome).toBe('duplicate');
    const [runs] = await hubSql<{ n: number }>(
      org.id,
      `SELECT COUNT(*) AS n FROM agent_runs WHERE task_id = ?`,
      done.id,
    );
    expect(runs!.n).toBe(1);
  });

  it('the watchdog re-queues a run orphaned by a Durable Object crash, and it completes', async () => {
    const { key, org } = await setup();
    const created = await call('/v1/tasks', {
      key,
      body: { agent: 'sable', description: 'Long one [simulate:think=1500]' },
    });
    await waitForStatus(key, created.json.id, 'running');
    const hub = getOrgHub(env, { orgId: org.id });
    // Kill the object mid-run (in-flight calls fail); the next instance finds the orphan.
    await abortAllDurableObjects();
    await hub.ping();
    await runDurableObjectAlarm(hub);
    const task = await vi.waitFor(
      async () => {
        const t = (await call(`/v1/tasks/${created.json.id}`, { key })).json;
        expect(t.runs[0].outcome).toBe('failed');
        return t;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(task.runs[0].error).toMatch(/interrupted/);
    await hubSql(org.id, `UPDATE tasks SET scheduled_for = ? WHERE id = ?`, Date.now() - 1, created.json.id);
    await runDurableObjectAlarm(hub);
    const done = await waitForStatus(key, created.json.id, 'completed', 20_000);
    expect(done.attempts).toBe(2);
  });

  it('a queued task whose message was lost is re-sent by the watchdog and runs once', async () => {
    const { key, org } = await setup();
    const created = await call('/v1/tasks', {
      key,
      body: {
        agent: 'yuki',
        description: 'Lost in transit',
        scheduled_for: new Date(Date.now() + 3600_000).toISOString(),
      },
    });
    // Admitted, but the message never reached the hub (consumed by a process that crashed).
    await hubSql(
      org.id,
      `UPDATE tasks SET status = 'queued', attempts = 1, queued_at = ?, scheduled_for = NULL WHERE id = ?`,
      Date.now() - 5 * 60_000,
      created.json.id,
    );
    await runDurableObjectAlarm(getOrgHub(env, { orgId: org.id }));
    const done = await waitForStatus(key, created.json.id, 'completed');
    expect(done.runs).toHaveLength(1);
    expect(done.attempts).toBe(1);
  });

  it('a dead-lettered delivery fails the task with the reason', async () => {
    const { key, org } = await setup();
    const created = await call('/v1/tasks', {
      key,
      body: {
        agent: 'sable',
        description: 'Will be lost',
        scheduled_for: new Date(Date.now() + 3600_000).toISOString(),
      },
    });
    // Simulate admission without a delivery: mark queued, then the DLQ reports it.
    await hubSql(org.id, `UPDATE tasks SET status = 'queued', attempts = 1 WHERE id = ?`, created.json.id);
    await getOrgHub(env, { orgId: org.id }).recordDeadLetter(
      { kind: 'run_task', orgId: org.id, taskId: created.json.id, attempt: 1, enqueuedAt: Date.now() },
      'gave up after 6 deliveries',
    );
    const task = (await call(`/v1/tasks/${created.json.id}`, { key })).json;
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/could not be delivered: gave up after 6 deliveries/);
  });
});

describe('schedules', () => {
  it('the plan sets the shortest interval and how many schedules an org may have', async () => {
    const { key, org } = await setup(['tasks:write', 'schedules:read', 'schedules:write']);
    await setPlan(org.id, 'free');
    const schedule = (cron: string, name = 'Check') =>
      call('/v1/schedules', { key, body: { name, cron, task: { agent: 'yuki', description: 'Check the uptime' } } });
    const tooOften = await schedule('*/5 * * * *');
    expect(tooOften.status).toBe(400);
    expect(tooOften.json.error.details[0].field).toBe('cron');
    for (let i = 0; i < 5; i++) expect((await schedule(`${i} * * * *`, `Hourly ${i}`)).status).toBe(201);
    const sixth = await schedule('30 * * * *', 'One too many');
    expect(sixth.status).toBe(402);
    expect(sixth.json.error.details).toMatchObject({ limit: 5, upgrade_url: '/pricing' });
    const created = (await call('/v1/schedules', { key })).json.data as Array<{
      id: string;
      task: { agent_id: string; agent: { id: string; slug: string; name: string } };
    }>;
    // The agent is named as tasks name theirs, beside the id it always carried.
    expect(created[0]!.task.agent).toEqual({ id: created[0]!.task.agent_id, slug: 'yuki', name: 'Yuki' });
    const one = await call(`/v1/schedules/${created[0]!.id}`, { key });
    expect(one.status).toBe(200);
    expect(one.json).toEqual(created[0]);
    expect((await call('/v1/schedules/sch_nope', { key })).status).toBe(404);
    const patched = await call(`/v1/schedules/${created[0]!.id}`, {
      key,
      method: 'PATCH',
      body: { cron: '* * * * *' },
    });
    expect(patched.status).toBe(400);
  });

  it('validates cron and time zone, and the alarm creates the task once per tick', async () => {
    const { key, org } = await setup();
    expect(
      (
        await call('/v1/schedules', {
          key,
          body: { name: 'Bad', cron: 'every day', task: { agent: 'yuki', description: 'x' } },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('/v1/schedules', {
          key,
          body: { name: 'Bad', cron: '0 9 * * *', timezone: 'Mars/Olympus', task: { agent: 'yuki', description: 'x' } },
        })
      ).status,
    ).toBe(400);
    const created = await call('/v1/schedules', {
      key,
      body: {
        name: 'Morning check',
        cron: '0 9 * * 1-5',
        timezone: 'Europe/Paris',
        task: { agent: 'yuki', description: 'Check the dashboards' },
      },
    });
    expect(created.status).toBe(201);
    expect(created.json.next_run_at).not.toBeNull();
    // Make it due now, then fire the alarm twice: one task only.
    const tick = Date.now() - 1000;
    await hubSql(org.id, `UPDATE schedules SET next_run_at = ? WHERE id = ?`, tick, created.json.id);
    const hub = getOrgHub(env, { orgId: org.id });
    await runDurableObjectAlarm(hub);
    await hubSql(org.id, `UPDATE schedules SET next_run_at = ? WHERE id = ?`, tick, created.json.id);
    await runDurableObjectAlarm(hub);
    const tasks = await call('/v1/tasks?agent=yuki', { key });
    expect(
      tasks.json.data.filter((t: { metadata: { schedule_id?: string } }) => t.metadata.schedule_id === created.json.id),
    ).toHaveLength(1);
    const after = (await call('/v1/schedules', { key })).json.data[0];
    expect(Date.parse(after.next_run_at)).toBeGreaterThan(Date.now());
    expect(after.last_run_at).not.toBeNull();
    expect(
      (await call(`/v1/schedules/${created.json.id}`, { key, method: 'PATCH', body: { enabled: false } })).json.enabled,
    ).toBe(false);
    expect((await call(`/v1/schedules/${created.json.id}`, { key, method: 'DELETE' })).status).toBe(204);
  });

  it('a patch of the task template changes only the fields it sends', async () => {
    const { key } = await setup(['tasks:write', 'schedules:read', 'schedules:write']);
    const created = await call('/v1/schedules', {
      key,
      body: {
        name: 'Daily metrics',
        cron: '0 6 * * *',
        task: { agent: 'graham', title: 'Daily metrics', description: 'Pull the numbers', priority: 'urgent' },
      },
    });
    expect(created.status).toBe(201);
    const patched = await call(`/v1/schedules/${created.json.id}`, {
      key,
      method: 'PATCH',
      body: { task: { agent: 'yuki' } },
    });
    expect(patched.status).toBe(200);
    expect(patched.json.task).toMatchObject({
      title: 'Daily metrics',
      description: 'Pull the numbers',
      priority: 'urgent',
    });
    expect(patched.json.task.agent_id).not.toBe(created.json.task.agent_id);
  });
});

describe('messages', () => {
  it('a message to an agent becomes a task and the reply lands in the thread', async () => {
    const { key } = await setup();
    const sent = await call('/v1/messages', { key, body: { agent: 'sable', body: 'Can you look at the flaky test?' } });
    expect(sent.status).toBe(201);
    await waitForStatus(key, sent.json.task.id, 'completed');
    const thread = await vi.waitFor(
      async () => {
        const t = (await call(`/v1/threads/${sent.json.thread_id}`, { key })).json;
        expect(t.messages).toHaveLength(2);
        return t;
      },
      { timeout: 5_000, interval: 100 },
    );
    expect(thread.messages[0]).toMatchObject({ sender: { type: 'api_key' }, body: 'Can you look at the flaky test?' });
    expect(thread.messages[1].sender.type).toBe('agent');
    expect(thread.messages[1].body).toContain('Sable completed');
  });

  it('a thread longer than a page is read whole through next_cursor, oldest first', async () => {
    const { key, org, cookie } = await setup();
    const sent = await call('/v1/messages', { key, body: { agent: 'sable', body: 'Message 0' } });
    await waitForStatus(key, sent.json.task.id, 'completed');
    // 600 more, written straight into the hub's storage: reading them is what is tested here.
    for (let i = 1; i <= 600; i++)
      await hubSql(
        org.id,
        `INSERT INTO messages (id, thread_id, sender_type, sender_id, recipient_type, recipient_id, type, body, created_at)
         VALUES (?, ?, 'user', NULL, 'agent', NULL, 'direct', ?, ?)`,
        newId('msg'),
        sent.json.thread_id,
        `Later ${i}`,
        Date.now(),
      );

    const first = (await call(`/v1/threads/${sent.json.thread_id}`, { key })).json;
    expect(first.messages).toHaveLength(500);
    expect(first.messages[0].body).toBe('Message 0');
    expect(first.next_cursor).toBe(first.messages[499].id);
    const bodies: string[] = first.messages.map((m: { body: string }) => m.body);
    let cursor: string | null = first.next_cursor;
    while (cursor) {
      const page = await call(`/v1/threads/${sent.json.thread_id}?limit=40&cursor=${cursor}`, { key });
      expect(page.status).toBe(200);
      expect(page.json.messages.length).toBeLessThanOrEqual(40);
      bodies.push(...page.json.messages.map((m: { body: string }) => m.body));
      cursor = page.json.next_cursor;
    }
    expect(bodies).toHaveLength(602);
    expect(new Set(bodies).size).toBe(602);
    expect(bodies.at(-1)).toBe('Later 600');

    // The dashboard shows the latest messages (where a reply lands) and says older ones are left out.
    const page = await call(`/orgs/${org.slug}/messages/${sent.json.thread_id}`, { cookie });
    expect(page.status).toBe(200);
    expect(page.text).toContain('>Later 600<');
    expect(page.text).toContain('>Later 101<');
    expect(page.text).not.toContain('>Later 100<');
    expect(page.text).toContain('Earlier messages are not shown here');

    const foreign = await call(`/v1/threads/${sent.json.thread_id}?cursor=tsk_x`, { key });
    expect(foreign.status).toBe(400);
    expect(foreign.json.error.details).toEqual([
      { field: 'cursor', message: 'Not a cursor of this list: send `next_cursor` as it came.' },
    ]);
  });
});
