import { describe, expect, it } from 'vitest';
import { type LiveFrame, LiveClient } from './live-client';

class FakeSocket {
  readyState = 1;
  sent: string[] = [];
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: { code: number; reason: string }) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(data);
  }
  close(code = 1000, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  deliver(frame: object) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

function harness() {
  const sockets: FakeSocket[] = [];
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const events: LiveFrame[] = [];
  const states: string[] = [];
  let resyncs = 0;
  const ended: Array<{ code: number; reason: string }> = [];
  const client = new LiveClient({
    url: 'wss://app.test/v1/live?org=acme',
    onEvent: (f) => events.push(f),
    onState: (s) => states.push(s),
    onResync: () => (resyncs += 1),
    onEnded: (close) => ended.push(close),
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    random: () => 0.5,
    setTimer: (fn, ms) => {
      const timer = { fn, ms };
      timers.push(timer);
      return timer;
    },
    clearTimer: (timer) => {
      const i = timers.indexOf(timer as { fn: () => void; ms: number });
      if (i >= 0) timers.splice(i, 1);
    },
  });
  return { client, sockets, timers, events, states, ended, resyncs: () => resyncs };
}

describe('LiveClient', () => {
  it('resumes from the last sequence after a drop, ignoring duplicates', () => {
    const h = harness();
    h.client.start();
    h.sockets[0]!.deliver({ type: 'hello', seq: 10 });
    h.sockets[0]!.deliver({ type: 'task.created', seq: 11, data: {} });
    h.sockets[0]!.deliver({ type: 'task.updated', seq: 12, data: {} });
    h.sockets[0]!.close(1006, 'network');
    expect(h.client.connectionState).toBe('reconnecting');
    h.timers.find((t) => t.ms < 25_000)!.fn();
    expect(h.sockets[1]!.url).toBe('wss://app.test/v1/live?org=acme&since=12');
    h.sockets[1]!.deliver({ type: 'hello', seq: 14 });
    h.sockets[1]!.deliver({ type: 'task.updated', seq: 12, data: {} });
    h.sockets[1]!.deliver({ type: 'task.updated', seq: 13, data: {} });
    h.sockets[1]!.deliver({ type: 'agent.status', seq: 14, data: {} });
    expect(h.events.map((e) => e.seq)).toEqual([11, 12, 13, 14]);
    expect(h.states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
  });

  it('backs off exponentially with jitter, and resets after a successful connection', () => {
    const h = harness();
    h.client.start();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      h.sockets[i]!.close(1006, 'down');
      const timer = h.timers.pop()!;
      delays.push(timer.ms);
      timer.fn();
    }
    expect(delays).toEqual([375, 750, 1500, 3000, 6000, 11250]);
    h.sockets[6]!.deliver({ type: 'hello', seq: 0 });
    h.sockets[6]!.close(1006, 'down');
    expect(h.timers.pop()!.ms).toBe(375);
  });

  it('asks the page to refetch on resync', () => {
    const h = harness();
    h.client.start();
    h.sockets[0]!.deliver({ type: 'resync', seq: 500 });
    expect(h.resyncs()).toBe(1);
    h.sockets[0]!.deliver({ type: 'task.updated', seq: 501, data: {} });
    expect(h.events.map((e) => e.seq)).toEqual([501]);
  });

  it('does not reconnect after a revocation close', () => {
    const h = harness();
    h.client.start();
    h.sockets[0]!.deliver({ type: 'hello', seq: 1 });
    h.sockets[0]!.close(4001, 'API key revoked');
    expect(h.client.connectionState).toBe('offline');
    expect(h.timers.filter((t) => t.ms < 25_000)).toHaveLength(0);
    expect(h.ended).toEqual([{ code: 4001, reason: 'API key revoked' }]);
  });

  it('reports no end when the page itself stopped, or for a drop it will reconnect after', () => {
    const h = harness();
    h.client.start();
    h.sockets[0]!.deliver({ type: 'hello', seq: 1 });
    h.sockets[0]!.close(1006, '');
    h.timers.find((t) => t.ms < 25_000)!.fn();
    h.client.stop();
    expect(h.ended).toEqual([]);
  });

  it('sends heartbeats while open', () => {
    const h = harness();
    h.client.start();
    h.sockets[0]!.deliver({ type: 'hello', seq: 1 });
    h.timers.find((t) => t.ms === 25_000)!.fn();
    expect(h.sockets[0]!.sent).toContain('{"type":"ping"}');
  });
});
