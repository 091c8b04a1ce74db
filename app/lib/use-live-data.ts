import { useActionData, useLocation, useNavigation, useRevalidator } from '@remix-run/react';
import { useEffect, useRef } from 'react';

/**
 * Keeps the page's loader data live. Every dashboard page that shows state the OrgHub changes
 * (tasks, agents, messages, schedules, activity) calls this one hook, so how "live" works is
 * decided here alone: today it re-runs the route's loaders every `intervalMs` while the tab
 * is visible (and at once when it becomes visible again); later it can revalidate on the
 * org WebSocket's events instead, without touching the pages.
 *
 * It never revalidates while a form is being submitted or a page is loading: Remix
 * revalidates after every action anyway, and a poll racing a submission would only waste work.
 */
export function useLiveRevalidation(intervalMs = 2000): void {
  const revalidator = useRevalidator();
  const navigation = useNavigation();
  // The latest values, read by the long-lived timer without restarting it on every render.
  const latest = useRef({ revalidator, busy: false });
  latest.current = { revalidator, busy: navigation.state !== 'idle' || revalidator.state !== 'idle' };

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      if (document.visibilityState !== 'visible' || latest.current.busy) return;
      // A click that navigates meanwhile aborts this refresh; that is expected, not an error.
      void Promise.resolve(latest.current.revalidator.revalidate()).catch(() => {});
    };
    const schedule = () => {
      clearTimeout(timer);
      if (document.visibilityState !== 'visible') return;
      timer = setTimeout(() => {
        refresh();
        schedule();
      }, intervalMs);
    };
    const onVisibilityChange = () => {
      if (document.visibilityState === 'visible') refresh();
      schedule();
    };
    schedule();
    document.addEventListener('visibilitychange', onVisibilityChange);
    return () => {
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisibilityChange);
    };
  }, [intervalMs]);
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
