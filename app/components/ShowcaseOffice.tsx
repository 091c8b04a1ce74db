import { useEffect, useState } from 'react';
import { Office, type OfficeAgent, type OfficeEvent, type OfficeSubscribe } from './office';
import { OfficePreview } from './OfficePreview';

interface Snapshot {
  live: boolean;
  seq: number;
  agents: OfficeAgent[];
}

type Mode = { kind: 'static' } | { kind: 'live'; agents: OfficeAgent[]; subscribe: OfficeSubscribe };

/** Reconnects after a dropped socket before giving up and showing the picture again. */
const MAX_RETRIES = 3;
const PING_MS = 25_000;

/**
 * The landing page's office: the static picture (what the server renders, and what stays
 * without JavaScript, when every live seat is taken, or on any error) until the shared,
 * read-only showcase org (core/showcase.ts) answers; then the dashboard's own office, fed by
 * `/showcase/snapshot` and the events of `/showcase/live?since=` after it.
 */
export function ShowcaseOffice({ onLive }: { onLive?(live: boolean): void }) {
  const [mode, setMode] = useState<Mode>({ kind: 'static' });

  useEffect(() => {
    let stopped = false;
    let socket: WebSocket | null = null;
    let ping: ReturnType<typeof setInterval> | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    const listeners = new Set<(event: OfficeEvent) => void>();
    // Events that arrive before the office has subscribed wait here (it ignores repeats by seq).
    let pending: OfficeEvent[] = [];
    const subscribe: OfficeSubscribe = (listener) => {
      listeners.add(listener);
      for (const event of pending) listener(event);
      pending = [];
      return () => listeners.delete(listener);
    };
    const fallBack = () => {
      if (stopped) return;
      stopped = true;
      setMode({ kind: 'static' });
      onLive?.(false);
    };

    const connect = (agents: OfficeAgent[], since: number, attempt: number) => {
      const protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
      const ws = new WebSocket(`${protocol}//${window.location.host}/showcase/live?since=${since}`);
      socket = ws;
      let last = since;
      let opened = false;
      ws.onmessage = (message) => {
        let frame: OfficeEvent & { type: string };
        try {
          frame = JSON.parse(String(message.data));
        } catch {
          return;
        }
        if (frame.type === 'hello') {
          if (!opened) {
            opened = true;
            ping = setInterval(() => ws.readyState === 1 && ws.send('{"type":"ping"}'), PING_MS);
            if (attempt === 0) {
              setMode({ kind: 'live', agents, subscribe });
              onLive?.(true);
            }
          }
          return;
        }
        if (typeof frame.seq !== 'number' || frame.seq <= last) return;
        last = frame.seq;
        if (listeners.size === 0) pending.push(frame);
        for (const listener of listeners) listener(frame);
      };
      ws.onclose = (event) => {
        if (ping) clearInterval(ping);
        ping = null;
        if (stopped) return;
        // Full (429 before the upgrade shows as 1006 without a hello), refused, or gone: the picture.
        if (!opened || event.code === 1013 || attempt >= MAX_RETRIES) return fallBack();
        retry = setTimeout(() => connect(agents, last, attempt + 1), 1000 * 2 ** attempt);
      };
    };

    fetch('/showcase/snapshot', { headers: { Accept: 'application/json' } })
      .then((res) => (res.ok ? (res.json() as Promise<Snapshot>) : null))
      .then((snapshot) => {
        if (stopped || !snapshot?.live || !snapshot.agents?.length) return;
        connect(snapshot.agents, snapshot.seq, 0);
      })
      .catch(() => undefined);

    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      if (ping) clearInterval(ping);
      socket?.close(1000, 'page closed');
    };
  }, [onLive]);

  if (mode.kind === 'static')
    return (
      <div data-showcase="static" className="px-2 py-4 sm:px-6 sm:py-6">
        <OfficePreview />
      </div>
    );
  return (
    <div data-showcase="live">
      <Office agents={mode.agents} subscribe={mode.subscribe} readOnly className="min-h-[300px]" />
    </div>
  );
}
