/**
 * Thread routing is the engine's own: a caller cannot set the metadata that makes a task's
 * result an agent reply in a thread, and a reply only goes to the thread whose message made the task.
 */
import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import { getOrgHub } from '../../core/org-hub-client';
import { call, createKey, hubSql, signUp } from './helpers';

describe('reserved task metadata', () => {
  it('refuses thread_id, message_id and schedule_id from callers with a 400 naming the field', async () => {
    const a = await signUp();
    const key = (await createKey(a.cookie, a.org.slug, { name: 'k', scopes: ['tasks:read', 'tasks:write'] })).key;
    for (const field of ['thread_id', 'message_id', 'schedule_id']) {
      const res = await call('/v1/tasks', {
        key,
        body: { agent: 'sable', description: 'Sneaky', metadata: { [field]: 'thr_someone_elses' } },
      });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe('validation_failed');
      expect(res.json.error.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: `metadata.${field}` })]),
      );
    }
    const fine = await call('/v1/tasks', {
      key,
      body: { agent: 'sable', description: 'Fine', metadata: { ticket: 'ABC-1' }, scheduled_for: later() },
    });
    expect(fine.status).toBe(201);
    expect(fine.json.metadata).toEqual({ ticket: 'ABC-1' });
  });

  it('a task whose stored metadata names a thread it did not come from does not reply there', async () => {
    const a = await signUp();
    const thread = await call('/v1/messages', {
      cookie: a.cookie,
      org: a.org.slug,
      body: { agent: 'yuki', body: 'A private conversation' },
    });
    expect(thread.status).toBe(201);
    const threadId = thread.json.thread_id as string;
    const readThread = async () => (await call(`/v1/threads/${threadId}`, { cookie: a.cookie, org: a.org.slug })).json;
    await vi.waitFor(async () => expect((await readThread()).messages).toHaveLength(2), { timeout: 10_000 });

    // A task stored with forged routing (as an older version could have accepted it).
    const task = await call('/v1/tasks', {
      cookie: a.cookie,
      org: a.org.slug,
      body: { agent: 'sable', description: 'Post into their thread', scheduled_for: soon() },
    });
    expect(task.status).toBe(201);
    await hubSql(
      a.org.id,
      `UPDATE tasks SET metadata = ? WHERE id = ?`,
      JSON.stringify({ thread_id: threadId, message_id: thread.json.message_id }),
      task.json.id,
    );
    await new Promise((r) => setTimeout(r, 600));
    await runDurableObjectAlarm(getOrgHub(env, { orgId: a.org.id }));
    await vi.waitFor(
      async () =>
        expect((await call(`/v1/tasks/${task.json.id}`, { cookie: a.cookie, org: a.org.slug })).json.status).toBe(
          'completed',
        ),
      { timeout: 10_000 },
    );
    const after = await readThread();
    expect(after.messages).toHaveLength(2);
    expect(JSON.stringify(after)).not.toContain('Post into their thread');
  });
});

function later() {
  return new Date(Date.now() + 3600_000).toISOString();
}
function soon() {
  return new Date(Date.now() + 400).toISOString();
}
