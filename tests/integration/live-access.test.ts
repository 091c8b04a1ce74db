/**
 * Who may keep a live connection, and what it may see: a socket or stream ends with the
 * membership, the role or the key that authorized it, and each socket only receives the
 * event types its credential may read.
 */
import { SELF } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import { call, createKey, ORIGIN, signUp } from './helpers';

interface Frame {
  type: string;
  seq?: number;
  data?: any;
}

async function connect(options: { key?: string; cookie?: string; org?: string; since?: number }) {
  const url = new URL(`${ORIGIN}/v1/live`);
  if (options.org) url.searchParams.set('org', options.org);
  if (options.since !== undefined) url.searchParams.set('since', String(options.since));
  const headers: Record<string, string> = { Upgrade: 'websocket', Origin: ORIGIN };
  if (options.key) headers.Authorization = `Bearer ${options.key}`;
  if (options.cookie) headers.Cookie = options.cookie;
  const res = await SELF.fetch(url, { headers });
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  const state = { ws, frames: [] as Frame[], closed: null as null | { code: number; reason: string } };
  ws.addEventListener('message', (event) => state.frames.push(JSON.parse(event.data as string)));
  ws.addEventListener('close', (event) => (state.closed = { code: event.code, reason: event.reason }));
  ws.accept();
  await vi.waitFor(() => expect(state.frames.some((f) => f.type === 'hello')).toBe(true));
  return state;
}

/** Opens a task's SSE stream and collects its text until it ends. */
async function openStream(taskId: string, auth: { key?: string; cookie?: string; org?: string; since?: number }) {
  const headers: Record<string, string> = {};
  if (auth.key) headers.Authorization = `Bearer ${auth.key}`;
  if (auth.cookie) headers.Cookie = auth.cookie;
  if (auth.org) headers['X-Organization'] = auth.org;
  const query = auth.since === undefined ? '' : `?since=${auth.since}`;
  const res = await SELF.fetch(`${ORIGIN}/v1/tasks/${taskId}/stream${query}`, { headers });
  expect(res.status).toBe(200);
  const state = { text: '', ended: false };
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      state.text += decoder.decode(value);
    }
    state.ended = true;
  })();
  await vi.waitFor(() => expect(state.text).toContain('connected to task'));
  return state;
}

const later = () => new Date(Date.now() + 3600_000).toISOString();

/** An org with an owner and a second member (with `role`) who has a session of their own. */
async function orgWithMember(role: 'viewer' | 'member' | 'admin') {
  const owner = await signUp();
  const email = `m-${crypto.randomUUID()}@example.com`;
  const invite = await call(`/api/orgs/${owner.org.slug}/invitations`, { cookie: owner.cookie, body: { email, role } });
  expect(invite.status).toBe(201);
  const member = await signUp({ email, invitationToken: invite.json.token });
  return { owner, member };
}

