import { env, evictDurableObject, SELF } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import { getOrgHub } from '../../core/org-hub-client';
import { call, createKey, ORIGIN, signUp } from './helpers';

interface Frame {
  type: string;
  seq?: number;
  data?: any;
  error?: { code: string };
}

/** Opens /v1/live and collects every frame. */
async function connect(options: {
  key?: string;
  cookie?: string;
  org?: string;
  since?: number;
  origin?: string | null;
}) {
  const url = new URL(`${ORIGIN}/v1/live`);
  if (options.org) url.searchParams.set('org', options.org);
  if (options.since !== undefined) url.searchParams.set('since', String(options.since));
  const headers: Record<string, string> = { Upgrade: 'websocket' };
  if (options.key) headers.Authorization = `Bearer ${options.key}`;
  if (options.cookie) headers.Cookie = options.cookie;
  if (options.origin !== null) headers.Origin = options.origin ?? ORIGIN;
  const res = await SELF.fetch(url, { headers });
  if (res.status !== 101)
    return { res, ws: null, frames: [] as Frame[], closed: null as null | { code: number; reason: string } };
  const ws = res.webSocket!;
  const frames: Frame[] = [];
  const state = { res, ws, frames, closed: null as null | { code: number; reason: string } };
  ws.addEventListener('message', (event) => frames.push(JSON.parse(event.data as string)));
  ws.addEventListener('close', (event) => (state.closed = { code: event.code, reason: event.reason }));
  ws.accept();
  return state;
}

const liveScopes = { name: 'live', scopes: ['live:read', 'tasks:read', 'tasks:write', 'agents:read'] };
const later = () => new Date(Date.now() + 3600_000).toISOString();

