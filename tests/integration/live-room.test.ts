import { env, SELF } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import type { LiveRoom } from '../../durable-objects/live-room';
import { ADMISSION_HEADER, type LiveAdmission, type LiveFrame } from '../../durable-objects/live-room-protocol';
import { call, createKey, ORIGIN, signUp } from './helpers';

// The live rooms run in their own Worker script (wrangler.live.toml), beside the one under test.
const rooms = env.LIVE_ROOM as unknown as DurableObjectNamespace<LiveRoom>;

const eventFrame = (seq: number, type = 'task.created'): LiveFrame => ({
  seq,
  type,
  text: JSON.stringify({ seq, type, at: new Date().toISOString(), data: {} }),
});

function admission(helloSeq: number, replay: LiveFrame[]): LiveAdmission {
  return {
    args: {
      orgId: 'org_room_test',
      principalType: 'api_key',
      principalId: 'key_room_test',
      principalName: 'room test',
      credential: 'api_key:key_room_test',
      role: 'member',
      scopes: ['live:read', 'tasks:read'],
      since: 0,
      maxSockets: 5,
    },
    readOnly: false,
    otherConnections: 0,
    helloSeq,
    replay,
  };
}

async function upgrade(room: DurableObjectStub<LiveRoom>, token: string) {
  const res = await room.fetch('https://live-room/socket', {
    headers: { Upgrade: 'websocket', [ADMISSION_HEADER]: token },
  });
  const seqs: Array<number | string> = [];
  if (res.webSocket) {
    res.webSocket.addEventListener('message', (event) => {
      const frame = JSON.parse(event.data as string);
      seqs.push(frame.type === 'hello' ? `hello:${frame.seq}` : frame.seq);
    });
    res.webSocket.accept();
  }
  return { res, ws: res.webSocket, seqs };
}

describe('the live room', () => {
  it('an event published between a socket’s admission and its upgrade reaches it once, after the replay', async () => {
    const room = rooms.get(rooms.idFromName(`race-${crypto.randomUUID()}`));
    const token = crypto.randomUUID();
    await room.admit(token, admission(2, [eventFrame(1), eventFrame(2)]));
    // Event 2 was in the replay already; 3 was committed after the hub made it.
    expect(await room.publish([eventFrame(2), eventFrame(3)])).toBe(1);
    const socket = await upgrade(room, token);
    expect(socket.res.status).toBe(101);
    await room.publish([eventFrame(4)]);
    await vi.waitFor(() => expect(socket.seqs).toEqual(['hello:2', 1, 2, 3, 4]));
    socket.ws!.close(1000);
  });

  it('an upgrade without an admission is refused, and an admission is redeemed once', async () => {
    const room = rooms.get(rooms.idFromName(`admission-${crypto.randomUUID()}`));
    expect((await upgrade(room, crypto.randomUUID())).res.status).toBe(409);
    const token = crypto.randomUUID();
    await room.admit(token, admission(0, []));
    const first = await upgrade(room, token);
    expect(first.res.status).toBe(101);
    expect((await upgrade(room, token)).res.status).toBe(409);
    first.ws!.close(1000);
  });

  it('a room that emptied gets events again once a socket rejoins, live and replayed', async () => {
    const a = await signUp();
    const { key } = await createKey(a.cookie, a.org.slug, {
      name: 'live',
      scopes: ['live:read', 'tasks:read', 'tasks:write'],
    });
    const open = async (since?: number) => {
      const url = new URL(`${ORIGIN}/v1/live`);
      if (since !== undefined) url.searchParams.set('since', String(since));
      const res = await SELF.fetch(url, { headers: { Upgrade: 'websocket', Authorization: `Bearer ${key}` } });
      const frames: Array<{ type: string; seq?: number; data?: any }> = [];
      res.webSocket!.addEventListener('message', (event) => frames.push(JSON.parse(event.data as string)));
      res.webSocket!.accept();
      return { ws: res.webSocket!, frames };
    };
    const later = new Date(Date.now() + 3600_000).toISOString();
    const create = (description: string) =>
      call('/v1/tasks', { key, body: { agent: 'sable', description, scheduled_for: later } });

    const first = await open();
    await vi.waitFor(() => expect(first.frames.some((f) => f.type === 'hello')).toBe(true));
    await create('while watched');
    await vi.waitFor(() => expect(first.frames.some((f) => f.type === 'task.created')).toBe(true));
    const seen = first.frames.find((f) => f.type === 'task.created')!.seq!;
    first.ws.close(1000);

    // Nobody is watching: the first publish finds the room empty, and the hub stops publishing.
    await vi.waitFor(async () => expect(await rooms.get(rooms.idFromName(a.org.id)).count()).toBe(0));
    await create('unwatched');
    const unwatched = (await create('unwatched, last')).json.id;

    const second = await open(seen);
    await vi.waitFor(() =>
      expect(second.frames.some((f) => f.type === 'task.created' && f.data.task.id === unwatched)).toBe(true),
    );
    const live = (await create('watched again')).json.id;
    await vi.waitFor(() =>
      expect(second.frames.some((f) => f.type === 'task.created' && f.data.task.id === live)).toBe(true),
    );
    const seqs = second.frames.filter((f) => f.type !== 'hello' && typeof f.seq === 'number').map((f) => f.seq!);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    second.ws.close(1000);
  });
});