describe('live connections end with the membership, role or key that authorized them', () => {
  it('removing a member closes their sockets and task streams at once, though they keep pinging', async () => {
    const { owner, member } = await orgWithMember('member');
    const slug = owner.org.slug;
    const task = await call('/v1/tasks', {
      cookie: owner.cookie,
      org: slug,
      body: { agent: 'sable', description: 'Watched', scheduled_for: later() },
    });
    expect(task.status).toBe(201);
    const socket = await connect({ cookie: member.cookie, org: slug });
    const stream = await openStream(task.json.id, { cookie: member.cookie, org: slug });
    const ownerSocket = await connect({ cookie: owner.cookie, org: slug });
    socket.ws.send(JSON.stringify({ type: 'ping' }));

    const removed = await call(`/api/orgs/${slug}/members/${member.user.id}`, {
      cookie: owner.cookie,
      method: 'DELETE',
    });
    expect(removed.status).toBe(204);
    await vi.waitFor(() => expect(socket.closed?.code).toBe(4001));
    await vi.waitFor(() => expect(stream.ended).toBe(true));
    expect(stream.text).toContain('event: revoked');
    // Everyone else stays connected.
    expect(ownerSocket.closed).toBeNull();
    // And they cannot come back.
    const again = await SELF.fetch(`${ORIGIN}/v1/live?org=${slug}`, {
      headers: { Upgrade: 'websocket', Origin: ORIGIN, Cookie: member.cookie },
    });
    expect(again.status).toBe(404);
    ownerSocket.ws.close(1000);
  });

  it('a member who leaves is disconnected too', async () => {
    const { owner, member } = await orgWithMember('viewer');
    const socket = await connect({ cookie: member.cookie, org: owner.org.slug });
    const left = await call(`/api/orgs/${owner.org.slug}/members/${member.user.id}`, {
      cookie: member.cookie,
      method: 'DELETE',
    });
    expect(left.status).toBe(204);
    await vi.waitFor(() => expect(socket.closed?.code).toBe(4001));
  });

  it('changing a member’s role closes their sockets with 4004 so they reconnect under the new role', async () => {
    const { owner, member } = await orgWithMember('admin');
    const socket = await connect({ cookie: member.cookie, org: owner.org.slug });
    const changed = await call(`/api/orgs/${owner.org.slug}/members/${member.user.id}`, {
      cookie: owner.cookie,
      method: 'PATCH',
      body: { role: 'viewer' },
    });
    expect(changed.status).toBe(200);
    await vi.waitFor(() => expect(socket.closed?.code).toBe(4004));
    // Reconnecting works, as a viewer now.
    const back = await connect({ cookie: member.cookie, org: owner.org.slug });
    expect(back.closed).toBeNull();
    back.ws.close(1000);
  });

  it('revoking a key ends its task streams as well as its sockets', async () => {
    const owner = await signUp();
    const created = await createKey(owner.cookie, owner.org.slug, {
      name: 'stream',
      scopes: ['tasks:read', 'tasks:write', 'live:read'],
    });
    const task = await call('/v1/tasks', {
      key: created.key,
      body: { agent: 'sable', description: 'Streamed', scheduled_for: later() },
    });
    const stream = await openStream(task.json.id, { key: created.key });
    const revoked = await call(`/api/orgs/${owner.org.slug}/keys/${created.id}`, {
      cookie: owner.cookie,
      method: 'DELETE',
    });
    expect(revoked.status).toBe(204);
    await vi.waitFor(() => expect(stream.ended).toBe(true));
    expect(stream.text).toContain('event: revoked');
  });

  it('signing out ends the session’s task streams', async () => {
    const owner = await signUp();
    const task = await call('/v1/tasks', {
      cookie: owner.cookie,
      org: owner.org.slug,
      body: { agent: 'sable', description: 'Streamed', scheduled_for: later() },
    });
    const stream = await openStream(task.json.id, { cookie: owner.cookie, org: owner.org.slug });
    await call('/api/auth/logout', { cookie: owner.cookie, method: 'POST' });
    await vi.waitFor(() => expect(stream.ended).toBe(true));
  });
});