describe('GET /v1/live', () => {
  it('an API key with live:read streams its org’s events in sequence, and never another org’s', async () => {
    const a = await signUp();
    const b = await signUp();
    const aKey = (await createKey(a.cookie, a.org.slug, liveScopes)).key;
    const bKey = (await createKey(b.cookie, b.org.slug, liveScopes)).key;
    const sa = await connect({ key: aKey });
    const sb = await connect({ key: bKey });
    expect(sa.ws).not.toBeNull();
    await vi.waitFor(() => expect(sa.frames.some((f) => f.type === 'hello')).toBe(true));

    const taskA = await call('/v1/tasks', {
      key: aKey,
      body: { agent: 'sable', description: 'Org A secret work', scheduled_for: later() },
    });
    await call('/v1/tasks', { key: bKey, body: { agent: 'sable', description: 'Org B work', scheduled_for: later() } });
    await vi.waitFor(() => expect(sa.frames.some((f) => f.type === 'task.created')).toBe(true));
    await vi.waitFor(() => expect(sb.frames.some((f) => f.type === 'task.created')).toBe(true));

    const aCreated = sa.frames.filter((f) => f.type === 'task.created');
    expect(aCreated).toHaveLength(1);
    expect(aCreated[0]!.data.task.id).toBe(taskA.json.id);
    expect(JSON.stringify(sb.frames)).not.toContain(taskA.json.id);
    expect(JSON.stringify(sb.frames)).not.toContain('Org A secret work');
    const seqs = sa.frames.filter((f) => typeof f.seq === 'number' && f.type !== 'hello').map((f) => f.seq!);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    expect(new Set(seqs).size).toBe(seqs.length);
    sa.ws!.close(1000);
    sb.ws!.close(1000);
  });

  it('a dashboard session connects with ?org and its own Origin; a foreign Origin is refused', async () => {
    const a = await signUp();
    const ok = await connect({ cookie: a.cookie, org: a.org.slug });
    expect(ok.res.status).toBe(101);
    await vi.waitFor(() => expect(ok.frames.some((f) => f.type === 'presence')).toBe(true));
    ok.ws!.close(1000);

    const hijack = await connect({ cookie: a.cookie, org: a.org.slug, origin: 'https://evil.example' });
    expect(hijack.res.status).toBe(403);
    const noOrigin = await connect({ cookie: a.cookie, org: a.org.slug, origin: null });
    expect(noOrigin.res.status).toBe(403);
    const stranger = await signUp();
    const foreign = await connect({ cookie: stranger.cookie, org: a.org.slug });
    expect(foreign.res.status).toBe(404);
  });

  it('refuses keys without live:read, anonymous callers and plain HTTP', async () => {
    const a = await signUp();
    const key = (await createKey(a.cookie, a.org.slug, { name: 'no live', scopes: ['tasks:read'] })).key;
    expect((await connect({ key })).res.status).toBe(403);
    expect((await connect({})).res.status).toBe(401);
    expect((await call('/v1/live', { key })).status).toBe(400);
  });

  it('answers bad frames with an error frame and stays open; pings get pongs', async () => {
    const a = await signUp();
    const key = (await createKey(a.cookie, a.org.slug, liveScopes)).key;
    const s = await connect({ key });
    s.ws!.send('not json');
    s.ws!.send(JSON.stringify({ type: 'subscribe', org: 'someone-else' }));
    s.ws!.send(JSON.stringify({ type: 'ping' }));
    await vi.waitFor(() => {
      expect(s.frames.filter((f) => f.type === 'error')).toHaveLength(2);
      expect(s.frames.some((f) => f.type === 'pong')).toBe(true);
    });
    expect(s.frames.find((f) => f.type === 'error')!.error!.code).toBe('bad_frame');
    expect(s.closed).toBeNull();
    s.ws!.send('x'.repeat(5_000));
    await vi.waitFor(() => expect(s.closed?.code).toBe(1009));
  });

  it('resumes with ?since after an eviction: every missed event, in order, once', async () => {
    const a = await signUp();
    const key = (await createKey(a.cookie, a.org.slug, liveScopes)).key;
    const first = await connect({ key });
    await call('/v1/tasks', { key, body: { agent: 'sable', description: 'Before', scheduled_for: later() } });
    await vi.waitFor(() => expect(first.frames.some((f) => f.type === 'task.created')).toBe(true));
    const lastSeen = Math.max(
      ...first.frames.filter((f) => typeof f.seq === 'number' && f.type !== 'hello').map((f) => f.seq!),
    );
    first.ws!.close(1000);

    const hub = getOrgHub(env, { orgId: a.org.id });
    await evictDurableObject(hub);
    for (let i = 0; i < 3; i++)
      await call('/v1/tasks', { key, body: { agent: 'yuki', description: `While away ${i}`, scheduled_for: later() } });
    const expected = (await hub.eventsSince(a.org.id, lastSeen)).map((e) => e.seq);

    const resumed = await connect({ key, since: lastSeen });
    await vi.waitFor(() => expect(resumed.frames.filter((f) => f.type === 'task.created').length).toBe(3));
    const replayed = resumed.frames.filter((f) => typeof f.seq === 'number' && f.type !== 'hello').map((f) => f.seq!);
    expect(replayed.slice(0, expected.length)).toEqual(expected);
    expect(new Set(replayed).size).toBe(replayed.length);
    expect(replayed[0]).toBe(lastSeen + 1);
    resumed.ws!.close(1000);
  });

  it('a since older than the replay log gets a resync; one ahead of the log too', async () => {
    const a = await signUp();
    const key = (await createKey(a.cookie, a.org.slug, liveScopes)).key;
    const ahead = await connect({ key, since: 999_999 });
    await vi.waitFor(() => expect(ahead.frames.some((f) => f.type === 'resync')).toBe(true));
    ahead.ws!.close(1000);
  });

  it('revoking a key closes its sockets at once', async () => {
    const a = await signUp();
    const created = await createKey(a.cookie, a.org.slug, liveScopes);
    const s = await connect({ key: created.key });
    await vi.waitFor(() => expect(s.frames.some((f) => f.type === 'hello')).toBe(true));
    expect(
      (await call(`/api/orgs/${a.org.slug}/keys/${created.id}`, { cookie: a.cookie, method: 'DELETE' })).status,
    ).toBe(204);
    await vi.waitFor(() => expect(s.closed?.code).toBe(4001));
  });

  it('signing out closes the session’s sockets', async () => {
    const a = await signUp();
    const s = await connect({ cookie: a.cookie, org: a.org.slug });
    await vi.waitFor(() => expect(s.frames.some((f) => f.type === 'hello')).toBe(true));
    await call('/api/auth/logout', { cookie: a.cookie, method: 'POST' });
    await vi.waitFor(() => expect(s.closed?.code).toBe(4001));
  });

  it('run steps and status changes stream while a task runs', async () => {
    const a = await signUp();
    const key = (await createKey(a.cookie, a.org.slug, liveScopes)).key;
    const s = await connect({ key });
    const task = await call('/v1/tasks', { key, body: { agent: 'sable', description: 'Stream me' } });
    await vi.waitFor(
      () =>
        expect(
          s.frames.some(
            (f) => f.type === 'task.updated' && f.data.task.id === task.json.id && f.data.task.status === 'completed',
          ),
        ).toBe(true),
      { timeout: 10_000 },
    );
    const steps = s.frames
      .filter((f) => f.type === 'run.step' && f.data.task_id === task.json.id)
      .flatMap((f) => f.data.steps);
    expect(steps.map((step: { tool_name: string | null }) => step.tool_name)).toEqual(
      expect.arrayContaining(['update_progress', 'finish_task']),
    );
    const statuses = s.frames.filter((f) => f.type === 'agent.status').map((f) => f.data.status);
    expect(statuses).toEqual(expect.arrayContaining(['working', 'idle']));
    // Steps come before the completion, in sequence order.
    const lastStep = Math.max(...s.frames.filter((f) => f.type === 'run.step').map((f) => f.seq!));
    const completed = s.frames.find((f) => f.type === 'task.updated' && f.data.task.status === 'completed')!;
    expect(lastStep).toBeLessThan(completed.seq!);
    s.ws!.close(1000);
  });
});

