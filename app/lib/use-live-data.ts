import { useActionData, useLocation, useNavigation, useRevalidator } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { useLive } from './live';

/**
 * Revalidates only when the Worker answers: around a network loss a failed refetch would
 * replace the whole page with an error. Resolves to whether it revalidated.
 */
async function revalidateWhenReachable(revalidate: () => void): Promise<boolean> {
  if (!navigator.onLine) return false;
  const reachable = await fetch('/v1/ping', { cache: 'no-store' }).then(
    async (res) => {
      // Only the status matters; an unread body would keep the request open.
      await res.body?.cancel();
      return res.ok;
    },
    () => false,
  );
  if (reachable) revalidate();
  return reachable;
}

/** Events that only animate (steps, presence) do not change what loaders return. */
const NO_REFETCH = new Set(['run.step', 'presence']);

/**
 * Keeps the page's loader data live. Every dashboard page that shows state the OrgHub changes
 * (tasks, agents, messages, schedules, activity) calls this one hook, so how "live" works is
 * decided here alone: while the org's WebSocket (LiveProvider) is open, the route's loaders
 * re-run shortly after each state-changing event (coalesced, so a burst costs one refetch)
 * and after a `resync`; while it is connecting or down, they re-run every `intervalMs` as a
 * fallback, and at once when the tab becomes visible again.
 *
 * It never revalidates while a form is being submitted or a page is loading: Remix
 * revalidates after every action anyway, and a refresh racing a submission would only waste work.
 */
export function useLiveRevalidation(intervalMs = 2000, coalesceMs = 150): void {
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  const live = useLive();
  // The latest values, read by long-lived timers without restarting them on every render.
  const latest = useRef({ revalidator, busy: false });
  latest.current = { revalidator, busy: navigation.state !== 'idle' || revalidator.state !== 'idle' };
  const connected = live?.state === 'open';

  // Event-driven refresh while the socket is open. Keyed on the stable `subscribe`, not on
  // `live`: that object changes with every presence or state change, and re-running this
  // effect would clear a refresh that an event had just scheduled.
  const subscribe = live?.subscribe;
  useEffect(() => {
    if (!subscribe) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let missed = false;
    const flush = () => {
      timer = undefined;
      if (!navigator.onLine) {
        // A refetch now would fail and replace the page with an error: wait for the network.
        missed = true;
        return;
      }
      if (latest.current.busy) {
        // Try again once the page is idle, so a change during a submission is not lost.
        missed = true;
        timer = setTimeout(flush, coalesceMs);
        return;
      }
      missed = false;
      // Coming back from a network loss, the socket can deliver before HTTP works again.
      void revalidateWhenReachable(() => latest.current.revalidator.revalidate()).then((done) => {
        if (!done) {
          missed = true;
          timer ??= setTimeout(flush, 1_000);
        }
      });
    };
    const unsubscribe = subscribe((frame) => {
      if (NO_REFETCH.has(frame.type) || timer) return;
      timer = setTimeout(flush, missed ? 0 : coalesceMs);
    });
    const onOnline = () => {
      if (missed && !timer) timer = setTimeout(flush, 0);
    };
    window.addEventListener('online', onOnline);
    return () => {
      unsubscribe();
      window.removeEventListener('online', onOnline);
      clearTimeout(timer);
    };
  }, [subscribe, coalesceMs]);

  // A resync (or a reconnect after missing events) means: refetch everything now.
  const resyncs = live?.resyncCount ?? 0;
  useEffect(() => {
    if (resyncs > 0 && !latest.current.busy)
      void revalidateWhenReachable(() => latest.current.revalidator.revalidate());
  }, [resyncs]);
  const wasConnected = useRef(connected);
  useEffect(() => {
    // The socket opened while this page was showing: refetch once. On a page load the data was
    // read on the server before the socket existed, and an event in between (a run finishing
    // while the page hydrated) would never reach it; after a drop, what changed may be older
    // than the replay reaches. A page opened with the socket already open needs nothing.
    if (connected && !wasConnected.current && !latest.current.busy) {
      void revalidateWhenReachable(() => latest.current.revalidator.revalidate());
    }
    wasConnected.current = connected;
  }, [connected]);

  // Polling fallback while the socket is not open.
  useEffect(() => {
    if (connected) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = async () => {
      if (document.visibilityState !== 'visible' || latest.current.busy) return;
      // While the socket is down the server may be too.
      await revalidateWhenReachable(() => !latest.current.busy && latest.current.revalidator.revalidate());
    };
    const schedule = () => {
      clearTimeout(timer);
      if (document.visibilityState !== 'visible') return;
      timer = setTimeout(() => {
        void refresh();
        schedule();
      }, intervalMs);
    };
    const onVisibilityChange = () => {
      if (document.visibilityState === 'visible') void refresh();
      schedule();
    };
    schedule();
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, [intervalMs, connected]);
}

/**
 * `useActionData` that survives live refreshes. Remix drops a route's action data whenever its
 * loaders are revalidated outside a submission, so a form's errors or "Saved." would vanish
 * within one refresh. This keeps the last result until the user navigates elsewhere (a new
 * location), exactly as it behaves on a page that is not live.
 */
export function useLiveActionData<T>(): ReturnType<typeof useActionData<T>> {
  const actionData = useActionData<T>();
  const { key } = useLocation();
  const kept = useRef<{ key: string; data: typeof actionData } | null>(null);
  if (actionData != null) kept.current = { key, data: actionData };
  return actionData ?? (kept.current?.key === key ? kept.current.data : undefined);
}