describe('each socket receives only what its credential may read', () => {
  /** Creates a task, runs it to completion, posts a message and creates an agent, as the owner. */
  async function makeActivity(owner: { cookie: string; org: { slug: string } }) {
    const slug = owner.org.slug;
    const task = await call('/v1/tasks', {
      cookie: owner.cookie,
      org: slug,
      body: { agent: 'sable', description: 'Secret plan: acquire Initech' },
    });
    expect(task.status).toBe(201);
    const message = await call('/v1/messages', {
      cookie: owner.cookie,
      org: slug,
      body: { agent: 'yuki', body: 'Private note for Yuki' },
    });
    expect(message.status).toBe(201);
    const agent = await call('/v1/agents', {
      cookie: owner.cookie,
      org: slug,
      body: { name: 'Hidden Hire', role: 'Analyst', personality: 'Quiet.' },
    });
    expect(agent.status).toBe(201);
    return task.json.id as string;
  }

  const types = (frames: Frame[]) => new Set(frames.map((f) => f.type));

  it('a live:read-only key gets no task, run, message, agent or usage events, live or replayed', async () => {
    const owner = await signUp();
    const liveOnly = (await createKey(owner.cookie, owner.org.slug, { name: 'live only', scopes: ['live:read'] })).key;
    const watcher = await connect({ cookie: owner.cookie, org: owner.org.slug });
    const keySocket = await connect({ key: liveOnly });
    const taskId = await makeActivity(owner);
    await vi.waitFor(
      () =>
        expect(
          watcher.frames.some(
            (f) => f.type === 'task.updated' && f.data.task.id === taskId && f.data.task.status === 'completed',
          ),
        ).toBe(true),
      { timeout: 10_000 },
    );
    await vi.waitFor(() => expect(types(watcher.frames)).toContain('usage.updated'));
    await new Promise((r) => setTimeout(r, 300));
    // The dashboard user (owner) sees everything; the key sees none of it.
    for (const type of [
      'task.created',
      'task.updated',
      'run.step',
      'message.created',
      'agent.created',
      'usage.updated',
    ])
      expect(types(watcher.frames)).toContain(type);
    const seen = keySocket.frames.filter((f) => f.type !== 'hello');
    expect(seen).toEqual([]);
    expect(JSON.stringify(keySocket.frames)).not.toContain('Initech');
    // Replay from the start is filtered the same way.
    const replay = await connect({ key: liveOnly, since: 0 });
    await new Promise((r) => setTimeout(r, 300));
    expect(replay.frames.filter((f) => f.type !== 'hello')).toEqual([]);
    for (const s of [watcher, keySocket, replay]) s.ws.close(1000);
  });

  it('a live:read + tasks:read key gets task and run events, but no messages, agents or usage', async () => {
    const owner = await signUp();
    const key = (await createKey(owner.cookie, owner.org.slug, { name: 'tasks', scopes: ['live:read', 'tasks:read'] }))
      .key;
    const keySocket = await connect({ key });
    const taskId = await makeActivity(owner);
    await vi.waitFor(
      () =>
        expect(
          keySocket.frames.some(
            (f) => f.type === 'task.updated' && f.data.task.id === taskId && f.data.task.status === 'completed',
          ),
        ).toBe(true),
      { timeout: 10_000 },
    );
    await new Promise((r) => setTimeout(r, 300));
    const got = types(keySocket.frames);
    expect(got).toContain('task.created');
    expect(got).toContain('run.step');
    for (const type of ['message.created', 'agent.created', 'agent.status', 'usage.updated', 'presence'])
      expect(got).not.toContain(type);
    const replay = await connect({ key, since: 0 });
    await vi.waitFor(() => expect(types(replay.frames)).toContain('task.created'));
    for (const type of ['message.created', 'agent.created', 'usage.updated'])
      expect(types(replay.frames)).not.toContain(type);
    keySocket.ws.close(1000);
    replay.ws.close(1000);
  });

  it('a task stream only carries what the key may read (replayed messages and usage need their scopes)', async () => {
    const owner = await signUp();
    const key = (await createKey(owner.cookie, owner.org.slug, { name: 'sse', scopes: ['tasks:read'] })).key;
    // A message becomes a task whose reply (message.created) and usage (usage.updated) name it.
    const posted = await call('/v1/messages', {
      cookie: owner.cookie,
      org: owner.org.slug,
      body: { agent: 'sable', body: 'Confidential question' },
    });
    expect(posted.status).toBe(201);
    const taskId = posted.json.task.id as string;
    await vi.waitFor(async () => expect((await call(`/v1/tasks/${taskId}`, { key })).json.status).toBe('completed'), {
      timeout: 10_000,
    });
    const owners = await openStream(taskId, { cookie: owner.cookie, org: owner.org.slug, since: 0 });
    await vi.waitFor(() => expect(owners.text).toContain('event: usage.updated'));
    expect(owners.text).toContain('event: message.created');
    const stream = await openStream(taskId, { key, since: 0 });
    await vi.waitFor(() => expect(stream.text).toContain('"status":"completed"'));
    expect(stream.text).toContain('event: run.step');
    expect(stream.text).not.toContain('event: usage.updated');
    expect(stream.text).not.toContain('event: message.created');
  });
});
