/**
 * The org's live connection for the dashboard: one WebSocket per page (LiveProvider in the
 * app shell), shared by every component through hooks. Pages stay current by revalidating
 * their loaders when an event arrives (useLiveRevalidation) and components that animate
 * (the office, a run trace) subscribe to the events themselves.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { type LiveConnectionState, type LiveFrame, LiveClient } from './live-client';

export interface PresenceViewer {
  id: string;
  type: string;
  name: string;
  connections: number;
}

interface LiveContextValue {
  state: LiveConnectionState;
  viewers: PresenceViewer[];
  subscribe(listener: (frame: LiveFrame) => void): () => void;
  /** Increments on `resync`: everything must be refetched. */
  resyncCount: number;
  /** The server closed the connection for good (access ended, org deleted), with its reason. */
  ended: LiveEnded | null;
}

export interface LiveEnded {
  code: number;
  reason: string;
}

const LiveContext = createContext<LiveContextValue | null>(null);

export function LiveProvider({ orgSlug, children }: { orgSlug: string; children: ReactNode }) {
  const [state, setState] = useState<LiveConnectionState>('connecting');
  const [viewers, setViewers] = useState<PresenceViewer[]>([]);
  const [resyncCount, setResyncCount] = useState(0);
  const [ended, setEnded] = useState<LiveEnded | null>(null);
  const listeners = useRef(new Set<(frame: LiveFrame) => void>());

  useEffect(() => {
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const client = new LiveClient({
      url: `${scheme}://${window.location.host}/v1/live?org=${encodeURIComponent(orgSlug)}`,
      onState: setState,
      onResync: () => setResyncCount((n) => n + 1),
      onEnded: setEnded,
      onEvent: (frame) => {
        if (frame.type === 'presence') setViewers(Array.isArray(frame.data?.viewers) ? frame.data.viewers : []);
        for (const listener of listeners.current) listener(frame);
      },
    });
    setEnded(null);
    client.start();
    const nudge = () => client.nudge();
    const onVisible = () => document.visibilityState === 'visible' && client.nudge();
    window.addEventListener('online', nudge);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.removeEventListener('online', nudge);
      document.removeEventListener('visibilitychange', onVisible);
      client.stop();
    };
  }, [orgSlug]);

  const subscribe = useCallback((listener: (frame: LiveFrame) => void) => {
    listeners.current.add(listener);
    return () => void listeners.current.delete(listener);
  }, []);

  const value = useMemo(
    () => ({ state, viewers, subscribe, resyncCount, ended }),
    [state, viewers, subscribe, resyncCount, ended],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

/** The live context, or null outside the dashboard (public pages). */
export function useLive(): LiveContextValue | null {
  return useContext(LiveContext);
}

/** Calls `onEvent` for every live event while mounted. */
export function useLiveEvents(onEvent: (frame: LiveFrame) => void): void {
  const live = useLive();
  const latest = useRef(onEvent);
  latest.current = onEvent;
  useEffect(() => live?.subscribe((frame) => latest.current(frame)), [live]);
}