describe('GET /v1/tasks/:id/stream (SSE)', () => {
  it('streams the task’s events until it ends', async () => {
    const a = await signUp();
    const key = (await createKey(a.cookie, a.org.slug, liveScopes)).key;
    const task = await call('/v1/tasks', {
      key,
      body: {
        agent: 'devonte',
        description: 'SSE please [simulate:think=100]',
        scheduled_for: new Date(Date.now() + 500).toISOString(),
      },
    });
    const res = await SELF.fetch(`${ORIGIN}/v1/tasks/${task.json.id}/stream`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    // Wake the hub at the scheduled time.
    await new Promise((r) => setTimeout(r, 600));
    await getOrgHub(env, { orgId: a.org.id }).eventsSince(a.org.id, 0);
    const { runDurableObjectAlarm } = await import('cloudflare:test');
    await runDurableObjectAlarm(getOrgHub(env, { orgId: a.org.id }));
    const text = await res.text();
    expect(text).toContain('event: task.updated');
    expect(text).toContain('event: run.step');
    expect(text).toContain('"status":"completed"');
    expect(text).toContain('event: end');
  });

  it('a task that has already ended gets its end at once, after any replay asked for', async () => {
    const a = await signUp();
    const key = (await createKey(a.cookie, a.org.slug, liveScopes)).key;
    const task = await call('/v1/tasks', { key, body: { agent: 'sable', description: 'Done before you look' } });
    await vi.waitFor(
      async () => expect((await call(`/v1/tasks/${task.json.id}`, { key })).json.status).toBe('completed'),
      { timeout: 10_000, interval: 50 },
    );
    // A late client: only `end`. (Reading to the end is the check: an open stream would time out.)
    const late = await SELF.fetch(`${ORIGIN}/v1/tasks/${task.json.id}/stream`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    const lateText = await late.text();
    expect(lateText).toContain('event: end');
    expect(lateText).not.toContain('event: task.updated');
    // A client resuming from the start: the replay, then `end`.
    const resumed = await SELF.fetch(`${ORIGIN}/v1/tasks/${task.json.id}/stream?since=0`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    const resumedText = await resumed.text();
    expect(resumedText).toContain('"status":"completed"');
    expect(resumedText.trimEnd().endsWith('event: end\ndata: {}')).toBe(true);
  });

  it('404s another org’s task', async () => {
    const a = await signUp();
    const b = await signUp();
    const aKey = (await createKey(a.cookie, a.org.slug, liveScopes)).key;
    const bKey = (await createKey(b.cookie, b.org.slug, liveScopes)).key;
    const task = await call('/v1/tasks', {
      key: aKey,
      body: { agent: 'sable', description: 'Mine', scheduled_for: later() },
    });
    expect((await call(`/v1/tasks/${task.json.id}/stream`, { key: bKey })).status).toBe(404);
  });
});
